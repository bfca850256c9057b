"""Compressed bodies (issue 17.3): a gzip or zstd request is the same request as plain; what
BINOME_MAX_BODY_BYTES counts is the body inflated, and a bomb is refused with 413 having
inflated no more than the limit and one piece; an unknown coding is 415, a corrupt body
400; answers are gzipped for a client that accepts it, the page and CSV exports too, the
workbook (a zip already) not. In process."""

from __future__ import annotations

import asyncio
import gzip
import json
import tracemalloc
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message

from api import encoding
from api.app import create_app
from api.encoding import PIECE, zstd
from api.problems import PROBLEM_JSON
from api.settings import Settings
from tests.exported import POOL, answer

MB = 2**20
LIMIT = MB
client = TestClient(create_app(Settings(max_body_bytes=LIMIT, max_buffered_bytes=4 * LIMIT)))
EXAMPLE = Path(__file__).resolve().parent.parent / "scenarios" / "examples" / "company_pool.json"
BODY = EXAMPLE.read_bytes()
JSON = {"content-type": "application/json"}
COMPRESS = {"gzip": gzip.compress, "zstd": zstd.compress}


def posted(content: bytes, coding: str | None, path: str = "/v1/match") -> Any:
    headers = JSON if coding is None else {**JSON, "content-encoding": coding}
    return client.post(path, content=content, headers=headers)


def said(response: Any) -> dict[str, Any]:
    """An answer without its timing, the one thing that differs from one solve to the next."""
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    found.pop("solve_seconds")
    return found


@pytest.mark.parametrize("coding", ["gzip", "zstd", "x-gzip", "identity"])
def test_a_compressed_request_gets_the_answer_of_the_plain_one(coding: str) -> None:
    compress = COMPRESS.get(coding.removeprefix("x-"), lambda body: body)
    assert said(posted(compress(BODY), coding)) == said(posted(BODY, None))


def test_members_and_frames_one_after_the_other_are_one_body() -> None:
    half = len(BODY) // 2
    for compress in COMPRESS.values():
        joined = compress(BODY[:half]) + compress(BODY[half:])
        coding = "gzip" if compress is gzip.compress else "zstd"
        assert said(posted(joined, coding)) == said(posted(BODY, None))


