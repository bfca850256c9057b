"""A solver-free re-check of a response against its request: the oracle of every test.

Every hard rule is re-checked pair by pair from the participants themselves
(not from the solver's arrays), scores and the objective are recomputed from
the criteria's evidence functions, and nobody may be lost. `validate` returns
the list of problems found; an empty list means the response is valid.
"""

from __future__ import annotations

from collections import Counter

from solver.answer.metrics import attribute_value, compute_metrics, cross_counts
from solver.contract.request import MatchRequest, Participant, Program
from solver.contract.response import MatchResponse
from solver.encode.quantise import SCORE_SCALE
from solver.rules.criteria import score_pair
from solver.rules.items import hours_apart, item_set, normalise

TOLERANCE = 1e-6


def _reports_to(person: Participant, other_id: str, managers: dict[str, str]) -> bool:
    seen, current = set(), managers.get(person.id)
    while current is not None and current not in seen:
        if current == other_id:
            return True
        seen.add(current)
        current = managers.get(current)
    return False


def _same(a: list[str], b: list[str]) -> bool:
    """Whether two lists share an item, compared the way the rules compare them."""
    return bool(item_set(a).keys() & item_set(b).keys())


def pair_violations(
    mentor: Participant,
    mentee: Participant,
    program: Program,
    managers: dict[str, str],
    score: float,
) -> list[str]:
    """The hard rules a single pair breaks."""
    rules, broken = program.rules, []
    if mentor.id == mentee.id:
        broken.append("not_self")
    known = item_set(mentor.languages) and item_set(mentee.languages)  # blank items: not given
    if rules.shared_language and known and not _same(mentor.languages, mentee.languages):
        broken.append("shared_language")
    departments = [normalise(mentor.department or ""), normalise(mentee.department or "")]
    if rules.different_department and all(departments) and _same(*([d] for d in departments)):
        broken.append("different_department")
    if rules.no_reporting_line and (
        _reports_to(mentee, mentor.id, managers) or _reports_to(mentor, mentee.id, managers)
    ):
        broken.append("no_reporting_line")
    gap = rules.min_seniority_gap
    if gap is not None and mentor.seniority is not None and mentee.seniority is not None:
        direction = -1 if program.format == "reverse" else 1
        senior_by = direction * (mentor.seniority - mentee.seniority)
        broken += ["min_seniority_gap"] if senior_by < gap else []
    limit = rules.max_timezone_gap_hours
    if limit is not None and mentor.timezone and mentee.timezone:
        too_far = hours_apart(mentor.timezone, mentee.timezone) > limit + 1e-9
        broken += ["max_timezone_gap_hours"] if too_far else []
    if rules.min_score is not None and score < rules.min_score - TOLERANCE:
        broken.append("min_score")
    if mentor.id in mentee.avoid or mentee.id in mentor.avoid:
        broken.append("avoid")
    if any(f.mentor == mentor.id and f.mentee == mentee.id for f in program.forbidden):
        broken.append("forbidden")
    return broken


def _managers(request: MatchRequest) -> dict[str, str]:
    managers: dict[str, str] = {}
    for person in [*request.mentors, *request.mentees]:
        if person.manager_id and person.id not in managers:
            managers[person.id] = person.manager_id
    return managers


def _expected_score(
    request: MatchRequest, mentor: Participant, mentee: Participant
) -> float | None:
    program = request.program
    if program.scores is None:
        return score_pair(mentor, mentee, program.effective_weights(), program.format)
    listed = {(s.mentor, s.mentee): s.score for s in program.scores}
    return listed.get((mentor.id, mentee.id))


def _everyone_accounted(request: MatchRequest, response: MatchResponse) -> list[str]:
    problems = []
    for role, people in (("mentor", request.mentors), ("mentee", request.mentees)):
        paired = {getattr(p, role) for p in response.pairings}
        listed = Counter(u.id for u in response.unmatched if u.role == role)
        for person in people:
            if person.id in paired and listed[person.id]:
                problems.append(f"{role} {person.id} is both paired and unmatched")
            if person.id not in paired and listed[person.id] != 1:
                problems.append(f"{role} {person.id} is lost (listed {listed[person.id]} times)")
    return problems


