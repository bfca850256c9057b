"""What-if scenarios: one base request, named variants, every answer compared with the base.

A variant is a JSON Merge Patch (RFC 7396) on the base request, plus the list
operations a merge patch expresses badly: `add_mentors`, `add_mentees` and
`remove` (ids, on either side; references to them in pins, forbidden pairs,
scores, preferences and avoid lists go with them). Each variant is solved
like a separate `/v1/match` call on the patched request, so its answer is
exactly that call's answer; the comparison adds the change of each metric and
the mentees who moved.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from solver.answer.warnings import variant_warnings
from solver.budget import Budget
from solver.comparison import Comparison
from solver.contract.references import InvalidRequest
from solver.contract.request import Loc, MatchRequest
from solver.contract.response import MatchResponse
from solver.contract.whatif import (
    Outcome,
    PairChange,
    ScenarioRequest,
    ScenarioResponse,
    Variant,
    VariantOutcome,
)
from solver.dispatch import SolveOptions
from solver.match import match
from solver.roster import without_people


class VariantError(ValueError):
    """A variant whose patched request is not a valid request; `errors` locate each problem."""

    def __init__(self, errors: list[tuple[Loc, str]]) -> None:
        super().__init__("; ".join(msg for _, msg in errors))
        self.errors = errors


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396: objects merge key by key, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def variant_body(base: dict[str, Any], variant: Variant) -> dict[str, Any]:
    """The request a variant stands for: patch, then additions, then removals."""
    body = merge_patch(base, variant.patch)
    body["mentors"] = [*body.get("mentors", []), *copy.deepcopy(variant.add_mentors)]
    body["mentees"] = [*body.get("mentees", []), *copy.deepcopy(variant.add_mentees)]
    if variant.remove:
        body = without_people(body, set(variant.remove))
    return body


def validated(body: dict[str, Any]) -> MatchRequest:
    """A variant's request body as a request; errors point into it."""
    try:
        return MatchRequest.model_validate(body)
    except ValidationError as exc:
        raise VariantError([(tuple(e["loc"]), e["msg"]) for e in exc.errors()]) from exc


def outcome(name: str, response: MatchResponse) -> Outcome:
    return Outcome(
        name=name,
        status=response.status,
        objective=response.objective,
        metrics=response.metrics,
        unmatched=response.unmatched,
        solve_seconds=response.solve_seconds,
    )


def flat_metrics(result: Outcome) -> dict[str, float]:
    """Every number a manager compares, by one name: `match_rate`, `cross_share.department`…"""
    metrics = result.metrics
    flat: dict[str, float] = {
        "objective": result.objective,
        "match_rate": metrics.match_rate,
        "matched_mentees": metrics.matched_mentees,
        "matched_volunteers": metrics.matched_volunteers,
        "mean_score": metrics.mean_score,
        "min_score": metrics.min_score,
        "first_choice_rate": metrics.first_choice_rate,
        "blocking_pairs": metrics.blocking_pairs,
        "unmatched": float(len(result.unmatched)),
        "unmatched_mentees": float(sum(u.role == "mentee" for u in result.unmatched)),
        "unmatched_mentors": float(sum(u.role == "mentor" for u in result.unmatched)),
    }
    flat |= {f"cross_share.{a}": v for a, v in metrics.cross_share.items()}
    return flat


def changed_pairs(base: MatchResponse, variant: MatchResponse) -> list[PairChange]:
    """Mentees whose mentor differs between the base and the variant (newcomers included)."""
    before = {p.mentee: p.mentor for p in base.pairings}
    after = {p.mentee: p.mentor for p in variant.pairings}
    mentees = sorted(before.keys() | after.keys())
    return [
        PairChange(mentee=e, before=before.get(e), after=after.get(e))
        for e in mentees
        if before.get(e) != after.get(e)
    ]


def compare(
    name: str, base: MatchResponse, variant: MatchResponse, warnings: list[str] | None = None
) -> VariantOutcome:
    summary, reference = outcome(name, variant), outcome("base", base)
    mine, theirs = flat_metrics(summary), flat_metrics(reference)
    delta = {k: round(v - theirs[k], 6) for k, v in mine.items() if k in theirs}
    changed = changed_pairs(base, variant)
    return VariantOutcome(
        **summary.model_dump(), delta=delta, changed_pairs=changed, warnings=warnings or []
    )


Solve = Callable[[MatchRequest], MatchResponse]


MAX_DEPTH = 16  # a patch or an addition nested deeper than any request can be is refused


