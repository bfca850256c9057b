"""The program manager's page: `/` and its static files under `/page/`, and the bundled
example's survey files at `/page/example/<name>` (read-only, from the installed `scenarios`
package).

The page is a thin client of the public API: it holds no rule and keeps nothing here. Its
files are plain HTML, CSS, JavaScript modules and JSON messages, shipped inside the `api`
package (pyproject's package-data), so an installed copy serves them without a checkout.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

import scenarios
from api.problems import ProblemError

router = APIRouter(include_in_schema=False)

PAGE = Path(__file__).resolve().parent.parent / "page"
EXAMPLES = Path(scenarios.__file__).resolve().parent / "examples"
EXAMPLE_FILES = ("company_mentors_fr.csv", "company_mentees_fr.csv", "company_feedback_fr.csv")
MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".csv": "text/csv; charset=utf-8",
}
# the page changes with the service it ships with: the browser asks again each time
CACHE = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}


def _served(path: Path) -> FileResponse:
    media = MEDIA_TYPES.get(path.suffix)
    if media is None or not path.is_file():
        raise ProblemError(404, "Not Found", "no such file on the page")
    return FileResponse(path, media_type=media, headers=CACHE)


@router.get("/")
def page() -> FileResponse:
    """The manager's workspace."""
    return _served(PAGE / "index.html")


@router.get("/page/example/{name}")
def example(name: str) -> FileResponse:
    """One of the bundled example's survey files, as a manager's Excel saved it."""
    if name not in EXAMPLE_FILES:
        raise ProblemError(404, "Not Found", "no such example file")
    return _served(EXAMPLES / name)


@router.get("/page/{path:path}")
def static(path: str) -> FileResponse:
    """A file of the page; nothing outside its folder."""
    wanted = (PAGE / path).resolve()
    if not wanted.is_relative_to(PAGE):
        raise ProblemError(404, "Not Found", "no such file on the page")
    return _served(wanted)