def _pairs_valid(request: MatchRequest, response: MatchResponse) -> list[str]:
    mentors = {p.id: p for p in request.mentors}
    mentees = {p.id: p for p in request.mentees}
    managers, program, problems = _managers(request), request.program, []
    for pairing in response.pairings:
        mentor, mentee = mentors.get(pairing.mentor), mentees.get(pairing.mentee)
        if mentor is None or mentee is None:
            problems.append(f"pairing {pairing.mentor}-{pairing.mentee} names an unknown id")
            continue
        expected = _expected_score(request, mentor, mentee)
        if expected is None:
            problems.append(f"pair {mentor.id}-{mentee.id} is not among the caller's scores")
        elif abs(expected - pairing.score) > TOLERANCE:
            problems.append(f"pair {mentor.id}-{mentee.id} score {pairing.score} != {expected}")
        for rule in pair_violations(mentor, mentee, program, managers, pairing.score):
            problems.append(f"pair {mentor.id}-{mentee.id} breaks {rule}")
    return problems


def _capacities_and_pins(request: MatchRequest, response: MatchResponse) -> list[str]:
    program, problems = request.program, []
    per_mentee = Counter(p.mentee for p in response.pairings)
    problems += [f"mentee {e} paired {n} times" for e, n in per_mentee.items() if n > 1]
    load = Counter(p.mentor for p in response.pairings)
    for mentor in request.mentors:
        capacity = program.mentor_capacity if mentor.capacity is None else mentor.capacity
        if load[mentor.id] > capacity:
            problems.append(f"mentor {mentor.id} has {load[mentor.id]} mentees for {capacity}")
        if response.mentor_load.get(mentor.id, 0) != load[mentor.id]:
            problems.append(f"mentor_load of {mentor.id} is wrong")
    made = {(p.mentor, p.mentee) for p in response.pairings}
    for pin in program.pinned:
        if (pin.mentor, pin.mentee) not in made:
            problems.append(f"pinned pair {pin.mentor}-{pin.mentee} is missing")
    if program.rules.match_all_mentees and len(per_mentee) != len(request.mentees):
        problems.append("match_all_mentees is set but some mentees are unmatched")
    return problems


def _totals(request: MatchRequest, response: MatchResponse) -> list[str]:
    problems = []
    total = sum(p.score for p in response.pairings)
    if abs(total - response.objective) > TOLERANCE * max(1, len(response.pairings)):
        problems.append(f"objective {response.objective} != sum of scores {total}")
    if response.bound < response.objective - TOLERANCE:
        problems.append("bound below objective")
    scores = [p.score for p in response.pairings]
    if scores != sorted(scores, reverse=True):
        problems.append("pairings are not sorted by score")
    if [p.rank for p in response.pairings] != list(range(1, len(scores) + 1)):
        problems.append("ranks are not 1..n")
    pairs = [(p.mentor, p.mentee, p.score) for p in response.pairings]
    expected = compute_metrics(request, pairs, blocking_pairs=count_blocking(request, response))
    if expected != response.metrics:
        problems.append(f"metrics {response.metrics} do not match the pairings: {expected}")
    return problems


def validate(request: MatchRequest, response: MatchResponse) -> list[str]:
    """Every problem of a response for its request; [] when it is valid."""
    problems = _everyone_accounted(request, response)
    if response.status == "infeasible":
        if response.pairings:
            problems.append("an infeasible response has pairings")
        if not response.conflicts:
            problems.append("an infeasible response names no conflict")
        return problems
    return (
        problems
        + _pairs_valid(request, response)
        + _capacities_and_pins(request, response)
        + _totals(request, response)
        + _program_rules(request, response)
    )


