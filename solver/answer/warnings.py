"""Why a what-if variant changed nothing, in words, so a manager is not left to guess: a
capacity every mentor overrides, a rule the base already meets, or simply no change."""

from __future__ import annotations

from typing import Any

from solver.contract.request import MatchRequest
from solver.contract.response import MatchResponse
from solver.contract.whatif import Variant
from solver.messages import render
from solver.rules.program import PROGRAM_RULES


def _same(base: MatchResponse, answer: MatchResponse) -> bool:
    made = {(p.mentor, p.mentee) for p in answer.pairings}
    return made == {(p.mentor, p.mentee) for p in base.pairings} and answer.status == base.status


def _patched_program(variant: Variant) -> dict[str, Any]:
    program = variant.patch.get("program")
    return program if isinstance(program, dict) else {}


def _capacity_overridden(request: MatchRequest, variant: Variant) -> bool:
    """The variant sets `program.mentor_capacity` but every mentor sets their own."""
    overridden = all(m.capacity is not None for m in request.mentors)
    return "mentor_capacity" in _patched_program(variant) and bool(request.mentors) and overridden


def _rules_already_met(base: MatchRequest, request: MatchRequest, language: str) -> list[str]:
    """The program rules the variant asks for and the base answer already keeps."""
    program = request.program
    added = [
        family
        for rule in PROGRAM_RULES
        if rule.asked(program)
        for family in rule.families(program)
        if family not in rule.families(base.program)
    ]
    return [
        rule.describe(program, family, language)
        for rule in PROGRAM_RULES
        for family in added
        if family in rule.families(program)
    ]


def variant_warnings(
    base: tuple[MatchRequest, MatchResponse],
    variant: tuple[Variant, MatchRequest, MatchResponse],
    language: str,
) -> list[str]:
    """Sentences that say why a variant made no difference (none when it did)."""
    (base_request, base_answer), (spec, request, answer) = base, variant
    if not _same(base_answer, answer):
        return []
    found = []
    if _capacity_overridden(request, spec):
        found.append(render(language, "whatif.capacity_overridden"))
    for rule in _rules_already_met(base_request, request, language):
        found.append(render(language, "whatif.rule_already_met", rule=rule))
    return found or [render(language, "whatif.no_change")]
