"""The browser tests' own check, and the documentation page as a browser shows it: served
from this host alone (every request on 127.0.0.1), with no console error."""

from __future__ import annotations

from tests.browser.conftest import Browsed


def test_the_health_check_opens_in_the_browser(page: Browsed) -> None:
    answer = page.goto("/healthz")
    assert answer is not None and answer.status == 200
    assert '"status":"ok"' in page.page.content().replace(" ", "")


def test_the_swagger_page_shows_the_endpoints_from_this_host_alone(page: Browsed) -> None:
    page.goto("/docs")
    page.page.locator(".opblock-summary-path", has_text="/v1/match").first.wait_for()
    assert f"{page.url}/docs/assets/swagger-ui-bundle.js" in page.requests_seen
    assert f"{page.url}/openapi.json" in page.requests_seen
