"""What a request will cost, estimated from its sizes alone before anything is solved: the
peak memory of its solve, the size of its answer and, for a what-if comparison, its time.
`within_budget` refuses a request beyond the service's budget, naming the limit and the
field to lower.

Peak memory above the process's own, in bytes (each constant calibrated against measured
peaks: `docs/operations.md#the-budget`, `python -m bench.budget`):

    PER_PAIR[path] × mentees × mentors     score matrix, rule masks, the engine's arcs
  + RULE_TEMPORARY × pairs                 rules that compare every pair in floats
  + TABLE_CELL × (mentees + mentors) × V   each list field's 0/1 table over V shared items
  + FACTOR_CELL × mentees × width          the criteria's factor forms, side by side
  + ITEM × list items                      each item read, folded and looked up
  + ANSWER_OBJECTS × answer bytes          the answer as objects before it is written
  + BLOCK_CELL × BLOCK_ROWS × mentors      read by blocks: the blocks read at once
  + BLOCKS_PERSON × (mentees + mentors)    and the arcs, flows and potentials of the people
  + CALLER_*_CELL × mentees × mentors      caller scores: their units' matrix (and a dense
                                           one's own array, and its reordered copy)

The answer: pairings, suggestions and unmatched people, each with a reason per criterion
weighed, reasons quoting the mentee's own items (a pairing's explanation quotes two reasons
again). Time: the flow's cost per usable pair is the unit; a mentee (its pairing or
unmatched reason) costs as much as MENTEE_PAIRS pairs, a suggestion and its reasons
SUGGESTION_PAIRS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from solver.answer_size import REASON, UNMATCHED, answer_bytes, suggestions_of
from solver.budget_path import path_of
from solver.contract.request import Loc, MatchRequest, Participant, Program
from solver.encode.pool import FULL_VOCABULARY
from solver.rules.items import Folding
from solver.rules.program import asked

MB = 2**20
# bytes per pair; "levels": a flow one level at a time (its bounds, costs, faces): balance's,
# and the plans of `group.min_size`
# "deferred": stable by deferred acceptance on the matrix, then the arcs between its ends;
# "candidates": the engines on each person's best pairs, the bound priced on the matrix;
# "rules": max-same, a share and fair on the matrix (`engines/large/side_rules.py`)
# "blocks": a plain compact request read by blocks, no matrix (`encode/blocks.py`): its
# eligible and usable pairs, a bit each, and each block's best per mentor (candidates)
PER_PAIR = {
    "blocks": 0.6,
    "matrix": 18,
    "rules": 20,
    "deferred": 22,
    "candidates": 30,
    "flow": 120,
    "levels": 200,
    "reduced": 700,
    "cpsat": 2500,
}
ARC_SLOWER = {
    "blocks": 4,
    "matrix": 1,
    "rules": 4,
    "deferred": 2,
    "candidates": 4,
    "flow": 20,
    "levels": 30,
    "reduced": 20,
    "cpsat": 20,
}
RULE_TEMPORARY = 16  # min_seniority_gap, max_timezone_gap_hours: float64 gaps, n × m
TABLE_CELL = 6  # float32 table cell, with the copies np.unique and hstack make
FACTOR_CELL = 24  # float64 factor cell, its weighted copy, the stacked matrix
FACTOR_COLUMNS = 512  # a factor wider than this is scored densely, in blocks
ITEM = 200  # a list item's folded form, its set and its column
ANSWER_OBJECTS = 4.5  # the answer's objects per byte of its JSON
MENTEE_PAIRS = 3_900  # a mentee's pairing and reasons take as long as this many pairs
SUGGESTION_PAIRS = 330  # and each suggestion with its reasons
BLOCK_CELL = 40  # "blocks": bytes per cell of the blocks read at once (BLOCK_ROWS × mentors)
BLOCK_ROWS = 2 * 1024  # two block threads (`runtime.BLOCK`) at a time
BLOCKS_PERSON = 6_000  # "blocks": per person, the candidate arcs, the flows, the potentials
CALLER_LIST_CELL = 8  # caller scores: their float64 matrix in their units, beside the engines'
CALLER_MATRIX_CELL = 17  # a matrix: that, the request's own array, its copy in the pool's order
LISTS = (("goals", "skills"), ("languages",) * 2, ("interests",) * 2, ("availability",) * 2)


@dataclass(frozen=True)
class Budget:
    """The service's limits, and the names its refusals give them (the API's settings)."""

    memory_mb: float = 1536.0
    answer_mb: float = 64.0
    seconds_per_million_pairs: float = 0.065
    memory_name: str = "memory budget"
    answer_name: str = "answer budget"


@dataclass(frozen=True)
class Cost:
    """A request's estimated peak memory and answer, in bytes by part, and its seconds."""

    mentees: int
    mentors: int
    memory: dict[str, float]
    answer: dict[str, float]
    seconds: float
    path: str

    @property
    def memory_mb(self) -> float:
        return sum(self.memory.values()) / MB

    @property
    def answer_mb(self) -> float:
        return sum(self.answer.values()) / MB

    @property
    def size(self) -> str:
        return f"{self.mentees:,} × {self.mentors:,}"


