"""The page's files as the service serves them: `/` and `/page/...` with their media types
and caching, the example survey files read-only, nothing outside the page's folder, and
none of it in the OpenAPI schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import app

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ROOT / "api" / "page" / "messages"
client = TestClient(app)


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/page/style.css", "text/css; charset=utf-8"),
        ("/page/js/main.js", "text/javascript; charset=utf-8"),
        ("/page/messages/fr.json", "application/json"),
        ("/page/example/company_mentees_fr.csv", "text/csv; charset=utf-8"),
    ],
)
def test_the_page_is_served_with_its_media_type_and_revalidated(path: str, media: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == media
    assert answer.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    "path",
    [
        "/page/%2e%2e/app.py",
        "/page/../routes/page.py",
        "/page/example/company_pool.json",
        "/page/example/..%2f..%2fpyproject.toml",
        "/page/nothing.js",
        "/page/js",
    ],
)
def test_nothing_else_is_served(path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_page_is_not_in_the_api_schema() -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path == "/" or path.startswith("/page")]


def test_the_example_is_the_bundled_french_excel_file() -> None:
    served = client.get("/page/example/company_mentors_fr.csv").content
    assert served == (ROOT / "scenarios" / "examples" / "company_mentors_fr.csv").read_bytes()


def test_both_languages_have_the_same_labels_and_french_typography() -> None:
    english = json.loads((MESSAGES / "en.json").read_text("utf-8"))
    french = json.loads((MESSAGES / "fr.json").read_text("utf-8"))
    assert english.keys() == french.keys()
    for key, text in french.items():
        for mark in ":;?!%":
            assert f" {mark}" not in text, (key, text)  # a no-break space, never a plain one


def test_every_label_the_page_names_is_in_the_messages() -> None:
    english = json.loads((MESSAGES / "en.json").read_text("utf-8"))
    page = ROOT / "api" / "page"
    sources = [page / "index.html", *sorted((page / "js").glob("*.js"))]
    named = set()
    for source in sources:
        text = source.read_text("utf-8")
        named |= set(re.findall(r'data-i18n(?:-label)?="([a-z_.]+)"', text))
        named |= set(re.findall(r'\bt\("([a-z_.]+)"', text))
    assert named - english.keys() == set()
