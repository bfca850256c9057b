"""What a re-match did to each current pair and mentee, in the request's language: kept
(why), ended (why), moved (where), and each new pair with where its mentee comes from.
People are named beside their ids."""

from __future__ import annotations

from typing import Any

from solver.contract.rematch import Move, PairNote, RematchRequest, RematchResponse
from solver.contract.response import MatchResponse, trusted
from solver.messages import render
from solver.messages.formats import Person

Pair = tuple[str, str]  # (mentor, mentee)
Verdict = tuple[str, str, dict[str, Any]]  # (reason code, message key, its parameters)


class _Notes:
    """Notes and moves in one language, with everyone's name at hand."""

    def __init__(self, request: RematchRequest, language: str) -> None:
        self.language = language
        self.mentors = {p.id: Person(p.id, p.name) for p in request.pool.mentors}

    def mentor(self, mentor_id: str) -> Person:
        return self.mentors.get(mentor_id, Person(mentor_id))

    def note(self, pair: Pair, reason: str, key: str, **params: Any) -> PairNote:
        """A pair's note, from ids and texts this module wrote: no re-validation."""
        detail = render(self.language, key, **params)
        values = {"mentor": pair[0], "mentee": pair[1], "reason": reason, "detail": detail}
        return trusted(PairNote, values)

    def move(self, mentee: str, before: str, after: str | None) -> Move:
        if after:
            detail = render(self.language, "rematch.moved.to", mentor=self.mentor(after))
        else:
            detail = render(self.language, "rematch.moved.waiting", mentor=self.mentor(before))
        values = {"mentee": mentee, "before": before, "after": after, "reason": "rematched"}
        return trusted(Move, {**values, "detail": detail})  # this module's texts (10k: 0.5 s)


def _kept_and_moved(
    notes: _Notes,
    before: dict[str, str],
    now: dict[str, str],
    ended: dict[Pair, Verdict],
    kept_pins: set[Pair],
) -> tuple[list[PairNote], list[Move]]:
    """Each current pair that did not end: kept (why), or its mentee moved (where)."""
    kept, moved = [], []
    for mentee, mentor in sorted(before.items()):
        pair = (mentor, mentee)
        if pair in ended:
            continue
        if now.get(mentee) != mentor:
            moved.append(notes.move(mentee, mentor, now.get(mentee)))
        elif pair in kept_pins:
            kept.append(notes.note(pair, "rated_well", "rematch.kept.rated_well"))
        else:
            kept.append(notes.note(pair, "no_better_match", "rematch.kept.no_better_match"))
    return kept, moved


def _new_pairs(
    notes: _Notes, result: MatchResponse, before: dict[str, str], ended: dict[Pair, Verdict]
) -> list[PairNote]:
    """Each pair of the answer that was not running, with where its mentee comes from."""
    ended_mentees = {e for _, e in ended}
    new = []
    for pairing in result.pairings:
        pair = (pairing.mentor, pairing.mentee)
        if before.get(pairing.mentee) == pairing.mentor:
            continue
        if pairing.mentee in ended_mentees:
            new.append(notes.note(pair, "replaces_ended", "rematch.new.replaces_ended"))
        elif pairing.mentee in before:
            came = notes.mentor(before[pairing.mentee])
            new.append(notes.note(pair, "moved", "rematch.new.moved", mentor=came))
        else:
            new.append(notes.note(pair, "was_waiting", "rematch.new.was_waiting"))
    return new


def report(
    request: RematchRequest,
    result: MatchResponse,
    ended: dict[Pair, Verdict],
    kept_pins: set[Pair],
    language: str,
) -> RematchResponse:
    """The re-match's answer: the match, and a note on every current pair and new one."""
    notes = _Notes(request, language)
    now = {p.mentee: p.mentor for p in result.pairings}
    before = {p.mentee: p.mentor for p in request.current}
    kept, moved = _kept_and_moved(notes, before, now, ended, kept_pins)
    ended_notes = [
        notes.note(pair, reason, key, **params)
        for pair, (reason, key, params) in sorted(ended.items())
    ]
    new = _new_pairs(notes, result, before, ended)
    return RematchResponse(result=result, kept=kept, ended=ended_notes, new=new, moved=moved)
