"""Scenario reports: a terminal table, a CSV and one self-contained, escaped HTML page, in
English or French, metrics in words, rates as percentages, names beside ids."""

from __future__ import annotations

import json
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from exported import csv_rows

from cli.charts import chart, scale
from cli.report import html_report
from cli.text import text_table
from exports import comparison_book, scenario_directory, write
from exports.comparison import METRICS
from solver import SolveOptions
from solver.contract.whatif import ScenarioRequest, ScenarioResponse
from solver.messages import catalogue
from solver.whatif import flat_metrics, run_scenarios

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script>"
BASE = json.loads((ROOT / "scenarios" / "examples" / "company_pool.json").read_text("utf-8"))
VARIANTS = [
    {"name": "capacity 1", "patch": {"program": {"mentor_capacity": 1}}},
    {"name": HOSTILE, "remove": ["m0001"]},
]
REQUEST = ScenarioRequest.model_validate({"base": BASE, "variants": VARIANTS})
PEOPLE = scenario_directory(REQUEST)
NAMES = {p["id"]: p["name"] for p in [*BASE["mentors"], *BASE["mentees"]]}


@pytest.fixture(scope="module")
def result() -> ScenarioResponse:
    return run_scenarios(REQUEST)


class Page(HTMLParser):
    """Every start tag with its attributes, the headings, and each table row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: list[list[str]] = []
        self.headings: list[str] = []
        self.cell: list[str] | None = None
        self.heading: list[str] | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag in ("h1", "h2", "h3"):
            self.heading = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag in ("h1", "h2", "h3") and self.heading is not None:
            self.headings.append("".join(self.heading).strip())
            self.heading = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for collecting in (self.cell, self.heading):
            if collecting is not None:
                collecting.append(data)

    def names(self) -> list[str]:
        return [tag for tag, _ in self.tags]


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def test_the_text_table_has_a_line_per_scenario_with_changes(result: ScenarioResponse) -> None:
    lines = text_table(result, "en").splitlines()
    assert len(lines) == 1 + 1 + len(result.variants)
    assert re.split(r"\s{2,}", lines[0])[:3] == ["Scenario", "Status", "Match rate"]
    assert [line.split("  ")[0] for line in lines[1:]] == ["base", "capacity 1", HOSTILE]
    base, variant = flat_metrics(result.base), flat_metrics(result.variants[0])
    change = (variant["match_rate"] - base["match_rate"]) * 100
    assert f"{variant['match_rate']:.1%} ({change:+.1f}%)" in lines[2]


def test_the_text_table_keeps_a_name_with_control_characters_on_one_line(
    result: ScenarioResponse,
) -> None:
    renamed = result.variants[0].model_copy(update={"name": "two\nlines\x1b[31m"})
    lines = text_table(result.model_copy(update={"variants": [renamed]})).splitlines()
    assert len(lines) == 3 and lines[2].startswith("two?lines?[31m ")


def test_the_csv_has_each_metric_and_its_change(result: ScenarioResponse, tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    write(path, comparison_book(result, [], PEOPLE, "en"), result, "en")
    rows = csv_rows(path, ",")
    assert [r["Scenario"] for r in rows] == ["base", "capacity 1", HOSTILE]
    base = flat_metrics(result.base)
    assert float(rows[0]["Match rate"]) == pytest.approx(base["match_rate"], abs=1e-4)
    assert float(rows[0]["Match rate: change"]) == 0
    for row, variant in zip(rows[1:], result.variants, strict=True):
        mine = flat_metrics(variant)
        assert float(row["Match rate"]) == pytest.approx(mine["match_rate"], abs=1e-4)
        assert float(row["Match rate: change"]) == pytest.approx(
            mine["match_rate"] - base["match_rate"], abs=1e-4
        )
        assert int(row["Pairs moved"]) == len(variant.changed_pairs)
        assert int(row["Unmatched mentees"]) == sum(u.role == "mentee" for u in variant.unmatched)
        assert int(row["Unmatched mentors"]) == sum(u.role == "mentor" for u in variant.unmatched)
    assert float(rows[1]["Match rate: change"]) < 0  # capacity 1 leaves mentees out


def test_the_page_is_self_contained_and_escapes_every_name(result: ScenarioResponse) -> None:
    page = html_report(f"Title {HOSTILE}", result, [], "en", PEOPLE)
    parsed = parse(page)
    assert parsed.names().count("svg") == 4 and parsed.names().count("table") >= 1
    assert HOSTILE not in page and escape(HOSTILE) in page
    assert "script" not in parsed.names() and "<script" not in page.lower()
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"\b(src|href)\s*=|@import|url\((?!#)", page)
    assert '<meta charset="utf-8">' in page and '<html lang="en">' in page
    header, *scenarios = parsed.rows[: 1 + 1 + len(result.variants)]
    assert header[:4] == ["Scenario", "Status", "Match rate", "Matched mentees"]
    assert len(header) == 2 + len(METRICS)
    assert [row[0] for row in scenarios] == ["base", "capacity 1", HOSTILE]
    assert scenarios[0][1] == "proven optimal"


def test_the_page_colours_each_change_by_whether_higher_is_better(
    result: ScenarioResponse,
) -> None:
    page = html_report("t", result, [], "en", PEOPLE)
    for variant in result.variants:
        row = page.split(f"<td>{escape(variant.name)}</td>", 1)[1].split("</tr>", 1)[0]
        for metric, better_when_lower in [("match_rate", False), ("blocking_pairs", True)]:
            change = variant.delta[metric]
            if change == 0:
                continue
            better = (change < 0) == better_when_lower
            shown = f"{change * 100:+.1f}%" if metric == "match_rate" else f"{change:+.0f}"
            kind = "better" if better else "worse"
            assert f'<span class="change {kind}">({shown})</span>' in row


def test_the_page_marks_each_expectation_and_names_who_moved(result: ScenarioResponse) -> None:
    checks = [("capacity 1", "match_rate >= 0.9", False), (HOSTILE, "match_rate >= 0.5", True)]
    parsed = parse(html_report("t", result, checks, "en", PEOPLE))
    assert ["FAIL", "capacity 1", "Match rate ≥ 90%"] in parsed.rows  # expectations in words
    assert ["pass", HOSTILE, "Match rate ≥ 50%"] in parsed.rows
    moved = result.variants[0].changed_pairs
    assert len(moved) > 10 and "details" in parsed.names()  # long lists fold on screen
    first = moved[0]
    who = [f"{NAMES[first.mentee]} ({first.mentee})"]
    who += [f"{NAMES[m]} ({m})" if m else "unmatched" for m in (first.before, first.after)]
    assert who in parsed.rows
    gone = [c for c in result.variants[1].changed_pairs if c.after is None]
    before = gone[0].before
    assert before is not None
    row = [f"{NAMES[gone[0].mentee]} ({gone[0].mentee})", f"{NAMES[before]} ({before})"]
    assert [*row, "unmatched"] in parsed.rows


def test_the_unmatched_are_split_into_mentees_and_mentors_with_reasons_in_words(
    result: ScenarioResponse,
) -> None:
    parsed = parse(html_report("t", result, [], "en", PEOPLE))
    variant = result.variants[1]
    mentees = [u for u in variant.unmatched if u.role == "mentee"]
    mentors = [u for u in variant.unmatched if u.role == "mentor"]
    assert f"Unmatched mentees ({len(mentees)})" in parsed.headings
    assert f"Unmatched mentors ({len(mentors)})" in parsed.headings
    words = catalogue("en")
    for person in (mentees[0], mentors[0]):
        row = [
            f"{NAMES[person.id]} ({person.id})",
            words[f"reason.unmatched.{person.reason}"],
            person.detail,
        ]
        assert row in parsed.rows


def test_the_french_page_says_everything_in_french(result: ScenarioResponse) -> None:
    french = run_scenarios(REQUEST, SolveOptions(language="fr"))
    page = html_report("Titre", french, [("capacity 1", "match_rate >= 0.9", False)], "fr", PEOPLE)
    parsed = parse(page)
    assert '<html lang="fr">' in page
    assert {"Comparaison", "Indicateurs", "Attendus", "Ce que signifient les indicateurs"} <= set(
        parsed.headings
    )
    assert any(h.startswith("Binômes modifiés (") for h in parsed.headings)
    assert any(h.startswith("Mentoré·es sans binôme (") for h in parsed.headings)
    assert any(h.startswith("Mentors sans binôme (") for h in parsed.headings)
    base = parsed.rows[1]
    assert base[:3] == ["base", "optimum prouvé", "80,0\u00a0%"]
    assert ["ÉCHEC", "capacity 1", "Taux d'appariement ≥ 90\u00a0%"] in parsed.rows
    visible = " ".join(parsed.text).replace("capacity 1", "").replace(HOSTILE, "")
    raw = [m for m in [*METRICS, "cross_share"] if m in visible]
    assert raw == []
    codes = {u.reason for o in [french.base, *french.variants] for u in o.unmatched}
    assert codes and not [code for code in codes if re.search(rf"\b{code}\b", visible)]
    assert "0.8000" not in visible and "0,8000" not in visible


def test_a_chart_s_scale_starts_just_below_the_smallest_value() -> None:
    low, high, step = scale([0.534, 0.530])
    assert low < 0.530 < 0.534 <= high and high - low <= 0.01
    assert scale([0.8, 0.45, 1.0]) == pytest.approx((0.4, 1.0, 0.2))
    assert scale([0.0, 0.3])[0] == 0.0  # never below 0 for values that are not negative
    low, high, _ = scale([0.5, 0.5])
    assert low < 0.5 <= high


def test_each_bar_shows_its_value_on_a_labelled_axis(result: ScenarioResponse) -> None:
    svg = chart(result, "mean_score", 0, "fr")
    bars = re.findall(r'width="([\d.]+)" height="20" fill="#(?:8aa4bf|2f6fae)"', svg)
    lengths = [float(width) for width in bars]
    assert len(lengths) == 3 and max(lengths) - min(lengths) > 50  # differences show
    values = re.findall(r'<text class="value"[^>]*>([^<]+)</text>', svg)
    assert values[0] == "53,4\u00a0%"
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]+)</text>', svg)
    assert len(ticks) >= 3 and all(t.endswith("\u00a0%") for t in ticks)
