"""A match answer's indicators in words, each with its value and what it means.

Status ("proven optimal", "best found, within 0.4 % of the optimum", "impossible: …"),
the pool's size, matched and unmatched mentees, unmatched mentors apart, match rate, mean
and lowest score, first-choice rate, the cross-department share (and each attribute a
diversity rule asks for) and blocking pairs.
"""

from __future__ import annotations

from exports.numbers import shown
from exports.tables import Cell, Number, Table, share, whole
from exports.words import metric_help, metric_label, status_sentence, word
from solver import MatchRequest, MatchResponse

Indicator = tuple[str, Cell]  # metric name, its value


def status_text(answer: MatchResponse, language: str) -> str:
    gap = shown(Number(answer.gap, "percent"), language)
    return status_sentence(language, answer.status, gap, [c.detail for c in answer.conflicts])


def indicators(request: MatchRequest, answer: MatchResponse) -> list[Indicator]:
    """The summary's metrics, in reading order."""
    metrics = answer.metrics
    unmatched = {
        role: sum(u.role == role for u in answer.unmatched) for role in ("mentee", "mentor")
    }
    found: list[Indicator] = [
        ("mentees", whole(len(request.mentees))),
        ("mentors", whole(len(request.mentors))),
        ("matched_mentees", whole(metrics.matched_mentees)),
        ("match_rate", share(metrics.match_rate)),
        ("unmatched_mentees", whole(unmatched["mentee"])),
        ("unmatched_mentors", whole(unmatched["mentor"])),
        ("mean_score", share(metrics.mean_score)),
        ("min_score", share(metrics.min_score)),
        ("first_choice_rate", share(metrics.first_choice_rate)),
    ]
    found += [(f"cross_share.{a}", share(v)) for a, v in metrics.cross_share.items()]
    return [*found, ("blocking_pairs", whole(metrics.blocking_pairs))]


def summary_rows(indicators: list[Indicator], language: str) -> list[list[Cell]]:
    return [
        [metric_label(language, metric), value, metric_help(language, metric) or None]
        for metric, value in indicators
    ]


def summary_table(language: str, status: str, rows: list[list[Cell]]) -> Table:
    headers = [word(language, f"export.column.{key}") for key in ("indicator", "value", "meaning")]
    first: list[Cell] = [word(language, "metric.status"), status, metric_help(language, "status")]
    return Table(word(language, "export.sheet.summary"), headers, [first, *rows])


def summary(request: MatchRequest, answer: MatchResponse, language: str) -> Table:
    """The Summary sheet: indicator, value, what it means."""
    rows = summary_rows(indicators(request, answer), language)
    return summary_table(language, status_text(answer, language), rows)