class Counted:
    """The inflaters the service makes, kept to read how much each inflated."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.made: list[encoding.Inflater] = []
        for coding, make in list(encoding.INFLATERS.items()):
            monkeypatch.setitem(encoding.INFLATERS, coding, self._keeping(make))

    def _keeping(self, make: Any) -> Any:
        def kept() -> encoding.Inflater:
            self.made.append(make())
            return self.made[-1]

        return kept


def spaces(coding: str, size: int) -> bytes:
    """A JSON list of `size` spaces, compressed a megabyte at a time (never held whole)."""
    packer = zstd.ZstdCompressor() if coding == "zstd" else zlib.compressobj(9, zlib.DEFLATED, 31)
    packed = [packer.compress(b"[")] + [packer.compress(b" " * MB) for _ in range(size // MB)]
    return b"".join([*packed, packer.compress(b"]"), packer.flush()])


@pytest.mark.parametrize("coding", ["gzip", "zstd"])
def test_a_bomb_is_413_having_inflated_the_limit_and_one_piece(
    coding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = spaces(coding, 256 * MB)  # 256 MB in well under a megabyte
    assert len(bomb) < LIMIT
    counted = Counted(monkeypatch)
    tracemalloc.start()
    try:
        response = posted(bomb, coding)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM_JSON
    assert str(LIMIT) in response.json()["detail"]
    (inflater,) = counted.made
    assert LIMIT < inflater.inflated <= LIMIT + PIECE
    assert peak < 8 * LIMIT  # the bomb and the limit's worth of body, not 256 MB


def test_a_compressed_body_declared_beyond_the_limit_is_413_unread() -> None:
    response = client.post(
        "/v1/match",
        content=b"\0" * (LIMIT + 1),
        headers={**JSON, "content-encoding": "gzip", "content-length": str(LIMIT + 1)},
    )
    assert response.status_code == 413
    assert response.headers["connection"] == "close"


@pytest.mark.parametrize("coding", ["br", "deflate", "gzip, gzip", "zstd, gzip"])
def test_a_coding_not_served_is_415_with_the_ones_that_are(coding: str) -> None:
    response = posted(gzip.compress(BODY), coding)
    assert response.status_code == 415
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["accept-encoding"] == "gzip, zstd"
    assert coding in response.json()["detail"]


@pytest.mark.parametrize(
    ("content", "coding", "why"),
    [
        (b"{not gzip at all}", "gzip", "not valid gzip"),
        (b"{not zstd at all}", "zstd", "not valid zstd"),
        (gzip.compress(BODY)[:-20], "gzip", "ends before"),
        (zstd.compress(BODY)[:-20], "zstd", "ends before"),
        (gzip.compress(BODY) + b"trailing", "gzip", "not valid gzip"),
    ],
)
def test_a_body_that_is_not_what_its_coding_says_is_400(
    content: bytes, coding: str, why: str
) -> None:
    response = posted(content, coding)
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM_JSON
    assert why in response.json()["detail"]


def test_the_body_inflates_a_piece_at_a_time_as_the_route_reads_it() -> None:
    """Many small compressed messages in, pieces of at most PIECE bytes out, in order, the
    last one ending the body; a disconnect after it is passed on."""
    plain = json.dumps({"text": "x" * (3 * PIECE)}).encode() + bytes(range(256)) * 999
    packed = gzip.compress(plain)
    sent: list[Message] = [
        {"type": "http.request", "body": packed[k : k + 1000], "more_body": True}
        for k in range(0, len(packed), 1000)
    ]
    sent += [{"type": "http.request", "body": b"", "more_body": False}, {"type": "http.disconnect"}]

    async def receive() -> Message:
        return sent.pop(0)

    async def read_all() -> list[Message]:
        receiving = encoding.inflated(receive, encoding.INFLATERS["gzip"]())
        found = [await receiving()]
        while found[-1].get("more_body"):
            found.append(await receiving())
        return [*found, await receiving()]

    # a loop of its own, in a thread of its own: an earlier test may leave this thread's running
    with ThreadPoolExecutor(1) as thread:
        messages = thread.submit(asyncio.run, read_all()).result()
    assert messages[-1] == {"type": "http.disconnect"}
    bodies = [m["body"] for m in messages[:-1]]
    assert b"".join(bodies) == plain
    assert max(len(b) for b in bodies) <= PIECE
    assert messages[-2]["more_body"] is False


def test_an_answer_is_gzipped_for_a_client_that_accepts_it() -> None:
    with client.stream(
        "POST", "/v1/match", content=BODY, headers={**JSON, "accept-encoding": "gzip"}
    ) as response:
        raw = b"".join(response.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    assert int(response.headers["content-length"]) == len(raw) < len(BODY)
    unpacked = json.loads(gzip.decompress(raw))
    unpacked.pop("solve_seconds")
    assert unpacked == said(posted(BODY, None))


def test_an_answer_is_plain_for_a_client_that_does_not_say_it_accepts_gzip() -> None:
    response = client.post("/v1/match", content=BODY, headers={**JSON, "accept-encoding": ""})
    assert response.status_code == 200
    assert "content-encoding" not in response.headers


def exported(fmt: str) -> Any:
    body = {"format": fmt, "request": POOL, "answer": answer("en").model_dump(mode="json")}
    return client.post("/v1/export", json=body, headers={"accept-encoding": "gzip"})


def test_the_page_and_a_csv_export_are_gzipped_the_workbook_is_not() -> None:
    page = client.get("/", headers={"accept-encoding": "gzip"})
    assert page.status_code == 200
    assert page.headers["content-encoding"] == "gzip"
    assert "<html" in page.text
    csv = exported("csv")
    assert csv.status_code == 200
    assert csv.headers["content-encoding"] == "gzip"
    assert "attachment" in csv.headers["content-disposition"]
    book = exported("xlsx")
    assert book.status_code == 200
    assert "content-encoding" not in book.headers
    assert book.content[:2] == b"PK"
