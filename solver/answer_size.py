"""How large an answer will be, from a request's sizes alone (`solver/budget.py` weighs it):
its pairings, suggestions and unmatched people, each with a reason per criterion weighed,
reasons quoting the mentee's own items (a pairing's explanation quotes two reasons again).
Each part is JSON bytes, calibrated by `python -m bench.budget`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from solver.contract.request import MatchRequest, Participant

PAIRING, SUGGESTION, UNMATCHED, REASON = 250, 105, 140, 110  # JSON bytes, quotes aside
PAIR_IDS, UNMATCHED_ID = 70, 50  # the compact answer's (`program.answer: "pairs"`)
QUOTED = ("goals", "languages", "interests", "availability", "department")  # in reasons


def _mean_bytes(texts: Iterable[str]) -> float:
    lengths = [len(text.encode()) for text in texts]
    return sum(lengths) / max(len(lengths), 1)


SAMPLE = 2_000  # mentees read for the mean of what reasons quote (evenly spaced)


def _quoted(mentees: Sequence[Participant], criteria: list[str]) -> float:
    """Mean bytes per mentee of the items reasons may quote back, with their separators,
    over at most SAMPLE mentees evenly spaced: an estimate, which need not cost 0.05 s of
    each 10,000-mentee request."""
    mentees = mentees[:: max(1, len(mentees) // SAMPLE)]
    total = 0
    for person in mentees:
        for name in (c for c in criteria if c in QUOTED):
            value = getattr(person, name)
            total += sum(len(item.encode()) + 2 for item in (value or []))
            total += len((person.department or "").encode()) if name == "department" else 0
    return total / max(len(mentees), 1)


def suggestions_of(request: MatchRequest, pairings: int) -> int:
    """Suggestions the answer lists: the top ones of each mentee, and the assigned mentor
    where it is not among them (a third of the pairings, measured at 3,000 and 10,000)."""
    count, mentors = request.program.suggestions, len(request.mentors)
    if request.program.answer == "pairs":  # the compact answer builds none
        return 0
    return len(request.mentees) * min(count, mentors) + pairings // 3 if count and mentors else 0


def pairings_of(request: MatchRequest) -> int:
    """Pairs an answer makes at most: every mentee, or every place."""
    default = request.program.mentor_capacity
    places = sum(default if p.capacity is None else p.capacity for p in request.mentors)
    return min(len(request.mentees), places)


def pins_clash(request: MatchRequest) -> bool:
    """Whether the pins alone make the request infeasible: a mentee pinned twice, or more
    pins on a mentor than its places (the answer is then everyone unmatched, and why)."""
    program = request.program
    places = {
        p.id: program.mentor_capacity if p.capacity is None else p.capacity for p in request.mentors
    }
    mentees: set[str] = set()
    load: Counter[str] = Counter()
    for pin in program.pinned:
        if pin.mentee in mentees:
            return True
        mentees.add(pin.mentee)
        load[pin.mentor] += 1
    return any(count > places.get(mentor, 0) for mentor, count in load.items())


def answer_bytes(request: MatchRequest) -> dict[str, float]:
    """The answer's JSON by part: pairings, suggestions, unmatched people (and conflicts)."""
    program, n, m = request.program, len(request.mentees), len(request.mentors)
    ids = _mean_bytes(p.id for p in request.mentees) + _mean_bytes(p.id for p in request.mentors)
    if pins_clash(request):  # a conflict per pin at most, with the ids it names
        unmatched = (n + m) * (UNMATCHED + ids)
        return {"unmatched": unmatched, "conflicts": len(program.pinned) * (PAIRING + 3 * ids)}
    if program.answer == "pairs":
        pairs = pairings_of(request)
        return {"pairings": pairs * (PAIR_IDS + ids), "unmatched": (n + m - pairs) * UNMATCHED_ID}
    caller = program.scores is not None or program.score_matrix is not None
    weights = {"scores": 1.0} if caller else program.effective_weights()
    active = [name for name, w in weights.items() if w > 0]
    pairings = pairings_of(request)
    suggested = suggestions_of(request, pairings)
    quoted = _quoted(request.mentees, active)
    names = _mean_bytes(p.name or p.id for p in request.mentors)
    reasons = REASON * len(active)
    return {
        "pairings": pairings * (PAIRING + reasons + 2 * quoted + 2 * ids + names),
        "suggestions": suggested * (SUGGESTION + reasons + quoted + ids),
        "unmatched": (n + m - pairings) * (UNMATCHED + ids),
    }