def _order_key(
    wishes: list[str], other_id: str, score: float, position: int
) -> tuple[int, int, int]:
    """Stated preferences first, then score (at the solver's 1e-9 resolution), then list order."""
    rank = wishes.index(other_id) if other_id in wishes else 10**6
    return (rank, -round(score * SCORE_SCALE), position)


def count_blocking(request: MatchRequest, response: MatchResponse) -> int:
    """Blocking pairs of a response, pair by pair from the participants (pins never block)."""
    program, managers = request.program, _managers(request)
    pinned = {(p.mentor, p.mentee) for p in program.pinned}
    pinned_mentees = {e for _, e in pinned}
    mentor_of = {p.mentee: p.mentor for p in response.pairings}
    free_room = {}
    for m in request.mentors:
        capacity = program.mentor_capacity if m.capacity is None else m.capacity
        free_room[m.id] = capacity - sum(1 for pm, _ in pinned if pm == m.id)
    scores: dict[tuple[str, str], float] = {}
    for mentor in request.mentors:
        for mentee in request.mentees:
            score = _expected_score(request, mentor, mentee)
            if score is not None and not pair_violations(mentor, mentee, program, managers, score):
                scores[(mentor.id, mentee.id)] = score
    mentor_pos = {m.id: k for k, m in enumerate(request.mentors)}
    mentee_pos = {e.id: k for k, e in enumerate(request.mentees)}
    mentors = {m.id: m for m in request.mentors}
    mentees = {e.id: e for e in request.mentees}

    def mentee_key(e: Participant, m_id: str) -> tuple[int, int, int]:
        return _order_key(e.preferences, m_id, scores[(m_id, e.id)], mentor_pos[m_id])

    def mentor_key(m: Participant, e_id: str) -> tuple[int, int, int]:
        return _order_key(m.preferences, e_id, scores[(m.id, e_id)], mentee_pos[e_id])

    blocking = 0
    for (m_id, e_id), _ in scores.items():
        mentee = mentees[e_id]
        if e_id in pinned_mentees or free_room[m_id] <= 0 or mentor_of.get(e_id) == m_id:
            continue
        current = mentor_of.get(e_id)
        if current is not None and mentee_key(mentee, current) <= mentee_key(mentee, m_id):
            continue
        theirs = [e for e, m in mentor_of.items() if m == m_id and e not in pinned_mentees]
        mentor = mentors[m_id]
        worst = max((mentor_key(mentor, e) for e in theirs), default=None)
        if len(theirs) < free_room[m_id] or (
            worst is not None and mentor_key(mentor, e_id) < worst
        ):
            blocking += 1
    return blocking


def _program_rules(request: MatchRequest, response: MatchResponse) -> list[str]:
    """Diversity, group and stability rules, re-checked on the whole pairing (pins included)."""
    program, problems = request.program, []
    pairs = [(p.mentor, p.mentee, p.score) for p in response.pairings]
    mentees = {p.id: p for p in request.mentees}
    for attribute, share in program.diversity.cross.items():
        crossing, known = cross_counts(request, pairs, attribute)  # unknown values are neutral
        if crossing < share * known - TOLERANCE:
            problems.append(f"{crossing} of {known} pairs cross {attribute}, below {share}")
    for attribute, k in program.diversity.max_same_per_mentor.items():
        counts = Counter(
            (m, normalise(v)) for m, e, _ in pairs if (v := attribute_value(mentees[e], attribute))
        )
        problems += [
            f"mentor {m} has {n} mentees with one {attribute}"
            for (m, _), n in counts.items()
            if n > k
        ]
    if program.format == "group":
        load = Counter(p.mentor for p in response.pairings)
        small = [m for m, n in load.items() if n < program.group.min_size]
        problems += [f"group of mentor {m} is below min_size" for m in small]
    if program.stable and count_blocking(request, response):
        problems.append("stable is set but the pairing has blocking pairs")
    return problems
