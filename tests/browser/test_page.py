"""The manager's page in a real browser: the whole journey in French and in English from
the French Excel CSV example, locks, refused moves, options, exports, the program file and
a re-match. The `page` fixture checks after each test that no request left 127.0.0.1 and
that the console logged no error."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from tests.browser.conftest import API_KEY, Browsed
from tests.browser.workspace import (
    EXAMPLES,
    downloaded,
    drop_file,
    load_example,
    opened,
    pair_row,
    pairs,
    run,
    set_capacity,
    shot,
)

JOURNEY_WORDS = {
    "fr": {
        "sheet": "Binômes",
        "mentor_id": "Identifiant mentor",
        "mentee_id": "Identifiant mentoré·e",
        "status": "Optimum prouvé",
        "pool": "40 mentors et 80 mentoré·es",
        "compare": "Taux d’appariement",
    },
    "en": {
        "sheet": "Pairs",
        "mentor_id": "Mentor id",
        "mentee_id": "Mentee id",
        "status": "Proven optimal",
        "pool": "40 mentors and 80 mentees",
        "compare": "Match rate",
    },
}


def journey(browsed: Browsed, lang: str, tmp_path: Path) -> None:
    """Import → program → run → review → compare → export, as a manager does it."""
    page, words = opened(browsed.page, browsed.url), JOURNEY_WORDS[lang]
    assert page.get_by_test_id("lang").input_value() == lang  # from the browser's language
    shot(page, "start")
    load_example(page)
    assert words["pool"] in page.get_by_test_id("pool-summary").inner_text()
    page.locator("#columns-box summary").click()
    guessed = page.locator("#columns input").evaluate_all("inputs => inputs.map(i => i.value)")
    assert "Identifiant" in guessed and "Ce que je veux apprendre" in guessed
    shot(page, "import", "#import")
    set_capacity(page, 2)
    page.get_by_test_id("weight-goals").fill("4")
    shot(page, "program", "#program")
    run(page)
    assert words["status"] in page.get_by_test_id("status").inner_text()
    assert page.get_by_test_id("kpi-match-rate").inner_text().endswith("%")
    mentor, mentee = pairs(page)[0]
    pair_row(page, mentor, mentee).get_by_test_id("lock").click()
    assert pair_row(page, mentor, mentee).get_attribute("data-locked") == "true"
    shot(page, "draft", "#draft")
    page.get_by_test_id("option-name").fill("2 + goals")
    page.get_by_test_id("save-option").click()
    set_capacity(page, 1)
    run(page)
    page.get_by_test_id("save-option").click()
    page.get_by_test_id("run-compare").click()
    table = page.get_by_test_id("compare")
    table.locator("tbody tr").first.wait_for()
    assert words["compare"] in table.inner_text()
    assert table.locator("thead th").count() == 3  # the indicator, then the two options
    shot(page, "compare", "#compare")
    drafted = set(pairs(page))
    workbook = openpyxl.load_workbook(downloaded(page, "export-xlsx", tmp_path))
    assert workbook.sheetnames[0] == words["sheet"]
    header, *rows = workbook.worksheets[0].iter_rows(values_only=True)
    mentor_at, mentee_at = header.index(words["mentor_id"]), header.index(words["mentee_id"])
    assert {(row[mentor_at], row[mentee_at]) for row in rows} == drafted
    shot(page, "publish", "#publish")


@pytest.mark.locale("fr-FR")
def test_the_whole_journey_in_french(page: Browsed, tmp_path: Path) -> None:
    journey(page, "fr", tmp_path)


def test_the_whole_journey_in_english(page: Browsed, tmp_path: Path) -> None:
    journey(page, "en", tmp_path)


def test_the_language_switch_relabels_the_page_and_the_reasons(page: Browsed) -> None:
    browsed = opened(page.page, page.url)
    load_example(browsed)
    run(browsed)
    drafted = pairs(browsed)
    assert " mentors " in browsed.get_by_test_id("pair").first.inner_text()
    browsed.get_by_test_id("lang").select_option("fr")
    browsed.get_by_test_id("run").filter(has_text="Lancer la proposition").wait_for()
    browsed.get_by_test_id("pair").first.filter(has_text=" accompagne ").wait_for()
    assert pairs(browsed) == drafted
    privacy = browsed.locator(".privacy").inner_text()
    assert "Aucune donnée de participant n’est enregistrée sur le serveur\u00a0:" in privacy


def test_a_lock_survives_a_re_run(page: Browsed) -> None:
    browsed = opened(page.page, page.url)
    load_example(browsed)
    run(browsed)
    # lock a pair the draft would not make with a lower weight on goals: the last one
    mentor, mentee = pairs(browsed)[-1]
    pair_row(browsed, mentor, mentee).get_by_test_id("lock").click()
    browsed.get_by_test_id("weight-goals").fill("0")
    browsed.get_by_test_id("weight-preferences").fill("5")
    run(browsed)
    assert pair_row(browsed, mentor, mentee).get_attribute("data-locked") == "true"
    assert (mentor, mentee) in pairs(browsed)


def test_a_move_to_a_full_mentor_is_refused_in_words(page: Browsed) -> None:
    browsed = opened(page.page, page.url)
    load_example(browsed)
    set_capacity(browsed, 1)
    run(browsed)
    found = pairs(browsed)
    choices = {
        pair: pair_row(browsed, *pair)
        .get_by_test_id("reassign")
        .locator("option")
        .evaluate_all("options => options.map(o => o.value).filter(Boolean)")
        for pair in found
    }
    # a mentor of capacity 1 whose pair is locked, offered to another mentee
    mentor, mentee, full = next(
        (other_mentor, other_mentee, pair[0])
        for pair in found
        for (other_mentor, other_mentee), offered in choices.items()
        if pair[0] in offered and other_mentee != pair[1]
    )
    locked = next(pair for pair in found if pair[0] == full)
    pair_row(browsed, *locked).get_by_test_id("lock").click()
    pair_row(browsed, mentor, mentee).get_by_test_id("reassign").select_option(full)
    note = browsed.get_by_test_id("review-note")
    note.filter(has_text="refused").wait_for()
    assert full in note.inner_text() and "pinned mentees for 1 place" in note.inner_text()
    assert (mentor, mentee) in pairs(browsed) and locked in pairs(browsed)


def test_the_program_file_brings_back_the_same_state(page: Browsed, tmp_path: Path) -> None:
    browsed = opened(page.page, page.url)
    load_example(browsed)
    set_capacity(browsed, 2)
    run(browsed)
    first = pairs(browsed)[0]
    pair_row(browsed, *first).get_by_test_id("lock").click()
    before = pairs(browsed)
    saved = downloaded(browsed, "save-program", tmp_path)
    assert json.loads(saved.read_text("utf-8"))["kind"] == "binome-program"
    browsed.reload()
    browsed.locator("body[data-ready=true]").wait_for(state="attached")
    assert pairs(browsed) == before  # the workspace survives a reload
    browsed.evaluate("localStorage.clear()")
    browsed.reload()
    browsed.locator("body[data-ready=true]").wait_for(state="attached")
    assert pairs(browsed) == []
    browsed.get_by_test_id("open-program").set_input_files(saved)
    browsed.get_by_test_id("pair").first.wait_for()
    assert pairs(browsed) == before
    assert browsed.get_by_test_id("capacity").input_value() == "2"
    assert pair_row(browsed, *first).get_attribute("data-locked") == "true"


@pytest.mark.locale("fr-FR")
def test_a_feedback_file_is_re_matched_in_french(page: Browsed, tmp_path: Path) -> None:
    browsed = opened(page.page, page.url)
    load_example(browsed)
    run(browsed)
    before = set(pairs(browsed))
    browsed.get_by_test_id("import-feedback").set_input_files(EXAMPLES / "company_feedback_fr.csv")
    browsed.get_by_test_id("rematch").click()
    summary = browsed.get_by_test_id("rematch-summary")
    summary.get_by_test_id("rematch-counts").wait_for()
    assert "binômes gardés" in summary.inner_text()
    summary.get_by_test_id("rematch-ended").locator("summary").click()
    assert "note de 1/5" in summary.get_by_test_id("rematch-ended").inner_text()
    after = set(pairs(browsed))  # the re-match is the draft now, ready to export again
    assert after != before and len(after & before) > len(before) // 2
    shot(browsed, "rematch", "#rematch")
    exported = downloaded(browsed, "export-csv", tmp_path).read_bytes()
    assert exported.startswith("\ufeff".encode()) and b";" in exported.splitlines()[0]


UNIQUE_NAME = "Zéphyrine Quartzmoor-Page"
UNIQUE_COMMENT = "commentaire-unique-7f3a9 pour le test"


def test_nothing_of_the_participants_is_kept_by_the_server(
    page: Browsed, server: object, tmp_path: Path
) -> None:
    mentors = (EXAMPLES / "company_mentors_fr.csv").read_text("utf-8-sig").splitlines()
    header, first, *rest = mentors
    cells = first.split(";")
    cells[2], cells[-1] = UNIQUE_NAME, UNIQUE_COMMENT
    (tmp_path / "mentors.csv").write_text("\n".join([header, ";".join(cells), *rest]), "utf-8")
    browsed = opened(page.page, page.url)
    browsed.get_by_test_id("import-mentors").set_input_files(tmp_path / "mentors.csv")
    browsed.get_by_test_id("import-mentees").set_input_files(EXAMPLES / "company_mentees_fr.csv")
    browsed.locator("#read-files").click()
    browsed.get_by_test_id("pool-summary").filter(has_text="40").wait_for()
    run(browsed)
    assert (
        UNIQUE_NAME
        in browsed.get_by_test_id("pairs").inner_text()
        + browsed.get_by_test_id("unmatched").inner_text()
    )
    workdir: Path = server.workdir  # type: ignore[attr-defined]
    for written in (path for path in workdir.rglob("*") if path.is_file()):
        text = written.read_bytes().decode("utf-8", "replace")
        assert UNIQUE_NAME not in text and UNIQUE_COMMENT not in text, written
    assert "Quartzmoor" not in server.log()  # type: ignore[attr-defined]


def test_every_control_has_a_label_and_the_keyboard_reaches_the_steps(page: Browsed) -> None:
    browsed = opened(page.page, page.url)
    reached = []
    for _ in range(12):
        browsed.keyboard.press("Tab")
        reached.append(browsed.evaluate("document.activeElement.dataset.testid || ''"))
    assert "lang" in reached and "import-mentors" in reached
    load_example(browsed)
    run(browsed)
    unlabelled = browsed.evaluate(
        """() => [...document.querySelectorAll('input, select, button')].filter(c =>
             !(c.labels && c.labels.length) && !c.getAttribute('aria-label')
             && !c.textContent.trim()).map(c => c.outerHTML.slice(0, 80))"""
    )
    assert unlabelled == []


@pytest.mark.parametrize("width", [1280, 800, 375])
def test_the_page_never_scrolls_sideways(page: Browsed, width: int) -> None:
    browsed = opened(page.page, page.url)
    browsed.set_viewport_size({"width": width, "height": 800})
    load_example(browsed)
    run(browsed)
    assert browsed.evaluate("document.documentElement.scrollWidth") <= width
    if width == 375:
        browsed.get_by_test_id("pairs").scroll_into_view_if_needed()
        shot(browsed, "phone")


def test_a_long_run_counts_its_seconds_and_can_be_cancelled(page: Browsed) -> None:
    browsed = opened(page.page, page.url)
    load_example(browsed)
    run(browsed)
    before = pairs(browsed)
    browsed.route("**/v1/jobs", lambda route: None)  # held: the job is never even queued
    browsed.get_by_test_id("run").click()
    browsed.get_by_test_id("status").filter(has_text="Matching…").wait_for()
    browsed.get_by_test_id("cancel").click()
    browsed.get_by_test_id("status").filter(has_text="Cancelled").wait_for()
    assert pairs(browsed) == before  # the previous draft is kept
    assert browsed.get_by_test_id("cancel").is_hidden()


@pytest.mark.locale("fr-FR")
def test_every_error_of_the_files_is_shown_at_its_row_and_column(
    page: Browsed, tmp_path: Path
) -> None:
    lines = (EXAMPLES / "company_mentees_fr.csv").read_text("utf-8-sig").splitlines()
    cells = lines[3].split(";")
    cells[7] = "dix"  # Ancienneté (années), on the spreadsheet's row 4
    (tmp_path / "mentorés.csv").write_text("\n".join([*lines[:3], ";".join(cells), *lines[4:]]))
    browsed = opened(page.page, page.url)
    browsed.get_by_test_id("import-mentors").set_input_files(EXAMPLES / "company_mentors_fr.csv")
    browsed.get_by_test_id("import-mentees").set_input_files(tmp_path / "mentorés.csv")
    browsed.locator("#read-files").click()
    errors = browsed.get_by_test_id("import-errors")
    errors.locator("li").first.wait_for()
    assert "mentorés.csv, ligne 4, colonne «\u00a0Ancienneté (années)\u00a0»" in errors.inner_text()
    # the browser logs the refused upload itself (a 422); the page logs nothing
    assert all("422" in error for error in page.console_errors)
    page.console_errors.clear()


@pytest.mark.locale("fr-FR")
def test_files_dropped_on_their_zones_are_imported(page: Browsed) -> None:
    browsed = opened(page.page, page.url)
    mentors = browsed.get_by_test_id("drop-mentors")
    mentees = browsed.get_by_test_id("drop-mentees")
    assert "Choisir un fichier" in mentors.inner_text()  # the page's words, not Chromium's
    assert "Aucun fichier choisi" in mentees.inner_text()
    drop_file(browsed, "drop-mentors", EXAMPLES / "company_mentors_fr.csv")
    drop_file(browsed, "drop-mentees", EXAMPLES / "company_mentees_fr.csv")
    assert "company_mentors_fr.csv" in mentors.inner_text()
    assert "company_mentees_fr.csv" in mentees.inner_text()
    assert browsed.get_by_test_id("import-mentors").evaluate("i => i.files[0].name") == (
        "company_mentors_fr.csv"
    )  # the dropped file is the input's own: picking and dropping are one path
    browsed.locator("#read-files").click()
    browsed.get_by_test_id("pool-summary").filter(has_text="40 mentors et 80 mentoré·es").wait_for()
    browsed.get_by_test_id("lang").select_option("en")
    mentors.filter(has_text="Choose a file").wait_for()
    assert "company_mentors_fr.csv" in mentors.inner_text()  # the name stays in English


def test_the_file_inputs_stay_focusable_and_show_their_focus(page: Browsed) -> None:
    browsed = opened(page.page, page.url)
    mentors = browsed.get_by_test_id("import-mentors")
    mentors.focus()
    assert browsed.evaluate("document.activeElement.dataset.testid") == "import-mentors"
    browsed.keyboard.press("Tab")
    browsed.keyboard.press("Shift+Tab")  # focus from the keyboard: :focus-visible
    button = browsed.get_by_test_id("drop-mentors").locator(".button-like")
    assert button.evaluate("b => getComputedStyle(b).outlineStyle") == "solid"
    assert mentors.bounding_box()["width"] <= 1  # hidden from sight, not from the keyboard


def test_a_group_draft_keeps_every_group_at_least_the_minimum(
    page: Browsed, tmp_path: Path
) -> None:
    browsed = opened(page.page, page.url)
    load_example(browsed)
    assert browsed.get_by_test_id("group-min-size").is_hidden()  # one-to-one: no groups
    browsed.get_by_test_id("format").select_option("group")
    set_capacity(browsed, 4)
    minimum = browsed.get_by_test_id("group-min-size")
    sizes: dict[int, list[int]] = {}
    for smallest in (2, 1):  # 3 is slower to prove than a browser test should wait
        minimum.fill(str(smallest))
        minimum.dispatch_event("change")
        with browsed.expect_request("**/v1/jobs") as sent:  # the draft runs as a job
            run(browsed)
        job = sent.value.post_data_json
        assert job["kind"] == "match"
        assert job["request"]["program"]["group"] == {"min_size": smallest}
        sizes[smallest] = list(Counter(mentor for mentor, _ in pairs(browsed)).values())
    assert min(sizes[2]) >= 2 and max(sizes[2]) <= 4
    assert min(sizes[1]) == 1  # the same pool with groups of one: the minimum is what held
    saved = json.loads(downloaded(browsed, "save-program", tmp_path).read_text("utf-8"))
    assert saved["settings"]["format"] == "group" and saved["settings"]["group_min_size"] == 1


def test_a_service_with_api_keys_asks_for_the_key_then_works(
    keyed_page: Browsed, tmp_path: Path
) -> None:
    browsed = opened(keyed_page.page, keyed_page.url)
    sent: list[dict[str, str]] = []
    browsed.on("request", lambda r: "/v1/" in r.url and sent.append(r.headers))
    browsed.get_by_test_id("load-example").click()
    errors = browsed.get_by_test_id("import-errors")
    errors.filter(has_text="This service needs an API key").wait_for()
    assert browsed.locator("#connection").get_attribute("open") is not None  # shown, to fill
    browsed.get_by_test_id("api-key").fill("not-the-key-0123456789")
    browsed.get_by_test_id("load-example").click()
    errors.filter(has_text="The service refused this API key").wait_for()
    # the browser logs each refused call itself (a 401); the page logs nothing
    assert all("401" in error for error in keyed_page.console_errors)
    keyed_page.console_errors.clear()
    browsed.get_by_test_id("api-key").fill(API_KEY)
    load_example(browsed)
    run(browsed)
    assert "authorization" not in sent[0]  # before the key: none sent
    assert sent[1]["authorization"] == "Bearer not-the-key-0123456789"
    assert sent[2:] and all(h["authorization"] == f"Bearer {API_KEY}" for h in sent[2:])
    assert API_KEY in browsed.evaluate("JSON.stringify(sessionStorage)")
    assert API_KEY not in browsed.evaluate("JSON.stringify(localStorage)")
    assert API_KEY not in downloaded(browsed, "save-program", tmp_path).read_text("utf-8")
    browsed.reload()  # the same tab keeps it
    browsed.locator("body[data-ready=true]").wait_for(state="attached")
    assert browsed.get_by_test_id("api-key").input_value() == API_KEY
