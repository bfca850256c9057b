"""The `binome` command end to end with files: match from JSON, CSV and XLSX into every
kind of file, re-match from the files `match --out` wrote plus a feedback file, what-if
reports, and the errors (unknown extension, located errors all at once)."""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from pathlib import Path

import openpyxl
import pytest
from exported import EXAMPLES, POOL, csv_rows, records, sheets
from test_docs import example
from typer.testing import CliRunner, Result

from cli.inputs import rematch_body
from cli.main import app
from intake import file_at, read_current
from solver import MatchRequest, MatchResponse, RematchRequest, RematchResponse, validate

ENGLISH = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8"}
runner = CliRunner(env=ENGLISH)
REQUEST = str(EXAMPLES / "company_pool.json")


def binome(*args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    return runner.invoke(app, [str(a) for a in args], env=env)


def ok(*args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    result = binome(*args, env=env)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def mentees_xlsx(tmp_path: Path) -> Path:
    """The mentees as a workbook of their own (the example keeps them on a second sheet)."""
    book = openpyxl.load_workbook(EXAMPLES / "company_pool_fr.xlsx")
    del book["Mentors"]
    path = tmp_path / "mentorés.xlsx"
    book.save(path)
    return path


def test_match_writes_a_request_s_answer_as_json_csv_and_xlsx(tmp_path: Path) -> None:
    for suffix in (".json", ".csv", ".xlsx"):
        ok("match", REQUEST, "--out", tmp_path / f"pairs{suffix}", "--lang", "fr")
    answer = MatchResponse.model_validate_json((tmp_path / "pairs.json").read_text("utf-8"))
    assert validate(MatchRequest.model_validate(POOL), answer) == []
    rows = csv_rows(tmp_path / "pairs.csv", ";")
    assert rows[0]["Identifiant mentor"] == answer.pairings[0].mentor
    assert list(sheets(tmp_path / "pairs.xlsx")) == ["Binômes", "Sans binôme", "Synthèse"]


def test_match_reads_survey_files_in_csv_and_xlsx(tmp_path: Path, mentees_xlsx: Path) -> None:
    out = tmp_path / "pairs.xlsx"
    mentors = EXAMPLES / "company_mentors_fr.csv"
    result = ok(
        "match", "--mentors", mentors, "--mentees", mentees_xlsx, "--out", out, "--lang", "fr"
    )
    said = result.stderr
    assert "colonne « Horodateur » : n'est pas un champ de participant" in said.replace(
        "\u00a0", " "
    )
    assert "avertissements" in said and "optimum prouvé" in said
    pairs = records(sheets(out)["Binômes"])
    named = {p["id"]: p["name"] for p in POOL["mentors"]}
    assert pairs[0]["Mentor"] == named[pairs[0]["Identifiant mentor"]]


def test_columns_map_fields_to_the_survey_s_own_headers(tmp_path: Path) -> None:
    text = (EXAMPLES / "company_mentees_fr.csv").read_text("utf-8-sig")
    renamed = tmp_path / "mentees.csv"
    renamed.write_text(
        text.replace("Ce que je veux apprendre", "Ce que j'attends du programme", 1), "utf-8"
    )
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("goals: Ce que j'attends du programme\n", "utf-8")
    mentors = EXAMPLES / "company_mentors_fr.csv"
    args: list[str | Path] = ["match", "--mentors", mentors, "--mentees", renamed]
    args += ["--out", tmp_path / "a.json"]
    ok(*args, "--columns", mapping)
    answer = MatchResponse.model_validate_json((tmp_path / "a.json").read_text("utf-8"))
    assert any(r.criterion == "goals" and r.value > 0 for r in answer.pairings[0].reasons)


def test_every_survey_error_is_said_at_once_located(tmp_path: Path) -> None:
    bad = tmp_path / "mentees.csv"
    bad.write_text("Identifiant;Ancienneté;Volontaire\ne1;dix;peut-être\ne1;3;oui\n", "utf-8")
    mentors = tmp_path / "mentors.csv"
    mentors.write_text("Identifiant;Nom\nm1;Claire\n", "utf-8")
    result = binome("match", "--mentors", mentors, "--mentees", bad)
    assert result.exit_code == 2
    said = result.stderr
    assert "3 errors:" in said
    assert "mentees.csv, row 2, column 'Ancienneté': 'dix' is not a number" in said
    assert "mentees.csv, row 2, column 'Volontaire': 'peut-être' is not yes or no" in said
    assert "mentees.csv, row 3, column 'Identifiant': id 'e1' is already on row 2" in said


def test_with_lang_fr_survey_errors_are_said_in_french(tmp_path: Path) -> None:
    bad = tmp_path / "mentorés.csv"
    bad.write_text("Identifiant;Ancienneté;Volontaire\ne1;dix;peut-être\ne1;3;oui\n", "utf-8")
    mentors = tmp_path / "mentors.csv"
    mentors.write_text("Identifiant;Nom\nm1;Claire\n", "utf-8")
    result = binome("match", "--mentors", mentors, "--mentees", bad, "--lang", "fr")
    assert result.exit_code == 2
    said = result.stderr.replace("\u00a0", " ").replace("\u202f", " ")
    assert "3 erreurs :" in said
    assert (
        "mentorés.csv, ligne 2, colonne « Ancienneté » : « dix » n'est pas un nombre "
        "(par ex. 7 ou 2,5)" in said
    )
    assert "colonne « Volontaire » : « peut-être » n'est ni oui ni non" in said
    assert "ligne 3, colonne « Identifiant » : l'identifiant « e1 » est déjà à la ligne 2" in said
    for english in ("row", "column", "is not", "already"):
        assert english not in said


def test_with_lang_fr_a_re_match_s_file_errors_are_said_in_french(tmp_path: Path) -> None:
    current = tmp_path / "pairs.csv"
    current.write_text("Mentor;Mentee\nm0021;e0077\nm9999;e0061\n", "utf-8")
    leaving = tmp_path / "leaving.csv"
    leaving.write_text("id\nnobody\n", "utf-8")
    args: list[str | Path] = ["rematch", "--pool", REQUEST, "--current", current]
    result = binome(*args, "--leaving", leaving, "--lang", "fr")
    assert result.exit_code == 2
    said = result.stderr.replace("\u00a0", " ")
    assert (
        "pairs.csv, ligne 3, colonne « Mentor » : « m9999 » n'est ni l'identifiant ni le nom "
        "d'un mentor du programme" in said
    )
    assert "leaving.csv, ligne 2, colonne « id » : « nobody » n'est ni l'identifiant" in said


@pytest.mark.parametrize("name", ["pairs.txt", "pairs.xls", "pairs"])
def test_an_unknown_extension_is_refused_before_any_solve(tmp_path: Path, name: str) -> None:
    result = binome("match", REQUEST, "--out", tmp_path / name)
    assert result.exit_code == 2
    assert "binome writes .xlsx, .csv, and .json files, not " in result.stderr
    assert not (tmp_path / name).exists()
    result = binome("match", REQUEST, "--out", tmp_path / name, "--lang", "fr")
    assert "binome écrit des fichiers .xlsx, .csv et .json" in result.stderr


def test_the_language_is_the_locale_s_unless_lang_says() -> None:
    french = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": "fr_FR.UTF-8"}
    assert "optimum prouvé" in ok("match", REQUEST, env=french).stderr
    everything = {"LC_ALL": "en_GB.UTF-8", "LC_MESSAGES": "fr_FR", "LANG": "fr_FR.UTF-8"}
    assert "proven optimal" in ok("match", REQUEST, env=everything).stderr
    said = ok("match", REQUEST, "--lang", "en", env=french).stderr
    assert said.startswith("proven optimal: 64 of 80 mentees paired (match rate 80.0%)")
    refused = binome("match", REQUEST, "--lang", "de")
    assert refused.exit_code == 2 and "binome speaks en and fr" in refused.stderr


def test_without_out_the_pairs_are_a_table_with_names_beside_ids() -> None:
    shown = ok("match", REQUEST, "--lang", "fr").stdout
    assert shown.startswith("Binômes (64)\nRang  Mentor")
    assert "Ravi Martin (m0039)      Omar Martin (e0061)     64,4\u00a0%" in shown
    assert "Sans binôme (21)" in shown and "Jules Martin (m0029)    mentor" in shown


@pytest.mark.parametrize(("language", "suffix"), [("fr", ".xlsx"), ("en", ".csv")])
def test_rematch_reads_the_files_match_wrote_and_a_feedback_file(
    tmp_path: Path, language: str, suffix: str
) -> None:
    current = tmp_path / f"pairs{suffix}"
    ok("match", REQUEST, "--out", current, "--lang", language)
    leaving = tmp_path / "leaving.csv"
    leaving.write_text("Identifiant\r\nm0024\r\n", "utf-8")
    args: list[str | Path] = ["rematch", "--pool", REQUEST, "--current", current]
    args += ["--leaving", leaving]
    args += ["--feedback", EXAMPLES / "company_feedback.xlsx", "--lang", language]
    for out in ("next.json", f"next{suffix}"):
        result = ok(*args, "--out", tmp_path / out)
    answer = RematchResponse.model_validate_json((tmp_path / "next.json").read_text("utf-8"))
    ended = {(n.mentee, n.reason) for n in answer.ended}
    assert {("e0061", "low_rating"), ("e0059", "end_requested"), ("e0020", "low_rating")} <= ended
    assert {n.reason for n in answer.ended if n.mentor == "m0024"} == {"mentor_left"}
    assert ("e0077", "rated_well") in {(n.mentee, n.reason) for n in answer.kept}
    expected = [{"mentor": p.mentor, "mentee": p.mentee} for p in answer.result.pairings]
    assert read_current(file_at(tmp_path / f"next{suffix}"), POOL) == expected
    said = result.stdout
    assert "Ravi Martin (m0039)" in said and "Omar Martin (e0061)" in said
    assert "We never found" not in result.output and "jamais" not in result.output
    assert "We never found" not in (tmp_path / "next.json").read_text("utf-8")
    if suffix == ".csv":
        assert "We never found" not in (tmp_path / "next.csv").read_text("utf-8-sig")
    else:
        cells = [
            c.value for sheet in sheets(tmp_path / "next.xlsx").values() for r in sheet for c in r
        ]
        assert not [v for v in cells if isinstance(v, str) and "We never found" in v]


def test_the_re_match_workbook_says_every_change_in_words(tmp_path: Path) -> None:
    current = tmp_path / "pairs.xlsx"
    ok("match", REQUEST, "--out", current, "--lang", "fr")
    out = tmp_path / "next.xlsx"
    feedback = EXAMPLES / "company_feedback_fr.csv"
    ok(
        "rematch",
        "--pool",
        REQUEST,
        "--current",
        current,
        "--feedback",
        feedback,
        "--out",
        out,
        "--lang",
        "fr",
    )
    found = sheets(out)
    assert list(found) == ["Binômes", "Changements", "Sans binôme", "Synthèse"]
    changes = records(found["Changements"])
    outcomes = {row["Issue"] for row in changes}
    assert {"maintenu", "arrêté", "nouveau binôme"} <= outcomes
    assert outcomes <= {"maintenu", "arrêté", "réaffecté·e", "nouveau binôme"}
    ended = [row for row in changes if row["Issue"] == "arrêté"]
    assert {"Omar Martin", "Mei Smith", "Jules Martin"} <= {row["Mentoré·e"] for row in ended}
    assert "arrêté après une note de 1/5" in {row["Motif"] for row in ended}
    pairs = records(found["Binômes"])
    assert {row["Ce tour-ci"] for row in pairs} >= {"maintenu\u00a0: binôme bien noté"}
    summary = {row[0].value: row[1].value for row in found["Synthèse"].iter_rows(min_row=2)}
    kept = [row for row in changes if row["Issue"] == "maintenu"]
    assert (summary["Arrêtés"], summary["Maintenus"]) == (3, len(kept))


def test_five_bad_feedback_cells_are_five_located_errors(tmp_path: Path) -> None:
    current = tmp_path / "pairs.csv"
    ok("match", REQUEST, "--out", current)
    feedback = tmp_path / "feedback.csv"
    feedback.write_text(
        "Mentor;Mentoré·e;Note;Fin\n"
        "Ravi Martin;Omar Martin;6;Non\n"
        "m0021;e0077;bien;peut-être\n"
        "Personne;e0059;3;Non\n"
        "m0002;Inconnue;3;Non\n",
        "utf-8-sig",
    )
    result = binome("rematch", "--pool", REQUEST, "--current", current, "--feedback", feedback)
    assert result.exit_code == 2
    said = result.stderr
    assert "5 errors:" in said
    for where in [
        "feedback.csv, row 2, column 'Note'",
        "feedback.csv, row 3, column 'Note'",
        "feedback.csv, row 3, column 'Fin'",
        "feedback.csv, row 4, column 'Mentor'",
        "feedback.csv, row 5, column 'Mentoré·e'",
    ]:
        assert where in said


def test_rematch_errors_of_every_file_are_said_together(tmp_path: Path) -> None:
    current = tmp_path / "pairs.csv"
    current.write_text("Mentor;Mentee\nm0021;e0077\nm9999;e0061\n", "utf-8")
    leaving = tmp_path / "leaving.csv"
    leaving.write_text("id\nnobody\n", "utf-8")
    args: list[str | Path] = ["rematch", "--pool", REQUEST, "--current", current]
    args += ["--leaving", leaving]
    result = binome(
        *args, "--feedback", EXAMPLES / "company_feedback_fr.csv", "--out", tmp_path / "x.xlsx"
    )
    assert result.exit_code == 2
    said = result.stderr
    assert "pairs.csv, row 3, column 'Mentor': 'm9999'" in said
    assert "leaving.csv, row 2, column 'id': 'nobody'" in said


def test_what_if_reports_are_written_as_csv_and_xlsx_in_french(tmp_path: Path) -> None:
    scenario = Path(__file__).resolve().parent.parent / "scenarios" / "lower_capacity.yaml"
    table, book = tmp_path / "table.csv", tmp_path / "table.xlsx"
    ok("scenarios", "run", scenario, "--csv", table, "--xlsx", book, "--lang", "fr")
    rows = csv_rows(table, ";")
    assert [row["Scénario"] for row in rows] == ["base", "capacity 1", "capacity 3"]
    assert rows[0]["Taux d'appariement"] == "0,8000"
    assert rows[1]["Taux d'appariement\u00a0: écart"] == "-0,3500"
    found = sheets(book)
    assert list(found) == ["Comparaison", "Binômes modifiés", "Sans binôme", "Attendus"]
    cell = found["Comparaison"]["C3"]
    assert (cell.value, cell.number_format) == (0.45, "0.0%")
    assert found["Comparaison"]["D3"].number_format == "+0.0%;-0.0%;0.0%"
    moved = records(found["Binômes modifiés"])
    assert moved[0]["Mentoré·e"] and moved[0]["Identifiant mentoré·e"].startswith("e")
    assert {row["Résultat"] for row in records(found["Attendus"])} == {"atteint"}


def test_a_program_file_reads_current_pairs_and_feedback_files(tmp_path: Path) -> None:
    current = tmp_path / "pairs.xlsx"
    ok("match", REQUEST, "--out", current, "--lang", "fr")
    year = tmp_path / "year.yaml"
    year.write_text(
        f"pool: {REQUEST}\nrounds:\n  - name: review\n    current: pairs.xlsx\n"
        f"    feedback: {EXAMPLES / 'company_feedback.xlsx'}\n    expect: [ended == 3]\n",
        "utf-8",
    )
    out = tmp_path / "rounds.xlsx"
    result = ok(
        "scenarios", "run", year, "--xlsx", out, "--html", tmp_path / "r.html", "--lang", "fr"
    )
    assert "ok    review: ended == 3" in result.stdout
    rounds = records(sheets(out)["Tours"])
    assert [row["Tour"] for row in rounds] == ["premier appariement", "review"]
    rate = sheets(out)["Tours"]["D2"]
    assert (rate.value, rate.number_format) == (0.8, "0.0%")
    checks = records(sheets(out)["Vérifications"])
    assert checks[0]["Attendu"] == "aucun binôme arrêté ne s'est reformé"
    assert checks[-1]["Attendu"] == "Arrêtés = 3"
    assert '<html lang="fr">' in (tmp_path / "r.html").read_text("utf-8")


def test_a_program_file_s_bad_feedback_file_names_the_round_and_the_cells(tmp_path: Path) -> None:
    feedback = tmp_path / "feedback.csv"
    feedback.write_text("Mentor;Mentee;Note\nm0021;e0077;dix\n", "utf-8")
    year = tmp_path / "year.yaml"
    year.write_text(
        f"pool: {REQUEST}\nrounds:\n  - name: review\n    feedback: feedback.csv\n", "utf-8"
    )
    result = binome("scenarios", "run", year)
    assert result.exit_code == 2
    assert "round 0 (review)" in result.stderr
    assert "feedback.csv, row 2, column 'Note': 'dix' is not a rating" in result.stderr


def test_a_rematch_request_from_files_is_the_one_the_api_takes(tmp_path: Path) -> None:
    """What the command builds is a plain RematchRequest: the same answer over HTTP."""
    current = tmp_path / "pairs.csv"
    ok("match", REQUEST, "--out", current, "--lang", "fr")
    body = rematch_body(dict(POOL), current, EXAMPLES / "company_feedback_fr.csv", None)
    RematchRequest.model_validate(json.loads(json.dumps(body)))


def test_a_report_option_takes_its_own_extension_only(tmp_path: Path) -> None:
    scenario = Path(__file__).resolve().parent.parent / "scenarios" / "lower_capacity.yaml"
    result = binome("scenarios", "run", scenario, "--xlsx", tmp_path / "table.csv")
    assert result.exit_code == 2
    assert "binome writes .xlsx files, not .csv" in result.stderr


def test_the_commands_of_files_md_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").symlink_to(EXAMPLES.parent)
    for line in example("files-commands").text.splitlines():
        program, *args = shlex.split(line)
        assert program == "binome"
        ok(*args)
    assert list(sheets(tmp_path / "next.xlsx")) == [
        "Binômes",
        "Changements",
        "Sans binôme",
        "Synthèse",
    ]
    assert list(sheets(tmp_path / "year.xlsx")) == ["Tours", "Vérifications"]
    assert '<html lang="fr">' in (tmp_path / "report.html").read_text("utf-8")


def test_the_feedback_files_md_shows_is_the_example_file() -> None:
    text = (EXAMPLES / "company_feedback_fr.csv").read_text("utf-8-sig").replace("\r\n", "\n")
    shown = example("feedback-csv").text
    assert text.startswith(shown) and shown.count("\n") == 4