class OverBudget(ValueError):
    """A request beyond the budget; `errors` locate the field to lower, each with why."""

    def __init__(self, errors: list[tuple[Loc, str]]) -> None:
        super().__init__("; ".join(msg for _, msg in errors))
        self.errors = errors


def _distinct(people: Sequence[Participant], name: str) -> set[str]:
    return {item for person in people for item in getattr(person, name)}


def table_width(request: MatchRequest, mine: str, theirs: str, most: int) -> int:
    """The columns of these fields' tables (`encode/pool.py`): every item up to
    FULL_VOCABULARY, else the items both sides list. Raw distinct items bound both (folding
    only merges); the shared ones are folded as the pool folds them when the smaller side's
    bound is over `most`."""
    left, right = _distinct(request.mentees, mine), _distinct(request.mentors, theirs)
    every = min(len(left | right), FULL_VOCABULARY)
    if min(len(left), len(right)) <= most:
        return max(every, min(len(left), len(right)))
    folding = Folding()
    shared = {folding.normalise(x) for x in left} & {folding.normalise(x) for x in right}
    return max(every, len(shared - {""}))


def factor_width(request: MatchRequest, weights: dict[str, float], goals: int, slots: int) -> int:
    """Columns of the stacked factor forms: each criterion's distinct mentor values (a
    bound), leaving out those wider than FACTOR_COLUMNS (scored densely)."""
    mentors = request.mentors
    widths = {
        "goals": goals,
        "languages": len({tuple(p.languages) for p in mentors}),
        "interests": len({tuple(p.interests) for p in mentors}),
        "availability": slots * len({len(p.availability) for p in mentors}),
        "timezone": len({p.timezone for p in mentors}),
        "seniority": len({p.seniority for p in mentors}),
        "department": len({p.department for p in mentors}),
    }
    active = [widths.get(name, 0) for name, w in weights.items() if w > 0]
    return sum(width for width in active if width <= FACTOR_COLUMNS)


def _listed(request: MatchRequest) -> int:
    """Items the solve reads one by one: goals, skills, languages, interests and slots,
    preferences and avoid lists, and the program's pinned, forbidden and scored pairs."""
    fields = {"mentees": [mine for mine, _ in LISTS], "mentors": [theirs for _, theirs in LISTS]}
    listed = sum(
        len(getattr(person, name))
        for side, names in fields.items()
        for person in getattr(request, side)
        for name in [*names, "preferences", "avoid"]
    )
    program = request.program
    return listed + len(program.pinned) + len(program.forbidden) + len(program.scores or [])


def caller_cells(program: Program) -> int:
    """Bytes per pair that caller scores add: their matrix in their own units (the engines'
    [0, 1] one is in PER_PAIR); for a dense matrix also the request's array and, when its
    rows or columns are not in the pool's order, its copy in that order."""
    if program.score_matrix is not None:
        return CALLER_MATRIX_CELL
    return CALLER_LIST_CELL if program.scores is not None else 0


