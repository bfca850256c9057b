"""How list items and time zones compare: the same rule for criteria, hard rules and the validator.

List fields are compared as whole items after normalisation (case, hyphens, spacing): "AI"
matches "ai" and "A.I." does not match "retail" - there is no substring luck."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

_SEPARATORS = re.compile(r"[\s_\-]+")


# Time-zone distance uses the mean of the January and July offsets, so the
# answer does not depend on the day the request is made (determinism).
_REFERENCE_DAYS = (datetime(2026, 1, 15, 12, tzinfo=UTC), datetime(2026, 7, 15, 12, tzinfo=UTC))


@lru_cache(maxsize=65536)
def normalise(item: str) -> str:
    """The comparable form of a list item: case-folded, single spaces, no hyphens."""
    return _SEPARATORS.sub(" ", item.casefold()).strip()


def item_set(items: Iterable[str]) -> dict[str, str]:
    """Normalised item → the item as the person wrote it (first spelling wins). Read only:
    the same list gives the same (cached) dict."""
    return _item_set(tuple(items))


@lru_cache(maxsize=65536)
def _item_set(items: tuple[str, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        key = normalise(item)
        if key and key not in found:
            found[key] = item
    return found


@lru_cache(maxsize=1024)
def utc_offset_hours(timezone: str) -> float:
    """Mean UTC offset of an IANA zone over the year, in hours."""
    zone = ZoneInfo(timezone)
    offsets = [day.astimezone(zone).utcoffset() for day in _REFERENCE_DAYS]
    return sum(o.total_seconds() for o in offsets if o is not None) / 3600 / len(offsets)


def hours_apart(zone_a: str, zone_b: str) -> float:
    """Hours between two time zones, the short way round the clock."""
    gap = abs(utc_offset_hours(zone_a) - utc_offset_hours(zone_b)) % 24
    return min(gap, 24 - gap)
