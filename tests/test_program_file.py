"""A whole program played from a file: first match, two rounds of feedback and re-matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.playing import rounds_table
from scenarios.files import ScenarioFileError
from scenarios.rounds import is_program_file, play

ROOT = Path(__file__).resolve().parent.parent
YEAR = ROOT / "scenarios" / "program_year.yaml"


def test_the_example_year_keeps_every_promise_and_expectation() -> None:
    played = play(YEAR)
    assert [r.name for r in played.rounds] == ["first match", "mid-year review", "autumn review"]
    for result in played.rounds[1:]:
        promises = dict(result.checks[:2])
        assert promises == {"no ended pair re-formed": True, "every well-rated pair kept": True}
    assert played.passed, [(r.name, r.checks) for r in played.rounds]
    table = rounds_table(played, "en")
    assert [row[0] for row in table.rows] == ["first match", "mid-year review", "autumn review"]
    assert table.headers[:4] == ["Round", "Status", "Matched mentees", "Match rate"]


def test_an_expectation_that_does_not_hold_fails_the_play(tmp_path: Path) -> None:
    text = YEAR.read_text("utf-8").replace("ended == 4", "ended == 5")
    (tmp_path / "examples").symlink_to(ROOT / "scenarios" / "examples")
    changed = tmp_path / "year.yaml"
    changed.write_text(text, "utf-8")
    played = play(changed)
    assert not played.passed
    assert ("ended == 5", False) in played.rounds[1].checks


def test_feedback_about_a_mentee_without_mentor_names_the_round(tmp_path: Path) -> None:
    (tmp_path / "examples").symlink_to(ROOT / "scenarios" / "examples")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "pool: examples/company_pool.json\n"
        "rounds:\n  - name: review\n    feedback: [{mentee: e0002, rating: 1}]\n",
        "utf-8",
    )
    with pytest.raises(ScenarioFileError, match=r"round 0 \(review\).*'e0002' has no current"):
        play(bad)


def test_program_files_are_told_from_scenario_files() -> None:
    assert is_program_file(YEAR)
    assert not is_program_file(ROOT / "scenarios" / "lower_capacity.yaml")


def test_the_year_played_from_the_manager_s_files_is_the_same_from_csv_or_xlsx(
    tmp_path: Path,
) -> None:
    """The French Excel CSV (';', BOM) and the English workbook hold the same feedback."""
    from_csv = play(ROOT / "scenarios" / "program_year_files.yaml")
    assert from_csv.passed, [(r.name, r.checks) for r in from_csv.rounds]
    text = (ROOT / "scenarios" / "program_year_files.yaml").read_text("utf-8")
    (tmp_path / "examples").symlink_to(ROOT / "scenarios" / "examples")
    changed = tmp_path / "year.yaml"
    changed.write_text(text.replace("company_feedback_fr.csv", "company_feedback.xlsx"), "utf-8")
    from_xlsx = play(changed)
    assert [(r.name, r.counts, r.checks) for r in from_xlsx.rounds] == [
        (r.name, r.counts, r.checks) for r in from_csv.rounds
    ]
    assert from_csv.rounds[1].counts["ended"] == 5


def test_the_example_feedback_files_are_what_their_generator_writes(tmp_path: Path) -> None:
    import openpyxl

    from scenarios import feedback_examples

    examples = ROOT / "scenarios" / "examples"
    rows = feedback_examples.rows()
    assert (examples / "company_feedback_fr.csv").read_bytes() == feedback_examples.french_csv(rows)
    feedback_examples.english_workbook(rows, tmp_path / "feedback.xlsx")

    def cells(path: Path) -> list[tuple[object, ...]]:
        return list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))

    assert cells(examples / "company_feedback.xlsx") == cells(tmp_path / "feedback.xlsx")
