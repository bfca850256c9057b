"""What stands between a request and a solve: the API key, the size limits, a free slot."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Header

from api.problems import ProblemError
from api.settings import Settings, get_settings
from solver import MatchRequest


def authorised(
    settings: Annotated[Settings, Depends(get_settings)],
    authorization: Annotated[str | None, Header()] = None,
) -> None:
    """With BINOME_API_KEYS set, `Authorization: Bearer <key>` must carry one of them
    (compared in constant time); without it the API is open."""
    keys = settings.keys
    if not keys:
        return
    scheme, _, given = (authorization or "").partition(" ")
    token = given.strip().encode()
    matched = False
    for key in keys:  # every key compared, so timing tells nothing about which
        matched |= hmac.compare_digest(token, key.encode())
    if scheme.casefold() != "bearer" or not matched:
        raise ProblemError(
            401,
            "Unauthorized",
            "a valid API key is required: Authorization: Bearer <key>",
            headers={"WWW-Authenticate": 'Bearer realm="binome"'},
        )


class SolveSlots:
    """At most n solves at once; a request that finds no free slot is refused at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._size = 0
        self._busy = 0

    def try_take(self, size: int) -> bool:
        with self._lock:
            self._size = size
            if self._busy >= size:
                return False
            self._busy += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self._busy -= 1

    @property
    def busy(self) -> int:
        return self._busy


SLOTS = SolveSlots()


@contextmanager
def solve_slot(settings: Settings) -> Iterator[None]:
    """A free solver slot for the length of the solve, or 503 with Retry-After. Held only
    around the solve, so it is free again before the answer is sent."""
    if not SLOTS.try_take(settings.max_concurrent_solves):
        raise ProblemError(
            503,
            "Service busy",
            f"all {settings.max_concurrent_solves} solver slots are taken; retry shortly",
            headers={"Retry-After": str(settings.retry_after_s)},
        )
    try:
        yield
    finally:
        SLOTS.give_back()


def check_size(
    request: MatchRequest | dict[str, Any],
    settings: Settings,
    where: tuple[str | int, ...] = (),
) -> None:
    """Participants and candidate pairs within the limits, else 413 naming the limit.
    A request body (dict) is counted as it is, without validating it first."""
    if isinstance(request, dict):
        mentors, mentees = len(request.get("mentors") or []), len(request.get("mentees") or [])
    else:
        mentors, mentees = len(request.mentors), len(request.mentees)
    people, pairs = mentors + mentees, mentors * mentees
    loc = ["body", *where]
    if people > settings.max_participants:
        message = f"{people} participants; this service takes at most {settings.max_participants}"
        raise ProblemError(
            413, "Request too large", message, [{"loc": [*loc, "mentees"], "msg": message}]
        )
    if pairs > settings.max_candidate_pairs:
        message = f"{pairs} mentor × mentee pairs; at most {settings.max_candidate_pairs}"
        raise ProblemError(
            413, "Request too large", message, [{"loc": [*loc, "mentors"], "msg": message}]
        )
