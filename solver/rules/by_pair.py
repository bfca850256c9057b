"""Every hard rule and the blocking-pair count, pair by pair from the participants.

This is the validator's form of the rules: no arrays, no encoder, nothing shared with
the matrices of `hard.py` but the comparison of items (`items.py`), so the two forms
check each other.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from solver.contract.request import MatchRequest, Participant, Program
from solver.contract.response import MatchResponse
from solver.rules.criteria import score_pair
from solver.rules.items import hours_apart, item_set, normalise

TOLERANCE = 1e-6
SCORE_STEPS = 10**9  # scores compare at the solver's resolution (1e-9)
UNLISTED = 10**6  # after every stated preference
UNRANKED = (10**7, 0, 0)  # how one sees a partner no rule allows: after every eligible one

Ids = tuple[str, str]  # mentor id, mentee id
Scores = dict[Ids, float]
Rank = tuple[int, int, int]  # an order key: lower is preferred
Pair = tuple[str, str, float]  # mentor id, mentee id, score
Bonus = Mapping[Ids, float]  # a re-match's extra score on some pairs


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


def scorer(request: MatchRequest) -> Callable[[Participant, Participant], float | None]:
    """The score of a (mentor, mentee) pair from the criteria, or the caller's list or
    matrix (read once); None: not a candidate."""
    program, matrix = request.program, request.program.score_matrix
    if matrix is not None:
        rows = {mentee: r for r, mentee in enumerate(matrix.mentees)}
        cols = {mentor: c for c, mentor in enumerate(matrix.mentors)}
        values = matrix.values.array

        def read(mentor: Participant, mentee: Participant) -> float | None:
            value = float(values[rows[mentee.id], cols[mentor.id]])
            return None if math.isnan(value) else value

        return read
    if program.scores is None:
        weights = program.effective_weights()
        return lambda mentor, mentee: score_pair(mentor, mentee, weights, program.format)
    listed = {(s.mentor, s.mentee): s.score for s in program.scores}
    return lambda mentor, mentee: listed.get((mentor.id, mentee.id))


def expected_score(request: MatchRequest, mentor: Participant, mentee: Participant) -> float | None:
    """The pair's score from the criteria (or the caller's list); None: not a candidate."""
    return scorer(request)(mentor, mentee)


def eligible_scores(request: MatchRequest) -> Scores:
    """(mentor id, mentee id) → score, for every pair no hard rule forbids."""
    program, managers, score_of = request.program, managers_of(request), scorer(request)
    scores: Scores = {}
    for mentor in request.mentors:
        for mentee in request.mentees:
            score = score_of(mentor, mentee)
            if score is not None and not pair_violations(mentor, mentee, program, managers, score):
                scores[(mentor.id, mentee.id)] = score
    return scores


def _order_key(wishes: list[str], other: str, score: float, position: int) -> Rank:
    """Stated preferences first, then score (at the solver's 1e-9 resolution), then list order."""
    rank = wishes.index(other) if other in wishes else UNLISTED
    return (rank, -round(score * SCORE_STEPS), position)


def _free_room(request: MatchRequest) -> dict[str, int]:
    """Each mentor's places once pinned mentees are placed (pins never block)."""
    program = request.program
    pinned = Counter(p.mentor for p in program.pinned)
    return {
        m.id: (program.mentor_capacity if m.capacity is None else m.capacity) - pinned[m.id]
        for m in request.mentors
    }


def _views(request: MatchRequest, scores: Scores) -> tuple[dict[Ids, Rank], dict[Ids, Rank]]:
    """How each eligible pair's mentee ranks its mentor, and how its mentor ranks its mentee
    (lower is preferred)."""
    mentors = {m.id: (k, m.preferences) for k, m in enumerate(request.mentors)}
    mentees = {e.id: (k, e.preferences) for k, e in enumerate(request.mentees)}
    mentee_view, mentor_view = {}, {}
    for (m, e), score in scores.items():
        (mentor_position, mentor_wishes), (mentee_position, mentee_wishes) = mentors[m], mentees[e]
        mentee_view[(m, e)] = _order_key(mentee_wishes, m, score, mentor_position)
        mentor_view[(m, e)] = _order_key(mentor_wishes, e, score, mentee_position)
    return mentee_view, mentor_view


def blocking_finder(request: MatchRequest, scores: Scores) -> Callable[[Iterable[Ids]], list[Ids]]:
    """Finds the blocking pairs of a pairing given as (mentor id, mentee id): an eligible
    pair (`scores`) not made, whose mentee is free or prefers the mentor to their own, and
    whose mentor has room or prefers the mentee to one of theirs. Pinned mentees never block
    and pins fill their mentor's places; a partner no rule allows ranks last."""
    pinned_mentees = {p.mentee for p in request.program.pinned}
    free_room = _free_room(request)
    mentee_view, mentor_view = _views(request, scores)
    candidates = [(m, e) for m, e in scores if e not in pinned_mentees and free_room[m] > 0]

    def find(made: Iterable[Ids]) -> list[Ids]:
        mentor_of = {e: m for m, e in made}
        theirs: dict[str, list[str]] = {}
        for e, m in mentor_of.items():
            if e not in pinned_mentees:
                theirs.setdefault(m, []).append(e)
        blocking = []
        for m_id, e_id in candidates:
            current = mentor_of.get(e_id)
            if current == m_id or (
                current is not None
                and mentee_view.get((current, e_id), UNRANKED) <= mentee_view[(m_id, e_id)]
            ):
                continue
            mine = theirs.get(m_id, [])
            worst = max((mentor_view.get((m_id, e), UNRANKED) for e in mine), default=None)
            if len(mine) < free_room[m_id] or (
                worst is not None and mentor_view[(m_id, e_id)] < worst
            ):
                blocking.append((m_id, e_id))
        return blocking

    return find


def count_blocking(request: MatchRequest, response: MatchResponse) -> int:
    """How many blocking pairs a response has (`blocking_finder`)."""
    find = blocking_finder(request, eligible_scores(request))
    return len(find((p.mentor, p.mentee) for p in response.pairings))