def depth(value: Any) -> int:
    """How deep lists and objects nest in a JSON value (iterative: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level + 1)
            if level + 1 > MAX_DEPTH:
                break
            stack.extend(
                (child, level + 1) for child in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


def variant_errors(request: ScenarioRequest) -> list[tuple[Loc, str]]:
    """What no variant may do: share a name, nest deeper than a request can, or remove
    someone who is not there (a typo would silently give the base again)."""
    errors: list[tuple[Loc, str]] = []
    names: set[str] = set()
    present = {p.id for p in [*request.base.mentors, *request.base.mentees]}
    for k, variant in enumerate(request.variants):
        if variant.name in names:
            errors.append((("variants", k, "name"), f"variant name {variant.name!r} used twice"))
        names.add(variant.name)
        for field in ("patch", "add_mentors", "add_mentees"):
            if depth(getattr(variant, field)) > MAX_DEPTH:
                errors.append((("variants", k, field), f"nested deeper than {MAX_DEPTH} levels"))
        added = {p.get("id") for p in [*variant.add_mentors, *variant.add_mentees]}
        for j, pid in enumerate(variant.remove):
            if pid not in present and pid not in added:
                errors.append((("variants", k, "remove", j), f"unknown id {pid!r}"))
    return errors


def variant_requests(
    request: ScenarioRequest, admit: Callable[[Loc, dict[str, Any]], None] | None = None
) -> list[MatchRequest]:
    """The base request, then each variant's, validated; errors point into the variant.
    `admit`, if given, sees each variant's body before it is validated (size limits)."""
    if errors := variant_errors(request):
        raise VariantError(errors)
    base_body = request.base.model_dump(mode="json", exclude_unset=True)
    requests = [request.base]
    for k, variant in enumerate(request.variants):
        body = variant_body(base_body, variant)
        if admit is not None:
            admit(("variants", k), body)
        try:
            requests.append(validated(body))
        except VariantError as exc:
            raise VariantError([(("variants", k, *loc), msg) for loc, msg in exc.errors]) from exc
    return requests


def _share_of_budget(deadline: float, solves: int, workers: int, index: int) -> float:
    """The time a solve may take: what is left of the run's budget, spread over the rounds
    of `workers` solves still to run (at least 0.05 s)."""
    rounds = -(-solves // workers)
    left = max(deadline - time.monotonic(), 0.05)
    return max(left / max(rounds - index // workers, 1), 0.05)


def _planned(
    request: ScenarioRequest,
    admit: Callable[[Loc, dict[str, Any]], None] | None,
    budget: Budget | None,
    workers: int,
    time_limit_s: float,
) -> tuple[list[MatchRequest], int]:
    """The requests to solve, and how many at once the budget allows (OverBudget: none)."""
    plan = None if budget is None else Comparison(budget, workers, time_limit_s)
    if plan is not None:
        plan.presize(request)  # before every variant is built and validated
    requests = variant_requests(request, admit)
    return requests, workers if plan is None else plan.workers(requests)


def slim(answer: MatchResponse) -> MatchResponse:
    """What a comparison reads of an answer: no reasons, explanations, groups or
    suggestions (50 answers of 10,000 mentees kept whole took gigabytes)."""
    pairings = [p.model_copy(update={"reasons": [], "explanation": ""}) for p in answer.pairings]
    return answer.model_copy(update={"pairings": pairings, "groups": [], "suggestions": {}})


def run_scenarios(
    request: ScenarioRequest,
    options: SolveOptions | None = None,
    *,
    workers: int = 2,
    on_done: Callable[[str], None] | None = None,
    admit: Callable[[Loc, dict[str, Any]], None] | None = None,
    budget: Budget | None = None,
) -> ScenarioResponse:
    """Solve the base and every variant (`workers` at a time) and compare each with the base.

    The base's `time_limit_s` is the budget of the whole run: each solve gets its share of
    it (the time left spread over the solves still to run, `workers` at a time). With a
    `budget`, the whole run is estimated before anything is solved (`solver/comparison.py`).
    Raises VariantError (loc starts with "variants", k), InvalidRequest (loc in "base") or
    OverBudget.
    """
    options = options or SolveOptions()
    time_limit = options.time_limit(request.base.program)
    requests, workers = _planned(request, admit, budget, max(workers, 1), time_limit)
    deadline = time.monotonic() + time_limit
    names = ["base", *(v.name for v in request.variants)]

    def solve(index: int) -> MatchResponse:
        share = _share_of_budget(deadline, len(requests), workers, index)
        try:
            return slim(match(requests[index], replace(options, max_time_limit_s=share)))
        except InvalidRequest as exc:
            where = ("base",) if index == 0 else ("variants", index - 1)
            raise InvalidRequest([((*where, *loc), msg) for loc, msg in exc.errors]) from exc
        finally:
            if on_done is not None:
                on_done(names[index])

    with ThreadPoolExecutor(max_workers=workers) as pool:
        responses = list(pool.map(solve, range(len(requests))))
    return _compared(request, requests, responses, options.language)


def _compared(
    request: ScenarioRequest,
    requests: list[MatchRequest],
    responses: list[MatchResponse],
    language: str,
) -> ScenarioResponse:
    """Every variant's answer beside the base's, with why it changed nothing if it did not."""
    base = responses[0]
    variants = []
    for k, spec in enumerate(request.variants, start=1):
        said = variant_warnings((requests[0], base), (spec, requests[k], responses[k]), language)
        variants.append(compare(spec.name, base, responses[k], said))
    return ScenarioResponse(base=outcome("base", base), variants=variants)
