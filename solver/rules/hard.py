"""Hard rules: pairs that may never be made, whatever their score.

Each rule is one function that returns the (mentee, mentor) pairs it excludes
as a boolean matrix, or None when the program does not ask for it. A rule only
applies where both people have the field it reads: missing data never excludes
a pair. Mentor capacity and pins are not pair rules; the encoder handles them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from solver.contract.request import Program
from solver.encode.pool import Pool
from solver.rules.reporting import along_lines


@dataclass(frozen=True)
class RuleContext:
    pool: Pool
    program: Program
    score: np.ndarray
    scored: np.ndarray | None  # pairs listed in program.scores, when the caller scores


Rule = Callable[[RuleContext], np.ndarray | None]


def _indices(pool: Pool, pairs: Iterable[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """The (mentee, mentor) indices of the given (mentor id, mentee id) pairs in the pool."""
    rows, cols = [], []
    for mentor_id, mentee_id in pairs:
        j, i = pool.mentor_index.get(mentor_id), pool.mentee_index.get(mentee_id)
        if i is not None and j is not None:
            rows.append(i)
            cols.append(j)
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)


def _pairs(pool: Pool, pairs: Iterable[tuple[str, str]]) -> np.ndarray:
    """A mask with the given (mentor id, mentee id) pairs set."""
    mask = np.zeros(pool.shape, dtype=bool)
    mask[_indices(pool, pairs)] = True
    return mask


def _same_people(pool: Pool) -> Iterable[tuple[str, str]]:
    return ((p.id, p.id) for p in pool.mentees if p.id in pool.mentor_index)


def _avoided(pool: Pool) -> Iterable[tuple[str, str]]:
    yield from ((m, p.id) for p in pool.mentees for m in p.avoid)
    yield from ((p.id, e) for p in pool.mentors for e in p.avoid)


def not_self(ctx: RuleContext) -> np.ndarray | None:
    """Nobody is paired with themselves (the same id on both sides is one person)."""
    return _pairs(ctx.pool, _same_people(ctx.pool))


def _language_sets(table: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of (shared languages, gave any) and each person's row among them."""
    known = (count > 0).astype(table.dtype)[:, None]
    return np.unique(np.hstack([table, known]), axis=0, return_inverse=True)


def _apart(pool: Pool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which pairs of language sets share none (both known), and each mentee's and each
    mentor's set. People speak few distinct sets of languages: each pair of sets is decided
    once. A set is the languages the other side speaks too, and (last) whether the person
    gave any."""
    sets_e, of_mentee = _language_sets(pool.languages_e, pool.language_count_e)
    sets_m, of_mentor = _language_sets(pool.languages_m, pool.language_count_m)
    both_known = (sets_e[:, -1][:, None] > 0) & (sets_m[:, -1][None, :] > 0)
    apart = both_known & ((sets_e[:, :-1] @ sets_m[:, :-1].T) == 0)
    return apart, of_mentee.reshape(-1), of_mentor.reshape(-1)


def shared_language(ctx: RuleContext) -> np.ndarray | None:
    """Mentor and mentee speak at least one common language."""
    if not ctx.program.rules.shared_language:
        return None
    apart, of_mentee, of_mentor = _apart(ctx.pool)
    return np.take(apart[of_mentee], of_mentor, axis=1)


def different_department(ctx: RuleContext) -> np.ndarray | None:
    """Mentor and mentee work in different departments."""
    if not ctx.program.rules.different_department:
        return None
    e, m = ctx.pool.department_e[:, None], ctx.pool.department_m[None, :]
    return (e >= 0) & (m >= 0) & (e == m)


def no_reporting_line(ctx: RuleContext) -> np.ndarray | None:
    """Nobody is paired with someone above or below them in their reporting line."""
    if not ctx.program.rules.no_reporting_line:
        return None
    return along_lines(ctx.pool.mentors, ctx.pool.mentees, ctx.pool.lines())


def min_seniority_gap(ctx: RuleContext) -> np.ndarray | None:
    """The mentor has at least `min_seniority_gap` more years (reverse format: fewer)."""
    gap_needed = ctx.program.rules.min_seniority_gap
    if gap_needed is None:
        return None
    pool = ctx.pool
    gap = pool.seniority_m[None, :] - pool.seniority_e[:, None]
    if ctx.program.format == "reverse":
        gap = -gap
    return ~np.isnan(gap) & (gap < gap_needed)


def max_timezone_gap_hours(ctx: RuleContext) -> np.ndarray | None:
    """Mentor and mentee live at most `max_timezone_gap_hours` apart."""
    limit = ctx.program.rules.max_timezone_gap_hours
    if limit is None:
        return None
    pool = ctx.pool
    gap = np.abs(pool.offset_e[:, None] - pool.offset_m[None, :]) % 24
    gap = np.minimum(gap, 24 - gap)
    return ~np.isnan(gap) & (gap > limit + 1e-9)


def min_score(ctx: RuleContext) -> np.ndarray | None:
    """No pair scores below `min_score`."""
    threshold = ctx.program.rules.min_score
    if threshold is None:
        return None
    return ctx.score < threshold - 1e-12


def avoid(ctx: RuleContext) -> np.ndarray | None:
    """Nobody is paired with someone on either one's avoid list."""
    return _pairs(ctx.pool, _avoided(ctx.pool))


def _forbidden(program: Program) -> Iterable[tuple[str, str]]:
    return ((f.mentor, f.mentee) for f in program.forbidden)


def forbidden(ctx: RuleContext) -> np.ndarray | None:
    """The program manager's forbidden pairs are never made."""
    return _pairs(ctx.pool, _forbidden(ctx.program))


def scores(ctx: RuleContext) -> np.ndarray | None:
    """When the caller gives its own scores, only the listed pairs are candidates."""
    return None if ctx.scored is None else ~ctx.scored


HARD_RULES: dict[str, Rule] = {
    rule.__name__: rule
    for rule in (
        not_self,
        shared_language,
        different_department,
        no_reporting_line,
        min_seniority_gap,
        max_timezone_gap_hours,
        min_score,
        avoid,
        forbidden,
        scores,
    )
}


def exclusions(ctx: RuleContext, skip: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """The pairs each active rule excludes, by rule name (but the rules in `skip`)."""
    found = {}
    for name, rule in HARD_RULES.items():
        mask = None if name in skip else rule(ctx)
        if mask is not None:
            found[name] = mask
    return found


LISTED = ("not_self", "avoid", "forbidden")  # rules that list their pairs: few at any size


def listed_exclusions(pool: Pool, program: Program) -> tuple[np.ndarray, np.ndarray]:
    """The (mentee, mentor) indices the rules in LISTED exclude, read from their lists
    rather than from a mask (a large pool decides the other rules block by block)."""
    lists = (_same_people(pool), _avoided(pool), _forbidden(program))
    found = [_indices(pool, pairs) for pairs in lists]
    return np.concatenate([r for r, _ in found]), np.concatenate([c for _, c in found])


def shared_language_bits(pool: Pool, program: Program) -> tuple[np.ndarray, np.ndarray] | None:
    """`shared_language` for every mentee, packed: the rows of pairs it allows (8 mentors
    a byte, `np.packbits`) for each set of languages mentees speak, and each mentee's set;
    None when the program does not ask for it."""
    if not program.rules.shared_language:
        return None
    apart, of_mentee, of_mentor = _apart(pool)
    allowed = ~np.take(apart, of_mentor, axis=1)
    return np.packbits(allowed, axis=1), of_mentee
