"""Solver slots against a real uvicorn on 127.0.0.1 (issue 13): a solve whose client hangs
up is stopped and its slot given back, and small requests are served while large ones hold
every slot they may. Each wait is a bounded loop of polls of /metrics."""

from __future__ import annotations

import json
import socket
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.guards import SolveSlots, busy
from api.settings import Settings
from bench.hostile import slow_cpsat, tiny
from bench.live import Live, head, read_head, serving
from generator.pools import generate_pool


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server") / "server.log"


@pytest.fixture(scope="module")
def live(log: Path) -> Iterator[Live]:
    with serving({"BINOME_LOG_FORMAT": "json"}, log=log) as server:  # 3 slots, 1 kept small
        yield server


def large_slots(live: Live) -> float:
    return live.metric('binome_solver_slots_busy{size="large"}')


def until(live: Live, large: float, polls: int = 100) -> bool:
    """Whether `large` slots are held by large requests within `polls` tenths of a second."""
    for _ in range(polls):
        if large_slots(live) == large:
            return True
        time.sleep(0.1)
    return False


def send(live: Live, body: bytes) -> socket.socket:
    sock = live.connect()
    sock.sendall(head("POST", "/v1/match", len(body)) + body)
    return sock


def test_a_solve_whose_client_hangs_up_is_stopped_and_its_slot_given_back(
    live: Live, log: Path
) -> None:
    assert until(live, 0)
    body = slow_cpsat(30)  # CP-SAT on groups of 200 mentees: runs to its 30 s limit
    sock = send(live, body)
    assert until(live, 1)  # solving
    time.sleep(0.5)
    sock.close()
    assert until(live, 0, polls=30)  # free again within 3 s, not 30
    gone = [json.loads(line) for line in log.read_text().splitlines() if "client gone" in line]
    assert [(line["mentors"], line["mentees"], line["solve"]) for line in gone] == [
        (80, 200, "stopped")
    ]
    assert gone[0]["request_id"]
    names = {p["name"] for p in json.loads(body)["mentors"] if p.get("name")}
    assert names and not [name for name in names if name in log.read_text()]
    assert live.status("POST", "/v1/match", tiny()) == 200


def test_small_requests_are_served_while_large_ones_hold_every_slot_they_may(
    live: Live,
) -> None:
    assert until(live, 0)
    slow = [send(live, slow_cpsat(30)) for _ in range(3)]  # three large solves asked for
    assert until(live, 2)
    refused = []
    for sock in slow:  # two of them hold the two slots large requests may take
        sock.settimeout(0.5)
        refused.append(read_head(sock)[0])
    small = Counter(live.status("POST", "/v1/match", tiny()) for _ in range(20))
    probe = json.dumps(generate_pool(300, 100, 2)).encode()  # 30,000 pairs: a large one
    large = Counter(live.status("POST", "/v1/match", probe) for _ in range(3))
    for sock in slow:
        sock.close()
    assert sorted(refused) == [0, 0, 503]  # the others: no answer yet, still solving
    assert (small, large) == ({200: 20}, {503: 3})
    assert until(live, 0, polls=30)


def test_large_requests_leave_the_small_slots_and_the_settings_leave_them_one() -> None:
    slots = SolveSlots(3, reserved=1, small=10)  # 10 pairs at most is small
    assert (slots.take(5, weight=11), slots.take(5, weight=10), slots.take(1)) == (2, 1, 0)
    slots.give_back(2, weight=11)
    assert (slots.busy, slots.busy_large, slots.take(1, weight=10)) == (1, 0, 1)
    large = SolveSlots(3, reserved=1, small=10)
    assert large.take(3, weight=11) == 2  # the small slot stays free
    assert "BINOME_SMALL_SOLVE_SLOTS" in busy(large, Settings(), weight=11).detail
    with pytest.raises(ValidationError, match="small_solve_slots"):
        Settings(max_concurrent_solves=2, small_solve_slots=2)
