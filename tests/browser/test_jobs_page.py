"""The page runs its solves as jobs (issue 18.4): a search's real progress under a bar, a
comparison's options solved out of all, and a cancel that stops the service's search and
keeps the best answer it found. The requests the page sends are real; where a test needs
a long search, it swaps the job's request on its way (Playwright's routing) for a pool
whose rules only CP-SAT holds, so the service does real work for tens of seconds."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from typing import Any

from bench.rules import body_for
from tests.browser.conftest import Browsed
from tests.browser.workspace import load_example, opened, pairs, run

SEARCH_S = 60.0  # the swapped request's time limit: the test cancels long before


def _swap_to(request: dict[str, Any]) -> Any:
    """A route handler that sends `request` in place of a job's own (its kind kept)."""

    def handle(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        sent = json.loads(route.request.post_data)
        route.continue_(post_data=json.dumps({"kind": sent["kind"], "request": request}))

    return handle


def _job(url: str, job_id: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/v1/jobs/{job_id}", timeout=10) as answer:
        found: dict[str, Any] = json.load(answer)
    return found


def _wait_for_an_answer(url: str, job_id: str) -> None:
    """Until the job's search has found a first answer (its progress has an objective)."""
    for _ in range(600):
        if _job(url, job_id)["progress"]["objective"] is not None:
            return
        time.sleep(0.1)
    raise AssertionError("the search found no answer in 60 s")


def test_a_search_shows_its_progress_and_cancel_keeps_its_best_answer(page: Browsed) -> None:
    browsed = opened(page.page, page.url)
    load_example(browsed)
    slow = body_for("balance-group2", (300, 100), 1, SEARCH_S)
    browsed.route("**/v1/jobs", _swap_to(slow))
    with browsed.expect_response("**/v1/jobs") as submitted:
        browsed.get_by_test_id("run").click()
    job_id = submitted.value.json()["id"]
    words = browsed.get_by_test_id("job-words")
    # the search's own words: its best against its bound, or (on a shortfall level, where a
    # share means nothing) that it is searching; then a first answer is kept
    words.filter(has_text=re.compile("of the bound|searching for better")).wait_for(timeout=60_000)
    assert browsed.get_by_test_id("job-bar").is_visible()
    _wait_for_an_answer(page.url, job_id)
    browsed.get_by_test_id("cancel").click()
    browsed.get_by_test_id("status").filter(has_text="Stopped").wait_for(timeout=15_000)
    job = _job(page.url, job_id)
    assert job["status"] == "cancelled"
    assert job["result"]["status"] == "feasible"  # the best found before the stop, said so
    shown = pairs(browsed)
    assert len(shown) == len(job["result"]["pairings"]) > 0
    assert browsed.get_by_test_id("job-progress").is_hidden()
    assert browsed.get_by_test_id("cancel").is_hidden()


def test_a_comparison_counts_the_options_solved(page: Browsed) -> None:
    browsed = opened(page.page, page.url)
    load_example(browsed)
    run(browsed)
    browsed.get_by_test_id("save-option").click()
    browsed.get_by_test_id("save-option").click()
    slow = body_for("balance-group2", (300, 100), 1, 4.0)
    base = {**slow, "program": {**slow["program"], "time_limit_s": 4.0}}
    capacities = [
        {"name": f"cap {k}", "patch": {"program": {"mentor_capacity": k}}} for k in (1, 2, 3)
    ]
    browsed.route("**/v1/jobs", _swap_to({"base": base, "variants": capacities}))
    browsed.get_by_test_id("run-compare").click()
    words = browsed.get_by_test_id("job-words")
    words.filter(has_text=re.compile("[1-4] of 4 options solved")).wait_for(timeout=30_000)
    table = browsed.get_by_test_id("compare")
    table.locator("tbody tr").first.wait_for(timeout=60_000)
    assert table.locator("thead th").count() == 1 + 4  # the indicator, the base, 3 variants
    assert browsed.get_by_test_id("job-progress").is_hidden()
