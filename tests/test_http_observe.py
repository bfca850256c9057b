"""What a client and a scraper see of the service itself: HEAD /healthz, and /metrics labels
that stay bounded whatever methods clients make up. In process, no network."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.main import app
from api.settings import Settings

client = TestClient(app)


def test_head_healthz_is_a_200_without_a_body() -> None:
    response = client.head("/healthz")
    assert (response.status_code, response.content) == (200, b"")
    assert client.put("/healthz").headers["allow"] == "GET, HEAD"  # every method it takes


def test_made_up_methods_are_counted_under_one_label() -> None:
    counted = TestClient(create_app(Settings()))
    for k in range(50):
        assert counted.request(f"M{k:03d}", "/healthz").status_code == 405
    counted.request("GET", "/healthz")
    lines = [
        line
        for line in counted.get("/metrics").text.splitlines()
        if line.startswith("binome_requests_total{") and 'route="/healthz"' in line
    ]
    assert lines == [
        'binome_requests_total{method="GET",route="/healthz",code="200"} 1',
        'binome_requests_total{method="other",route="/healthz",code="405"} 50',
    ]
