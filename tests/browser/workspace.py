"""Driving the manager's page as a person does, by its `data-testid` hooks, for the page's
browser tests and the screenshots of docs/page.md."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "scenarios" / "examples"
SHOTS = ROOT / "docs" / "images"
SHOOT = os.environ.get("BINOME_PAGE_SCREENSHOTS") == "1"  # docs/images/page_screenshots.py


def shot(page: Any, name: str, selector: str | None = None, height: int = 900) -> None:
    """A screenshot of the page's viewport, or of one step's section (its first `height`
    pixels), as docs/images/page-<name>.png, when the screenshots are being taken."""
    if not SHOOT:
        return
    path = str(SHOTS / f"page-{name}.png")
    if selector is None:
        page.screenshot(path=path)
        return
    section = page.locator(selector)
    section.scroll_into_view_if_needed()
    box = section.bounding_box()
    scroll = page.evaluate("[window.scrollX, window.scrollY]")
    clip = {"x": box["x"] + scroll[0], "y": box["y"] + scroll[1], "width": box["width"]}
    page.screenshot(path=path, full_page=True, clip={**clip, "height": min(box["height"], height)})


def opened(page: Any, url: str) -> Any:
    page.goto(url + "/")
    page.locator("body[data-ready=true]").wait_for(state="attached")
    return page


def load_example(page: Any) -> None:
    page.get_by_test_id("load-example").click()
    page.get_by_test_id("pool-summary").filter(has_text="40").wait_for()


def run(page: Any) -> None:
    """Runs the draft and waits for its answer (the status line stops counting seconds)."""
    page.get_by_test_id("run").click()
    page.locator("body:not([aria-busy])").wait_for(state="attached")
    page.get_by_test_id("pair").first.wait_for()


def pairs(page: Any) -> list[tuple[str, str]]:
    rows = page.get_by_test_id("pair")
    found = rows.evaluate_all("rows => rows.map(r => [r.dataset.mentor, r.dataset.mentee])")
    return [tuple(pair) for pair in found]


def pair_row(page: Any, mentor: str, mentee: str) -> Any:
    return page.locator(f'[data-testid=pair][data-mentor="{mentor}"][data-mentee="{mentee}"]')


def set_capacity(page: Any, capacity: int) -> None:
    page.get_by_test_id("capacity").fill(str(capacity))
    page.get_by_test_id("capacity").dispatch_event("change")


def downloaded(page: Any, testid: str, folder: Path) -> Path:
    with page.expect_download() as download:
        page.get_by_test_id(testid).click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    return path


def drop_file(page: Any, testid: str, path: Path) -> None:
    """Drops `path` on the zone `testid` as a person dragging it from their desktop does:
    a drop event whose DataTransfer holds the file."""
    held = page.evaluate_handle(
        """([name, bytes]) => {
             const moved = new DataTransfer();
             moved.items.add(new File([new Uint8Array(bytes)], name, { type: "text/csv" }));
             return moved;
           }""",
        [path.name, list(path.read_bytes())],
    )
    zone = page.get_by_test_id(testid)
    zone.dispatch_event("dragenter", {"dataTransfer": held})
    zone.dispatch_event("drop", {"dataTransfer": held})
