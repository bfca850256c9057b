"""Every hard rule and the blocking-pair count, pair by pair from the participants.

This is the validator's form of the rules: no arrays, no encoder, nothing shared with
the matrices of `hard.py` but the comparison of items (`items.py`), so the two forms
check each other.
"""

from __future__ import annotations

from solver.contract.request import MatchRequest, Participant, Program
from solver.contract.response import MatchResponse
from solver.rules.criteria import score_pair
from solver.rules.items import hours_apart, item_set, normalise

TOLERANCE = 1e-6
SCORE_STEPS = 10**9  # scores compare at the solver's resolution (1e-9)
UNLISTED = 10**6  # after every stated preference


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


def _gaps_broken(mentor: Participant, mentee: Participant, program: Program) -> list[str]:
    rules, broken = program.rules, []
    gap = rules.min_seniority_gap
    if gap is not None and mentor.seniority is not None and mentee.seniority is not None:
        direction = -1 if program.format == "reverse" else 1
        senior_by = direction * (mentor.seniority - mentee.seniority)
        broken += ["min_seniority_gap"] if senior_by < gap else []
    limit = rules.max_timezone_gap_hours
    if limit is not None and mentor.timezone and mentee.timezone:
        too_far = hours_apart(mentor.timezone, mentee.timezone) > limit + 1e-9
        broken += ["max_timezone_gap_hours"] if too_far else []
    return broken


def pair_violations(
    mentor: Participant,
    mentee: Participant,
    program: Program,
    managers: dict[str, str],
    score: float,
) -> list[str]:
    """The hard rules a single pair breaks, by the rule's name."""
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
    broken += _gaps_broken(mentor, mentee, program)
    if rules.min_score is not None and score < rules.min_score - TOLERANCE:
        broken.append("min_score")
    if mentor.id in mentee.avoid or mentee.id in mentor.avoid:
        broken.append("avoid")
    if any(f.mentor == mentor.id and f.mentee == mentee.id for f in program.forbidden):
        broken.append("forbidden")
    return broken


def managers_of(request: MatchRequest) -> dict[str, str]:
    """Each person's manager id, from the first list that gives one."""
    managers: dict[str, str] = {}
    for person in [*request.mentors, *request.mentees]:
        if person.manager_id and person.id not in managers:
            managers[person.id] = person.manager_id
    return managers


def expected_score(request: MatchRequest, mentor: Participant, mentee: Participant) -> float | None:
    """The pair's score from the criteria (or the caller's list); None: not a candidate."""
    program = request.program
    if program.scores is None:
        return score_pair(mentor, mentee, program.effective_weights(), program.format)
    listed = {(s.mentor, s.mentee): s.score for s in program.scores}
    return listed.get((mentor.id, mentee.id))


def eligible_scores(request: MatchRequest) -> dict[tuple[str, str], float]:
    """(mentor id, mentee id) → score, for every pair no hard rule forbids."""
    program, managers = request.program, managers_of(request)
    scores: dict[tuple[str, str], float] = {}
    for mentor in request.mentors:
        for mentee in request.mentees:
            score = expected_score(request, mentor, mentee)
            if score is not None and not pair_violations(mentor, mentee, program, managers, score):
                scores[(mentor.id, mentee.id)] = score
    return scores


def _order_key(wishes: list[str], other: str, score: float, position: int) -> tuple[int, ...]:
    """Stated preferences first, then score (at the solver's 1e-9 resolution), then list order."""
    rank = wishes.index(other) if other in wishes else UNLISTED
    return (rank, -round(score * SCORE_STEPS), position)


def _free_room(request: MatchRequest) -> dict[str, int]:
    """Each mentor's places once pinned mentees are placed (pins never block)."""
    program = request.program
    pinned = [p.mentor for p in program.pinned]
    return {
        m.id: (program.mentor_capacity if m.capacity is None else m.capacity) - pinned.count(m.id)
        for m in request.mentors
    }


def count_blocking(request: MatchRequest, response: MatchResponse) -> int:
    """Blocking pairs of a response: an eligible pair not made, whose mentee is free or
    prefers the mentor to their own, and whose mentor has room or prefers the mentee to one
    of theirs. Pinned mentees never block and pins fill their mentor's places."""
    pinned_mentees = {p.mentee for p in request.program.pinned}
    mentor_of = {p.mentee: p.mentor for p in response.pairings}
    room, scores = _free_room(request), eligible_scores(request)
    sides = {"m": request.mentors, "e": request.mentees}
    people = {(side, p.id): p for side, group in sides.items() for p in group}
    position = {(side, p.id): k for side, group in sides.items() for k, p in enumerate(group)}

    def key(side: str, person: str, other: str, pair: tuple[str, str]) -> tuple[int, ...]:
        """Where `other` stands in the order of `person` (on `side`): lower is preferred."""
        wishes = people[(side, person)].preferences
        other_side = "e" if side == "m" else "m"
        return _order_key(wishes, other, scores[pair], position[(other_side, other)])

    blocking = 0
    for (m_id, e_id), _ in scores.items():
        if e_id in pinned_mentees or room[m_id] <= 0 or mentor_of.get(e_id) == m_id:
            continue
        current = mentor_of.get(e_id)
        if current is not None and key("e", e_id, current, (current, e_id)) <= key(
            "e", e_id, m_id, (m_id, e_id)
        ):
            continue
        theirs = [e for e, m in mentor_of.items() if m == m_id and e not in pinned_mentees]
        worst = max((key("m", m_id, e, (m_id, e)) for e in theirs), default=None)
        wanted = worst is not None and key("m", m_id, e_id, (m_id, e_id)) < worst
        blocking += len(theirs) < room[m_id] or wanted
    return blocking
