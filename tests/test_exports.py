"""Files out, read back as Excel and a CSV reader see them: sheets, headers, names beside
ids, percentages stored as numbers with a percent format, codes in words, BOM, separator
and decimal mark by language, no cell that runs as a formula."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest
from exported import ROOT, answer, csv_rows, header, names, records, request, sheets

from exports import (
    ExportError,
    answer_book,
    comparison_book,
    file_bytes,
    rematch_book,
    scenario_directory,
    write,
)
from exports.cells import safe_text, unescaped
from exports.words import status_sentence
from solver import (
    MatchRequest,
    MatchResponse,
    RematchRequest,
    ScenarioRequest,
    SolveOptions,
    match,
    rematch,
    run_scenarios,
)
from solver.answer import unmatched
from solver.messages import available_languages, catalogue


def written(tmp_path: Path, language: str, suffix: str) -> Path:
    path = tmp_path / f"pairs_{language}{suffix}"
    write(path, answer_book(request(), answer(language), language), answer(language), language)
    return path


def test_the_french_workbook_has_pairs_unmatched_and_a_summary(tmp_path: Path) -> None:
    found = sheets(written(tmp_path, "fr", ".xlsx"))
    assert list(found) == ["Binômes", "Sans binôme", "Synthèse"]
    pairs = found["Binômes"]
    assert header(pairs)[:8] == [
        "Rang",
        "Mentor",
        "Identifiant mentor",
        "Département du mentor",
        "Mentoré·e",
        "Identifiant mentoré·e",
        "Département du ou de la mentoré·e",
        "Score",
    ]
    assert header(pairs)[8:] == [
        "Objectifs",
        "Langues",
        "Centres d'intérêt",
        "Disponibilités",
        "Fuseau horaire",
        "Ancienneté",
        "Préférences",
        "Département",
        "Explication",
    ]
    first, pair = records(pairs)[0], answer("fr").pairings[0]
    assert (first["Mentor"], first["Identifiant mentor"]) == (names()[pair.mentor], pair.mentor)
    assert (first["Mentoré·e"], first["Identifiant mentoré·e"]) == (
        names()[pair.mentee],
        pair.mentee,
    )
    assert first["Explication"] == pair.explanation
    goals = next(r.detail for r in pair.reasons if r.criterion == "goals")
    assert first["Objectifs"] == goals
    score = pairs.cell(row=2, column=8)
    assert score.value == pair.score and score.data_type == "n" and score.number_format == "0.0%"
    assert len(records(pairs)) == len(answer("fr").pairings)


def test_every_sheet_keeps_its_header_in_view_with_filters_and_widths(tmp_path: Path) -> None:
    for sheet in sheets(written(tmp_path, "en", ".xlsx")).values():
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == sheet.dimensions
        assert all(cell.font.bold for cell in sheet[1])
        widths = [sheet.column_dimensions[c].width for c in "ABC"]
        assert all(8 <= width <= 90 for width in widths)
    pairs = sheets(written(tmp_path, "en", ".xlsx"))["Pairs"]
    assert pairs.column_dimensions["B"].width < pairs.column_dimensions["Q"].width  # explanation


def test_the_unmatched_sheet_names_people_and_says_roles_and_reasons_in_words(
    tmp_path: Path,
) -> None:
    rows = records(sheets(written(tmp_path, "fr", ".xlsx"))["Sans binôme"])
    assert list(rows[0]) == ["Nom", "Identifiant", "Rôle", "Département", "Motif", "Détail"]
    by_id = {row["Identifiant"]: row for row in rows}
    for person in answer("fr").unmatched:
        row = by_id[person.id]
        assert row["Nom"] == names()[person.id]
        assert row["Rôle"] == {"mentor": "mentor", "mentee": "mentoré·e"}[person.role]
        assert row["Motif"] == catalogue("fr")[f"reason.unmatched.{person.reason}"]
        assert row["Détail"] == person.detail
    assert {row["Rôle"] for row in rows} == {"mentor", "mentoré·e"}


def test_the_summary_names_each_indicator_and_keeps_numbers_as_numbers(tmp_path: Path) -> None:
    summary = sheets(written(tmp_path, "en", ".xlsx"))["Summary"]
    assert header(summary) == ["Indicator", "Value", "What it means"]
    cells = {row[0].value: row[1] for row in summary.iter_rows(min_row=2)}
    metrics = answer("en").metrics
    assert cells["Status"].value == "proven optimal"
    assert cells["Match rate"].value == metrics.match_rate == 0.8
    assert cells["Match rate"].number_format == "0.0%"
    assert (cells["Matched mentees"].value, cells["Matched mentees"].number_format) == (64, "0")
    assert (cells["Unmatched mentees"].value, cells["Unmatched mentors"].value) == (16, 5)
    assert cells["Mean score"].value == metrics.mean_score
    assert cells["Lowest score"].value == metrics.min_score
    assert cells["First choices"].value == metrics.first_choice_rate
    assert cells["Cross-department pairs"].value == metrics.cross_share["department"]
    assert all(row[2].value for row in summary.iter_rows(min_row=2))  # each one explained


def test_a_status_says_how_good_the_answer_is() -> None:
    assert status_sentence("en", "optimal", "", []) == "proven optimal"
    said = status_sentence("en", "feasible", "0.4%", [])
    assert said == "best found, within 0.4% of the optimum"
    said = status_sentence("fr", "infeasible", "", ["a", "b"])
    assert said == "impossible, car a\u202f; b"


def test_the_french_csv_has_a_bom_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    rows = csv_rows(written(tmp_path, "fr", ".csv"), ";")
    pairs = [row for row in rows if row["Ligne"] == "binôme"]
    pair = answer("fr").pairings[0]
    assert pairs[0]["Mentor"] == names()[pair.mentor]
    assert pairs[0]["Identifiant mentor"] == pair.mentor
    assert pairs[0]["Mentoré·e"] == names()[pair.mentee]
    assert pairs[0]["Score"] == f"{pair.score:.4f}".replace(".", ",")
    unmatched = [row for row in rows if row["Ligne"] != "binôme"]
    assert {row["Ligne"] for row in unmatched} == {"mentor sans binôme", "mentoré·e sans binôme"}
    assert len(pairs) == len(answer("fr").pairings)
    assert len(unmatched) == len(answer("fr").unmatched)
    codes = {person.reason for person in answer("fr").unmatched}
    assert not {row["Motif"] for row in unmatched} & codes  # words, not codes
    mentor_rows = [row for row in unmatched if row["Ligne"] == "mentor sans binôme"]
    assert all(
        row["Identifiant mentor"] and not row["Identifiant mentoré·e"] for row in mentor_rows
    )


def test_the_english_csv_has_a_bom_commas_and_decimal_points(tmp_path: Path) -> None:
    rows = csv_rows(written(tmp_path, "en", ".csv"), ",")
    assert list(rows[0])[:4] == ["Row", "Rank", "Mentor", "Mentor id"]
    assert rows[0]["Score"] == f"{answer('en').pairings[0].score:.4f}"
    assert rows[-1]["Reason"] == "takes no mentees this round"


def test_json_is_the_answer_as_the_api_gives_it(tmp_path: Path) -> None:
    path = written(tmp_path, "en", ".json")
    assert MatchResponse.model_validate_json(path.read_text("utf-8")) == answer("en")
    assert json.loads(path.read_text("utf-8")) == answer("en").model_dump(mode="json")


@pytest.mark.parametrize("name", ["pairs.txt", "pairs.xls", "pairs"])
def test_another_extension_is_refused_naming_the_accepted_ones(name: str) -> None:
    with pytest.raises(ExportError) as error:
        file_bytes(Path(name), answer_book(request(), answer("en"), "en"), answer("en"), "en")
    assert error.value.accepted == (".xlsx", ".csv", ".json")
    assert ".xlsx" in str(error.value) and ".csv" in str(error.value)


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Léa = Léa", "Léa = Léa"),
        ("bell\x07 ring", "bell ring"),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_escaped(text: str, safe: str) -> None:
    assert safe_text(text) == safe
    if "\x07" not in text:
        assert unescaped(safe_text(text)) == text


def test_no_written_cell_runs_as_a_formula(tmp_path: Path) -> None:
    body = json.loads(json.dumps(request().model_dump(mode="json", exclude_unset=True)))
    body["mentors"][0]["name"] = '=HYPERLINK("http://evil","clic")'
    body["mentees"][0]["name"] = "@SUM(1+1)"
    body["mentees"][0]["department"] = "+33 6"
    hostile = MatchRequest.model_validate(body)
    found = match(hostile, SolveOptions(language="fr"))
    book = answer_book(hostile, found, "fr")
    for suffix in (".xlsx", ".csv"):
        write(tmp_path / f"h{suffix}", book, found, "fr")
    cells = [c for sheet in sheets(tmp_path / "h.xlsx").values() for row in sheet for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://evil","clic")' in texts and "'@SUM(1+1)" in texts
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@"))]
    rows = csv_rows(tmp_path / "h.csv", ";")
    values = [v for row in rows for v in row.values() if v]
    assert '\'=HYPERLINK("http://evil","clic")' in values and "'+33 6" in values
    assert not [v for v in values if v.startswith(("=", "+", "@"))]
    assert not [v for v in values if v.startswith("-") and not re.fullmatch(r"-[\d,]+", v)]


def test_every_unmatched_reason_the_solver_gives_has_words_in_every_language() -> None:
    given = set()
    for path in (ROOT / "solver").rglob("*.py"):
        text = path.read_text("utf-8")
        if "Unmatched(" in text:
            given |= set(re.findall(r'Unmatched\([^)]*reason="([a-z_]+)"', text))
    for decide in (unmatched._mentee_code, unmatched._mentor_code):  # codes decided first
        given |= set(re.findall(r'"([a-z_]+)"', inspect.getsource(decide)))
    assert len(given) >= 9
    for language in available_languages():
        assert {
            code for code in given if f"reason.unmatched.{code}" not in catalogue(language)
        } == set()


def test_every_message_file_has_the_same_keys() -> None:
    english = set(catalogue("en"))
    assert {language: set(catalogue(language)) ^ english for language in available_languages()} == {
        language: set() for language in available_languages()
    }


def test_a_re_match_csv_holds_pairs_ended_pairs_and_unmatched_in_words(tmp_path: Path) -> None:
    body = {"pool": request().model_dump(mode="json", exclude_unset=True), "leaving": ["m0024"]}
    body["current"] = [{"mentor": p.mentor, "mentee": p.mentee} for p in answer("fr").pairings]
    body["feedback"] = [{**body["current"][0], "rating": 1, "comment": "never written out"}]
    asked = RematchRequest.model_validate(body)
    result = rematch(asked, SolveOptions(language="fr"))
    book = rematch_book(asked, result, "fr")
    for suffix in (".csv", ".xlsx"):
        write(tmp_path / f"next{suffix}", book, result, "fr")
    rows = csv_rows(tmp_path / "next.csv", ";")
    kinds = [row["Ligne"] for row in rows]
    assert kinds[: len(result.result.pairings)] == ["binôme"] * len(result.result.pairings)
    ended = [row for row in rows if row["Ligne"] == "binôme arrêté"]
    assert len(ended) == len(result.ended) == 3
    assert {row["Motif"] for row in ended} == {
        "arrêté après une note de 1/5",
        "le mentor a quitté le programme",
    }
    assert {row["Ce tour-ci"] for row in rows if row["Ligne"] == "binôme"} >= {
        "maintenu\u00a0: aucun changement ne rapporte plus que la pénalité de changement"
    }
    pairs = sheets(tmp_path / "next.xlsx")["Binômes"]
    assert pairs["H2"].number_format == "0.0%" and isinstance(pairs["H2"].value, float)
    for path in tmp_path.iterdir():
        assert b"never written out" not in path.read_bytes()


def test_a_comparison_escapes_scenario_names_too(tmp_path: Path) -> None:
    base = request().model_dump(mode="json", exclude_unset=True)
    variants = [{"name": "=1+1", "patch": {"program": {"mentor_capacity": 1}}}]
    asked = ScenarioRequest.model_validate({"base": base, "variants": variants})
    result = run_scenarios(asked)
    book = comparison_book(
        result, [("=1+1", "match_rate >= 0.5", True)], scenario_directory(asked), "en"
    )
    for suffix in (".csv", ".xlsx"):
        write(tmp_path / f"table{suffix}", book, result, "en")
    assert [row["Scenario"] for row in csv_rows(tmp_path / "table.csv", ",")] == ["base", "'=1+1"]
    cells = [c for sheet in sheets(tmp_path / "table.xlsx").values() for row in sheet for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'=1+1" in {c.value for c in cells}
