"""Requests that neither a flow nor the reduced LP answers: CP-SAT or HiGHS on every rule,
from a start that keeps every rule, within the request's deadline, with an honest bound.

1. **the start**: the flow's answer on the rules it models (`flow_relaxation`), made to
   keep the others by their repairs (`repair.py`); when no repair makes it hold, it is a
   hint only. A start that reaches every level's ceiling (the relaxation's optimum, or
   a level's most) is the optimum, proven without a search (engine `flow`): so is the
   relaxation's answer whenever it keeps every rule;
2. **the search**: the model is built only when that fits in half the time left (at
   `BUILD_SECONDS_PER_TERM`, measured); every stage is hinted with the best answer known
   and keeps the start unless it finds better (`start.py`). A model too large to build
   in time is built on each mentee's best arcs (`candidates`), whose answers are the
   request's; with stability (not the same on fewer arcs), or when even those do not
   fit, the start is the answer (engine `fallback`);
3. **the bound**: an answer without a proof is bounded by the best total of any
   assignment on the flow's rules (`flow.best_total`), when that flow fits in the time
   kept for it (`BOUND_SECONDS_PER_ARC`); else by each mentee's best pair (the answer's
   own bound). CP-SAT's bound on the last stage, when it got there, is kept if lower.

The deadline is the request's (a `time.monotonic()`), less what its answer needs: each
step runs in what is left of it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

import numpy as np

from solver.encode.instance import Instance, Solution
from solver.engines.cpsat import solve_cpsat
from solver.engines.flow import best_total, flow_relaxation
from solver.engines.large.arcs import flow_answer
from solver.engines.mip import solve_mip
from solver.engines.repair import Start, start_from
from solver.engines.start import Relaxed, proven, rows_of_rules, start_values
from solver.rules.program import Stable
from solver.runtime import Cancel

log = logging.getLogger(__name__)

BUILD_SECONDS_PER_TERM = 5e-6  # CP-SAT and HiGHS models build at 1-6 µs a term (measured)
BOUND_SECONDS_PER_ARC = 1.2e-6  # the best-total flow: 0.35 µs an arc at 260k, 1 at 2.3 M
BOUND_SHARE = 0.25  # the bound's flow is planned only if it takes at most this of the time
BALANCE_SECONDS_PER_ARC = 3e-6  # the balance flow, several levels: 0.6-0.8 s at 263,720 arcs
BALANCE_SHARE = 0.6  # the balance flow warm-starts when it takes at most this of the time
CANDIDATES = (64, 32, 16, 8, 4)  # arcs per mentee tried, most first, for a model too large


@dataclass(frozen=True)
class Search:
    """How the general path runs: the engine asked (`cpsat` or `mip`), the deadline, the
    solver's settings, and the sizes at which the choice changes."""

    engine: str
    deadline: float  # time.monotonic() by which the search and its bound are done
    seed: int = 0
    num_workers: int = 1
    cancel: Cancel | None = None
    mip_max_pairs: int = 50_000
    sparse_from: int = 2_000_000
    asked: bool = False  # the engine was named: it proves every level itself, flows aside

    def left(self) -> float:
        return self.deadline - time.monotonic()


def build_seconds(inst: Instance) -> float:
    """A generous estimate of how long building a general model takes."""
    terms = 3 * len(inst.rows) + sum(rule.terms(inst) for rule in inst.rules)
    return terms * BUILD_SECONDS_PER_TERM


def solve_general(inst: Instance, search: Search) -> tuple[str, Solution]:
    """The engine that ran and its answer: the search from the start, the start alone when
    the model cannot be built in time, or nothing found (no start keeps the rules)."""
    balance = BALANCE_SECONDS_PER_ARC * len(inst.rows) <= BALANCE_SHARE * search.left()
    relaxation = flow_relaxation(inst, balance)
    hint = flow_answer(relaxation, search.sparse_from).assignment
    start = start_from(inst, [hint])
    relaxed = None if search.asked else Relaxed(relaxation, hint)  # its levels bound `auto`'s
    if relaxed is not None and start.holds and _proven(inst, start.assignment, relaxed):
        return "flow", Solution(start.assignment, proven=True)
    bound_seconds = len(inst.rows) * BOUND_SECONDS_PER_ARC
    with_bound = bound_seconds <= BOUND_SHARE * search.left()
    searching = replace(search, deadline=search.deadline - bound_seconds * with_bound)
    engine = "mip" if _mip(inst, search) else "cpsat"
    build = build_seconds(inst)
    if build <= searching.left() / 2:
        solution = _search(engine, inst, searching, start.assignment, relaxed)
    else:
        whole = (Relaxed(relaxation, hint), build)
        engine, solution = _on_candidates(engine, inst, searching, start, whole)
    if not solution.feasible and not solution.proven and start.holds:
        engine, solution = "fallback", Solution(start.assignment, proven=False)
    if with_bound and solution.feasible and not solution.proven:
        solution = _bounded(inst, solution)
    return engine, solution


