"""Hostile and unlucky clients against a real uvicorn on 127.0.0.1 (issue 13): large
bodies never stall /healthz, and the API key is checked before a body is read.
Every loop is bounded in count and time; the only timing asserted is the issue's own:
/healthz within 0.5 s."""

from __future__ import annotations

import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest

from bench.hostile import participants
from bench.live import Live, head, read_head, serving

KEY = "k-hostile-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
MB = 2**20
ENV = {
    "BINOME_API_KEYS": KEY,
    "BINOME_MAX_BODY_BYTES": str(8 * MB),
}


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with serving(ENV) as server:
        yield server


def uploading(live: Live, length: int, sent: int, headers: dict[str, str] = AUTH) -> socket.socket:
    """A connection that declares `length` bytes of body, sends `sent` of them and stalls."""
    sock = live.connect()
    sock.sendall(head("POST", "/v1/match", length, headers) + b" " * sent)
    return sock


def in_threads(*work: Callable[[], None]) -> list[threading.Thread]:
    threads = [threading.Thread(target=w) for w in work]
    for thread in threads:
        thread.start()
    return threads


def test_healthz_answers_within_half_a_second_while_clients_send_large_bodies(
    live: Live,
) -> None:
    too_many = participants(99_999)  # 1.8 MB: a 413 once counted
    valid = participants(29_000)  # 0.5 MB, valid: parsed, validated, solved, answered
    codes: list[str] = []  # appended to from each client's thread

    def large(body: bytes, kind: str, headers: dict[str, str]) -> Callable[[], None]:
        def send() -> None:
            for _ in range(2):
                codes.append(f"{kind} {live.status('POST', '/v1/match', body, headers=headers)}")

        return send

    work = [large(too_many, "too many", AUTH) for _ in range(3)]
    work += [large(valid, "valid", AUTH), large(too_many, "anonymous", {})]
    threads = in_threads(*work)
    answered = []
    for _ in range(30):
        started = time.perf_counter()
        status = live.status("GET", "/healthz", timeout=5)
        answered.append((status, time.perf_counter() - started < 0.5))
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=60)
    assert answered == [(200, True)] * 30
    assert Counter(codes) == {"too many 413": 6, "valid 200": 2, "anonymous 401": 2}


def test_without_a_key_the_answer_is_401_before_the_body_is_read(live: Live) -> None:
    sock = uploading(live, 4 * MB, 1024, headers={})  # 4 MB declared, 1 KB sent
    sock.settimeout(5)
    status, headers = read_head(sock)
    sock.close()
    assert (status, headers.get("www-authenticate", "")[:6]) == (401, "Bearer")
