"""Scenario reports: a terminal table, a CSV and one self-contained, escaped HTML page."""

from __future__ import annotations

import csv
import io
import json
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cli.report import COLUMNS, csv_table, html_report, text_table
from solver.contract.whatif import ScenarioRequest, ScenarioResponse
from solver.whatif import flat_metrics, run_scenarios

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def result() -> ScenarioResponse:
    base = json.loads((ROOT / "scenarios" / "examples" / "company_pool.json").read_text("utf-8"))
    variants = [
        {"name": "capacity 1", "patch": {"program": {"mentor_capacity": 1}}},
        {"name": HOSTILE, "remove": ["m0001"]},
    ]
    return run_scenarios(ScenarioRequest.model_validate({"base": base, "variants": variants}))


class Page(HTMLParser):
    """Every start tag, and the text of each table row's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def test_the_text_table_has_a_line_per_scenario_with_deltas(result: ScenarioResponse) -> None:
    lines = text_table(result).splitlines()
    assert len(lines) == 1 + 1 + len(result.variants)
    assert lines[0].split() == ["scenario", *COLUMNS]
    assert [line.split("  ")[0] for line in lines[1:]] == ["base", "capacity 1", HOSTILE]
    base, variant = flat_metrics(result.base), flat_metrics(result.variants[0])
    change = variant["match_rate"] - base["match_rate"]
    assert f"{variant['match_rate']:.4f} ({change:+.4f})" in lines[2]


def test_the_text_table_keeps_a_name_with_control_characters_on_one_line(
    result: ScenarioResponse,
) -> None:
    renamed = result.variants[0].model_copy(update={"name": "two\nlines\x1b[31m"})
    lines = text_table(result.model_copy(update={"variants": [renamed]})).splitlines()
    assert len(lines) == 3 and lines[2].startswith("two?lines?[31m ")


def test_the_csv_has_each_metric_and_its_delta(result: ScenarioResponse) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_table(result))))
    assert [r["scenario"] for r in rows] == ["base", "capacity 1", HOSTILE]
    base = flat_metrics(result.base)
    assert float(rows[0]["match_rate"]) == base["match_rate"]
    assert float(rows[0]["match_rate_delta"]) == 0
    for row, variant in zip(rows[1:], result.variants, strict=True):
        mine = flat_metrics(variant)
        assert float(row["match_rate"]) == mine["match_rate"]
        assert float(row["match_rate_delta"]) == pytest.approx(
            mine["match_rate"] - base["match_rate"], abs=1e-6
        )
        assert int(row["changed_pairs"]) == len(variant.changed_pairs)
        assert int(row["unmatched"]) == len(variant.unmatched)
    assert float(rows[1]["match_rate_delta"]) < 0  # capacity 1 leaves mentees out


def test_the_page_is_self_contained_and_escapes_every_name(result: ScenarioResponse) -> None:
    page = html_report(f"Title {HOSTILE}", result, [])
    parsed = parse(page)
    assert parsed.tags.count("svg") == 4 and parsed.tags.count("table") >= 1
    assert HOSTILE not in page and escape(HOSTILE) in page
    assert "script" not in parsed.tags and "<script" not in page.lower()
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"\b(src|href)\s*=|@import|url\((?!#)", page)
    assert '<meta charset="utf-8">' in page
    header, *scenarios = parsed.rows[: 1 + 1 + len(result.variants)]
    assert header == ["scenario", *COLUMNS]
    assert [row[0] for row in scenarios] == ["base", "capacity 1", HOSTILE]


def test_the_page_colours_each_change_by_whether_higher_is_better(
    result: ScenarioResponse,
) -> None:
    page = html_report("t", result, [])
    for variant in result.variants:
        row = page.split(f"<td>{escape(variant.name)}</td>", 1)[1].split("</tr>", 1)[0]
        for metric, better_when_lower in [("match_rate", False), ("blocking_pairs", True)]:
            change = variant.delta[metric]
            if change == 0:
                continue
            better = (change < 0) == better_when_lower
            shown = f"{change:+.4f}" if metric == "match_rate" else f"{change:+.0f}"
            kind = "better" if better else "worse"
            assert f'<span class="change {kind}">({shown})</span>' in row


def test_the_page_marks_each_expectation_and_lists_who_moved(result: ScenarioResponse) -> None:
    checks = [("capacity 1", "match_rate >= 0.9", False), (HOSTILE, "match_rate >= 0.5", True)]
    parsed = parse(html_report("t", result, checks))
    assert ["FAIL", "capacity 1", "match_rate >= 0.9"] in parsed.rows
    assert ["pass", HOSTILE, "match_rate >= 0.5"] in parsed.rows
    moved = result.variants[0].changed_pairs
    assert len(moved) > 10 and "details" in parsed.tags  # long lists fold on screen
    first = moved[0]
    expected = [first.mentee, first.before or "unmatched", first.after or "unmatched"]
    assert expected in parsed.rows
    gone = [c for c in result.variants[1].changed_pairs if c.after is None]
    assert gone and [gone[0].mentee, gone[0].before, "unmatched"] in parsed.rows
    unmatched = result.variants[1].unmatched[0]
    row = [unmatched.id, unmatched.role, unmatched.reason, unmatched.detail]
    assert row in parsed.rows
