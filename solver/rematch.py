"""Re-matching after mid-program feedback: keep what works, re-pair what does not, move few.

The policy (`program.rematch`) turns feedback into rules the engine already has:

- a pair rated `keep_rating` or more is pinned (kept), unless someone in it leaves or a
  hard rule now forbids it;
- a pair flagged `end`, or rated `end_rating` or less, ends and is forbidden from
  re-forming;
- a pair with someone leaving ends;
- every other current pair earns `change_penalty` on top of its score, so it is broken
  only when the change gains more than the penalty;
- every mentee already in the program (pair running or ended) gains `waiting_bonus`
  waiting rounds: served before newcomers, so a newcomer never takes a running pair's
  place, and a mentee whose pair ended is re-paired first.

Kept pairs are pins and the rest is one lexicographic solve (matched counts first, then
score minus change penalties), so the number of broken pairs is the fewest for the
score reached.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from solver.answer.rematch_report import Verdict, report
from solver.contract.references import InvalidRequest
from solver.contract.references import reference_errors as pool_reference_errors
from solver.contract.rematch import Feedback, RematchRequest, RematchResponse
from solver.contract.request import Loc, MatchRequest
from solver.contract.response import MatchResponse
from solver.dispatch import SolveOptions
from solver.match import match
from solver.roster import without_people
from solver.runtime import COLLECTOR

Pair = tuple[str, str]  # (mentor, mentee)


def reference_errors(request: RematchRequest) -> list[tuple[Loc, str]]:
    """Current pairs, feedback and leavers must name people and pairs that exist."""
    mentors = {p.id for p in request.pool.mentors}
    mentees = {p.id for p in request.pool.mentees}
    errors: list[tuple[Loc, str]] = []
    seen: set[str] = set()
    for k, pair in enumerate(request.current):
        if pair.mentor not in mentors:
            errors.append((("current", k, "mentor"), f"unknown mentor {pair.mentor!r}"))
        if pair.mentee not in mentees:
            errors.append((("current", k, "mentee"), f"unknown mentee {pair.mentee!r}"))
        if pair.mentee in seen:
            errors.append((("current", k, "mentee"), f"mentee {pair.mentee!r} has two mentors"))
        seen.add(pair.mentee)
    current = {(p.mentor, p.mentee) for p in request.current}
    for k, note in enumerate(request.feedback):
        if (note.mentor, note.mentee) not in current:
            message = f"{note.mentor!r} and {note.mentee!r} are not a current pair"
            errors.append((("feedback", k), message))
    everyone = mentors | mentees  # once, not once per id
    for k, pid in enumerate(request.leaving):
        if pid not in everyone:
            errors.append((("leaving", k), f"unknown id {pid!r}"))
    return errors


def _verdict(
    pair: Pair, notes: list[Feedback], request: RematchRequest, room: dict[str, int]
) -> Verdict | None:
    """Why a current pair ends (reason code, message key, its parameters), or None when it
    may go on."""
    mentor, mentee = pair
    leaving, policy = set(request.leaving), request.pool.program.rematch
    ratings = [n.rating for n in notes if n.rating is not None]
    if mentor in leaving or mentee in leaving:
        who = "mentor" if mentor in leaving else "mentee"
        return (f"{who}_left", f"rematch.ended.{who}_left", {})
    if any(n.end for n in notes):
        by = next((n.by for n in notes if n.end and n.by), None)
        return ("end_requested", f"rematch.ended.by_{by}" if by else "rematch.ended.ended", {})
    if ratings and min(ratings) <= policy.end_rating:
        return ("low_rating", "rematch.ended.low_rating", {"rating": min(ratings)})
    if room.get(mentor, 0) <= 0:
        return ("mentor_not_taking", "rematch.ended.mentor_not_taking", {})
    return None


def _places(request: RematchRequest) -> dict[str, int]:
    """Each mentor's places this round once the program's own pins are placed."""
    program = request.pool.program
    pinned = Counter(p.mentor for p in program.pinned)
    return {
        m.id: (program.mentor_capacity if m.capacity is None else m.capacity) - pinned[m.id]
        for m in request.pool.mentors
    }


def _verdicts(request: RematchRequest) -> tuple[dict[Pair, Verdict], set[Pair]]:
    """Ended pairs with (reason, detail), and the pairs feedback says to keep: well rated,
    as many per mentor as the mentor has places (best rated first)."""
    policy = request.pool.program.rematch
    notes: dict[Pair, list[Feedback]] = defaultdict(list)
    for note in request.feedback:
        notes[(note.mentor, note.mentee)].append(note)
    room = _places(request)
    ended: dict[Pair, Verdict] = {}
    rated: list[tuple[int, str, Pair]] = []
    for pair in ((p.mentor, p.mentee) for p in request.current):
        if (verdict := _verdict(pair, notes[pair], request, room)) is not None:
            ended[pair] = verdict
            continue
        ratings = [n.rating for n in notes[pair] if n.rating is not None]
        if ratings and min(ratings) >= policy.keep_rating:
            rated.append((-min(ratings), pair[1], pair))
    keep: set[Pair] = set()
    for _, _, pair in sorted(rated):
        if room[pair[0]] > 0:
            keep.add(pair)
            room[pair[0]] -= 1
    return ended, keep


def _next_request(
    request: RematchRequest, ended: dict[Pair, Verdict], keep: set[Pair]
) -> MatchRequest:
    """The pool minus leavers, kept pairs pinned, ended pairs forbidden."""
    pool = request.pool.model_dump(mode="json", exclude_unset=True)  # unset stays unset
    body = without_people(pool, set(request.leaving))
    program = body["program"]
    program.setdefault("pinned", [])
    program.setdefault("forbidden", [])
    pinned = {(p["mentor"], p["mentee"]) for p in program["pinned"]}
    program["pinned"] += [{"mentor": m, "mentee": e} for m, e in sorted(keep - pinned)]
    forbidden = {(p["mentor"], p["mentee"]) for p in program["forbidden"]}
    program["forbidden"] += [
        {"mentor": m, "mentee": e}
        for (m, e), (reason, _, _) in sorted(ended.items())
        if reason in ("end_requested", "low_rating") and (m, e) not in forbidden
    ]
    return MatchRequest.model_validate(body)


def served_first(request: RematchRequest) -> dict[str, int]:
    """The waiting rounds each mentee already in the program (pair running or ended) gains:
    served before newcomers. Given to the engine beside the request, so a mentee who
    waited the contract's most rounds still gains them."""
    policy = request.pool.program.rematch
    in_program = {p.mentee for p in request.current} - set(request.leaving)
    return dict.fromkeys(sorted(in_program), policy.waiting_bonus)


