"""A body with a score matrix read by simdjson (`api.dense_json`): its values one array
equal to what orjson reads, the rest of the body exactly orjson's, values that are not
rows of numbers kept as lists, and every body this path could read otherwise than orjson
left to it, for the same answer and the same located errors."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from api import dense_json
from api.main import app

client = TestClient(app)


def request(values: Any, mentees: list[str] | None = None) -> dict[str, Any]:
    n, m = len(values), len(values[0]) if values and isinstance(values[0], list) else 1
    mentees = mentees or [f"e{i}" for i in range(n)]
    mentors = [f"m{j}" for j in range(m)]
    return {
        "mentors": [{"id": j, "skills": ["a", "b"]} for j in mentors],
        "mentees": [{"id": i, "goals": ["a"]} for i in mentees],
        "program": {
            "suggestions": 0,
            "weights": {"goals": 1.0},
            "score_matrix": {"mentees": mentees, "mentors": mentors, "values": values},
        },
    }


@pytest.mark.parametrize(("seed", "nulls"), [(1, 0.0), (2, 0.0), (3, 0.1), (4, 0.5)])
def test_the_values_become_one_array_and_the_rest_is_orjsons(seed: int, nulls: float) -> None:
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(2, 30)), int(rng.integers(2, 30))
    values = rng.uniform(-5e3, 5e3, (n, m))
    rows: list[list[Any]] = [
        [None if rng.random() < nulls else value for value in row] for row in values.tolist()
    ]
    rows[0][0] = int(rng.integers(-9, 9))  # integers are numbers too
    rows[-1][-1] = 0.123456789
    ids = [f"e[{i}]" for i in range(n)]  # brackets in strings count as the rest's
    text = json.dumps(request(rows, ids), indent=int(rng.integers(0, 3))).encode()
    text = text.replace(b"0.123456789", b"-1.5E-3")  # exponents read alike
    read = dense_json.loads(bytearray(text))
    assert read is not dense_json.UNREAD
    array = read["program"]["score_matrix"]["values"]
    assert isinstance(array, np.ndarray) and array.dtype == np.float64
    expected = orjson.loads(text)
    listed = np.array(expected["program"]["score_matrix"]["values"], dtype=np.float64)
    assert np.array_equal(array, listed, equal_nan=True)  # None: NaN
    read["program"]["score_matrix"]["values"] = expected["program"]["score_matrix"]["values"]
    assert read == expected


@pytest.mark.parametrize(
    "values",
    [
        [[1, True], [3, 4]],
        [[None, True], [3, 4]],
        [[1, "0.5"], [3, 4]],
        [[1, 2], [3]],  # a short row
        [[1, [2]], [3, 4]],  # a list in a row, as many values once flattened
        [[[1, 2]], [[3, 4]]],
        [[1, []], [[3, 4], 5]],
        [[1, None], [[3], 4]],
        [1, 2],
        [],
    ],
)
def test_values_that_are_not_rows_of_numbers_are_never_an_array(
    values: Any,
) -> None:
    text = json.dumps(request(values)).encode()
    read = dense_json.loads(text)
    if read is not dense_json.UNREAD:  # a flattened list in a row: orjson reads it all
        assert isinstance(read["program"]["score_matrix"]["values"], list)
        assert read == orjson.loads(text)
    else:
        assert any(isinstance(value, list) for row in values for value in row)


@pytest.mark.parametrize(
    "text",
    [
        b'{"mentors": [], "mentees": [], "program": {}}',  # no matrix: orjson reads it
        b'{"program": {"score_matrix": {"values": [[1]]}}, "program": {}}',  # repeated key
        b'{"a": "\\u005b", "program": {"score_matrix": {"values": [[1, [2]]]}}}',
        b'{"program": {"score_matrix": {"values": [[NaN]]}}}',
        b'{"program": {"score_matrix": {"values": [[1]]}}',  # cut short
        b'\xef\xbb\xbf{"score_matrix": 1}',  # a BOM: simdjson skips it, orjson refuses it
        b'{"score_matrix": 1, "a\\u0000b": 1}',  # pysimdjson would look up "a": KeyError
        b'{"score_matrix": 1, "a\\u0000b": 1, "a": 2}',  # ... or find another key's value
        b'{"program": {"score_matrix": {"values\\u0000": [[1]], "values": [[2]]}}}',
        b'{"program": {"score_matrix": {"values": [[1]]}}, "x": ' + b"{" * 1100 + b"}" * 1100,
    ],
)
def test_bodies_this_path_could_read_otherwise_are_left_to_orjson_or_json(text: bytes) -> None:
    assert dense_json.loads(text) is dense_json.UNREAD


@pytest.mark.parametrize("depth", [200, 900])  # Python's recursion would end near 500
def test_objects_nested_deeper_than_a_matrix_lies_are_read_as_orjson_reads_them(
    depth: int,
) -> None:
    nested = b'{"a": ' * depth + b"1" + b"}" * depth
    text = b'{"program": {"score_matrix": {"values": [[1.5]]}}, "x": ' + nested + b"}"
    read = dense_json.loads(text)
    if read is not dense_json.UNREAD:  # deeper than orjson writes: left to it
        assert isinstance(read["program"]["score_matrix"]["values"], np.ndarray)
        read["program"]["score_matrix"]["values"] = [[1.5]]
        assert read == orjson.loads(text)
    else:
        assert depth > 250
    response = client.post("/v1/match", content=text, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text


@pytest.mark.parametrize(
    ("values", "loc", "msg"),
    [
        ([[0.5, [0.2]], [0.3, 0.4]], [0, 1], "number or null"),
        ([[0.5, 0.2], [0.3]], [1], "1 values, not 2"),
        ([[0.5, 0.2], [0.3, 2e12]], [1, 1], "finite number"),
    ],
)
def test_a_malformed_matrix_is_a_422_at_its_row_and_column(
    values: Any, loc: list[int], msg: str
) -> None:
    response = client.post("/v1/match", json=request(values))
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", "program", "score_matrix", "values", *loc]
    assert msg in error["msg"]


def test_a_matrix_wider_than_the_mentors_is_located_row_by_row() -> None:
    body = request([[0.5, 0.2], [0.3, 0.4]])
    body["program"]["score_matrix"]["mentors"] = ["m0"]
    body["mentors"] = body["mentors"][:1]
    response = client.post("/v1/match", json=body)
    assert response.status_code == 422, response.text
    locs = [error["loc"] for error in response.json()["errors"]]
    assert ["body", "program", "score_matrix", "values", 0] in locs


def test_a_matrix_read_as_an_array_gets_the_answer_orjsons_lists_get(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    values = np.round(np.random.default_rng(4).uniform(-1, 1, (9, 4)), 3).tolist()
    values[2][1] = values[5][0] = values[5][3] = None  # rows with a null are read as lists
    body = request(values)
    body["program"]["mentor_capacity"] = 2
    fast = client.post("/v1/match", json=body)
    monkeypatch.setattr(dense_json, "loads", lambda _: dense_json.UNREAD)
    ordinary = client.post("/v1/match", json=body)
    assert fast.status_code == ordinary.status_code == 200
    assert fast.json()["pairings"] and fast.json() == ordinary.json() | {
        "solve_seconds": fast.json()["solve_seconds"]
    }


CELLS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.none(),
    st.sampled_from([True, "0.5", "[", [], [1.5], [1, 2], {}]),  # not numbers
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(alphabet=st.sampled_from('a[]"\\é\x00 values'), max_size=6),
)
KEYS = st.sampled_from(["program", "score_matrix", "values", "a", "[", "é", "\x00", "a\x00"])
DOCUMENTS = st.recursive(
    LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3)
)


def matrices(draw: Any) -> list[list[Any]]:
    n, m = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    numbers = st.one_of(st.floats(-1e6, 1e6), st.integers(-9, 9), st.none())
    cell = draw(st.sampled_from([numbers, numbers, CELLS]))
    rows = [draw(st.lists(cell, min_size=m, max_size=m)) for _ in range(n)]
    if draw(st.booleans()):  # now and then a row of another length
        rows[-1] = draw(st.lists(cell, max_size=5))
    return rows


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_body_is_read_as_orjson_reads_it_or_left_to_it(data: st.DataObject) -> None:
    """The contract of `loads`, on generated bodies: UNREAD, or orjson's value exactly, the
    matrix an array only where orjson's is rows of equal length of numbers and nulls."""
    rows = matrices(data.draw)
    body = {"program": {"score_matrix": {"values": rows}}, "x": data.draw(DOCUMENTS)}
    wrap = data.draw(st.lists(KEYS, max_size=3))
    for key in wrap:
        body = {key: body, "y": data.draw(DOCUMENTS)}
    indent = data.draw(st.sampled_from([None, 0, 2]))
    text = json.dumps(body, indent=indent, ensure_ascii=data.draw(st.booleans())).encode()
    read = dense_json.loads(text)
    if read is dense_json.UNREAD:
        return
    expected = orjson.loads(text)
    inner, found = expected, read
    for key in reversed(wrap):
        inner, found = inner[key], found[key]
    values = found["program"]["score_matrix"]["values"]
    if isinstance(values, np.ndarray):
        listed = inner["program"]["score_matrix"]["values"]
        assert all(len(row) == len(listed[0]) for row in listed)
        assert all(type(v) in (int, float, type(None)) for row in listed for v in row)
        assert np.array_equal(values, np.array(listed, dtype=np.float64), equal_nan=True)
        found["program"]["score_matrix"]["values"] = listed
    assert read == expected


MATRIX = {"program": {"score_matrix": {"values": [[0.5, 1.0]]}}}  # in an unknown field


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/match", {"mentors": [], "mentees": [], "x": MATRIX}, "x"),
        ("/v1/jobs", {"kind": "match", "request": {"y": MATRIX}}, "y"),
        ("/v1/scenarios", {"base": {"mentors": [], "mentees": []}, "z": MATRIX}, "z"),
    ],
)
def test_an_array_where_no_matrix_belongs_is_a_located_422(
    path: str, body: Any, field: str
) -> None:
    """An array read where the request has no matrix (an unknown field) is refused there
    as anything else would be, never a 500 for an array in the error."""
    arrays: list[Any] = []  # what orjson cannot write: the array this path read
    orjson.dumps(dense_json.loads(json.dumps(body).encode()), default=arrays.append)
    assert len(arrays) == 1 and isinstance(arrays[0], np.ndarray)
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert any(error["loc"][-1] == field for error in response.json()["errors"])