def candidates(
    inst: Instance, keep: list[np.ndarray], seconds: float, build: float | None = None
) -> np.ndarray | None:
    """The arcs of a model that builds in `seconds`: each mentee's best `k` arcs by gain
    and the arcs of the assignments in `keep`, k the largest of CANDIDATES that fits (the
    rows of the rules that run here grow in proportion to the arcs; `build`: the whole
    model's `build_seconds`, when known); None when none fits."""
    order = np.lexsort((-inst.gain, inst.rows))
    first = np.searchsorted(inst.rows[order], inst.rows[order])
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - first
    kept = np.zeros(len(inst.rows), dtype=bool)
    for assignment in keep:
        kept |= assignment[inst.rows] == inst.cols
    per_arc = (build_seconds(inst) if build is None else build) / max(len(inst.rows), 1)
    for k in CANDIDATES:
        mask = kept | (rank < k)
        if per_arc * int(mask.sum()) <= seconds:
            return mask
    return None


def _on_candidates(
    engine: str, inst: Instance, search: Search, start: Start, whole: tuple[Relaxed, float]
) -> tuple[str, Solution]:
    """A model too large to build in time: the search on each mentee's best arcs (the
    start's and the relaxation's kept), its answer one of the request's; never proven on
    so few arcs (nor bounded by their search) unless it meets every level's ceiling.
    Stability on fewer arcs is not the request's: then the start alone (`fallback`).
    `whole`: the relaxation solved and the whole model's `build_seconds`."""
    relaxed, build = whole
    nothing = Solution(np.full(inst.n_mentees, -1, dtype=np.int64), proven=False, feasible=False)
    keep = None
    if not inst.has(Stable):
        kept = [start.assignment, relaxed.assignment]
        keep = candidates(inst, kept, search.left() / 2, build)
    if keep is None:
        log.info("general model too large for %.1f s: %d arcs", search.left(), len(inst.rows))
        return "fallback", nothing
    log.info("general model on %d candidate arcs of %d", int(keep.sum()), len(inst.rows))
    ceilings = None if search.asked else relaxed  # its arcs are kept: the same relaxation
    found = _search(engine, inst.subset(keep), search, start.assignment, ceilings)
    if not found.feasible:
        return engine, nothing
    optimal = not search.asked and _proven(inst, found.assignment, relaxed)
    return engine, Solution(found.assignment, proven=optimal)


def _counts(inst: Instance, assignment: np.ndarray) -> tuple[int, int, int]:
    matched = assignment >= 0
    return int(inst.volunteer[matched].sum()), int(matched.sum()), int(inst.waiting[matched].sum())


def _proven(inst: Instance, start: np.ndarray, relaxed: Relaxed) -> bool:
    """Whether the start meets every level's ceiling (`start.proven`): the optimum. It
    cannot without the relaxation's volunteers, matched and waiting (a first test: no
    feasible answer beats the relaxation on its own levels)."""
    if _counts(inst, start) != _counts(inst, relaxed.assignment):
        return False
    linears = rows_of_rules(inst)
    kept = start_values(inst, linears, start[inst.rows] == inst.cols)
    return kept is not None and proven(inst, linears, kept, relaxed)


def _mip(inst: Instance, search: Search) -> bool:
    return search.engine == "mip" and len(inst.rows) <= search.mip_max_pairs


def _search(
    engine: str, inst: Instance, search: Search, start: np.ndarray, relaxed: Relaxed | None
) -> Solution:
    """CP-SAT, or HiGHS when asked (up to its size), from the start, in the time left;
    `relaxed` is the flow relaxation and its optimum, whose levels bound the request's."""
    seconds = max(search.left(), 0.01)
    if engine == "mip":
        return solve_mip(
            inst, time_limit_s=seconds, hint=start, relaxed=relaxed, cancel=search.cancel
        )
    return solve_cpsat(
        inst,
        time_limit_s=seconds,
        seed=search.seed,
        num_workers=search.num_workers,
        hint=start,
        relaxed=relaxed,
        cancel=search.cancel,
    )


def _bounded(inst: Instance, solution: Solution) -> Solution:
    """The answer with the lower of its engine's bound and the relaxation's best total."""
    best = best_total(inst)
    bound = best if solution.gain_bound is None else min(best, solution.gain_bound)
    return replace(solution, gain_bound=bound)
