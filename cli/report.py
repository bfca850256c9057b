"""Scenario comparisons as a terminal table, a CSV and one self-contained HTML page.

Every report shows the same columns (`COLUMNS`), one row per scenario, base first. A
variant's number carries its change against the base, except `changed_pairs`, which is
already a count of differences from the base (0 for the base itself). The HTML page has
no script and no external resource (inline CSS, inline SVG bar charts); every text that
comes from the caller (scenario names, ids, reasons) is escaped, so it opens anywhere and
prints whole: long tables fold away on screen but are printed in full.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from html import escape

from solver.contract.whatif import Outcome, ScenarioResponse, VariantOutcome
from solver.whatif import flat_metrics

Check = tuple[str, str, bool]  # scenario name, expectation, met


COLUMNS = [
    "status",
    "match_rate",
    "matched_mentees",
    "mean_score",
    "min_score",
    "first_choice_rate",
    "cross_share.department",
    "blocking_pairs",
    "unmatched",
    "changed_pairs",
    "solve_seconds",
]


NUMBERS = COLUMNS[1:]


COUNTS = {"matched_mentees", "blocking_pairs", "unmatched", "changed_pairs"}


LOWER_IS_BETTER = {"blocking_pairs", "unmatched", "changed_pairs"}


NO_DELTA_SHOWN = {"changed_pairs"}  # already a difference from the base


NOT_JUDGED = {"solve_seconds"}  # timing noise: its change is shown, never coloured


CHARTS = ["match_rate", "mean_score", "min_score", "cross_share.department"]


FOLD_AFTER = 10  # rows; longer tables are folded in <details> on screen


NAME_WIDTH = 40  # characters of a scenario name in the terminal table


def _scenarios(result: ScenarioResponse) -> list[Outcome]:
    return [result.base, *result.variants]


def _values(outcome: Outcome) -> dict[str, float]:
    """Every number of COLUMNS for one scenario (a missing metric is simply absent)."""
    values = flat_metrics(outcome)
    changed = outcome.changed_pairs if isinstance(outcome, VariantOutcome) else []
    values["changed_pairs"] = float(len(changed))
    values["solve_seconds"] = outcome.solve_seconds
    return values


def _deltas(outcome: Outcome, base: Outcome) -> dict[str, float]:
    """Each number minus the base's: the solver's own `delta` where it has one."""
    mine, theirs = _values(outcome), _values(base)
    own = outcome.delta if isinstance(outcome, VariantOutcome) else {}
    return {
        metric: own.get(metric, round(mine[metric] - theirs[metric], 6))
        for metric in NUMBERS
        if metric in mine and metric in theirs
    }


def _number(metric: str, value: float) -> str:
    if metric in COUNTS:
        return str(round(value))
    return f"{value:.2f}" if metric == "solve_seconds" else f"{value:.4f}"


def _change(metric: str, delta: float) -> str:
    """A signed change in the metric's own precision; no sign on a change that rounds to 0."""
    text = _number(metric, abs(delta))
    if text.strip("0.") == "":
        return text
    return ("+" if delta > 0 else "-") + text


def _printable(name: str) -> str:
    """A name safe for one terminal line: control characters (escapes, newlines) become '?'."""
    return "".join(c if c.isprintable() else "?" for c in name)


