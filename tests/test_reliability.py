"""The service holds: limits, busy slots, API keys, logs without personal data, determinism,
/metrics, a hostile corpus and schemathesis against the OpenAPI schema."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from pydantic import ValidationError
from schemathesis.checks import positive_data_acceptance

from api.app import create_app
from api.main import app
from api.observe import JsonLines
from api.settings import Settings
from tests.pools import random_pool

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = json.loads((ROOT / "scenarios" / "examples" / "company_pool.json").read_text("utf-8"))
KEY = "k-3f9c1e2d7a6b5c4d"


@pytest.fixture
def client() -> TestClient:
    return TestClient(app)


def client_with(**settings: Any) -> TestClient:
    """A client of a service built with these settings (the rest from the environment)."""
    return TestClient(create_app(Settings(**settings)))


def small() -> dict[str, Any]:
    return random_pool(7, n_mentees=6, n_mentors=3, mentor_capacity=2)


@pytest.mark.parametrize(
    ("name", "value"), [("BINOME_MAX_BODY_BYTES", "0"), ("BINOME_API_KEYS", "short")]
)
def test_nonsensical_settings_stop_the_service_at_start_up(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError, match=name.removeprefix("BINOME_").lower()):
        create_app()


def test_a_body_over_the_limit_is_a_413() -> None:
    client = client_with(max_body_bytes=2048)
    big = json.dumps({"mentors": [], "mentees": [{"id": f"e{k}"} for k in range(300)]})
    response = client.post("/v1/match", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_a_chunked_body_over_the_limit_is_a_413() -> None:
    client = client_with(max_body_bytes=2048)

    def chunks() -> Iterator[bytes]:
        yield b'{"mentors": [], "mentees": ['
        for k in range(300):
            yield f'{{"id": "e{k}"}},'.encode()
        yield b'{"id": "last"}]}'

    response = client.post(
        "/v1/match", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("variable", "value", "loc"),
    [
        ("max_participants", 5, ["body", "mentees"]),
        ("max_candidate_pairs", 10, ["body", "mentors"]),
    ],
)
def test_pools_beyond_the_limits_are_413s_naming_the_limit(
    variable: str, value: int, loc: list[str]
) -> None:
    response = client_with(**{variable: value}).post("/v1/match", json=small())
    assert response.status_code == 413
    assert response.json()["errors"][0]["loc"] == loc
    assert str(value) in response.json()["detail"]


def test_when_every_slot_is_busy_the_answer_is_503_at_once_and_service_recovers() -> None:
    client = client_with(max_concurrent_solves=3, retry_after_s=7)
    slots = client.app.state.slots  # type: ignore[attr-defined]
    assert slots.take(5) == 3  # as many as there are
    try:
        busy = client.post("/v1/match", json=small())
        assert busy.status_code == 503
        assert busy.headers["retry-after"] == "7"
        assert busy.headers["content-type"] == "application/problem+json"
    finally:
        slots.give_back(3)
    assert client.post("/v1/match", json=small()).status_code == 200
    assert slots.busy == 0


def test_with_api_keys_only_bearers_of_one_get_in() -> None:
    client = client_with(api_keys=f"{KEY}, another-key-0123456789")
    missing = client.post("/v1/match", json=small())
    wrong = client.post("/v1/match", json=small(), headers={"Authorization": "Bearer nope"})
    right = client.post("/v1/match", json=small(), headers={"Authorization": f"Bearer {KEY}"})
    assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert missing.headers["content-type"] == "application/problem+json"
    assert client.get("/healthz").status_code == 200  # liveness stays open
    assert client.post("/v1/rematch", json={"pool": small()}).status_code == 401


def test_no_name_or_comment_reaches_a_log_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    name, comment = "Zoltan Uniquename-8842", "private remark 5521 about my mentor"
    pool = {
        "mentors": [{"id": "m1", "name": name, "languages": ["en"]}],
        "mentees": [{"id": "e1", "name": "Ada Otherunique-1177", "languages": ["en"]}],
    }
    feedback = [{"mentor": "m1", "mentee": "e1", "rating": 2, "comment": comment}]
    body = {"pool": pool, "current": [{"mentor": "m1", "mentee": "e1"}], "feedback": feedback}
    with caplog.at_level(logging.DEBUG):
        assert client.post("/v1/match", json=pool).status_code == 200
        assert client.post("/v1/rematch", json=body).status_code == 200
        bad = {**pool, "mentors": [{"id": "m1", "name": name, "nmae": comment}]}
        assert client.post("/v1/match", json=bad).status_code == 422
    lines = [JsonLines().format(record) for record in caplog.records]
    assert any('"route": "/v1/rematch"' in line for line in lines)
    for line in lines:
        for secret in (name, comment, "Ada Otherunique-1177"):
            assert secret not in line


def test_every_request_gets_an_id_and_a_json_log_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="binome.access"):
        response = client.post("/v1/match", json=small(), headers={"X-Request-ID": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    (record,) = [r for r in caplog.records if r.name == "binome.access"]
    line = json.loads(JsonLines().format(record))
    assert line["request_id"] == "abc-123" and line["status"] == 200
    assert line["mentees"] == 6 and line["mentors"] == 3 and "duration_ms" in line


def test_metrics_count_requests_solves_and_pool_sizes(client: TestClient) -> None:
    client.post("/v1/match", json=small())
    text = client.get("/metrics").text
    assert 'binome_requests_total{method="POST",route="/v1/match",code="200"}' in text
    assert 'binome_solves_total{engine="flow",status="optimal"}' in text
    assert 'binome_request_seconds_bucket{route="/v1/match",le="+Inf"}' in text
    assert "binome_pool_participants_count" in text


DETERMINISM = """
import json, sys
from fastapi.testclient import TestClient
from api.main import app
answer = TestClient(app).post("/v1/match", json=json.loads(sys.stdin.read())).json()
answer.pop("solve_seconds")
print(json.dumps(answer, sort_keys=True))
"""


@pytest.mark.parametrize("program", [{}, {"diversity": {"cross": {"department": 0.97}}}])
def test_the_same_request_gives_the_same_answer_in_another_process(program: dict[str, Any]) -> None:
    body = {**EXAMPLE, "program": {**EXAMPLE["program"], **program, "seed": 3}}
    answers = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "BINOME_LOG_FORMAT": "text"}
        done = subprocess.run(
            [sys.executable, "-c", DETERMINISM],
            input=json.dumps(body),
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        answers.add(done.stdout)
    assert len(answers) == 1


HOSTILE: list[tuple[str, bytes]] = [
    ("huge string", json.dumps({"mentors": [{"id": "m" * 1_000_000}], "mentees": []}).encode()),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000),
    ("deep objects", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    ("NaN", b'{"mentors": [], "mentees": [], "program": {"mentor_capacity": NaN}}'),
    ("Infinity", b'{"mentors": [{"id": "m", "seniority": Infinity}], "mentees": []}'),
    (
        "unicode ids",
        json.dumps({"mentors": [{"id": "м1 🚀"}], "mentees": [{"id": "é\u200b"}]}).encode(),
    ),
    ("duplicate keys", b'{"mentors": [], "mentees": [], "mentees": [{"id": "e1"}]}'),
    ("null bytes", b'{"mentors": [{"id": "m\\u0000"}], "mentees": []}'),
    ("not utf-8", b'{"mentors": [{"id": "\xff\xfe"}], "mentees": []}'),
    ("wrong types", b'{"mentors": "everyone", "mentees": 7}'),
]


@pytest.mark.parametrize(("name", "raw"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input_gets_an_answer_never_a_5xx(
    client: TestClient, name: str, raw: bytes
) -> None:
    response = client.post("/v1/match", content=raw, headers={"content-type": "application/json"})
    assert response.status_code < 500, response.text[:300]
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] and response.json()["errors"][0]["loc"][0] == "body"


def test_fifty_thousand_forbidden_pairs_are_handled(client: TestClient) -> None:
    mentors = [{"id": f"m{j}"} for j in range(200)]
    mentees = [{"id": f"e{i}"} for i in range(250)]
    forbidden = [{"mentor": m["id"], "mentee": e["id"]} for m in mentors for e in mentees]
    body = {"mentors": mentors, "mentees": mentees, "program": {"forbidden": forbidden}}
    response = client.post("/v1/match", json=body)
    assert response.status_code == 200
    answer = response.json()
    assert answer["pairings"] == [] and len(answer["unmatched"]) == 450
    assert {u["reason"] for u in answer["unmatched"] if u["role"] == "mentee"} == {
        "no_eligible_mentor"
    }


schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_schemathesis_finds_no_5xx_and_answers_match_the_schema(case: Any) -> None:
    # References between ids are checked beyond the schema (a 422 for an unknown id is right).
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


@pytest.mark.parametrize(
    ("origins", "allowed"), [("", None), ("https://platform.example", "https://platform.example")]
)
def test_cors_is_off_unless_origins_are_configured(origins: str, allowed: str | None) -> None:
    preflight = {"Origin": "https://platform.example", "Access-Control-Request-Method": "POST"}
    answer = client_with(cors_origins=origins).options("/v1/match", headers=preflight)
    assert answer.headers.get("access-control-allow-origin") == allowed


def test_a_variant_beyond_the_limits_is_a_413_naming_the_variant() -> None:
    variant = {"name": "more", "add_mentees": [{"id": "n1"}, {"id": "n2"}]}
    response = client_with(max_participants=10).post(
        "/v1/scenarios", json={"base": small(), "variants": [variant]}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["loc"] == ["body", "variants", 0, "mentees"]
