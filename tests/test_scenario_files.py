"""Every example scenario file runs, meets its expectations and writes its reports; the
`binome` command matches pools from JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from solver import MatchRequest, MatchResponse, validate

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
runner = CliRunner(env={"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"})


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def test_there_are_at_least_five_example_scenarios_and_a_program_year() -> None:
    names = {path.name for path in SCENARIOS}
    assert len(names) >= 6 and "program_year.yaml" in names


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_example_file_runs_and_meets_its_expectations(scenario: Path, tmp_path: Path) -> None:
    html, table = tmp_path / "report.html", tmp_path / "table.csv"
    result = runner.invoke(
        app, ["scenarios", "run", str(scenario), "--html", str(html), "--csv", str(table)]
    )
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output and "ok" in result.output
    page = html.read_text("utf-8")
    parser = Tags()
    parser.feed(page)
    assert "table" in parser.tags or "pre" in parser.tags
    rows = list(csv.reader(io.StringIO(table.read_text("utf-8-sig"))))
    assert len(rows) >= 2


def test_a_failing_expectation_exits_1_and_says_which(tmp_path: Path) -> None:
    text = (ROOT / "scenarios" / "lower_capacity.yaml").read_text("utf-8")
    (tmp_path / "examples").symlink_to(ROOT / "scenarios" / "examples")
    changed = tmp_path / "strict.yaml"
    changed.write_text(text.replace("match_rate <= 0.5", "match_rate >= 0.99"), "utf-8")
    result = runner.invoke(app, ["scenarios", "run", str(changed)])
    assert result.exit_code == 1
    assert "FAIL  capacity 1: match_rate >= 0.99" in result.output


def test_a_broken_scenario_file_exits_2_naming_the_file_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "base: {inline: {mentors: [], mentees: []}}\n"
        "variants: [{name: x, patch: {program: {mentor_capacity: -1}}}]\n",
        "utf-8",
    )
    result = runner.invoke(app, ["scenarios", "run", str(broken)])
    assert result.exit_code == 2
    assert "variants.0.program.mentor_capacity" in result.output


def test_match_from_csv_writes_pairs_and_unmatched(tmp_path: Path) -> None:
    out = tmp_path / "pairs.csv"
    examples = ROOT / "scenarios" / "examples"
    result = runner.invoke(
        app,
        [
            "match",
            "--mentors",
            str(examples / "company_mentors.csv"),
            "--mentees",
            str(examples / "company_mentees.csv"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    kinds = {row["Row"] for row in rows}
    assert kinds == {"pair", "unmatched mentor"}
    mentees = [row["Mentee id"] for row in rows if row["Mentee id"]]
    assert len(mentees) == len(set(mentees)) == 24  # each mentee once: paired or not
    assert len({row["Mentor id"] for row in rows if row["Mentor id"]}) == 12
    assert all(row["Explanation"] for row in rows)


def test_match_from_json_writes_a_valid_answer(tmp_path: Path) -> None:
    out = tmp_path / "answer.json"
    pool = ROOT / "scenarios" / "examples" / "company_pool.json"
    result = runner.invoke(app, ["match", str(pool), "--out", str(out), "--language", "fr"])
    assert result.exit_code == 0, result.output
    answer = MatchResponse.model_validate_json(out.read_text("utf-8"))
    request = MatchRequest.model_validate(json.loads(pool.read_text("utf-8")))
    assert validate(request, answer) == []
    assert "accompagne" in answer.pairings[0].explanation


def test_generate_writes_a_valid_request(tmp_path: Path) -> None:
    out = tmp_path / "pool.json"
    result = runner.invoke(
        app, ["generate", "--mentees", "30", "--mentors", "10", "--out", str(out)]
    )
    assert result.exit_code == 0
    request = MatchRequest.model_validate_json(out.read_text("utf-8"))
    assert (len(request.mentees), len(request.mentors)) == (30, 10)
