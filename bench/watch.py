"""Measurements under watch: a child process or a request to a server of our own is stopped
once it passes a time or a memory limit, and says so, rather than taking the machine.

The issue that asked for the rules table saw three requests at 10,000 × 3,400 take a server
past 24 GB; a benchmark that meets such a case reports it ("killed above 8192 MiB") and goes
on with the next row. Only processes this module started are ever stopped, by their id.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import Any

from bench.live import ROOT, Live
from bench.memory import process_mb

POLL_S = 0.1


@dataclass(frozen=True)
class Outcome:
    """What a watched child printed last (a JSON object), or why it gave nothing."""

    result: dict[str, Any] | None
    stopped: str | None  # "killed after 150 s", "killed above 8192 MiB", "crashed: ..."


def _overrun(pid: int, deadline: float, seconds: float, memory_mb: float) -> str | None:
    if time.monotonic() > deadline:
        return f"killed after {seconds:.0f} s"
    if process_mb(pid, "VmRSS") > memory_mb:
        return f"killed above {memory_mb:.0f} MiB"
    return None


def run_watched(command: list[str], seconds: float, memory_mb: float) -> Outcome:
    """Run a child (cwd: the checkout) until it ends or passes a limit."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        deadline, stopped = time.monotonic() + seconds, None
        while process.poll() is None:
            stopped = _overrun(process.pid, deadline, seconds, memory_mb)
            if stopped is not None:
                process.kill()
                process.wait()
                break
            time.sleep(POLL_S)
        out.seek(0)
        err.seek(0)
        lines = out.read().decode("utf-8", "replace").strip().splitlines()
        if stopped is None and process.returncode != 0:
            last = (err.read().decode("utf-8", "replace").strip().splitlines() or ["?"])[-1]
            stopped = f"crashed: {last[:100]}"
    result = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None
    return Outcome(result if stopped is None else None, stopped)


@dataclass(frozen=True)
class Answered:
    """One request over HTTP: its seconds, HTTP status and the answer's status (on an error,
    its problem's detail), or why there is none."""

    seconds: float
    http: int
    status: str | None
    stopped: str | None = None


def post_watched(live: Live, body: bytes, seconds: float, memory_mb: float) -> Answered:
    """POST /v1/match to `live`; the server is killed if it passes a limit meanwhile."""
    done: dict[str, Any] = {}

    def send() -> None:
        started = time.perf_counter()
        try:
            done["reply"] = live.request("POST", "/v1/match", body, timeout=seconds + 30)
        except OSError as error:
            done["error"] = type(error).__name__
        done["seconds"] = time.perf_counter() - started

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    deadline, stopped = time.monotonic() + seconds, None
    while sender.is_alive():
        stopped = _overrun(live.pid, deadline, seconds, memory_mb)
        if stopped is not None:
            os.kill(live.pid, signal.SIGKILL)
            break
        time.sleep(POLL_S)
    sender.join()
    if stopped is not None or "error" in done:
        return Answered(done.get("seconds", seconds), 0, None, stopped or done["error"])
    code, _, payload = done["reply"]
    said = _said(payload)
    return Answered(done["seconds"], code, said.get("status" if code == 200 else "detail"))


def _said(payload: bytes) -> dict[str, Any]:
    """The answer's JSON object (a problem+json on errors), {} when it is none."""
    try:
        found = json.loads(payload)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
