"""Work counted, never timed: lines of the solver that a call runs, and the peak memory of a
request solved in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOLVER = str(ROOT / "solver")


def lines_run(work: Callable[[], Any]) -> tuple[Any, int]:
    """What `work()` returns, and how many lines of the solver's own code it ran (numpy's
    work inside one line counts once: a loop over pairs in Python shows, a vectorised
    pass does not)."""
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if not frame.f_code.co_filename.startswith(SOLVER):
            return None
        if event == "line":
            count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = work()
    finally:
        sys.settrace(previous)
    return result, count


def measured(code: str) -> dict[str, Any]:
    """Run `code` (which sets `result`, a JSON-able value) in a fresh interpreter: the
    result and the process's peak resident memory in MB."""
    program = textwrap.dedent(code) + textwrap.dedent(
        """
        import json
        from bench.memory import peak_mb
        peak = peak_mb()
        print(json.dumps({"result": result, "peak_mb": peak}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True
    )
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


BASELINE = """
from solver import MatchRequest, match
body = {"mentors": [{"id": "m"}], "mentees": [{"id": "e"}]}
result = match(MatchRequest.model_validate(body)).status
"""


def baseline_mb() -> float:
    """The peak of a process that solves one tiny request: what numpy, OR-Tools and
    pydantic take before any request's own work."""
    return float(measured(BASELINE)["peak_mb"])
