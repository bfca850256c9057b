"""Expectations as a manager reads them: `match_rate >= 0.75` → "Match rate ≥ 75 %",
`status == optimal` → "Statut = optimum prouvé". A text that is not `metric op value`
(or names a metric binome does not know) is shown as written."""

from __future__ import annotations

from exports import Number
from exports.comparison import kind_of
from exports.numbers import shown
from exports.words import metric_label, status_word
from scenarios.files import EXPECTATION

OPERATORS = {">=": "≥", "<=": "≤", "==": "=", "!=": "≠", ">": ">", "<": "<"}


def _value(metric: str, wanted: str, language: str) -> str:
    if metric == "status":
        return status_word(language, wanted)
    try:
        value = float(wanted)
    except ValueError:
        return wanted
    kind = kind_of(metric)
    places = None
    if kind == "percent":
        places = next(p for p in range(7) if round(value * 100, p) == round(value * 100, 6))
    return shown(Number(value, kind), language, places)


def in_words(text: str, language: str) -> str:
    found = EXPECTATION.match(text)
    if found is None:
        return text
    metric, op, wanted = found.groups()
    label = metric_label(language, metric)
    if label == metric and metric != "status":
        return text  # a metric binome does not know: as written
    return f"{label} {OPERATORS[op]} {_value(metric, wanted, language)}"
