"""Scenario reports: a terminal table, a CSV and one self-contained, escaped HTML page."""

from __future__ import annotations

import csv
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from scenarios.report import csv_table, html_report, text_table
from scenarios.whatif import ScenarioRequest, ScenarioResponse, flat_metrics, run_scenarios

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def result() -> ScenarioResponse:
    base = json.loads((ROOT / "scenarios" / "examples" / "company_pool.json").read_text("utf-8"))
    variants = [
        {"name": "capacity 1", "patch": {"program": {"mentor_capacity": 1}}},
        {"name": HOSTILE, "remove": ["m0021"]},
    ]
    return run_scenarios(ScenarioRequest.model_validate({"base": base, "variants": variants}))


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_the_text_table_has_a_row_per_scenario_with_deltas(result: ScenarioResponse) -> None:
    lines = text_table(result).splitlines()
    assert len(lines) == 4 and lines[1].startswith("base")
    assert "0.45 (-0.35)" in lines[2]


def test_the_csv_has_each_metric_and_its_delta(result: ScenarioResponse) -> None:
    rows = list(csv.DictReader(io.StringIO(csv_table(result))))
    assert [r["scenario"] for r in rows] == ["base", "capacity 1", HOSTILE]
    base, variant = flat_metrics(result.base), flat_metrics(result.variants[0])
    assert float(rows[1]["match_rate"]) == variant["match_rate"]
    assert float(rows[1]["match_rate_delta"]) == pytest.approx(
        variant["match_rate"] - base["match_rate"]
    )


def test_the_page_is_self_contained_escaped_and_complete(result: ScenarioResponse) -> None:
    checks = [("capacity 1", "match_rate >= 0.9", False), ("base", "match_rate >= 0.75", True)]
    page = html_report(f"Title {HOSTILE}", result, checks)
    parser = Tags()
    parser.feed(page)
    assert parser.tags.count("svg") == 4 and "table" in parser.tags
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in page and not re.search(r"\b(src|href)=", page)
    assert re.findall(r"https?://[^\"']+", page) == ["http://www.w3.org/2000/svg"] * 4
    assert '<span class="fail">FAIL</span> capacity 1: match_rate &gt;= 0.9' in page
    assert "Pairs moved" in page and "Unmatched" in page
