"""What stands between a request and a solve: the API key, the size limits, the budget,
free slots."""

from __future__ import annotations

import hmac
import threading
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from api.problems import ProblemError
from api.settings import Settings, get_settings
from solver import Budget, MatchRequest, OverBudget, within_budget


class BearerKey(HTTPBearer):
    """`Authorization: Bearer <key>`, shown in the OpenAPI as its `bearer` security scheme;
    the header is handed on as sent, for `authorised` to judge."""

    async def __call__(self, request: Request) -> str | None:  # type: ignore[override]
        return request.headers.get("authorization")


bearer_key = BearerKey(
    scheme_name="bearer",
    description="An API key of BINOME_API_KEYS, as `Authorization: Bearer <key>`; needed on "
    "/v1/* when the service is started with keys, the API is open otherwise.",
    auto_error=False,
)


def authorised(
    settings: Annotated[Settings, Depends(get_settings)],
    authorization: Annotated[str | None, Depends(bearer_key)],
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


def solve_weight(mentors: int, mentees: int) -> int:
    """How heavy a solve is for admission: its candidate pairs (mentors × mentees)."""
    return mentors * mentees


class SolveSlots:
    """At most `size` solves at once, across every request; a request that finds no free
    slot is refused at once (503), never queued. `reserved` of them only small requests
    (of weight at most `small`) may take: large requests hold at most `size - reserved`
    at once, so a 1 × 1 request is served while large pools fill the rest."""

    def __init__(self, size: int, reserved: int = 0, small: int = 0) -> None:
        self.size, self.reserved, self.small = size, reserved, small
        self._lock = threading.Lock()
        self._busy = 0
        self._large = 0

    def is_small(self, weight: int) -> bool:
        return weight <= self.small

    def take(self, wanted: int = 1, weight: int = 0) -> int:
        """Up to `wanted` free slots for solves of this weight, taken now: how many (0 when
        none is free to it)."""
        with self._lock:
            free = self.size - self._busy
            if not self.is_small(weight):
                free = min(free, self.size - self.reserved - self._large)
            taken = max(0, min(wanted, free))
            self._busy += taken
            if not self.is_small(weight):
                self._large += taken
            return taken

    def give_back(self, count: int = 1, weight: int = 0) -> None:
        with self._lock:
            self._busy -= count
            if not self.is_small(weight):
                self._large -= count

    @property
    def busy(self) -> int:
        return self._busy

    @property
    def busy_large(self) -> int:
        return self._large


def get_slots(request: Request) -> SolveSlots:
    """The solver slots of the application serving this request (a route dependency)."""
    slots: SolveSlots = request.app.state.slots
    return slots


def busy(slots: SolveSlots, settings: Settings, weight: int = 0) -> ProblemError:
    """503 naming the slots this request could have taken (BINOME_MAX_CONCURRENT_SOLVES,
    and for a large one BINOME_SMALL_SOLVE_SLOTS kept from it)."""
    detail = f"all {slots.size} solver slots (BINOME_MAX_CONCURRENT_SOLVES) are taken"
    if not slots.is_small(weight) and slots.busy < slots.size:
        detail = (
            f"the {slots.size - slots.reserved} solver slots open to requests of more than "
            f"{slots.small} mentor × mentee pairs are taken ({slots.reserved} more are kept "
            f"for small ones: BINOME_SMALL_SOLVE_SLOTS)"
        )
    return ProblemError(
        503,
        "Service busy",
        f"{detail}; retry shortly",
        headers={"Retry-After": str(settings.retry_after_s)},
    )


def take_slots(slots: SolveSlots, settings: Settings, wanted: int = 1, weight: int = 0) -> int:
    """Up to `wanted` solver slots for solves of this weight (how many were free), or 503
    with Retry-After when none is. The caller gives them back when the solves end."""
    taken = slots.take(wanted, weight)
    if taken == 0:
        raise busy(slots, settings, weight)
    return taken


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


def budget_of(settings: Settings) -> Budget:
    """The service's budget, its limits named by their settings."""
    return Budget(
        memory_mb=settings.max_request_memory_mb,
        answer_mb=settings.max_answer_mb,
        seconds_per_million_pairs=settings.solve_seconds_per_million_pairs,
        memory_name="BINOME_MAX_REQUEST_MEMORY_MB",
        answer_name="BINOME_MAX_ANSWER_MB",
    )


def too_costly(exc: OverBudget) -> ProblemError:
    """413 naming each limit and the field to lower."""
    errors = [{"loc": ["body", *loc], "msg": msg} for loc, msg in exc.errors]
    return ProblemError(413, "Request too large", str(exc), errors)


def check_budget(
    request: MatchRequest, settings: Settings, where: tuple[str | int, ...] = (), notes: int = 0
) -> None:
    """The request's estimated memory and answer within the budget, else 413 naming the
    limit and the field to lower (`solver.budget`). `notes`: extra entries its answer holds."""
    try:
        within_budget(request, budget_of(settings), where, notes)
    except OverBudget as exc:
        raise too_costly(exc) from exc
