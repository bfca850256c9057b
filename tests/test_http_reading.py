"""The solving routes read their own bodies, and nothing a client sees changes for it: the
OpenAPI is FastAPI's own for a body parameter (plus examples, and what `for_clients` adds
for every route alike), and a refused body gets
FastAPI's answer. In process, no network."""

from __future__ import annotations

import inspect
import json
from inspect import Parameter
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api import examples, problems
from api.app import create_app
from api.exporting import ExportRequest
from api.main import app
from api.openapi import for_clients, operation_id
from api.routes import export, health, intake, match, rematch, scenarios
from api.settings import Settings
from solver import MatchRequest, RematchRequest, ScenarioRequest

BODIES: dict[str, type[BaseModel]] = {
    "/v1/match": MatchRequest,
    "/v1/scenarios": ScenarioRequest,
    "/v1/rematch": RematchRequest,
    "/v1/export": ExportRequest,
}
client = TestClient(app)


def _with_body(endpoint: Any, model: type[BaseModel] | None) -> Any:
    """A stand-in with the endpoint's parameters, and the body as a parameter of its own."""

    def stand_in(**_: Any) -> None:
        return None

    signature = inspect.signature(endpoint, eval_str=True)
    parameters = list(signature.parameters.values())
    if model is not None:
        parameters.append(inspect.Parameter("request", Parameter.KEYWORD_ONLY, annotation=model))
    stand_in.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return stand_in


def reference() -> FastAPI:
    """The same routes as FastAPI makes them when the body is a parameter it reads (the
    intake form as it is declared)."""
    twin = FastAPI(
        title=app.title,
        version=app.version,
        description=app.description,
        generate_unique_id_function=operation_id,
    )
    problems.install(twin)
    twin.state.settings, twin.state.slots = app.state.settings, app.state.slots
    routers = (match.router, scenarios.router, rematch.router, intake.router, export.router)
    for router in (*routers, health.router):
        for route in router.routes:
            assert isinstance(route, APIRoute)
            twin.add_api_route(
                route.path,
                _with_body(route.endpoint, BODIES.get(route.path)),
                methods=list(route.methods or ()),
                name=route.name,
                operation_id=route.operation_id,
                response_model=route.response_model,
                response_class=route.response_class,
                responses=route.responses,
                summary=route.summary,
                description=route.description,
                tags=list(route.tags),
                dependencies=route.dependencies,
                include_in_schema=route.include_in_schema,
                # a form's body is described by hand (`api.routes.intake`), as FastAPI has it
                openapi_extra=None if route.path in BODIES else route.openapi_extra,
            )
    return twin


def test_the_openapi_is_fastapi_s_own_for_a_body_parameter_with_examples_added() -> None:
    served = json.loads(json.dumps(app.openapi()))
    for path in BODIES:
        assert served["paths"][path]["post"]["requestBody"]["content"]["application/json"].pop(
            "examples"
        )
    # the job routes' bodies and answers are shown by hand (`api.app.Service.openapi`), each
    # schema checked by tests/test_openapi_for_clients.py: the rest is FastAPI's own
    for path in [path for path in served["paths"] if path.startswith("/v1/jobs")]:
        del served["paths"][path]
    for name in ("Job", "JobAccepted", "JobProgress", "JobSubmission"):
        del served["components"]["schemas"][name]
    assert served == for_clients(reference().openapi(), bool(app.state.settings.keys))


@pytest.mark.parametrize(
    ("path", "offered"),
    [("/v1/match", examples.MATCH), ("/v1/scenarios", examples.SCENARIOS)]
    + [("/v1/rematch", examples.REMATCH), ("/v1/export", examples.EXPORT)],
)
def test_every_example_of_the_openapi_page_gets_a_200(path: str, offered: dict[str, Any]) -> None:
    for example in offered.values():
        assert client.post(path, json=example["value"]).status_code == 200


RAW: list[tuple[bytes, str | None]] = [
    (b"{not json", "application/json"),
    (b"", "application/json"),
    (b"[1, 2]", "application/json"),
    (b"null", "application/json"),
    (b'{"mentors": [], "mentees": [], "program": {"time_limit_s": NaN}}', "application/json"),
    (b'{"mentors": "everyone", "mentees": 7}', "application/json"),
    (b'{"mentors": [{"id": "m\xff"}], "mentees": []}', "application/json"),
    (b"[" * 5000 + b"]" * 5000, "application/json"),
    (b'{"mentors": [{"id": 1, "nmae": "x"}], "mentees": [{}], "extra": 1}', "application/json"),
    (b'{"mentors": [], "mentees": []}', None),
    (b'{"mentors": [], "mentees": []}', "text/plain"),
    (b'{"mentors": [], "mentees": [{"id": "e1", "x": 1}]}', "application/problem+json"),
    (b'{"mentors": [], "mentees": [{"id": "e1", "x": 1}]}', "application/json; charset=utf-8"),
]


@pytest.mark.parametrize(("raw", "content_type"), RAW)
def test_a_refused_body_gets_what_fastapi_would_answer(
    raw: bytes, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    ours = client.post("/v1/match", content=raw, headers=headers)
    theirs = TestClient(reference()).post("/v1/match", content=raw, headers=headers)
    assert ours.status_code == theirs.status_code >= 400
    assert ours.json() == theirs.json()
    assert ours.headers["content-type"] == "application/problem+json"


def test_a_pool_beyond_the_limits_is_counted_before_it_is_validated() -> None:
    body = {
        "mentors": [{"id": "m", "nmae": "typo"}],
        "mentees": [{"id": f"e{k}"} for k in range(9)],
    }
    response = TestClient(create_app(Settings(max_participants=5))).post("/v1/match", json=body)
    assert response.status_code == 413  # validating first would have found the typo, later
    assert response.json()["errors"][0]["loc"] == ["body", "mentees"]
