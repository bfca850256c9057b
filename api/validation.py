"""A request validated as `model.model_validate` validates it, a chunk of a long list at a time.

pydantic-core holds the GIL for the whole of one validation: 29,000 participants are half a
second in which no other thread runs, the event loop's included, even when the validation
runs in a worker thread. So the long lists of models (participants, forbidden pairs,
feedback) are validated `CHUNK` items at a time, and the GIL can change hands between
chunks; the model is then validated with those lists as instances, which pydantic takes
as they are. The answer is the same model, and the errors are the same errors in the same
order: the items' own, and the rest of the model's, validated with placeholders (of the
same length) where a list or a nested model was invalid. This holds because the contract
has field validators only: no model validator looks across fields. A test compares both
ways on many requests, valid and not.
"""

from __future__ import annotations

import types
from functools import cache
from typing import Any, Union, get_args, get_origin

from annotated_types import MaxLen
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

CHUNK = 500  # items validated in one call: milliseconds of the GIL, not seconds


def _unwrapped(annotation: Any) -> Any:
    """`X` of `X | None`, else the annotation itself."""
    if get_origin(annotation) in (Union, types.UnionType):
        kinds = [arg for arg in get_args(annotation) if arg is not type(None)]
        return kinds[0] if len(kinds) == 1 else annotation
    return annotation


def _model(annotation: Any) -> type[BaseModel] | None:
    kind = _unwrapped(annotation)
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def _items(field: FieldInfo) -> type[BaseModel] | None:
    """The model of the items of a `list[Model]` field (or `list[Model] | None`)."""
    kind = _unwrapped(field.annotation)
    return _model(get_args(kind)[0]) if get_origin(kind) is list else None


def _max_length(field: FieldInfo) -> float:
    found = [rule.max_length for rule in field.metadata if isinstance(rule, MaxLen)]
    return min(found, default=float("inf"))


@cache
def _list_of(item: type[BaseModel]) -> TypeAdapter[list[BaseModel]]:
    return TypeAdapter(list[item])  # type: ignore[valid-type]


def _located(errors: list[ErrorDetails], *prefix: str | int) -> list[ErrorDetails]:
    return [{**error, "loc": (*prefix, *error["loc"])} for error in errors]


def _chunked(
    item: type[BaseModel], given: list[Any], strict: bool | None
) -> tuple[list[Any], list[ErrorDetails]]:
    """The items validated CHUNK at a time (placeholders where a chunk is invalid)."""
    done: list[Any] = []
    errors: list[ErrorDetails] = []
    for start in range(0, len(given), CHUNK):
        chunk = given[start : start + CHUNK]
        try:
            done += _list_of(item).validate_python(chunk, from_attributes=True, strict=strict)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                index, *rest = error["loc"]
                errors.append({**error, "loc": (start + int(index), *rest)})
            done += [item.model_construct()] * len(chunk)
    return done, errors


def _parts(
    model: type[BaseModel], value: dict[str, Any], strict: bool | None
) -> tuple[dict[str, Any], list[tuple[int, ErrorDetails]]]:
    """`value` with its long lists of models and its nested models validated, and their
    errors, each with the position of its field."""
    prepared, found = dict(value), []
    for position, (name, field) in enumerate(model.model_fields.items()):
        given = value.get(name)
        item, nested = _items(field), _model(field.annotation)
        if field.alias is not None or field.validation_alias is not None:
            continue
        if item is not None and isinstance(given, list) and len(given) > CHUNK:
            if len(given) > _max_length(field):
                continue  # too long: pydantic says so, without looking at the items
            prepared[name], errors = _chunked(item, given, strict)
        elif nested is not None and isinstance(given, dict):
            prepared[name], errors = validate(nested, given, strict)
        else:
            continue
        found += [(position, error) for error in _located(errors, name)]
    return prepared, found


def validate(
    model: type[BaseModel], value: Any, strict: bool | None = None
) -> tuple[Any, list[ErrorDetails]]:
    """What `model.model_validate(value, from_attributes=True, strict=strict)` gives: the
    instance and no errors, or a placeholder and the errors it would raise, in its order.
    (`strict=True` for models that are not strict themselves, such as an answer sent back;
    None leaves each model to its own configuration, as False would not.)"""
    if not isinstance(value, dict):
        try:
            return model.model_validate(value, from_attributes=True, strict=strict), []
        except ValidationError as exc:
            return model.model_construct(), exc.errors(include_url=False)
    prepared, found = _parts(model, value, strict)
    try:
        instance, rest = model.model_validate(prepared, from_attributes=True, strict=strict), []
    except ValidationError as exc:
        instance, rest = model.model_construct(), exc.errors(include_url=False)
    positions = {name: k for k, name in enumerate(model.model_fields)}
    # pydantic lists errors field by field, in their order, then the unknown fields
    keyed = [(positions.get(str(e["loc"][0]), len(positions)), e) for e in rest if e["loc"]]
    keyed = [(-1, e) for e in rest if not e["loc"]] + keyed + found
    errors = [error for _, error in sorted(keyed, key=lambda pair: pair[0])]
    return (model.model_construct() if errors else instance), errors
