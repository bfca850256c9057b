"""The OpenAPI says what a client generator needs: every field described with an example
(each example valid for its field), a request and an answer example per endpoint (each the
endpoint's real answer but for what is abridged), the problem document on every refusal,
codes and statuses as enums, the API key as a bearer scheme, readable operation ids, and
unknown fields refused. In process, no network."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Annotated, Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter

from api import answer_examples as answers
from api import examples
from api.app import create_app
from api.exporting import ExportRequest
from api.jobs import Job, JobAccepted, JobSubmission
from api.openapi import for_clients
from api.problems import Problem
from api.rematch_upload import RematchFiles
from api.settings import Settings
from api.upload import IntakeResponse
from solver import MatchRequest, MatchResponse, RematchRequest, ScenarioRequest
from solver.contract.rematch import PairReason, RematchResponse
from solver.contract.response import UnmatchedReason
from solver.contract.whatif import ScenarioResponse
from solver.messages import catalogue

ROOT = Path(__file__).resolve().parent.parent
KEY = "openapi-test-key-0123456789"
SPEC = create_app(Settings(api_keys=KEY)).openapi()
OPEN_SPEC = create_app(Settings()).openapi()
SCHEMAS = SPEC["components"]["schemas"]
OPERATIONS = [
    (path, method, operation)
    for path, methods in SPEC["paths"].items()
    for method, operation in methods.items()
]
REQUESTS = (MatchRequest, ScenarioRequest, RematchRequest, ExportRequest, JobSubmission)


def _refers(value: Any) -> bool:
    return "$ref" in json.dumps(value)


def test_every_field_is_described_and_each_value_field_has_an_example() -> None:
    missing = [
        (name, field, what)
        for name, schema in SCHEMAS.items()
        for field, prop in schema.get("properties", {}).items()
        for what in ("description", "examples")
        if what not in prop and (what == "description" or not _refers(prop))
    ]
    assert missing == []


def _models(root: type[BaseModel]) -> set[type[BaseModel]]:
    """The model and every model its fields hold, at any depth."""
    found, todo = set(), [root]
    while todo:
        model = todo.pop()
        if model in found:
            continue
        found.add(model)
        for field in model.model_fields.values():
            stack = [field.annotation]
            while stack:
                kind = stack.pop()
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    todo.append(kind)
                stack.extend(get_args(kind))
    return found


ANSWERS = (MatchResponse, ScenarioResponse, RematchResponse, IntakeResponse, RematchFiles)
ANSWERS += (Job, JobAccepted)
MODELS = sorted(
    {m for root in (*REQUESTS, *ANSWERS, Problem) for m in _models(root)}, key=lambda m: m.__name__
)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_field_example_is_a_valid_value_of_the_field(model: type[BaseModel]) -> None:
    for name, field in model.model_fields.items():
        kind = (
            Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
        )
        adapter: TypeAdapter[Any] = TypeAdapter(kind)
        for example in field.examples or []:
            assert adapter.validate_python(example) == example, (name, example)


def test_models_that_refuse_unknown_fields_say_so_in_a_form_a_generated_client_keeps() -> None:
    refusing = {m.__name__ for m in MODELS if m.model_config.get("extra") == "forbid"}
    assert {"Participant", "Program", "MatchRequest", "Variant", "Feedback"} <= refusing
    said = {name for name, s in SCHEMAS.items() if s.get("additionalProperties") == {"not": {}}}
    assert said == refusing
    assert not [name for name, s in SCHEMAS.items() if s.get("additionalProperties") is False]


def test_operations_have_the_names_a_client_calls_them_by() -> None:
    named = {(path, method): operation["operationId"] for path, method, operation in OPERATIONS}
    assert named == {
        ("/v1/match", "post"): "match",
        ("/v1/scenarios", "post"): "compare_scenarios",
        ("/v1/rematch", "post"): "rematch",
        ("/v1/jobs", "post"): "submit_job",
        ("/v1/jobs/{job_id}", "get"): "get_job",
        ("/v1/jobs/{job_id}", "delete"): "cancel_job",
        ("/v1/intake", "post"): "intake",
        ("/v1/intake/rematch", "post"): "intake_rematch",
        ("/v1/export", "post"): "export",
        ("/healthz", "get"): "healthz",
        ("/metrics", "get"): "metrics",
    }


def test_every_refusal_is_a_problem_document_with_its_meaning_and_an_example() -> None:
    for path, method, operation in OPERATIONS:
        for code, response in operation["responses"].items():
            if code[0] in "45":
                [(media, content)] = response["content"].items()
                assert media == "application/problem+json", (path, method, code)
                assert content["schema"] == {"$ref": "#/components/schemas/Problem"}
                assert content["example"]["status"] == int(code)
                Problem.model_validate(content["example"])
                assert response["description"] not in ("", "Additional Response")
    problem = SCHEMAS["Problem"]
    assert set(problem["required"]) == {"title", "status", "detail"}
    error = SCHEMAS["FieldError"]
    assert set(error["required"]) == {"loc", "msg"}
    assert "HTTPValidationError" not in SCHEMAS


def test_the_job_endpoints_say_every_answer_they_give() -> None:
    jobs = SPEC["paths"]["/v1/jobs"]["post"]
    assert set(jobs["responses"]) == {"200", "202", "400", "401", "408", "409", "413", "422", "503"}
    accepted = jobs["responses"]["202"]["content"]["application/json"]["schema"]
    assert accepted == {"$ref": "#/components/schemas/JobAccepted"}
    assert [p["name"] for p in jobs["parameters"]] == ["Idempotency-Key", "accept-language"]
    body = jobs["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/JobSubmission"}
    for method in ("get", "delete"):
        followed = SPEC["paths"]["/v1/jobs/{job_id}"][method]["responses"]
        assert set(followed) == {"200", "401", "404", "422"}
        job = followed["200"]["content"]["application/json"]["schema"]
        assert job == {"$ref": "#/components/schemas/Job"}
    result = {
        ref["$ref"].rsplit("/", 1)[1]
        for ref in SCHEMAS["Job"]["properties"]["result"]["anyOf"]
        if "$ref" in ref
    }
    assert result == {"MatchResponse", "PairsResponse", "ScenarioResponse", "RematchResponse"}
    assert SCHEMAS["Job"]["properties"]["status"]["enum"] == [
        "queued",
        "running",
        "succeeded",
        "failed",
        "cancelled",
    ]


def test_a_route_added_later_gets_the_problem_document_without_asking() -> None:
    later = FastAPI()

    @later.get("/v1/jobs/{job}", responses={404: {"description": "no such job"}})
    def job(job: str) -> dict[str, str]:
        return {"job": job}

    responses = for_clients(later.openapi())["paths"]["/v1/jobs/{job}"]["get"]["responses"]
    assert set(responses) == {"200", "404", "422"}
    for code in ("404", "422"):  # FastAPI's own 422, as the service answers it
        assert list(responses[code]["content"]) == ["application/problem+json"]


def test_the_api_key_is_a_bearer_scheme_and_no_header_parameter() -> None:
    assert SPEC["components"]["securitySchemes"] == {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": SPEC["components"]["securitySchemes"]["bearer"]["description"],
        }
    }
    for path, _, operation in OPERATIONS:
        names = [p["name"].lower() for p in operation.get("parameters", [])]
        assert "authorization" not in names
        secured = operation.get("security") == [{"bearer": []}]
        assert secured == path.startswith("/v1/")
        assert ("401" in operation["responses"]) == secured
    open_operations = [op for methods in OPEN_SPEC["paths"].values() for op in methods.values()]
    assert "securitySchemes" not in OPEN_SPEC["components"]
    assert not [op for op in open_operations if "security" in op]


def test_the_key_is_still_checked_as_before() -> None:
    client = TestClient(create_app(Settings(api_keys=KEY)))
    body = examples.POOL
    for header, status in (
        (None, 401),
        (f"Bearer {KEY}", 200),
        (f"bearer   {KEY}  ", 200),
        (f"Basic {KEY}", 401),
        ("Bearer wrong-key-0123456789xx", 401),
    ):
        headers = {"Authorization": header} if header else {}
        assert client.post("/v1/match", json=body, headers=headers).status_code == status


def _codes_said(prefix: str) -> set[str]:
    return {key.removeprefix(prefix) for key in catalogue("en") if key.startswith(prefix)}


def test_unmatched_reasons_are_the_enum_and_each_is_said_in_words() -> None:
    enum = set(get_args(UnmatchedReason))
    assert enum == _codes_said("reason.unmatched.")
    assert SCHEMAS["Unmatched"]["properties"]["reason"]["enum"] == list(get_args(UnmatchedReason))
    source = ast.parse((ROOT / "solver" / "answer" / "unmatched.py").read_text("utf-8"))
    given = {
        k.value.value
        for node in ast.walk(source)
        if isinstance(node, ast.Call)
        for k in node.keywords
        if k.arg == "reason" and isinstance(k.value, ast.Constant)
    }
    decided = {  # the codes decided first (`_mentee_code`, `_mentor_code`), worded after
        leaf.value
        for node in ast.walk(source)
        if isinstance(node, ast.FunctionDef) and node.name.endswith("_code")
        for inner in ast.walk(node)
        if isinstance(inner, ast.Return) and inner.value is not None
        for leaf in ast.walk(inner.value)
        if isinstance(leaf, ast.Constant) and isinstance(leaf.value, str)
    }
    assert given | decided == enum


def test_pair_reasons_are_the_enum_of_what_a_rematch_says() -> None:
    said = _codes_said("rematch.kept.") | _codes_said("rematch.new.")
    ended = _codes_said("rematch.ended.")
    said |= {code for code in ended if not code.startswith("by_") and code != "ended"}
    assert set(get_args(PairReason)) == said | {"end_requested"}  # by_*, ended: one code
    assert set(SCHEMAS["PairNote"]["properties"]["reason"]["enum"]) == set(get_args(PairReason))


def test_statuses_are_enums() -> None:
    for name in ("MatchResponse", "Outcome", "VariantOutcome"):
        assert SCHEMAS[name]["properties"]["status"]["enum"] == [
            "optimal",
            "feasible",
            "infeasible",
        ]


def test_every_endpoint_shows_a_request_and_an_answer_example() -> None:
    for path, method, operation in OPERATIONS:
        if method == "post":
            [content] = operation["requestBody"]["content"].values()
            shown = content.get("examples") or [
                p["examples"]
                for p in content["schema"].get("properties", {}).values()
                if "examples" in p
            ]
            assert shown, path
        success = min(code for code in operation["responses"] if code.startswith("2"))
        answer = operation["responses"][success]["content"]
        assert any("example" in c or "examples" in c for c in answer.values()), path


def _same_pairs(shown: dict[str, Any], real: dict[str, Any]) -> None:
    keys = ("rank", "mentor", "mentee", "score", "pinned", "explanation")
    assert [{k: p[k] for k in keys} for p in shown["pairings"]] == [
        {k: p[k] for k in keys} for p in real["pairings"]
    ]
    for mine, theirs in zip(shown["pairings"], real["pairings"], strict=True):
        assert mine["reasons"] == theirs["reasons"][: len(mine["reasons"])]
    for field in ("status", "objective", "bound", "gap", "engine", "groups", "unmatched"):
        assert shown[field] == real[field], field
    assert shown["metrics"] == real["metrics"]
    for mentee, listed in shown["suggestions"].items():
        assert [s["mentor"] for s in listed] == [s["mentor"] for s in real["suggestions"][mentee]][
            : len(listed)
        ]


def test_each_answer_example_is_what_its_endpoint_answers() -> None:
    client = TestClient(create_app())
    matched = client.post("/v1/match", json=examples.POOL).json()
    _same_pairs(answers.MATCH_ANSWER, matched)
    assert answers.MATCH_ANSWER["mentor_load"] == matched["mentor_load"]
    rematched = client.post("/v1/rematch", json=examples.REMATCH["feedback"]["value"]).json()
    _same_pairs(answers.REMATCH_ANSWER["result"], rematched["result"])
    for notes in ("kept", "ended", "new", "moved"):
        assert answers.REMATCH_ANSWER[notes] == rematched[notes]
    compared = client.post("/v1/scenarios", json=examples.SCENARIOS["capacity"]["value"]).json()
    base = {k: v for k, v in compared["base"].items() if k != "solve_seconds"}
    assert {
        k: v for k, v in answers.SCENARIOS_ANSWER["base"].items() if k != "solve_seconds"
    } == base
    [shown] = answers.SCENARIOS_ANSWER["variants"]
    real = compared["variants"][0]
    for field in ("name", "status", "objective", "metrics", "unmatched", "changed_pairs"):
        assert shown[field] == real[field], field
    assert shown["delta"].items() <= real["delta"].items()
    written = client.post("/v1/export", json=examples.EXPORT["csv"]["value"])
    assert written.content.decode("utf-8-sig") == answers.EXPORT_CSV


def test_the_intake_answer_examples_are_answers() -> None:
    IntakeResponse.model_validate(answers.INTAKE_ANSWER)
    RematchFiles.model_validate(answers.INTAKE_REMATCH_ANSWER)
    current = answers.INTAKE_REMATCH_ANSWER["current"]
    assert current == examples.REMATCH["feedback"]["value"]["current"]
