"""How list items and time zones compare: the same rule for criteria, hard rules and the validator.

List fields are compared as whole items after normalisation (Unicode forms, case, hyphens,
spacing): "AI" matches "ai" and "ＡＩ", and "A.I." does not match "retail" - there is no
substring luck."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

_SEPARATORS = re.compile(r"[\s_\-]+")


# Time-zone distance uses the mean of the January and July offsets, so the
# answer does not depend on the day the request is made (determinism).
_REFERENCE_DAYS = (datetime(2026, 1, 15, 12, tzinfo=UTC), datetime(2026, 7, 15, 12, tzinfo=UTC))


def _normalised(item: str) -> str:
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", item).casefold())
    return _SEPARATORS.sub(" ", folded).strip()


def normalise(item: str) -> str:
    """The comparable form of a list item: Unicode-normalised (NFKC: "café" typed with a
    combining accent is "café", full-width "ＡＩ" is "AI"), case-folded, single spaces, no
    hyphens or underscores."""
    folding = _ACTIVE.get()
    return _normalised(item) if folding is None else folding.normalise(item)


def item_set(items: Iterable[str]) -> dict[str, str]:
    """Normalised item → the item as the person wrote it (first spelling wins); blank
    items are not items. Inside `Folding.active()` the request's shared answer: read it,
    never change it."""
    folding = _ACTIVE.get()
    if folding is not None:
        return folding.item_set(tuple(items))
    found: dict[str, str] = {}
    for item in items:
        key = _normalised(item)
        if key and key not in found:
            found[key] = item
    return found


_ACTIVE: ContextVar[Folding | None] = ContextVar("folding", default=None)


class Folding:
    """`normalise` and `item_set` for one request, each text and each list worked out once.

    People repeat the same few items ("leadership", "fr"), so a request's pool and its
    explanations ask the same questions thousands of times. The answers live in this
    object, which lives as long as the request's pool: no participant's text outlives the
    request in a process-wide cache. Within `active()`, the module's `normalise` and
    `item_set` (which the criteria's evidence calls) answer from it too, in this thread."""

    def __init__(self) -> None:
        self._forms: dict[str, str] = {}
        self._sets: dict[tuple[str, ...], dict[str, str]] = {}

    def normalise(self, item: str) -> str:
        form = self._forms.get(item)
        if form is None:
            form = self._forms[item] = _normalised(item)
        return form

    @contextmanager
    def active(self) -> Iterator[None]:
        """Within: `normalise` and `item_set` answer from this folding (this thread)."""
        token = _ACTIVE.set(self)
        try:
            yield
        finally:
            _ACTIVE.reset(token)

    def item_set(self, items: Sequence[str]) -> dict[str, str]:
        """`item_set(items)`, shared by every caller of this request: read it, never change
        it (a read-only view would cost the explanations' hot loop a third more)."""
        key = items if isinstance(items, tuple) else tuple(items)
        found = self._sets.get(key)
        if found is None:
            found = {}
            for item in key:
                form = self.normalise(item)
                if form and form not in found:
                    found[form] = item
            self._sets[key] = found
        return found


@lru_cache(maxsize=1024)
def utc_offset_hours(timezone: str) -> float:
    """Mean UTC offset of an IANA zone over the year, in hours (cached: IANA names, which
    the contract checks, and immutable numbers; no participant text)."""
    zone = ZoneInfo(timezone)
    offsets = [day.astimezone(zone).utcoffset() for day in _REFERENCE_DAYS]
    return sum(o.total_seconds() for o in offsets if o is not None) / 3600 / len(offsets)


def hours_apart(zone_a: str, zone_b: str) -> float:
    """Hours between two time zones, the short way round the clock."""
    gap = abs(utc_offset_hours(zone_a) - utc_offset_hours(zone_b)) % 24
    return min(gap, 24 - gap)