def _solve(
    request: RematchRequest,
    ended: dict[Pair, Verdict],
    kept_pins: set[Pair],
    options: SolveOptions,
) -> MatchResponse:
    policy = request.pool.program.rematch
    flexible = {(p.mentor, p.mentee) for p in request.current} - ended.keys() - kept_pins
    bonus = dict.fromkeys(flexible, policy.change_penalty)
    try:
        pool = _next_request(request, ended, kept_pins)
        return match(pool, options, bonus=bonus, extra_waiting=served_first(request))
    except InvalidRequest as exc:  # program-level refusals (engine, size, time limit)
        raise InvalidRequest([(("pool", *loc), msg) for loc, msg in exc.errors]) from exc


def _blocked_pins(result: MatchResponse) -> set[Pair]:
    """Pins a hard rule forbids (the conflicts of an infeasible answer name them)."""
    return {(c.ids[0], c.ids[1]) for c in result.conflicts if c.rule == "pinned"}


def rematch(request: RematchRequest, options: SolveOptions | None = None) -> RematchResponse:
    """The next round's pairs, and what happened to each current pair and mentee."""
    with COLLECTOR.paused():  # as `match`: tens of thousands of notes, no cyclic garbage
        return _rematch(request, options or SolveOptions())


def _rematch(request: RematchRequest, options: SolveOptions) -> RematchResponse:
    pool_errors = [(("pool", *loc), msg) for loc, msg in pool_reference_errors(request.pool)]
    if errors := pool_errors + reference_errors(request):
        raise InvalidRequest(errors)
    ended, kept_pins = _verdicts(request)
    result = _solve(request, ended, kept_pins, options)
    if result.status == "infeasible" and (blocked := _blocked_pins(result) & kept_pins):
        # a well-rated pair a rule now forbids (data or rules changed) is not kept: solve
        # again without pinning it (the pins check fails before any solve, so this is cheap)
        kept_pins -= blocked
        result = _solve(request, ended, kept_pins, options)
    return report(request, result, ended, kept_pins, options.language)
