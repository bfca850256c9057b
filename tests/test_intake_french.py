"""Survey files read in French: every error and warning said from the message files, in
the caller's language, located the French way ("ligne 2, colonne « Ancienneté »")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from intake import File, IntakeError, Issue, file_at, read_feedback, read_leaving, read_pool
from intake.issues import shown
from solver.messages import catalogue
from tests.intake_files import MENTEE_ROWS, MENTOR_ROWS, csv_bytes, with_cells, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = re.compile(
    r"\b(is|not|neither|row|column|got|should|ignored|did you mean|already|needs|e\.g\.)\b"
)
POOL = {
    "mentors": [{"id": "m1", "name": "Inès Dupont"}, {"id": "m2", "name": "Omar Khan"}],
    "mentees": [{"id": "e1", "name": "Léa Martin"}, {"id": "e2", "name": "Sam Chen"}],
}


def plain(text: str) -> str:
    """French typography's no-break spaces as spaces, to compare with what one types."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def bad_files() -> tuple[File, File]:
    """A pair of files with a bad cell of every kind, an ignored column and an unknown
    language."""
    mentors = with_cells(
        MENTOR_ROWS,
        {(3, "Ancienneté (années)"): "150", (2, "Compétences"): "audit, " + "x" * 501},
    )
    mentees = with_cells(
        [[*MENTEE_ROWS[0], "Ancienete"], *(row + ["3"] for row in MENTEE_ROWS[1:])],
        {
            (2, "Ancienneté (années)"): "ten",
            (2, "Volontaire"): "peut-être",
            (2, "Langues"): "fr, Klingon",
            (3, "Tours d'attente"): "1,5",
            (3, "Fuseau horaire"): "Europe/Pariss",
            (3, "Préférences"): "Nobody Known",
            (3, "Identifiant"): "e1",
        },
    )
    return File("mentors.csv", csv_bytes(mentors)), File("mentorés.csv", csv_bytes(mentees))


def errors_in(language: str) -> list[Issue]:
    with pytest.raises(IntakeError) as raised:
        read_pool(*bad_files(), language=language)
    assert raised.value.language == language
    return raised.value.errors


def test_a_french_read_says_every_error_in_french_where_english_says_it_in_english() -> None:
    english, french = errors_in("en"), errors_in("fr")
    assert len(french) == len(english) >= 8
    for en, fr in zip(english, french, strict=True):
        assert (fr.file, fr.row, fr.column, fr.value) == (en.file, en.row, en.column, en.value)
        assert fr.msg != en.msg
        assert not ENGLISH.search(fr.msg), fr.msg
        assert "'" not in fr.msg.replace("l'", "").replace("d'", "").replace("n'", "")
    said = [plain(error.msg) for error in french]
    assert "« ten » n'est pas un nombre (par ex. 7 ou 2,5)" in said
    assert "« 1,5 » n'est pas un nombre entier (par ex. 0 ou 3)" in said
    assert "la valeur doit être inférieure ou égale à 100 (valeur lue : « 150 »)" in said
    assert "fuseau horaire IANA inconnu : « Europe/Pariss »" in said
    assert (
        f"élément 2 : le texte doit faire au plus 500 caractères (valeur lue : « {'x' * 35}… »)"
        in said
    )
    assert "l'identifiant « e1 » est déjà à la ligne 2" in said


def test_a_french_read_says_its_warnings_in_french() -> None:
    header = [*MENTEE_ROWS[0], "Ancienete"]
    rows = [header, *(row + [""] for row in MENTEE_ROWS[1:])]
    fine = csv_bytes(with_cells(rows, {(2, "Langues"): "fr, Klingon"}))
    intake = read_pool(
        File("mentors.csv", csv_bytes(MENTOR_ROWS)), File("mentorés.csv", fine), language="fr"
    )
    said = {(w.column, plain(w.msg)) for w in intake.warnings}
    assert ("Horodateur", "n'est pas un champ de participant : colonne ignorée") in said
    assert (
        "Ancienete",
        "n'est pas un champ de participant : colonne ignorée ; vouliez-vous dire « seniority » ?",
    ) in said
    assert (
        "Langues",
        "« Klingon » n'est ni le nom ni le code ISO 639-1 d'une langue connue : gardé tel quel",
    ) in said
    [close] = [w for w in intake.warnings if w.column == "Ancienete"]
    assert close.msg.endswith("vouliez-vous dire «\u00a0seniority\u00a0»\u202f?")  # render typesets


def test_an_issue_and_an_intake_error_read_as_french_sentences() -> None:
    issue = Issue("mentorés.csv", 2, "Ancienneté", "dix", "« dix » n'est pas un nombre")
    assert plain(issue.said("fr")) == (
        "mentorés.csv, ligne 2, colonne « Ancienneté » : « dix » n'est pas un nombre"
    )
    assert str(issue) == "mentorés.csv, row 2, column 'Ancienneté': « dix » n'est pas un nombre"
    assert plain(str(IntakeError([issue], "fr"))).startswith("1 erreur :\nmentorés.csv, ligne 2")


