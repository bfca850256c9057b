"""Inline SVG bar charts, one per metric, one bar per scenario, on a scale that shows the
differences: the axis starts just below the smallest value (never below 0) and ends at
the largest, at round steps, each step labelled, and every bar carries its value.

No script, no external resource; every text from the caller is escaped.
"""

from __future__ import annotations

import math
from html import escape

from exports import Number
from exports.comparison import kind_of, scenario_name, scenarios, values
from exports.numbers import shown
from exports.tables import Kind
from exports.words import metric_label, word
from solver import ScenarioResponse

LABEL, BAR, HEIGHT, GAP, AXIS, VALUE = 200, 300, 20, 6, 30, 70
NICE = (1.0, 2.0, 2.5, 5.0)


def nice_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `raw`."""
    power = 10.0 ** math.floor(math.log10(raw))
    return next((n * power for n in NICE if n * power >= raw * (1 - 1e-9)), 10 * power)


def scale(found: list[float]) -> tuple[float, float, float]:
    """(low, high, step): an axis from a round value just below the smallest value (0 at
    the lowest, for values that are not negative) to the round value at or above the
    largest, in about four steps."""
    smallest, largest = min(found), max(found)
    span = largest - smallest or abs(largest) * 0.1 or 0.1
    step = nice_step(span / 4)
    low = math.floor(round(smallest / step, 9)) * step
    if low > smallest - step / 4:
        low -= step
    if smallest >= 0:
        low = max(low, 0.0)
    high = max(math.ceil(round(largest / step, 9)) * step, low + step)
    return low, high, step


def places_for(step: float, kind: str) -> int:
    """Decimals that tell the steps apart (shares are shown as percentages)."""
    shown_step = step * 100 if kind == "percent" else step
    return max(0, -math.floor(math.log10(shown_step) + 1e-9))


def _axis(low: float, high: float, step: float, top: int, kind: Kind, language: str) -> str:
    ticks, count = [], round((high - low) / step)
    for k in range(count + 1):
        value = low + k * step
        x = LABEL + BAR * k / count
        text = escape(shown(Number(value, kind), language, places_for(step, kind)))
        ticks.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + 5}" stroke="#5c6b7a"/>'
            f'<text class="tick" x="{x:.1f}" y="{top + 18}" text-anchor="middle">{text}</text>'
        )
    line = f'<line x1="{LABEL}" y1="{top}" x2="{LABEL + BAR}" y2="{top}" stroke="#5c6b7a"/>'
    return line + "".join(ticks)


def _name(k: int, name: str) -> str:
    short = name if len(name) <= 30 else name[:29] + "…"
    y = k * (HEIGHT + GAP) + 14
    return f'<text x="0" y="{y}"><title>{escape(name)}</title>{escape(short)}</text>'


def _bar(k: int, name: str, text: str, length: float) -> str:
    """Scenario k's bar: its track, its length on the scale, its value after it."""
    y, colour = k * (HEIGHT + GAP), "#8aa4bf" if k == 0 else "#2f6fae"
    return (
        f"<g><title>{escape(name)}: {escape(text)}</title>"
        f'<rect x="{LABEL}" y="{y}" width="{BAR}" height="{HEIGHT}" fill="#eef2f6"/>'
        f'<rect x="{LABEL}" y="{y}" width="{max(length, 0.0):.1f}" height="{HEIGHT}" '
        f'fill="{colour}"/><text class="value" x="{LABEL + BAR + 6}" y="{y + 14}">'
        f"{escape(text)}</text></g>"
    )


def chart(result: ScenarioResponse, metric: str, index: int, language: str) -> str:
    """One metric's bars, on its own scale, the axis labelled under them."""
    outcomes = scenarios(result)
    found = [values(o).get(metric, 0.0) for o in outcomes]
    low, high, step = scale(found)
    kind, places = kind_of(metric), places_for(step, kind_of(metric))
    names, bars = [], []
    for k, (outcome, value) in enumerate(zip(outcomes, found, strict=True)):
        name = scenario_name(outcome, result, language)
        text = shown(Number(value, kind), language, max(1, places))
        names.append(_name(k, name))
        bars.append(_bar(k, name, text, BAR * (value - low) / (high - low)))
    top = len(outcomes) * (HEIGHT + GAP) - GAP
    total, wide, clip = top + AXIS, LABEL + BAR + VALUE, f"chart-names-{index}"
    label = metric_label(language, metric)
    aria = escape(word(language, "report.chart_label", metric=label))
    return (
        f"<figure><figcaption>{escape(label)}</figcaption>"
        f'<svg width="{wide}" height="{total}" viewBox="0 0 {wide} {total}" role="img" '
        f'aria-label="{aria}"><clipPath id="{clip}"><rect width="{LABEL - 8}" '
        f'height="{top}"/></clipPath><g clip-path="url(#{clip})">{"".join(names)}</g>'
        f"{''.join(bars)}{_axis(low, high, step, top + 4, kind, language)}</svg></figure>"
    )
