"""The OpenAPI of bodies the routes read themselves: as FastAPI shows a body parameter.

A solving route declares no body parameter (it reads and parses its body itself, see
`api.reading`), so FastAPI would show none. Each declares its body instead with
`request_body(Model, examples)` as `openapi_extra`, and `with_request_bodies` adds the
models' JSON schemas (validation mode, as FastAPI makes them for a body) to the
components, put through FastAPI's own OpenAPI model: the same `$ref`, the same schemas,
plus examples. A test compares the result
with what FastAPI itself gives for a body parameter.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.openapi.models import OpenAPI
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

REF = "#/components/schemas/{model}"


def request_body(model: type[BaseModel], examples: dict[str, Any]) -> dict[str, Any]:
    """The `openapi_extra` of a route whose body is `model` (JSON, required), with named
    examples (`{"name": {"summary": ..., "value": ...}}`)."""
    media = {"schema": {"$ref": REF.format(model=model.__name__)}, "examples": examples}
    return {"requestBody": {"required": True, "content": {"application/json": media}}}


def with_request_bodies(
    schema: dict[str, Any], models: Iterable[type[BaseModel]]
) -> dict[str, Any]:
    """`schema` with the models' schemas, and every schema they refer to, in its components,
    the whole passed through FastAPI's OpenAPI model as FastAPI passes its own. A name
    already there with another schema is an error, never a quiet overwrite."""
    _, found = models_json_schema([(model, "validation") for model in models], ref_template=REF)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in found.get("$defs", {}).items():
        if "description" in definition:  # FastAPI keeps a docstring up to a form feed
            definition["description"] = definition["description"].split("\f")[0]
        if components.get(name, definition) != definition:
            raise ValueError(f"two different schemas are named {name} in the OpenAPI")
        components[name] = definition
    schema["components"]["schemas"] = dict(sorted(components.items()))
    encoded: dict[str, Any] = jsonable_encoder(OpenAPI(**schema), by_alias=True, exclude_none=True)
    return encoded