def _width(text: str) -> int:
    """Terminal columns: wide (East Asian) characters take two, combining marks none."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text_row(outcome: Outcome, base: Outcome) -> list[str]:
    values = _values(outcome)
    deltas = _deltas(outcome, base) if outcome is not base else {}
    cells = [_shorten(_printable(outcome.name), NAME_WIDTH), _printable(outcome.status)]
    for metric in NUMBERS:
        if metric not in values:
            cells.append("")
            continue
        cell = _number(metric, values[metric])
        if metric in deltas and metric not in NO_DELTA_SHOWN:
            cell += f" ({_change(metric, deltas[metric])})"
        cells.append(cell)
    return cells


def text_table(result: ScenarioResponse) -> str:
    """The scenarios side by side, one line each, a variant's change against the base in
    brackets; names and status left-aligned, numbers right-aligned."""
    rows = [["scenario", *COLUMNS]] + [_text_row(o, result.base) for o in _scenarios(result)]
    widths = [max(_width(row[c]) for row in rows) for c in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell + " " * (width - _width(cell)) if c < 2 else " " * (width - _width(cell)) + cell
            for c, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _csv_value(metric: str, value: float) -> int | float:
    return round(value) if metric in COUNTS else value


def csv_table(result: ScenarioResponse) -> str:
    """One row per scenario: status, then each number and its change against the base
    (0 on the base's row; `changed_pairs_delta` equals `changed_pairs`)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["scenario", "status", *(f"{m}{s}" for m in NUMBERS for s in ("", "_delta"))])
    for outcome in _scenarios(result):
        values, deltas = _values(outcome), _deltas(outcome, result.base)
        row: list[str | int | float] = [outcome.name, outcome.status]
        for metric in NUMBERS:
            if metric in values and metric in deltas:
                row += [_csv_value(metric, values[metric]), _csv_value(metric, deltas[metric])]
            else:
                row += ["", ""]
        writer.writerow(row)
    return out.getvalue()


STYLE = """
*, *::before, *::after { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2733;
       margin: 1.5rem auto; max-width: 1200px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #dde3ea; }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
.lead { color: #4a5868; margin: 0; }
table { border-collapse: collapse; margin: .3rem 0 1rem; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid #dde3ea; text-align: left;
         vertical-align: top; }
th { background: #f3f6f9; font-weight: 600; vertical-align: bottom; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.comparison { width: 100%; font-size: 13px; }
.comparison td:first-child { min-width: 9rem; max-width: 16rem; overflow-wrap: anywhere;
                             font-weight: 600; }
.comparison tr.base td { background: #f8fafc; }
.change { display: block; font-size: 12px; color: #5c6b7a; }
.better { color: #17803d; } .worse { color: #b42318; }
.infeasible { color: #b42318; font-weight: 600; }
.wide { overflow-x: auto; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(540px, 1fr));
          gap: 1rem 2rem; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: .3rem; }
figure svg { max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #1d2733; }
.badge { display: inline-block; min-width: 3.2em; text-align: center; border-radius: 3px;
         font-weight: 700; font-size: 12px; padding: 0 .3em; }
.badge.pass { background: #dcf3e4; color: #17803d; }
.badge.fail { background: #fde2e0; color: #b42318; }
.variant { break-inside: avoid-page; }
.variant h2 { overflow-wrap: anywhere; }
.details td { overflow-wrap: anywhere; }
summary { cursor: pointer; color: #2f6fae; }
.print-only { display: none; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 11px; }
  .comparison { font-size: 10px; } .comparison .change { font-size: 9px; }
  .comparison th, .comparison td { padding: .2rem .3rem; }
  .comparison td:first-child { min-width: 6rem; }
  .wide { overflow: visible; }
  .charts { grid-template-columns: 1fr 1fr; }
  h2, h3 { break-after: avoid; }
  tr { break-inside: avoid; }
  details.folded { display: none; }
  .print-only { display: block; }
}
"""


def _breakable(name: str) -> str:
    """A metric name that may wrap after its dots and underscores."""
    return escape(name).replace("_", "_<wbr>").replace(".", ".<wbr>")


def _comparison_cell(metric: str, value: float, delta: float | None, judged: bool) -> str:
    """A number, and under it its change, green when better and red when worse."""
    text = escape(_number(metric, value))
    if delta is not None and metric not in NO_DELTA_SHOWN:
        kind = ""
        moved = _change(metric, delta).startswith(("+", "-"))
        if judged and moved and metric not in NOT_JUDGED:
            better = (delta < 0) == (metric in LOWER_IS_BETTER)
            kind = " better" if better else " worse"
        text += f'<span class="change{kind}">({escape(_change(metric, delta))})</span>'
    return f'<td class="num">{text}</td>'


def _comparison_row(outcome: Outcome, base: Outcome) -> str:
    values = _values(outcome)
    deltas = _deltas(outcome, base) if outcome is not base else {}
    # An infeasible answer has no pairs: its zeros are not better or worse, only absent.
    judged = "infeasible" not in (outcome.status, base.status)
    status = ' class="infeasible"' if outcome.status == "infeasible" else ""
    cells = [f"<td>{escape(outcome.name)}</td>", f"<td{status}>{escape(outcome.status)}</td>"]
    for metric in NUMBERS:
        if metric in values:
            cells.append(_comparison_cell(metric, values[metric], deltas.get(metric), judged))
        else:
            cells.append('<td class="num"></td>')
    row_class = ' class="base"' if outcome is base else ""
    return f"<tr{row_class}>{''.join(cells)}</tr>"


def _comparison(result: ScenarioResponse) -> str:
    head = "<th>scenario</th><th>status</th>" + "".join(
        f'<th class="num">{_breakable(m)}</th>' for m in NUMBERS
    )
    rows = "".join(_comparison_row(o, result.base) for o in _scenarios(result))
    table = f'<table class="comparison"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    return f'<div class="wide">{table}</div>'


def _chart(result: ScenarioResponse, metric: str, index: int) -> str:
    """A horizontal bar per scenario on a 0–1 scale (wider if a value passes 1); names too
    long for the label column are cut, and clipped should wide letters still overflow."""
    outcomes = _scenarios(result)
    values = [_values(o).get(metric, 0.0) for o in outcomes]
    top = max([*values, 1.0])
    label, bar, height, gap = 200, 280, 20, 6
    total = len(outcomes) * (height + gap) - gap
    names, bars = [], []
    for k, (outcome, value) in enumerate(zip(outcomes, values, strict=True)):
        y, shown = k * (height + gap), escape(_number(metric, value))
        width = bar * max(value, 0.0) / top
        colour = "#8aa4bf" if k == 0 else "#2f6fae"
        names.append(
            f'<text x="0" y="{y + 14}"><title>{escape(outcome.name)}</title>'
            f"{escape(_shorten(outcome.name, 30))}</text>"
        )
        bars.append(
            f"<g><title>{escape(outcome.name)}: {shown}</title>"
            f'<rect x="{label}" y="{y}" width="{bar}" height="{height}" fill="#eef2f6"/>'
            f'<rect x="{label}" y="{y}" width="{width:.1f}" height="{height}" fill="{colour}"/>'
            f'<text x="{label + bar + 6}" y="{y + 14}">{shown}</text></g>'
        )
    clip = f"chart-names-{index}"
    return (
        f"<figure><figcaption>{escape(metric)}</figcaption>"
        f'<svg width="{label + bar + 60}" height="{total}" viewBox="0 0 {label + bar + 60} '
        f'{total}" role="img" aria-label="{escape(metric)} per scenario">'
        f'<clipPath id="{clip}"><rect width="{label - 8}" height="{total}"/></clipPath>'
        f'<g clip-path="url(#{clip})">{"".join(names)}</g>{"".join(bars)}</svg></figure>'
    )


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A plain table of caller text; folded on screen (printed whole) past FOLD_AFTER rows."""
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    table = f'<table class="details"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    if len(rows) <= FOLD_AFTER:
        return table
    return (
        f'<details class="folded"><summary>{len(rows)} rows</summary>{table}</details>'
        f'<div class="print-only">{table}</div>'
    )


def _variant_section(variant: VariantOutcome) -> str:
    moved = [
        [c.mentee, c.before or "unmatched", c.after or "unmatched"] for c in variant.changed_pairs
    ]
    unmatched = [[u.id, u.role, u.reason, u.detail] for u in variant.unmatched]
    return (
        f'<section class="variant"><h2>{escape(variant.name)}</h2>'
        f"<h3>Pairs moved ({len(moved)})</h3>{_table(['mentee', 'before', 'after'], moved)}"
        f"<h3>Unmatched ({len(unmatched)})</h3>"
        f"{_table(['id', 'role', 'reason', 'detail'], unmatched)}</section>"
    )


def _expectations(checks: list[Check]) -> str:
    if not checks:
        return "<p>None stated.</p>"
    met = sum(ok for _, _, ok in checks)
    rows = "".join(
        f'<tr><td><span class="badge {"pass" if ok else "fail"}">'
        f"{'pass' if ok else 'FAIL'}</span></td>"
        f"<td>{escape(name)}</td><td>{escape(text)}</td></tr>"
        for name, text, ok in checks
    )
    return (
        f'<p>{met} of {len(checks)} met.</p><table class="expectations"><thead><tr>'
        f"<th>result</th><th>scenario</th><th>expectation</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def html_report(title: str, result: ScenarioResponse, checks: list[Check]) -> str:
    """One page: the comparison, bar charts, the expectations, and per variant who moved."""
    charts = "".join(_chart(result, metric, k) for k, metric in enumerate(CHARTS))
    variants = "".join(_variant_section(v) for v in result.variants)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<header><h1>{escape(title)}</h1><p class="lead">binome what-if comparison: '
        f"{len(result.variants)} variant(s) against the base. Changes against the base in "
        "brackets, green when better, red when worse (fewer blocking pairs, unmatched and "
        "changed pairs is better).</p></header>"
        f"<main><h2>Comparison</h2>{_comparison(result)}"
        f'<h2>Metrics</h2><div class="charts">{charts}</div>'
        f"<h2>Expectations</h2>{_expectations(checks)}"
        f"{variants}</main></body></html>\n"
    )
