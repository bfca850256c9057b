"""A program played round by round: first match, then feedback and re-match, again and again.

    title: A mentoring year at the example company
    pool: examples/company_pool.json          # the first match's request
    expect: [match_rate >= 0.75]              # on the first match
    rounds:
      - name: mid-year review
        feedback:                             # by mentee: about their current pair
          - {mentee: e0061, rating: 1, by: mentee, comment: never logged}
          - {mentee: e0077, rating: 5}
          - {mentee: e0059, end: true, by: mentor}
        leaving: [m0024]
        join: {mentees: examples/new_mentees.json}   # a list, or a JSON file
        expect: [ended == 4, kept >= 2, status == optimal]

Each round is a `/v1/rematch` on the pool as it stands (leavers gone, joiners in, pairs
ended in earlier rounds added to `program.forbidden`, as a platform would), with the
previous round's pairs as `current`. Whatever the file expects, every round is checked
for the program's promises: an ended pair never re-forms (in any later round), a
well-rated pair stays, and nobody is dropped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from scenarios.files import EXPECTATION, ScenarioFileError, compare_value, json_file
from solver import MatchRequest, SolveOptions, match
from solver.contract.rematch import RematchRequest, RematchResponse
from solver.rematch import rematch
from solver.roster import without_people
from solver.whatif import flat_metrics, outcome

Pair = tuple[str, str]


@dataclass
class RoundResult:
    name: str
    status: str
    counts: dict[str, float]  # kept, ended, moved, new, and the result's flat metrics
    checks: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class Play:
    title: str
    rounds: list[RoundResult]

    @property
    def passed(self) -> bool:
        return all(ok for r in self.rounds for _, ok in r.checks)


def _feedback(entries: list[dict[str, Any]], mentor_of: dict[str, str], where: str) -> list[Any]:
    found = []
    for k, entry in enumerate(entries):
        mentee = entry.get("mentee")
        if mentee not in mentor_of:
            raise ScenarioFileError(f"{where}: feedback {k}: {mentee!r} has no current mentor")
        found.append({**entry, "mentor": mentor_of[mentee]})
    return found


def _expect(texts: list[str], observed: dict[str, float | str]) -> list[tuple[str, bool]]:
    checks = []
    for text in texts:
        parsed = EXPECTATION.match(text)
        if parsed is None:
            raise ScenarioFileError(f"expectation {text!r} is not 'metric op value'")
        metric, op, wanted = parsed.groups()
        if metric not in observed:
            checks.append((f"{text} (unknown metric)", False))
        else:
            checks.append((text, compare_value(observed[metric], op, wanted)))
    return checks


def _promises(answer: RematchResponse, ended_ever: set[Pair], keep: set[Pair]) -> list[Any]:
    made = {(p.mentor, p.mentee) for p in answer.result.pairings}
    kept = {(n.mentor, n.mentee) for n in answer.kept}
    return [
        ("no ended pair re-formed", not made & ended_ever),
        ("every well-rated pair kept", keep <= kept),
    ]


def play(path: Path, options: SolveOptions | None = None) -> Play:
    """Run every round of a program file; the result says what each round did and checked."""
    spec = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(spec, dict) or "pool" not in spec:
        raise ScenarioFileError(f"{path}: a program file has a pool and rounds")
    pool = json_file(path.parent / spec["pool"])
    first = match(MatchRequest.model_validate(pool), options)
    observed: dict[str, float | str] = {**flat_metrics(outcome("first", first))}
    observed["status"] = first.status
    results = [
        RoundResult("first match", first.status, {}, _expect(spec.get("expect") or [], observed))
    ]
    results[0].counts = {k: v for k, v in observed.items() if isinstance(v, float | int)}
    current = [{"mentor": p.mentor, "mentee": p.mentee} for p in first.pairings]
    ended_ever: set[Pair] = set()
    for k, step in enumerate(spec.get("rounds") or []):
        where = f"{path}: round {k} ({step.get('name', '?')})"
        joined = step.get("join") or {}
        for side in ("mentors", "mentees"):
            people = joined.get(side) or []
            people = json_file(path.parent / people) if isinstance(people, str) else people
            pool = {**pool, side: [*pool[side], *people]}
        mentor_of = {p["mentee"]: p["mentor"] for p in current}
        request = RematchRequest.model_validate(
            {
                "pool": pool,
                "current": current,
                "feedback": _feedback(step.get("feedback") or [], mentor_of, where),
                "leaving": step.get("leaving") or [],
            }
        )
        answer = rematch(request, options)
        ended_ever |= {(n.mentor, n.mentee) for n in answer.ended}
        rating_keep = request.pool.program.rematch.keep_rating
        keep = {
            (f.mentor, f.mentee)
            for f in request.feedback
            if f.rating is not None and f.rating >= rating_keep and not f.end
        } - {(n.mentor, n.mentee) for n in answer.ended}
        counts: dict[str, float | str] = {
            **flat_metrics(outcome(step.get("name", str(k)), answer.result)),
            "status": answer.result.status,
            "kept": float(len(answer.kept)),
            "ended": float(len(answer.ended)),
            "moved": float(len(answer.moved)),
            "new": float(len(answer.new)),
        }
        checks = _promises(answer, ended_ever, keep) + _expect(step.get("expect") or [], counts)
        numbers = {k: float(v) for k, v in counts.items() if not isinstance(v, str)}
        results.append(
            RoundResult(step.get("name", f"round {k + 1}"), answer.result.status, numbers, checks)
        )
        pool = without_people(pool, set(request.leaving))
        program = dict(pool.get("program") or {})  # ended pairs stay forbidden from now on
        program["forbidden"] = [
            *program.get("forbidden", []),
            *(
                {"mentor": n.mentor, "mentee": n.mentee}
                for n in answer.ended
                if n.reason in ("low_rating", "end_requested")
            ),
        ]
        pool = {**pool, "program": program}
        current = [{"mentor": p.mentor, "mentee": p.mentee} for p in answer.result.pairings]
    return Play(str(spec.get("title") or path.stem), results)


def is_program_file(path: Path) -> bool:
    """Program files have rounds; scenario files have variants."""
    spec = yaml.safe_load(path.read_text("utf-8"))
    return isinstance(spec, dict) and "rounds" in spec


COLUMNS = ["status", "matched_mentees", "match_rate", "mean_score", "kept", "ended", "moved", "new"]


def _rows(result: Play) -> list[list[str]]:
    rows = [["round", *COLUMNS]]
    for r in result.rounds:
        cells = [r.name, r.status]
        for column in COLUMNS[1:]:
            value = r.counts.get(column)
            cells.append("" if value is None else f"{value:g}")
        rows.append(cells)
    return rows


def play_table(result: Play) -> str:
    """The rounds side by side, for a terminal."""
    rows = _rows(result)
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows
    )


def play_csv(result: Play) -> str:
    """The same table as CSV."""
    out = io.StringIO()
    csv.writer(out).writerows(_rows(result))
    return out.getvalue()
