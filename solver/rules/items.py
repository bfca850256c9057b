"""How list items and time zones compare: the same rule for criteria, hard rules and the validator.

List fields are compared as whole items after normalisation (case, hyphens, spacing): "AI"
matches "ai" and "A.I." does not match "retail" - there is no substring luck."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

_SEPARATORS = re.compile(r"[\s_\-]+")


# Time-zone distance uses the mean of the January and July offsets, so the
# answer does not depend on the day the request is made (determinism).
_REFERENCE_DAYS = (datetime(2026, 1, 15, 12, tzinfo=UTC), datetime(2026, 7, 15, 12, tzinfo=UTC))


def normalise(item: str) -> str:
    """The comparable form of a list item: case-folded, single spaces, no hyphens."""
    return _SEPARATORS.sub(" ", item.casefold()).strip()


def item_set(items: Iterable[str]) -> dict[str, str]:
    """Normalised item → the item as the person wrote it (first spelling wins); blank
    items are not items."""
    found: dict[str, str] = {}
    for item in items:
        key = normalise(item)
        if key and key not in found:
            found[key] = item
    return found


class Folding:
    """`normalise` and `item_set` for one request, each text and each list worked out once.

    People repeat the same few items ("leadership", "fr"), so a request's pool and its
    explanations ask the same questions thousands of times. The answers live in this
    object, which lives as long as the request's pool: no participant's text outlives the
    request in a process-wide cache. The item sets it returns are shared, so read-only."""

    def __init__(self) -> None:
        self._forms: dict[str, str] = {}
        self._sets: dict[tuple[str, ...], Mapping[str, str]] = {}

    def normalise(self, item: str) -> str:
        form = self._forms.get(item)
        if form is None:
            form = self._forms[item] = normalise(item)
        return form

    def item_set(self, items: Sequence[str]) -> Mapping[str, str]:
        key = tuple(items)
        found = self._sets.get(key)
        if found is None:
            fresh: dict[str, str] = {}
            for item in key:
                form = self.normalise(item)
                if form and form not in fresh:
                    fresh[form] = item
            found = self._sets[key] = MappingProxyType(fresh)
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
