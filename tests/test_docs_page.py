"""The documentation page is served from this host alone: the page names no other host, its
script and style are the installed package's, and the icon is ours. In process; the
browser test (tests/browser/test_browser_smoke.py) checks every request a browser makes."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.main import app
from api.routes.docs import ASSETS

client = TestClient(app)
LINKED = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def test_the_docs_page_names_no_other_host() -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]", page.text, re.IGNORECASE)
    assert sorted(LINKED.findall(page.text)) == [
        f"{ASSETS}/swagger-ui-bundle.js",
        f"{ASSETS}/swagger-ui.css",
        "/favicon.ico",
    ]
    assert '"validatorUrl": null' in page.text


def test_the_docs_page_s_script_and_style_are_served() -> None:
    script = client.get(f"{ASSETS}/swagger-ui-bundle.js")
    style = client.get(f"{ASSETS}/swagger-ui.css")
    assert script.status_code == style.status_code == 200
    assert "SwaggerUIBundle" in script.text[:2000]
    assert script.headers["content-type"].startswith("text/javascript")
    assert style.headers["content-type"].startswith("text/css")


def test_the_page_s_files_are_counted_under_their_mount() -> None:
    client.get(f"{ASSETS}/swagger-ui.css")
    metrics = client.get("/metrics").text
    assert f'route="{ASSETS}",code="200"' in metrics


def test_the_icon_is_our_own_svg() -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/svg+xml"
    assert icon.text.startswith("<svg ")


def test_there_is_no_redoc_page() -> None:
    assert client.get("/redoc").status_code == 404
