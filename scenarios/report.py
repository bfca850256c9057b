"""Scenario comparisons as a terminal table, a CSV and one self-contained HTML page.

The HTML page has no script and no external resource: inline CSS and SVG bar
charts, every user-given text escaped, so it opens anywhere (and prints).
"""

from __future__ import annotations

import csv
import io
from html import escape

from scenarios.whatif import Outcome, ScenarioResponse, VariantOutcome, flat_metrics

Check = tuple[str, str, bool]  # scenario name, expectation, met

NUMBERS = [
    "match_rate",
    "matched_mentees",
    "mean_score",
    "min_score",
    "first_choice_rate",
    "cross_share.department",
    "blocking_pairs",
    "unmatched",
]
LOWER_IS_BETTER = {"blocking_pairs", "unmatched", "changed_pairs"}
CHARTS = ["match_rate", "mean_score", "min_score", "cross_share.department"]


def _scenarios(result: ScenarioResponse) -> list[Outcome]:
    return [result.base, *result.variants]


def _values(outcome: Outcome) -> dict[str, float]:
    values = flat_metrics(outcome)
    if isinstance(outcome, VariantOutcome):
        values["changed_pairs"] = float(len(outcome.changed_pairs))
    return values


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def _delta(value: float) -> str:
    return ("+" if value > 0 else "") + _number(round(value, 6))


def _cells(outcome: Outcome, base: Outcome) -> list[str]:
    mine, theirs = _values(outcome), _values(base)
    cells = [outcome.name, outcome.status]
    for metric in [*NUMBERS, "changed_pairs"]:
        if metric not in mine:
            cells.append("")
            continue
        text = _number(mine[metric])
        if outcome is not base and metric in theirs and mine[metric] != theirs[metric]:
            text += f" ({_delta(mine[metric] - theirs[metric])})"
        cells.append(text)
    cells.append(f"{outcome.solve_seconds:.2f}")
    return cells


HEADER = ["scenario", "status", *NUMBERS, "changed_pairs", "solve_s"]


def text_table(result: ScenarioResponse) -> str:
    """The scenarios side by side, each variant's change against the base in brackets."""
    rows = [HEADER] + [_cells(o, result.base) for o in _scenarios(result)]
    widths = [max(len(row[c]) for row in rows) for c in range(len(HEADER))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def csv_table(result: ScenarioResponse) -> str:
    """One row per scenario: status, each metric and its change against the base."""
    metrics = [*NUMBERS, "changed_pairs"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["scenario", "status", *(f"{m}{suffix}" for m in metrics for suffix in ("", "_delta"))]
    )
    theirs = _values(result.base)
    for outcome in _scenarios(result):
        mine = _values(outcome)
        row: list[str | float] = [outcome.name, outcome.status]
        for metric in metrics:
            value = mine.get(metric)
            delta = value - theirs[metric] if value is not None and metric in theirs else None
            row += ["" if value is None else value, "" if delta is None else round(delta, 6)]
        writer.writerow(row)
    return out.getvalue()


STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px;
       color: #1d2733; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; font-size: 1.2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid #dde3ea; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f3f6f9; font-weight: 600; }
.wide { overflow-x: auto; } .wide table { font-size: 13px; }
.wide th { vertical-align: bottom; } .wide td:first-child { white-space: nowrap; }
.better { color: #17803d; } .worse { color: #b42318; }
.pass { color: #17803d; font-weight: 600; } .fail { color: #b42318; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: .3rem; }
@media print { details { display: block; } }
"""


def _breakable(name: str) -> str:
    """A metric name that may wrap after its dots and underscores."""
    return escape(name).replace("_", "_<wbr>").replace(".", ".<wbr>")


def _comparison(result: ScenarioResponse) -> str:
    head = "".join(f"<th>{_breakable(h)}</th>" for h in HEADER)
    theirs = _values(result.base)
    rows = []
    for outcome in _scenarios(result):
        mine = _values(outcome)
        cells = [f"<td>{escape(outcome.name)}</td>", f"<td>{escape(outcome.status)}</td>"]
        for metric in [*NUMBERS, "changed_pairs"]:
            if metric not in mine:
                cells.append("<td></td>")
                continue
            text = escape(_number(mine[metric]))
            if outcome is not result.base and metric in theirs:
                change = mine[metric] - theirs[metric]
                if change:
                    good = (change < 0) == (metric in LOWER_IS_BETTER)
                    kind = "better" if good else "worse"
                    text += f' <span class="{kind}">({escape(_delta(change))})</span>'
            cells.append(f"<td>{text}</td>")
        cells.append(f"<td>{outcome.solve_seconds:.2f}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return f'<div class="wide">{table}</div>'


def _chart(result: ScenarioResponse, metric: str) -> str:
    """A horizontal bar per scenario, scaled to the largest value (at least 1 for shares)."""
    outcomes = _scenarios(result)
    values = [_values(o).get(metric, 0.0) for o in outcomes]
    top = max([*values, 1.0])
    bar, label, height = 260, 170, 22
    parts = []
    for k, (outcome, value) in enumerate(zip(outcomes, values, strict=True)):
        y = k * (height + 6)
        width = bar * value / top
        colour = "#8aa4bf" if k == 0 else "#2f6fae"
        parts.append(
            f'<text x="0" y="{y + 15}" font-size="12">{escape(outcome.name[:28])}</text>'
            f'<rect x="{label}" y="{y}" width="{width:.1f}" height="{height}" fill="{colour}"/>'
            f'<text x="{label + width + 4:.1f}" y="{y + 15}" font-size="12">'
            f"{escape(_number(value))}</text>"
        )
    total = len(outcomes) * (height + 6)
    return (
        f'<figure><figcaption>{escape(metric)}</figcaption><svg xmlns="http://www.w3.org/2000/svg"'
        f' width="{label + bar + 60}" height="{total}" role="img" aria-label="{escape(metric)}">'
        f"{''.join(parts)}</svg></figure>"
    )


def _table(header: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if len(rows) > 10:
        return f"<details><summary>{len(rows)} rows</summary>{table}</details>"
    return table


def _variant_details(variant: VariantOutcome) -> str:
    moved = [
        [c.mentee, c.before or "unmatched", c.after or "unmatched"] for c in variant.changed_pairs
    ]
    unmatched = [[u.id, u.role, u.reason, u.detail] for u in variant.unmatched]
    return (
        f"<h2>{escape(variant.name)}</h2><h3>Pairs moved</h3>"
        f"{_table(['mentee', 'before', 'after'], moved)}"
        f"<h3>Unmatched</h3>{_table(['id', 'role', 'reason', 'detail'], unmatched)}"
    )


def html_report(title: str, result: ScenarioResponse, checks: list[Check]) -> str:
    """One page: the comparison, bar charts, the expectations, and per variant who moved."""
    expectations = "".join(
        f'<li><span class="{"pass" if ok else "fail"}">{"pass" if ok else "FAIL"}</span> '
        f"{escape(name)}: {escape(text)}</li>"
        for name, text, ok in checks
    )
    charts = "".join(_chart(result, metric) for metric in CHARTS)
    details = "".join(_variant_details(v) for v in result.variants)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>binome what-if comparison: every variant against the "
        f"base; changes in brackets, green when better.</p>"
        f"<h2>Comparison</h2>{_comparison(result)}"
        f'<h2>Metrics</h2><div class="charts">{charts}</div>'
        f"<h2>Expectations</h2><ul>{expectations or '<li>None stated.</li>'}</ul>"
        f"{details}</body></html>\n"
    )
