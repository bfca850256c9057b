"""Solver slots against a real uvicorn on 127.0.0.1 (issue 13): a solve whose client hangs
up is stopped and its slot given back. Each wait is a bounded loop of polls of /metrics."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.hostile import slow_cpsat, tiny
from bench.live import Live, head, serving


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("server") / "server.log"


@pytest.fixture(scope="module")
def live(log: Path) -> Iterator[Live]:
    with serving({"BINOME_LOG_FORMAT": "json"}, log=log) as server:
        yield server


def held(live: Live) -> float:
    return live.metric("binome_solver_slots_busy")


def until(live: Live, slots: float, polls: int = 100) -> bool:
    """Whether `slots` solver slots are held within `polls` tenths of a second."""
    for _ in range(polls):
        if held(live) == slots:
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
