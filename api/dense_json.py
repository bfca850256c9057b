"""A body that holds a score matrix, parsed with its values straight into one array.

orjson makes each of a matrix's values a Python float (14 M of them at CVPR 2018's shape:
about 1 s and 460 MB, then as long again to copy them into an array and free them).
simdjson (pysimdjson) parses the document into its own tape and copies a homogeneous
array of numbers into a buffer of doubles, with no Python object per value: the values of
`program.score_matrix` become a float64 array here, and everything else the Python
objects orjson would have made.

A row with a `null` (a conflict) is read as a list, NaN for the null, as the ordinary
reading does; the other rows stay buffers. This path is only taken when it gives what
orjson gives: a body without `"score_matrix"`, one simdjson refuses, or one whose walked
objects repeat a key returns `UNREAD`, and the caller parses as before; values that are
not rows of equal length of numbers and nulls (a string, a boolean, a ragged row) stay
lists, and a list nested in a row sends the whole body to orjson: the same located
errors either way.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import orjson
import simdjson

UNREAD = object()  # this body is for the ordinary parse
VALUES = ("program", "score_matrix", "values")
BOM = b"\xef\xbb\xbf"  # simdjson skips it, orjson refuses it
# An escaped bracket would blur the count of lists in `loads`; pysimdjson looks a key up
# only up to an escaped NUL in it ("a\u0000b" finds "a"): both are left to orjson.
ESCAPES = re.compile(rb"\\u00(?:5[bB]|00)")
WALKED = 8  # objects walked key by key this deep (a job's matrix lies 6 keys down)


class _Unusual(Exception):
    """The document is not one this path reads as orjson would."""


def loads(body: bytes | bytearray) -> Any:
    """The parsed body, each score matrix's values a 2-D float64 array; `UNREAD` when it
    is not one for this path."""
    if b'"score_matrix"' not in body or body.startswith(BOM) or ESCAPES.search(body):
        return UNREAD
    try:
        document = simdjson.Parser().parse(body)
        matrices: list[np.ndarray] = []
        value = _python(document, (), matrices)
    except Exception:  # simdjson's refusals, _Unusual: orjson reads it, or says why not
        return UNREAD
    # A list inside a row would be flattened into it: every '[' of the body must be one of
    # the rest's (a list, or a bracket in a string) or open a matrix or one of its rows.
    try:
        rest = orjson.dumps(value, default=lambda _: None).count(b"[")
    except orjson.JSONEncodeError:  # nested deeper than orjson writes (it reads deeper)
        return UNREAD
    if body.count(b"[") != rest + sum(len(matrix) + 1 for matrix in matrices):
        return UNREAD
    return value


def _python(node: Any, path: tuple[str, ...], matrices: list[np.ndarray]) -> Any:
    """The node as orjson makes it, objects walked key by key (a matrix may be inside);
    the matrices' values read into arrays, and noted in `matrices`."""
    if isinstance(node, simdjson.Object) and len(path) >= WALKED:
        return node.as_dict()  # deeper than any matrix lies: simdjson converts it whole
    if isinstance(node, simdjson.Object):
        keys = list(node.keys())
        if len(set(keys)) != len(keys):  # orjson keeps the last; node[key] is the first
            raise _Unusual
        return {key: _python(node[key], (*path, key), matrices) for key in keys}
    if isinstance(node, simdjson.Array):
        if path[-3:] == VALUES and (values := _numbers(node)) is not None:
            matrices.append(values)
            return values
        return node.as_list()
    return node


def _numbers(values: Any) -> np.ndarray | None:
    """Rows of equal length holding numbers or nulls (or lists of numbers: see `loads`),
    as one array, NaN for a null; None for anything else (the ordinary reading locates
    its problems)."""
    rows = list(values)
    if not rows or not all(isinstance(row, simdjson.Array) for row in rows):
        return None
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        return None
    try:
        array = np.frombuffer(values.as_buffer(of_type="d"), dtype=np.float64)
    except (TypeError, ValueError):  # a null, a boolean or a string somewhere
        return _by_rows(rows, width)
    return array.reshape(len(rows), width) if array.size == len(rows) * width else None


def _by_rows(rows: list[Any], width: int) -> np.ndarray | None:
    """Row by row: a row of numbers copied as a buffer, a row with a null read as a list
    (conflicts leave a few per row); None at the first row holding anything else."""
    array = np.empty((len(rows), width))
    for i, row in enumerate(rows):
        try:
            found = np.frombuffer(row.as_buffer(of_type="d"), dtype=np.float64)
        except (TypeError, ValueError):
            listed = row.as_list()
            if not set(map(type, listed)) <= {float, int, type(None)}:  # bool is not a number
                return None
            found = np.array(listed, dtype=np.float64)  # None: NaN
        if found.size != width:  # a list in a row, flattened
            return None
        array[i] = found
    return array
