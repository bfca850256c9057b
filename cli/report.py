"""What-if comparisons as one self-contained HTML page, in the caller's language.

The page shows the comparison (the metrics of `exports.comparison`, named in words, rates
and scores as percentages, each variant's change against the base coloured by whether it
is better), bar charts on scales that show the differences, a short glossary, the
expectations, and per variant who moved and who is unmatched (mentees and mentors apart),
named beside their ids, with reasons in words. No script and no external resource (inline
CSS, inline SVG); every text from the caller (scenario names, names, ids, reasons) is
escaped, so the page opens anywhere and prints whole: long tables fold away on screen but
are printed in full.
"""

from __future__ import annotations

from html import escape

from cli.charts import chart
from cli.expectations import in_words
from exports import Directory, Number, named
from exports.comparison import (
    LOWER_IS_BETTER,
    METRICS,
    NO_DELTA_SHOWN,
    NOT_JUDGED,
    Check,
    deltas,
    kind_of,
    scenario_name,
    scenarios,
    values,
)
from exports.numbers import shown
from exports.words import metric_help, metric_label, status_word, unmatched_reason, word
from solver.contract.whatif import Outcome, ScenarioResponse, VariantOutcome

CHARTS = ["match_rate", "mean_score", "min_score", "cross_share.department"]
FOLD_AFTER = 10  # rows; longer tables are folded in <details> on screen

