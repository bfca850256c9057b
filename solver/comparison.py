"""What a what-if comparison will cost, before anything of it runs: the base and its variants
are solved `workers` at a time, each within the budget, and the whole run has the base's
time limit.

Two checks. Before the variants are built and validated, from their sizes alone (building
and validating 50 copies of a large pool is itself work): the time of their flows at
least, and the memory of the requests they become. After: each solve's memory and answer
(`solver.budget`), as many solves at once as memory allows beside what the comparison
keeps of each (its requests, unmatched people and pairs), and the run's time, each
solve's seconds spread over the workers, against the time limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.budget import (
    ANSWER_OBJECTS,
    MB,
    MENTEE_PAIRS,
    Budget,
    Cost,
    OverBudget,
    within_budget,
)
from solver.contract.request import Loc, MatchRequest
from solver.contract.whatif import ScenarioRequest, Variant

PERSON = 1_300  # a validated participant, its lists aside
KEPT_PAIR = 150  # who mentors whom, kept per mentee for the comparison


def _at_least(base: MatchRequest, variant: Variant) -> tuple[int, int]:
    """A variant's mentees and mentors at least: the patch's lists or the base's, plus the
    ones it adds, less every id it removes."""
    sizes = []
    for side, added in (("mentees", variant.add_mentees), ("mentors", variant.add_mentors)):
        listed = variant.patch.get(side, getattr(base, side))
        count = len(listed) if isinstance(listed, list) else 0
        sizes.append(max(0, count + len(added) - len(variant.remove)))
    return sizes[0], sizes[1]


@dataclass(frozen=True)
class Comparison:
    """The budget of one what-if run: `workers` solves at once at most, `time_limit_s`."""

    budget: Budget
    most_workers: int
    time_limit_s: float

    def _seconds(self, mentees: int, mentors: int, slower: float = 1.0) -> float:
        work = slower * mentees * mentors + MENTEE_PAIRS * mentees
        return self.budget.seconds_per_million_pairs * work / 1e6

    def _too_slow(self, solves: int, size: str, seconds: float, running: int) -> tuple[Loc, str]:
        message = (
            f"{solves - 1} variants of {size} need about {seconds:,.0f} s of solving, "
            f"{running} at a time; the time limit is {self.time_limit_s:g} s: fewer "
            "variants or a larger program.time_limit_s"
        )
        return ("base", "program", "time_limit_s"), message

    def presize(self, request: ScenarioRequest) -> None:
        """From the variants' sizes: refuse when the flows alone (the base's and theirs)
        would outlast the time limit, or their requests outgrow memory."""
        base = request.base
        sizes = [_at_least(base, variant) for variant in request.variants]
        n, m = len(base.mentees), len(base.mentors)
        seconds = sum(self._seconds(*size) for size in [(n, m), *sizes])
        people = sum(mentees + mentors for mentees, mentors in sizes)
        running = max(1, min(self.most_workers, len(sizes) + 1))
        errors: list[tuple[Loc, str]] = []
        if seconds / running > self.time_limit_s:
            errors.append(self._too_slow(len(sizes) + 1, f"{n:,} × {m:,}", seconds, running))
        if PERSON * people > self.budget.memory_mb * MB:
            message = (
                f"{len(sizes)} variants of {people:,} participants in all need more than "
                f"{self.budget.memory_mb:,.0f} MB ({self.budget.memory_name}): fewer variants"
            )
            errors.append((("variants",), message))
        if errors:
            raise OverBudget(errors)

    def workers(self, requests: list[MatchRequest]) -> int:
        """How many solves may run at once (at most `most_workers`), or OverBudget."""
        costs = [
            within_budget(request, self.budget, ("base",) if k == 0 else ("variants", k - 1))
            for k, request in enumerate(requests)
        ]
        kept = sum(self._kept(request, cost) for request, cost in zip(requests, costs, strict=True))
        largest = max(cost.memory_mb for cost in costs)
        fits = int((self.budget.memory_mb - kept / MB) // max(largest, 1e-9))
        running = max(1, min(self.most_workers, fits, len(requests)))
        seconds = sum(cost.seconds for cost in costs)
        errors: list[tuple[Loc, str]] = []
        if seconds / running > self.time_limit_s:
            errors.append(self._too_slow(len(requests), costs[0].size, seconds, running))
        if fits < 1:
            message = (
                f"{len(requests)} solves of up to {largest:,.0f} MB, beside what the "
                f"comparison keeps of each, need more than {self.budget.memory_mb:,.0f} MB "
                f"({self.budget.memory_name}): fewer variants"
            )
            errors.append((("variants",), message))
        if errors:
            raise OverBudget(errors)
        return running

    @staticmethod
    def _kept(request: MatchRequest, cost: Cost) -> float:
        """What the comparison holds of one solve until the end: the request (the base is
        the caller's), its unmatched people, who mentors whom."""
        people = len(request.mentees) + len(request.mentors)
        return PERSON * people + ANSWER_OBJECTS * cost.answer["unmatched"] + KEPT_PAIR * people
