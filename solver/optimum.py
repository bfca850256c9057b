"""The optimum of a tiny request by enumeration: the oracle's check of `status: "optimal"`.

Every assignment of each mentee to an eligible mentor or to nobody (pins fixed) is
tried; those within capacity that keep every program rule are ranked by the
contract's lexicographic key: per balance attribute, minus the shortfall against its
targets; matched volunteers; matched mentees; waiting rounds of the matched; with
`objective: "fair"` the lowest pair score; the total score. Scores count in the
solver's steps of 1e-9.

Only the participants, the request and the validator's participant-level checks are
read: no engine, no encoder, no arrays. So the check is independent of what it checks,
and affordable on tiny requests only (`MAX_ASSIGNMENTS`).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Mapping

from solver.contract.request import MatchRequest, Participant, attribute_value
from solver.contract.response import MatchResponse
from solver.rules.by_pair import TOLERANCE, Bonus, Pair, Scores, eligible_scores
from solver.rules.items import normalise
from solver.rules.program import PROGRAM_RULES

SCORE_SCALE = 10**9  # the solver's score resolution (encode.quantise), restated here
SCORE_SLACK = round(TOLERANCE * SCORE_SCALE)  # a better score must beat by more than this
MAX_PAIRS = 64  # more mentor × mentee pairs than this: not tiny, nothing is even scored
# At most this many assignments are enumerated (any pool of 6 mentees and 3 mentors fits:
# 4**6); larger requests are skipped, since `validate` runs on every answer of the suite.
MAX_ASSIGNMENTS = 4096

Key = tuple[int, ...]
Waits = Mapping[str, int]  # mentee id -> extra waiting rounds (a re-match's)
Targets = list[tuple[str, dict[str, int]]]  # per balance attribute: value -> matched at least


def assignments(request: MatchRequest, scores: Scores) -> list[list[Pair]]:
    """Every assignment of eligible pairs (`scores`) that keeps the pins and capacities;
    [] when a pin is not eligible (then no assignment is valid)."""
    pinned = {p.mentee: p.mentor for p in request.program.pinned}
    options: list[list[Pair | None]] = []
    for mentee in request.mentees:
        mentors = [pinned[mentee.id]] if mentee.id in pinned else [m.id for m in request.mentors]
        choices: list[Pair | None] = [] if mentee.id in pinned else [None]
        choices += [
            (m, mentee.id, scores[(m, mentee.id)]) for m in mentors if (m, mentee.id) in scores
        ]
        options.append(choices)
    program = request.program
    capacity = {
        m.id: program.mentor_capacity if m.capacity is None else m.capacity for m in request.mentors
    }
    found = []
    for combo in itertools.product(*options):
        pairs = [pair for pair in combo if pair is not None]
        if all(n <= capacity[m] for m, n in Counter(m for m, _, _ in pairs).items()):
            found.append(pairs)
    return found


def enumeration_size(request: MatchRequest, scores: Scores) -> int:
    """How many assignments `assignments` tries: per free mentee, its eligible mentors and
    nobody."""
    pinned = {p.mentee for p in request.program.pinned}
    options = Counter(e for _, e in scores)
    return math.prod(options[e.id] + 1 for e in request.mentees if e.id not in pinned)


def _known(person: Participant, attribute: str) -> str | None:
    """The normalised value of an attribute, None when missing or blank."""
    value = attribute_value(person, attribute)
    return (normalise(value) or None) if value else None


def _first_same_cap_holds(request: MatchRequest, pairs: list[Pair]) -> bool:
    """The first `max_same_per_mentor` rule: the one the solver's balance targets respect."""
    rules = request.program.diversity.max_same_per_mentor
    if not rules:
        return True
    attribute, k = next(iter(rules.items()))
    mentees = {p.id: p for p in request.mentees}
    alike = Counter((m, v) for m, e, _ in pairs if (v := _known(mentees[e], attribute)))
    return max(alike.values(), default=0) <= k