STYLE = """
*, *::before, *::after { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2733;
       margin: 1.5rem auto; max-width: 1260px; padding: 0 1rem; }
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
.comparison th, .comparison td { padding: .3rem .35rem; }
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
svg text.tick { font-size: 11px; fill: #5c6b7a; }
.glossary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
            margin: .3rem 0 1rem; }
.glossary dt { font-weight: 600; } .glossary dd { margin: 0; color: #4a5868; }
.note { color: #4a5868; font-style: italic; }
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


def _comparison_cell(
    metric: str, value: float, delta: float | None, judged: bool, language: str
) -> str:
    """A number, and under it its change, green when better and red when worse."""
    kind = kind_of(metric)
    text = escape(shown(Number(value, kind), language))
    if delta is not None and metric not in NO_DELTA_SHOWN:
        change = shown(Number(delta, kind, signed=True), language)
        verdict = ""
        if judged and change.startswith(("+", "-")) and metric not in NOT_JUDGED:
            better = (delta < 0) == (metric in LOWER_IS_BETTER)
            verdict = " better" if better else " worse"
        text += f'<span class="change{verdict}">({escape(change)})</span>'
    return f'<td class="num">{text}</td>'


def _comparison_row(outcome: Outcome, result: ScenarioResponse, language: str) -> str:
    base = result.base
    mine = values(outcome)
    change = deltas(outcome, base) if outcome is not base else {}
    # An infeasible answer has no pairs: its zeros are not better or worse, only absent.
    judged = "infeasible" not in (outcome.status, base.status)
    status = ' class="infeasible"' if outcome.status == "infeasible" else ""
    cells = [f"<td>{escape(scenario_name(outcome, result, language))}</td>"]
    cells.append(f"<td{status}>{escape(status_word(language, outcome.status))}</td>")
    for metric in METRICS:
        if metric in mine:
            cells.append(
                _comparison_cell(metric, mine[metric], change.get(metric), judged, language)
            )
        else:
            cells.append('<td class="num"></td>')
    row_class = ' class="base"' if outcome is base else ""
    return f"<tr{row_class}>{''.join(cells)}</tr>"


def _comparison(result: ScenarioResponse, language: str) -> str:
    head = f"<th>{escape(word(language, 'report.scenario'))}</th>"
    head += f"<th>{escape(word(language, 'metric.status'))}</th>"
    head += "".join(f'<th class="num">{escape(metric_label(language, m))}</th>' for m in METRICS)
    rows = "".join(_comparison_row(o, result, language) for o in scenarios(result))
    table = f'<table class="comparison"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
    return f'<div class="wide">{table}</div>'


def _glossary(language: str) -> str:
    entries = "".join(
        f"<dt>{escape(metric_label(language, m))}</dt><dd>{escape(metric_help(language, m))}</dd>"
        for m in METRICS
    )
    return (
        f'<h3>{escape(word(language, "report.glossary"))}</h3><dl class="glossary">{entries}</dl>'
    )


def _table(header: list[str], rows: list[list[str]], language: str) -> str:
    """A plain table of caller text; folded on screen (printed whole) past FOLD_AFTER rows."""
    if not rows:
        return f"<p>{escape(word(language, 'report.none'))}</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    table = f'<table class="details"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    if len(rows) <= FOLD_AFTER:
        return table
    summary = escape(word(language, "report.rows", n=len(rows)))
    return (
        f'<details class="folded"><summary>{summary}</summary>{table}</details>'
        f'<div class="print-only">{table}</div>'
    )


def _moved(variant: VariantOutcome, people: Directory, language: str) -> str:
    nobody = word(language, "report.nobody")
    rows = [
        [named(people.mentee(c.mentee))]
        + [named(people.mentor(m)) if m else nobody for m in (c.before, c.after)]
        for c in variant.changed_pairs
    ]
    header = [word(language, f"report.column.{key}") for key in ("mentee", "before", "after")]
    title = escape(word(language, "report.pairs_moved", n=len(rows)))
    return f"<h3>{title}</h3>{_table(header, rows, language)}"


def _unmatched(variant: VariantOutcome, role: str, people: Directory, language: str) -> str:
    rows = [
        [named(people.of(u.role, u.id)), unmatched_reason(language, u.reason), u.detail]
        for u in variant.unmatched
        if u.role == role
    ]
    header = [word(language, f"report.column.{key}") for key in (role, "reason", "detail")]
    title = escape(word(language, f"report.unmatched_{role}s", n=len(rows)))
    return f"<h3>{title}</h3>{_table(header, rows, language)}"


def _variant_section(variant: VariantOutcome, people: Directory, language: str) -> str:
    notes = "".join(f'<p class="note">{escape(text)}</p>' for text in variant.warnings)
    return (
        f'<section class="variant"><h2>{escape(variant.name)}</h2>{notes}'
        f"{_moved(variant, people, language)}"
        f"{_unmatched(variant, 'mentee', people, language)}"
        f"{_unmatched(variant, 'mentor', people, language)}</section>"
    )


def _expectations(checks: list[Check], language: str) -> str:
    if not checks:
        return f"<p>{escape(word(language, 'report.none_stated'))}</p>"
    met = sum(ok for _, _, ok in checks)
    rows = "".join(
        f'<tr><td><span class="badge {"pass" if ok else "fail"}">'
        f"{escape(word(language, 'report.pass' if ok else 'report.fail'))}</span></td>"
        f'<td>{escape(name)}</td><td title="{escape(text)}">{escape(in_words(text, language))}'
        "</td></tr>"
        for name, text, ok in checks
    )
    head = "".join(
        f"<th>{escape(word(language, f'report.column.{key}'))}</th>"
        for key in ("result", "scenario", "expectation")
    )
    said = escape(word(language, "report.met", met=met, n=len(checks)))
    return (
        f'<p>{said}</p><table class="expectations"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def page(title: str, language: str, body: str) -> str:
    """A whole page around its body: the language, the style, nothing loaded from elsewhere."""
    return (
        f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>{body}</body></html>\n"
    )


def html_report(
    title: str,
    result: ScenarioResponse,
    checks: list[Check],
    language: str = "en",
    people: Directory | None = None,
) -> str:
    """One page: the comparison, bar charts, the glossary, the expectations, and per variant
    who moved and who is unmatched."""
    people = people or Directory()
    charts = "".join(chart(result, metric, k, language) for k, metric in enumerate(CHARTS))
    variants = "".join(_variant_section(v, people, language) for v in result.variants)
    lead = escape(word(language, "report.lead", n=len(result.variants)))
    kicker = escape(word(language, "report.title"))
    body = (
        f'<header><h1>{escape(title)}</h1><p class="lead"><strong>{kicker}</strong> — {lead}</p>'
        f"</header><main><h2>{escape(word(language, 'report.comparison'))}</h2>"
        f"{_comparison(result, language)}{_glossary(language)}"
        f"<h2>{escape(word(language, 'report.charts'))}</h2>"
        f'<p class="lead">{escape(word(language, "report.charts.lead"))}</p>'
        f'<div class="charts">{charts}</div>'
        f"<h2>{escape(word(language, 'report.expectations'))}</h2>{_expectations(checks, language)}"
        f"{variants}</main>"
    )
    return page(title, language, body)
