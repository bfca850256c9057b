"""The OpenAPI: the bodies the routes read themselves, as FastAPI shows a body parameter,
and what a client generator needs to make a good client of it (`for_clients`).

A solving route declares no body parameter (it reads and parses its body itself, see
`api.reading`), so FastAPI would show none. Each declares its body instead with
`request_body(Model, examples)` as `openapi_extra`, and `with_request_bodies` adds the
models' JSON schemas (validation mode, as FastAPI makes them for a body) to the
components, put through FastAPI's own OpenAPI model: the same `$ref`, the same schemas,
plus examples. A test compares the result
with what FastAPI itself gives for a body parameter.

`for_clients` then gives every 4xx and 5xx answer of every operation, whatever route
declares it, the problem document's schema under `application/problem+json`, with its
meaning and an example; the bearer scheme and a 401 to every operation behind the API key
when the service has keys (without, the API is open and says so); and models that
refuse unknown fields `additionalProperties: {"not": {}}`: JSON Schema's own spelling of
`false` (no value is valid for an unknown key), which a generated client keeps, where with
`false` it drops the keys it does not know, so a misspelt `skils` would never reach the
server to be refused (openapi-python-client 0.29, checked by tests/test_generated_client.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from fastapi.encoders import jsonable_encoder
from fastapi.openapi.models import OpenAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from api.problems import PROBLEM_JSON, Problem

REF = "#/components/schemas/{model}"
REFUSED = {  # what each refusal means, shown on every operation that can answer it
    "400": "Malformed: the body is not JSON in UTF-8 (or nested too deep), or the form "
    "cannot be read.",
    "401": "No valid API key: the service has BINOME_API_KEYS and the request no "
    "`Authorization: Bearer <key>` carrying one (`WWW-Authenticate` says so).",
    "404": "No such route or file.",
    "408": "The body did not arrive in time (BINOME_READ_IDLE_TIMEOUT_S, "
    "BINOME_READ_TIMEOUT_S); the connection is closed.",
    "413": "Beyond a limit of the service, named with the field to lower: body size, "
    "participants, candidate pairs, estimated memory or answer size.",
    "415": "The body is not `multipart/form-data`.",
    "422": "Not a valid request: every problem at its field in `errors` (at most 100 listed).",
    "500": "An unexpected failure (never a stack trace).",
    "503": "Busy: the solver slots this request may take are held, or the service receives "
    "as many bodies as it takes; `Retry-After` says when to try again.",
}
PROBLEM_EXAMPLES: dict[str, dict[str, Any]] = {
    "401": {
        "title": "Unauthorized",
        "detail": "a valid API key is required: Authorization: Bearer <key>",
    },
    "413": {
        "title": "Request too large",
        "detail": "5000 participants; this service takes at most 4000",
        "errors": [
            {
                "loc": ["body", "mentees"],
                "msg": "5000 participants; this service takes at most 4000",
            }
        ],
    },
    "422": {
        "title": "Invalid request",
        "detail": "mentees.0.skils: Extra inputs are not permitted",
        "errors": [
            {"loc": ["body", "mentees", 0, "skils"], "msg": "Extra inputs are not permitted"}
        ],
    },
    "503": {
        "title": "Service busy",
        "detail": "all 2 solver slots (BINOME_MAX_CONCURRENT_SOLVES) are taken; retry shortly",
    },
}
HEADERS = {
    "401": {"WWW-Authenticate": ("string", 'Bearer realm="binome"')},
    "503": {"Retry-After": ("integer", "Seconds to wait before trying again.")},
}


def request_body(model: type[BaseModel], examples: dict[str, Any]) -> dict[str, Any]:
    """The `openapi_extra` of a route whose body is `model` (JSON, required), with named
    examples (`{"name": {"summary": ..., "value": ...}}`)."""
    media = {"schema": {"$ref": REF.format(model=model.__name__)}, "examples": examples}
    return {"requestBody": {"required": True, "content": {"application/json": media}}}


def with_request_bodies(
    schema: dict[str, Any],
    models: Iterable[type[BaseModel]],
    mode: Literal["validation", "serialization"] = "validation",
) -> dict[str, Any]:
    """`schema` with the models' schemas, and every schema they refer to, in its components,
        the whole passed through FastAPI's OpenAPI model as FastAPI passes its own. A name
        already there with another schema is an error, never a quiet overwrite. Answers a route
    writes itself (the jobs') are added in `serialization` mode, as FastAPI shows a response
    model."""
    _, found = models_json_schema([(model, mode) for model in models], ref_template=REF)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in found.get("$defs", {}).items():
        if "description" in definition:  # FastAPI keeps a docstring up to a form feed
            definition["description"] = definition["description"].split("\f")[0]
        if mode == "serialization" and name in components:
            continue  # a route's response model already there, as FastAPI shows it
        if components.get(name, definition) != definition:
            raise ValueError(f"two different schemas are named {name} in the OpenAPI")
        components[name] = definition
    schema["components"]["schemas"] = dict(sorted(components.items()))
    encoded: dict[str, Any] = jsonable_encoder(OpenAPI(**schema), by_alias=True, exclude_none=True)
    return encoded


def answered(examples: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """The `responses` entry of a JSON answer with named examples (`{"name": {"summary": ...,
    "value": ...}}`)."""
    return {200: {"content": {"application/json": {"examples": examples}}}}


def operation_id(route: APIRoute) -> str:
    """A route's operationId: the name of its function, unless it gives one itself
    (`match`, `compare_scenarios`, ...). A generated client calls it by that name."""
    return route.name


def _refusal(code: str, response: dict[str, Any]) -> dict[str, Any]:
    """A 4xx or 5xx answer: a problem document, what the status means here, an example."""
    example = {"type": "about:blank", "status": int(code), "title": "", "detail": ""}
    example.update(PROBLEM_EXAMPLES.get(code, {"title": REFUSED.get(code, code), "detail": ""}))
    media = {"schema": {"$ref": REF.format(model="Problem")}, "example": example}
    found = {**response, "content": {PROBLEM_JSON: media}}
    found["description"] = REFUSED.get(code, response.get("description", ""))
    if code in HEADERS:
        found["headers"] = {
            name: {"description": said, "schema": {"type": kind}}
            for name, (kind, said) in HEADERS[code].items()
        }
    return found


def for_clients(schema: dict[str, Any], secured: bool = True) -> dict[str, Any]:
    """`schema` (an OpenAPI as a dict) with problem documents on every refusal, a 401 where
    the API key is asked for, the problem's schema, and unknown fields refused in a form a
    generated client keeps (module docstring). Not `secured` (a service without API keys),
    no operation asks for the key."""
    schema = with_request_bodies(schema, [Problem])
    if not secured:
        schema["components"].pop("securitySchemes", None)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if not secured:
                operation.pop("security", None)
            elif operation.get("security"):
                responses.setdefault("401", {})
            for code, response in list(responses.items()):
                if code[0] in "45":
                    responses[code] = _refusal(code, response)
            operation["responses"] = dict(sorted(responses.items()))
    components = schema["components"]["schemas"]
    for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's 422, never answered
        components.pop(name, None)
    for definition in components.values():
        if definition.get("additionalProperties") is False:
            definition["additionalProperties"] = {"not": {}}
    return schema