def estimate(request: MatchRequest, budget: Budget | None = None, notes: int = 0) -> Cost:
    """The request's peak memory, answer and seconds, from its sizes alone. `notes`: extra
    entries its answer carries (a re-match's kept, ended, new and moved pairs)."""
    budget = budget or Budget()
    program, n, m = request.program, len(request.mentees), len(request.mentors)
    pairs, path, rules = n * m, path_of(request), program.rules
    gaps = rules.min_seniority_gap is not None or rules.max_timezone_gap_hours is not None
    most = int(budget.memory_mb * MB / 4 / TABLE_CELL / max(n + m, 1))
    shared = {mine: table_width(request, mine, theirs, most) for mine, theirs in LISTS}
    caller = program.scores is not None or program.score_matrix is not None
    weights = {} if caller else program.effective_weights()
    answer = answer_bytes(request) | {"notes": notes * (UNMATCHED + REASON)}
    memory = {
        "pairs": float((PER_PAIR[path] + (RULE_TEMPORARY if gaps else 0)) * pairs),
        "factors": float(
            FACTOR_CELL
            * n
            * factor_width(request, weights, shared["goals"], shared["availability"])
        ),
        "items": float(ITEM * _listed(request)),
        "answer": ANSWER_OBJECTS * sum(answer.values()),
        "caller scores": float(caller_cells(program) * pairs),
    }
    memory |= {f"tables:{f}": float(TABLE_CELL * (n + m) * max(v, 1)) for f, v in shared.items()}
    if path == "blocks":
        memory["blocks"] = float(BLOCK_CELL * BLOCK_ROWS * m + BLOCKS_PERSON * (n + m))
    work = (
        ARC_SLOWER[path] * pairs + MENTEE_PAIRS * n + SUGGESTION_PAIRS * suggestions_of(request, n)
    )
    return Cost(n, m, memory, answer, budget.seconds_per_million_pairs * work / 1e6, path)


def _memory_advice(request: MatchRequest, cost: Cost, part: str) -> tuple[Loc, str]:
    """The field to lower for the part of the memory that weighs most, and how."""
    program = request.program
    if part == "answer":
        return ("program", "suggestions"), "lower program.suggestions"
    if part.startswith("tables:"):
        name = part.removeprefix("tables:")
        return ("mentees",), f"fewer distinct {name} listed on both sides"
    if part == "items":
        return ("mentees",), "shorter lists of goals, skills, languages, interests and slots"
    rules = [rule for rule in asked(program) if cost.path != "matrix"]
    if part == "pairs" and program.engine in ("cpsat", "mip"):
        return ("program", "engine"), "fewer mentees or mentors, or engine 'auto'"
    if part == "pairs" and rules and cost.path != "flow":
        rule = rules[0]
        return rule.loc, f"fewer mentees or mentors, or without {rule.label(program)}"
    return ("mentees",), "fewer mentees or mentors"


def _answer_error(request: MatchRequest, budget: Budget, cost: Cost) -> tuple[Loc, str]:
    suggestions = request.program.suggestions
    loc: Loc = ("mentees",)
    advice = "fewer mentees"
    if suggestions and cost.answer.get("suggestions", 0) >= cost.answer.get("pairings", 0):
        loc, advice = ("program", "suggestions"), "lower program.suggestions"
    message = (
        f"{cost.size} with {suggestions} suggestions is about {cost.answer_mb:,.0f} MB of "
        f"answer; at most {budget.answer_mb:,.0f} MB ({budget.answer_name}): {advice}"
    )
    return loc, message


def _memory_error(request: MatchRequest, budget: Budget, cost: Cost) -> tuple[Loc, str]:
    part = max(cost.memory, key=lambda name: cost.memory[name])
    loc, advice = _memory_advice(request, cost, part)
    message = (
        f"{cost.size} needs about {cost.memory_mb:,.0f} MB to solve; at most "
        f"{budget.memory_mb:,.0f} MB ({budget.memory_name}): {advice}"
    )
    return loc, message


def over_budget(request: MatchRequest, budget: Budget, cost: Cost) -> list[tuple[Loc, str]]:
    """Why the request is beyond the budget, each at the field to lower ([]: within it)."""
    errors = []
    if cost.answer_mb > budget.answer_mb:
        errors.append(_answer_error(request, budget, cost))
    if cost.memory_mb > budget.memory_mb:
        errors.append(_memory_error(request, budget, cost))
    return errors


def within_budget(request: MatchRequest, budget: Budget, where: Loc = (), notes: int = 0) -> Cost:
    """The request's cost, or OverBudget locating (under `where`) the fields to lower."""
    cost = estimate(request, budget, notes)
    if errors := over_budget(request, budget, cost):
        raise OverBudget([((*where, *loc), message) for loc, message in errors])
    return cost
