"""What each solving endpoint does once its request is read, whoever runs it: the route of
`POST /v1/match`, `/v1/scenarios` or `/v1/rematch` in the service's solve threads, or a job
of that kind in a worker (`api.jobs`). One `Kind` per endpoint: its request model, where
its pool is, the limits it is held to before it runs (413), how many solver slots it
wants, and the solve itself, with the solver's refusals turned into the problem document
the endpoint answers (422, 413). A job's result is therefore the synchronous answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from api.guards import budget_of, check_budget, check_size, too_costly
from api.settings import Settings
from api.solving import refused
from solver import (
    InvalidRequest,
    MatchRequest,
    OverBudget,
    RematchRequest,
    ScenarioRequest,
    SolveOptions,
    VariantError,
    match_as_asked,
    rematch,
    run_scenarios,
)

Done = Callable[[str], None]  # told the name of each solve of a what-if comparison that ends


@dataclass(frozen=True)
class Kind:
    """One solving endpoint's work, apart from HTTP."""

    name: str
    model: type[BaseModel]
    where: tuple[str, ...]  # where the pool is in the request
    pool: Callable[[Any], MatchRequest]
    admit: Callable[[Any, Settings], None]  # the limits, before anything runs: 413
    wanted: Callable[[Any, Settings], int]  # solver slots it would use at once
    work: Callable[[Any, SolveOptions, int, Settings, Done | None], BaseModel]
    keeps_best: bool  # cancelled, a search answers the best found (else nothing)

    def answer(
        self,
        request: Any,
        options: SolveOptions,
        slots: int,
        settings: Settings,
        on_variant: Done | None = None,
    ) -> Any:
        """The endpoint's answer, or the problem it answers (ProblemError); `on_variant` is
        told of each solve of a what-if comparison as it ends."""
        try:
            return self.work(request, options, slots, settings, on_variant)
        except OverBudget as exc:
            raise too_costly(exc) from exc
        except VariantError as exc:
            raise refused(InvalidRequest(exc.errors)) from exc
        except InvalidRequest as exc:
            raise refused(exc) from exc


def _admit_match(request: MatchRequest, settings: Settings) -> None:
    check_size(request, settings)
    check_budget(request, settings)


def _admit_scenarios(request: ScenarioRequest, settings: Settings) -> None:
    check_size(request.base, settings, ("base",))
    check_budget(request.base, settings, ("base",))


def _admit_rematch(request: RematchRequest, settings: Settings) -> None:
    check_size(request.pool, settings, ("pool",))
    notes = len(request.current) + len(request.pool.mentees)  # kept, ended, moved; new
    check_budget(request.pool, settings, ("pool",), notes)


def _compare(
    request: ScenarioRequest,
    options: SolveOptions,
    workers: int,
    settings: Settings,
    on_variant: Done | None,
) -> BaseModel:
    return run_scenarios(
        request,
        options,
        workers=workers,
        on_done=on_variant,
        admit=lambda where, body: check_size(body, settings, where),
        budget=budget_of(settings),
    )


def _one(*_: Any) -> int:
    return 1


KINDS: dict[str, Kind] = {
    "match": Kind(
        "match",
        MatchRequest,
        (),
        lambda request: request,
        _admit_match,
        _one,
        lambda request, options, *_: match_as_asked(request, options),
        keeps_best=True,
    ),
    "scenarios": Kind(
        "scenarios",
        ScenarioRequest,
        ("base",),
        lambda request: request.base,
        _admit_scenarios,
        lambda request, settings: min(settings.scenario_workers, 1 + len(request.variants)),
        _compare,
        keeps_best=False,
    ),
    "rematch": Kind(
        "rematch",
        RematchRequest,
        ("pool",),
        lambda request: request.pool,
        _admit_rematch,
        _one,
        lambda request, options, *_: rematch(request, options),
        keeps_best=True,
    ),
}