def balance_targets(request: MatchRequest, every: list[list[Pair]]) -> Targets:
    """Per balance attribute and value: ⌊its mentees × most matched / mentees⌋, capped by
    the most of them matched at once; as far as capacity (and the first same-value cap,
    as the solver's flow) allows."""
    attributes = [a for a, wanted in request.program.diversity.balance.items() if wanted]
    if not attributes:
        return []
    relaxed = [pairs for pairs in every if _first_same_cap_holds(request, pairs)]
    most = max((len(pairs) for pairs in relaxed), default=0)
    mentees = {p.id: p for p in request.mentees}
    targets = []
    for attribute in attributes:
        counts = Counter(v for p in request.mentees if (v := _known(p, attribute)))
        got = [Counter(_known(mentees[e], attribute) for _, e, _ in pairs) for pairs in relaxed]
        share = {v: n * most // len(request.mentees) for v, n in counts.items()}
        reachable = {v: max((g[v] for g in got), default=0) for v in counts}
        targets.append((attribute, {v: min(share[v], reachable[v]) for v in counts}))
    return targets


def key_function(
    request: MatchRequest, targets: Targets, bonus: Bonus, waits: Waits | None = None
) -> Callable[[list[Pair]], Key]:
    """The lexicographic key of a pairing (higher is better); a re-match's bonus adds to the
    score of its unpinned pairs and its extra waiting rounds to its mentees', as the solver
    counts them."""
    waits = waits or {}
    mentees = {p.id: p for p in request.mentees}
    fair = request.program.objective == "fair"
    pinned = {(p.mentor, p.mentee) for p in request.program.pinned}
    extra = {pair: round(b * SCORE_SCALE) for pair, b in bonus.items() if pair not in pinned}

    def key(pairs: list[Pair]) -> Key:
        matched = [mentees[e] for _, e, _ in pairs]
        gains = [round(s * SCORE_SCALE) + extra.get((m, e), 0) for m, e, s in pairs]
        parts = []
        for attribute, target in targets:
            got = Counter(_known(p, attribute) for p in matched)
            parts.append(-sum(max(0, t - got[v]) for v, t in target.items()))
        parts += [sum(p.volunteer for p in matched), len(matched)]
        parts.append(sum(p.waiting_rounds + waits.get(p.id, 0) for p in matched))
        parts += [min(gains, default=SCORE_SCALE)] if fair else []
        return (*parts, sum(gains))

    return key


def holds_program_rules(request: MatchRequest) -> Callable[[list[Pair]], bool]:
    """Whether a pairing keeps match_all_mentees and every program rule (each rule's own
    check, prepared once for the request)."""
    program = request.program
    checks = [rule.checker(request) for rule in PROGRAM_RULES if rule.asked(program)]

    def holds(pairs: list[Pair]) -> bool:
        if program.rules.match_all_mentees and len(pairs) != len(request.mentees):
            return False
        return not any(check(pairs) for check in checks)

    return holds


def beats(best: Key, found: Key, scores_from: int) -> bool:
    """Whether `best` is clearly better: counts compared exactly, scores (from position
    `scores_from` on) by more than `SCORE_SLACK`; a score within the slack ends the
    comparison undecided (never a false alarm on rounding)."""
    for position, (mine, theirs) in enumerate(zip(best, found, strict=True)):
        slack = SCORE_SLACK if position >= scores_from else 0
        if mine > theirs + slack:
            return True
        if mine != theirs:
            return False
    return False


def shown(key: Key, scores_from: int) -> str:
    """A key as a manager reads it: counts, then scores as scores."""
    parts = [str(v) if k < scores_from else f"{v / SCORE_SCALE:.9g}" for k, v in enumerate(key)]
    return f"({', '.join(parts)})"


def optimality_problems(
    request: MatchRequest, response: MatchResponse, bonus: Bonus, waits: Waits | None = None
) -> list[str]:
    """`status: "optimal"` means no better pairing exists: on a tiny request, enumeration
    finds none clearly better (`bonus`: a re-match's extra score per pair)."""
    if response.status != "optimal" or len(request.mentors) * len(request.mentees) > MAX_PAIRS:
        return []
    scores = eligible_scores(request)
    made = [(p.mentor, p.mentee) for p in response.pairings]
    if (
        any(pair not in scores for pair in made)
        or enumeration_size(request, scores) > MAX_ASSIGNMENTS
    ):
        return []  # an ineligible pair is reported by the pair checks
    every = assignments(request, scores)
    key = key_function(request, balance_targets(request, every), bonus, waits)
    holds = holds_program_rules(request)
    valid = [key(pairs) for pairs in every if holds(pairs)]
    if not valid:
        return []
    best = max(valid)
    found = key([(m, e, scores[(m, e)]) for m, e in made])
    scores_from = len(best) - (2 if request.program.objective == "fair" else 1)
    if not beats(best, found, scores_from):
        return []
    better, mine = shown(best, scores_from), shown(found, scores_from)
    return [f"status optimal but a better pairing exists: key {better} > {mine}"]
