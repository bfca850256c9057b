"""Tables for a terminal: what-if scenarios side by side, pairs and unmatched people with
names beside ids, a re-match's changes. Every header and word comes from the message
files; numbers are written the language's way.
"""

from __future__ import annotations

import unicodedata

from exports import Directory, Number, named
from exports.comparison import METRICS, NO_DELTA_SHOWN, deltas, kind_of, scenarios, values
from exports.numbers import shown
from exports.words import metric_label, role_word, status_word, unmatched_reason, word
from solver import MatchResponse, RematchResponse, ScenarioResponse

NAME_WIDTH = 40  # characters of a scenario name in the terminal table
DETAIL_WIDTH = 70


TYPOGRAPHIC_SPACES = "\u00a0\u202f"  # French typography's no-break spaces: shown, not '?'


def printable(text: str) -> str:
    """Text safe for one terminal line: control characters (escapes, newlines) become '?';
    the no-break spaces of French typography (`formats.typeset`) stay."""
    return "".join(c if c.isprintable() or c in TYPOGRAPHIC_SPACES else "?" for c in text)


def width(text: str) -> int:
    """Terminal columns: wide (East Asian) characters take two, combining marks none."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lines(rows: list[list[str]], left: int) -> str:
    """Rows aligned in columns: the first `left` columns to the left, the others (numbers)
    to the right."""
    widths = [max(width(row[c]) for row in rows) for c in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [
            cell + " " * (w - width(cell)) if c < left else " " * (w - width(cell)) + cell
            for c, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def _scenario_row(outcome_index: int, result: ScenarioResponse, language: str) -> list[str]:
    outcome = scenarios(result)[outcome_index]
    mine = values(outcome)
    change = deltas(outcome, result.base) if outcome is not result.base else {}
    name = word(language, "report.base") if outcome is result.base else outcome.name
    cells = [shorten(printable(name), NAME_WIDTH), status_word(language, outcome.status)]
    for metric in METRICS:
        cell = shown(Number(mine[metric], kind_of(metric)), language) if metric in mine else ""
        if metric in change and metric not in NO_DELTA_SHOWN:
            moved = shown(Number(change[metric], kind_of(metric), signed=True), language)
            cell += f" ({moved})"
        cells.append(cell)
    return cells


def text_table(result: ScenarioResponse, language: str = "en") -> str:
    """The scenarios side by side, one line each, a variant's change against the base in
    brackets; names and status left-aligned, numbers right-aligned."""
    header = [word(language, "report.scenario"), word(language, "metric.status")]
    header += [metric_label(language, metric) for metric in METRICS]
    rows = [_scenario_row(k, result, language) for k in range(len(scenarios(result)))]
    return lines([header, *rows], 2)


def pairs_text(answer: MatchResponse, people: Directory, language: str) -> str:
    """The pairs, best first, then the unmatched, with names beside ids."""
    header = [word(language, f"export.column.{key}") for key in ("rank", "mentor", "mentee")]
    rows = [
        [str(p.rank), printable(named(people.mentor(p.mentor)))]
        + [printable(named(people.mentee(p.mentee))), shown(Number(p.score, "percent"), language)]
        for p in answer.pairings
    ]
    table = lines([[*header, word(language, "export.column.score")], *rows], 3)
    alone = [
        [printable(named(people.of(u.role, u.id))), role_word(language, u.role)]
        + [unmatched_reason(language, u.reason)]
        for u in answer.unmatched
    ]
    title = word(language, "cli.table.pairs", n=len(rows))
    if not alone:
        return f"{title}\n{table}"
    head = [word(language, f"export.column.{key}") for key in ("name", "role", "reason")]
    missing = word(language, "cli.table.unmatched", n=len(alone))
    return f"{title}\n{table}\n\n{missing}\n{lines([head, *alone], 3)}"


def changes_text(result: RematchResponse, people: Directory, language: str) -> str:
    """What a re-match changed (ended, moved, new), with names beside ids."""
    head = [word(language, f"export.column.{key}") for key in ("outcome", "mentor", "mentee")]
    rows = []
    for outcome in ("ended", "new"):
        for note in getattr(result, outcome):
            rows.append(
                [word(language, f"export.outcome.{outcome}"), named(people.mentor(note.mentor))]
            )
            rows[-1] += [named(people.mentee(note.mentee)), shorten(note.detail, DETAIL_WIDTH)]
    for move in result.moved:
        rows.append([word(language, "export.outcome.moved"), named(people.mentor(move.before))])
        rows[-1] += [named(people.mentee(move.mentee)), shorten(move.detail, DETAIL_WIDTH)]
    header = [*head, word(language, "export.column.reason")]
    title = word(language, "cli.table.changes", n=len(rows))
    return f"{title}\n{lines([header, *[[printable(c) for c in row] for row in rows]], 4)}"
