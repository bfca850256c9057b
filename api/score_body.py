"""A score matrix's values read into one array before the request is validated.

The parsed JSON's `program.score_matrix.values` (a list of rows of numbers, or the array
`api.dense_json` read them into) is replaced by a `Matrix` (`solver.contract.matrix`) as
soon as the body is parsed, and the lists let go: validation then takes the array as it
is, and no pair is looked at one by one. Its problems are located down to the row and
column, as pydantic locates a field's."""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi.exceptions import RequestValidationError

from solver.contract.matrix import read_values


def lift_matrix(value: Any, where: tuple[str, ...] = ()) -> None:
    """Replace the values of the score matrix of the request at `where` by their array, in
    place; 422 with each problem located when they are not a matrix of scores."""
    for key in (*where, "program", "score_matrix"):
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, dict) or not isinstance(value.get("values"), list | np.ndarray):
        return  # absent, or not a list: validation says what it is
    mentors = value.get("mentors")
    width = len(mentors) if isinstance(mentors, list) else None
    values = value["values"]
    if isinstance(values, np.ndarray) and width not in (None, values.shape[1]):
        values = values.tolist()  # each row's length is located as for lists
    matrix, problems = read_values(values, width)
    if matrix is None:
        loc = ("body", *where, "program", "score_matrix", "values")
        errors = [
            {"type": "value_error", "loc": (*loc, *at), "msg": message, "input": None}
            for at, message in problems
        ]
        raise RequestValidationError(errors)
    value["values"] = matrix