def test_values_are_quoted_and_written_the_language_s_way() -> None:
    assert (shown("dix", "en"), plain(shown("dix", "fr"))) == ("'dix'", "« dix »")
    assert shown("Centres d'intérêt", "en") == '"Centres d\'intérêt"'
    assert (shown(2.5, "en"), shown(2.5, "fr"), shown(2024, "fr")) == ("2.5", "2,5", "2024")
    assert (shown(True, "en"), shown(True, "fr")) == ("True", "VRAI")
    assert shown("a\nb", "en") == "'a\\nb'"


def test_unreadable_files_are_said_in_french(tmp_path: Path) -> None:
    def refused(*files: File) -> list[str]:
        with pytest.raises(IntakeError) as raised:
            read_pool(*files, language="fr")
        return [plain(error.said("fr")) for error in raised.value.errors]

    xls = File("vieux.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest")
    assert refused(File("vide.csv", b""), xls) == [
        "vide.csv : est vide : aucune ligne d'en-tête",
        "vieux.xls : est un classeur Excel 97-2003 (.xls) ; enregistrez-le au format .xlsx ou CSV",
    ]
    book = write_xlsx(tmp_path / "pool.xlsx", {"Mentors": MENTOR_ROWS})
    assert refused(file_at(book, sheet="Mentorés"), File("x.csv", b"id\r\n", "Mentorés")) == [
        "pool.xlsx, feuille « Mentorés » : n'a pas de feuille « Mentorés » ; ses feuilles : "
        "« Mentors »",
        "x.csv, feuille « Mentorés » : est un fichier CSV, qui n'a pas de feuille « Mentorés »",
    ]
    same = refused(File("Export.csv", b"id\r\nm1\r\n"), File("Export.csv", b"Nom\r\nx\r\n"))
    assert same == [
        "Export.csv (mentoré·es), ligne 1 : aucune colonne d'identifiants (par ex. "
        "« Identifiant », « Matricule », « Employee ID » ou « id »)"
    ]


def test_a_re_match_s_files_are_said_in_french() -> None:
    feedback = csv_bytes(
        [["Mentor", "Mentoré·e", "Note", "Fin", "Par"],
         ["Personne", "e1", "6", "peut-être", "moi"], ["m1", "", "3", "non", ""]]
    )  # fmt: skip
    with pytest.raises(IntakeError) as raised:
        read_feedback(File("retours.csv", feedback), POOL, language="fr")
    said = [plain(error.msg) for error in raised.value.errors]
    assert said == [
        "« 6 » n'est pas une note de 1 à 5",
        "« peut-être » n'est ni oui ni non (oui/non, yes/no, vrai/faux, 1/0, x)",
        "« moi » ne dit pas qui a demandé : mentor, mentoré·e ou responsable",
        "« Personne » n'est ni l'identifiant ni le nom d'un mentor du programme",
        "il faut le ou la mentoré·e : la cellule est vide",
    ]
    with pytest.raises(IntakeError) as raised:
        read_leaving(File("départs.csv", csv_bytes([["id"], ["nobody"]])), POOL, language="fr")
    [error] = raised.value.errors
    assert (
        plain(error.msg)
        == "« nobody » n'est ni l'identifiant ni le nom de quiconque dans le programme"
    )


def placeholders(template: str) -> set[str]:
    """The parameters a template names, plural forms (`{n|one|other}`) included."""
    return set(re.findall(r"\{(\w+)[|}]", template))


def test_every_intake_key_is_in_both_languages_with_the_same_placeholders() -> None:
    english, french = catalogue("en"), catalogue("fr")
    keys = sorted(key for key in english if key.startswith("intake."))
    assert keys == sorted(key for key in french if key.startswith("intake."))
    assert len(keys) >= 70
    for key in keys:
        assert placeholders(english[key]) == placeholders(french[key]), key
        assert "\u00a0" not in french[key] and "\u202f" not in french[key], key  # render's job


def test_every_key_the_intake_code_names_is_in_the_message_files() -> None:
    named = set()
    for path in (ROOT / "intake").glob("*.py"):
        named |= set(re.findall(r'"(intake\.[a-z_.]+[a-z_])"', path.read_text("utf-8")))
    assert named and named <= set(catalogue("en")) & set(catalogue("fr"))
    built = {  # keys the code builds from a side, a role, a field or a pydantic error type
        "intake.side.": ("mentors", "mentees"),
        "intake.a_role.": ("mentor", "mentee"),
        "intake.pair.field.": ("kind", "mentor", "mentee", "mentor_id", "mentee_id")
        + ("rating", "end", "by", "comment"),
        "intake.contract.": ("less_than_equal", "greater_than_equal"),
    }
    for prefix, names in built.items():
        for name in names:
            assert prefix + name in catalogue("en") and prefix + name in catalogue("fr")
