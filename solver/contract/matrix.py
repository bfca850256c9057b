"""A caller's dense score matrix (`program.score_matrix.values`) as one float64 array.

The values never become per-pair models: a list of rows (as JSON parsing gives them) is
read into a float64 array in one pass, NaN where a pair is `null` (not a candidate), and
checked there, vectorised: every row as long as the mentors, every value a finite number
of at most `SCORE_LIMIT` in magnitude. Each problem is located at its row and column, at
most `SHOWN` of them listed. The HTTP reader converts the parsed JSON before validation
(`api.reading`); a Python caller may hand the list of rows (or an array) to the model.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

SCORE_LIMIT = 1e12  # a caller's score beyond this magnitude is refused (sums stay exact)
SHOWN = 100  # located problems listed for one matrix
NUMBERS = (float, int)

Problem = tuple[tuple[int, ...], str]  # (row, column) or (row,), and the message
NUMBER = "a score must be a number or null"
FINITE = f"a score must be a finite number of at most {SCORE_LIMIT:g} in magnitude"


class Constant(float):
    """NaN or ±Infinity as a lenient JSON parser reads them (`json.loads(parse_constant=
    Constant)`): still a float to every other field's validation, which refuses it, and
    told apart in a matrix, where a NaN would otherwise pass for a null."""


class Matrix:
    """Read-only float64 values, mentees × mentors, NaN where a pair is not a candidate.
    Compared by value; hashed by shape (a request is a frozen model)."""

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray) -> None:
        array = np.asarray(array, dtype=np.float64)
        array.flags.writeable = False
        self.array = array

    def __eq__(self, other: object) -> bool:
        """Equal to a matrix or rows of the same values (null and NaN alike)."""
        if isinstance(other, list | np.ndarray):
            other = read_values(other)[0]
        if not isinstance(other, Matrix):
            return NotImplemented if other is not None else False
        return bool(np.array_equal(self.array, other.array, equal_nan=True))

    def __hash__(self) -> int:
        return hash(self.array.shape)

    def __repr__(self) -> str:
        return f"Matrix(shape={self.array.shape})"

    def rows(self) -> list[list[float | None]]:
        """The values as JSON writes them, `None` for a pair that is not a candidate."""
        return [[None if v != v else v for v in row] for row in self.array.tolist()]


def _row_problems(rows: list[Any], width: int) -> list[Problem]:
    """Rows that are not lists of `width` numbers or nulls (bool is not a number)."""
    found: list[Problem] = []
    for i, row in enumerate(rows):
        if not isinstance(row, list):
            found.append(((i,), "a row must be a list of numbers or nulls"))
        elif len(row) != width:
            found.append(((i,), f"the row has {len(row)} values, not {width} (one per mentor)"))
        elif not set(map(type, row)) <= {float, int, type(None)}:
            j = next(j for j, v in enumerate(row) if v is not None and type(v) not in NUMBERS)
            found.append(((i, j), FINITE if isinstance(row[j], Constant) else NUMBER))
        if len(found) >= SHOWN:
            break
    return found


def _value_problems(array: np.ndarray) -> list[Problem]:
    """Values that are not finite, or beyond SCORE_LIMIT, at their row and column."""
    if array.size == 0 or (  # NaN is a null; the lowest and highest of the others suffice
        -SCORE_LIMIT <= np.fmin.reduce(array, axis=None) <= SCORE_LIMIT
        and -SCORE_LIMIT <= np.fmax.reduce(array, axis=None) <= SCORE_LIMIT
    ):
        return []
    rows, cols = np.nonzero(np.abs(array) > SCORE_LIMIT)  # infinities too; NaN is a null
    return [((int(i), int(j)), FINITE) for i, j in zip(rows[:SHOWN], cols[:SHOWN], strict=True)]


def read_values(value: Any, width: int | None = None) -> tuple[Matrix | None, list[Problem]]:
    """The matrix of a list of rows (or an array), or the problems that keep it from being
    one. `width`: the mentors each row must hold (None: the first row's length)."""
    if isinstance(value, Matrix):
        return value, []  # read and checked already
    if isinstance(value, np.ndarray):
        array = value.astype(np.float64, copy=False)
        if array.ndim != 2 or (width is not None and array.shape[1] != width):
            return None, [((), f"the values must be rows of {width} numbers")]
    elif isinstance(value, list):
        if width is None:
            width = len(value[0]) if value and isinstance(value[0], list) else 0
        if problems := _row_problems(value, width):
            return None, problems
        array = np.array(value, dtype=np.float64).reshape(len(value), width)  # None: NaN
    else:
        return None, [((), "the values must be a list of rows")]
    if problems := _value_problems(array):
        return None, problems
    return Matrix(array), []


def _validated(value: Any) -> Matrix:
    matrix, problems = read_values(value)
    if matrix is None:
        where, message = problems[0]
        if not where:
            raise ValueError(message)
        at = f" (row {where[0]}" + (f", column {where[1]})" if len(where) > 1 else ")")
        raise ValueError(message + at)
    return matrix


class MatrixValues:
    """The pydantic type of `score_matrix.values`: a `Matrix`, from a list of rows."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validated,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda matrix: matrix.rows(), when_used="always"
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        cell = {"anyOf": [{"type": "number"}, {"type": "null"}]}
        return {"type": "array", "items": {"type": "array", "items": cell}}
