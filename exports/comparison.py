"""What-if comparisons as a book: the scenarios side by side, who moved, who is left out,
and what the manager expected.

Every report of a comparison (this book, the terminal table and the HTML page) shows the
same metrics (`METRICS`), one row per scenario, base first. A variant's number carries its
change against the base, except `changed_pairs`, already a count of differences from the
base. Rates and scores are shares (percentages), counts whole numbers.
"""

from __future__ import annotations

from exports.people import Directory, Someone
from exports.tables import Book, Cell, Kind, Number, Table
from exports.words import metric_label, role_word, status_word, unmatched_reason, word
from solver.contract.response import Unmatched
from solver.contract.whatif import Outcome, ScenarioResponse, VariantOutcome
from solver.whatif import flat_metrics

Check = tuple[str, str, bool]  # scenario name, expectation, met

METRICS = [
    "match_rate",
    "matched_mentees",
    "mean_score",
    "min_score",
    "first_choice_rate",
    "cross_share.department",
    "blocking_pairs",
    "unmatched_mentees",
    "unmatched_mentors",
    "changed_pairs",
    "solve_seconds",
]
COUNTS = {"matched_mentees", "blocking_pairs", "unmatched_mentees", "unmatched_mentors"}
COUNTS |= {"unmatched", "changed_pairs", "matched_volunteers", "kept", "ended", "moved", "new"}
DECIMALS = {"solve_seconds", "objective"}
LOWER_IS_BETTER = {"blocking_pairs", "unmatched_mentees", "unmatched_mentors", "changed_pairs"}
NO_DELTA_SHOWN = {"changed_pairs"}  # already a difference from the base
NOT_JUDGED = {"solve_seconds"}  # timing noise: its change is shown, never coloured


def kind_of(metric: str) -> Kind:
    if metric in COUNTS:
        return "whole"
    return "decimal" if metric in DECIMALS else "percent"


def scenarios(result: ScenarioResponse) -> list[Outcome]:
    return [result.base, *result.variants]


def values(outcome: Outcome) -> dict[str, float]:
    """Every number of METRICS for one scenario (a missing metric is simply absent)."""
    found = flat_metrics(outcome)
    changed = outcome.changed_pairs if isinstance(outcome, VariantOutcome) else []
    found["changed_pairs"] = float(len(changed))
    found["solve_seconds"] = outcome.solve_seconds
    return found


def deltas(outcome: Outcome, base: Outcome) -> dict[str, float]:
    """Each number minus the base's: the solver's own `delta` where it has one."""
    mine, theirs = values(outcome), values(base)
    own = outcome.delta if isinstance(outcome, VariantOutcome) else {}
    return {
        metric: own.get(metric, round(mine[metric] - theirs[metric], 6))
        for metric in METRICS
        if metric in mine and metric in theirs
    }


def scenario_name(outcome: Outcome, result: ScenarioResponse, language: str) -> str:
    return word(language, "report.base") if outcome is result.base else outcome.name


def _comparison_row(outcome: Outcome, result: ScenarioResponse, language: str) -> list[Cell]:
    mine, change = values(outcome), deltas(outcome, result.base)
    row: list[Cell] = [scenario_name(outcome, result, language)]
    row.append(status_word(language, outcome.status))
    for metric in METRICS:
        kind = kind_of(metric)
        row.append(Number(mine[metric], kind) if metric in mine else None)
        if metric not in NO_DELTA_SHOWN:
            row.append(Number(change[metric], kind, signed=True) if metric in change else None)
    return row


def comparison_table(result: ScenarioResponse, language: str) -> Table:
    """One row per scenario: status, then each number and its change against the base."""
    headers = [word(language, "export.column.scenario"), word(language, "metric.status")]
    for metric in METRICS:
        headers.append(metric_label(language, metric))
        if metric not in NO_DELTA_SHOWN:
            label = metric_label(language, metric)
            headers.append(word(language, "export.column.change", metric=label))
    rows = [_comparison_row(outcome, result, language) for outcome in scenarios(result)]
    return Table(word(language, "export.sheet.comparison"), headers, rows)


def _side(someone: Someone | None) -> list[Cell]:
    return [None, None] if someone is None else [someone.name, someone.id]


def moved_table(result: ScenarioResponse, people: Directory, language: str) -> Table:
    keys = ["scenario", "mentee", "mentee_id", "before", "before_id", "after", "after_id"]
    headers = [word(language, f"export.column.{key}") for key in keys]
    rows: list[list[Cell]] = [
        [variant.name, *_side(people.mentee(change.mentee))]
        + _side(people.mentor(change.before) if change.before else None)
        + _side(people.mentor(change.after) if change.after else None)
        for variant in result.variants
        for change in variant.changed_pairs
    ]
    return Table(word(language, "export.sheet.moved"), headers, rows)


def _unmatched_row(scenario: str, u: Unmatched, people: Directory, language: str) -> list[Cell]:
    name = people.of(u.role, u.id).name
    reason = unmatched_reason(language, u.reason)
    return [scenario, name, u.id, role_word(language, u.role), reason, u.detail]


def unmatched_table(result: ScenarioResponse, people: Directory, language: str) -> Table:
    keys = ["scenario", "name", "id", "role", "reason", "detail"]
    headers = [word(language, f"export.column.{key}") for key in keys]
    rows = [
        _unmatched_row(scenario_name(outcome, result, language), u, people, language)
        for outcome in scenarios(result)
        for u in outcome.unmatched
    ]
    return Table(word(language, "export.sheet.unmatched"), headers, rows)


def expectations_table(checks: list[Check], language: str) -> Table:
    keys = ["scenario", "expectation", "result"]
    headers = [word(language, f"export.column.{key}") for key in keys]
    rows: list[list[Cell]] = [
        [name, text, word(language, "report.pass" if met else "report.fail")]
        for name, text, met in checks
    ]
    return Table(word(language, "export.sheet.expectations"), headers, rows)


def comparison_book(
    result: ScenarioResponse, checks: list[Check], people: Directory, language: str
) -> Book:
    """The comparison's workbook (Comparison, Pairs moved, Unmatched, Expectations) and its
    CSV table (the comparison)."""
    table = comparison_table(result, language)
    sheets = [table, moved_table(result, people, language)]
    sheets += [unmatched_table(result, people, language), expectations_table(checks, language)]
    return Book(sheets, table)
