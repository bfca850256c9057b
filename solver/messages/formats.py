"""How values read in a sentence, in each language: numbers, percentages, lists, language
names, time slots, attributes and people, through Babel's locale data (CLDR).

A message's parameters carry their kind (`Decimal`, `Percent`, `Languages`, `Slots`,
`Attribute`, `Person`); plain lists and numbers are formatted too. French typography (a
no-break space before `:` and `%` and inside « », a narrow one before `;`, `?` and `!`)
is applied in one place, `typeset`, to every sentence rendered.
"""

from __future__ import annotations

import decimal
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from babel import Locale
from babel.dates import get_day_names
from babel.lists import format_list
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # Babel's day indices 0..6
SLOT = re.compile(r"(mon|tue|wed|thu|fri|sat|sun)[-_ ]?(am|pm)", re.IGNORECASE)


# Room for every finite float: Babel rounds in the current decimal context, whose 28 digits
# a caller's 1e25 (a score, a gap) overflows at two places (decimal.InvalidOperation).
WIDE = decimal.Context(prec=400)


def format_decimal(value: Any, pattern: str, locale: Any) -> str:
    """Babel's `format_decimal` for any finite float, however large."""
    with decimal.localcontext(WIDE):
        return str(_babel_decimal(value, pattern, locale=locale))


def format_percent(value: Any, pattern: str, locale: Any) -> str:
    """Babel's `format_percent` for any finite float, however large."""
    with decimal.localcontext(WIDE):
        return str(_babel_percent(value, pattern, locale=locale))


@dataclass(frozen=True)
class Decimal:
    """A number shown with `places` decimals at most (`fixed`: exactly)."""

    value: float
    places: int = 2
    fixed: bool = False

    def __float__(self) -> float:  # plurals agree with the number
        return float(self.value)


@dataclass(frozen=True)
class Percent:
    """A share in [0, 1] shown as a percentage with `places` decimals at most."""

    value: float
    places: int = 0

    def __float__(self) -> float:
        return float(self.value)


class Languages(tuple[str, ...]):
    """Language codes as a person reads them: "français et anglais"."""


class Slots(tuple[str, ...]):
    """Availability slots ("wed-am") as a person reads them: "mer. matin"."""


@dataclass(frozen=True)
class Attribute:
    """A diversity attribute's name ("department"), in the sentence's language."""

    name: str


@dataclass(frozen=True)
class Person:
    """Someone named where a person reads: "Léa Bernard (e0001)", or the id alone."""

    id: str
    name: str | None = None


class Named(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str | None: ...


def person(participant: Named) -> Person:
    """A participant as a sentence names them."""
    return Person(participant.id, participant.name)


@lru_cache(maxsize=8)
def _locale(language: str) -> Locale:
    return Locale.parse(language)


def _pattern(places: int, fixed: bool) -> str:
    if places == 0:
        return "#,##0"
    return "#,##0." + ("0" if fixed else "#") * places


@lru_cache(maxsize=8)
def _language_names(language: str) -> dict[str, str]:
    """CLDR's language names in `language`, read once (Babel resolves each lookup anew)."""
    return dict(_locale(language).languages.items())


@lru_cache(maxsize=8)
def _day_names(language: str) -> tuple[str, ...]:
    """The abbreviated day names in `language`, Monday first (`DAYS`' order)."""
    days = get_day_names("abbreviated", locale=_locale(language))
    return tuple(days[k] for k in range(len(DAYS)))


def language_name(code: str, language: str) -> str:
    """A language code in words ("fr" → "français" in French, "French" in English)."""
    names = _language_names(language)
    return names.get(code.casefold().replace("-", "_"), names.get(code.casefold(), code))


def slot_name(slot: str, language: str, words: Mapping[str, str]) -> str:
    """ "wed-am" → "mer. matin" / "Wed morning"; any other label as written."""
    found = SLOT.fullmatch(slot.strip())
    if not found:
        return slot
    day = _day_names(language)[DAYS.index(found[1].casefold())]
    return f"{day} {words[f'slot.{found[2].casefold()}']}"


def formatted(value: Any, language: str, words: Mapping[str, str]) -> str:
    """A parameter as it reads in a sentence of `language`; `words` are its templates."""
    kind = type(value)
    if kind is str or kind is int:  # most parameters: as written (none of the types below)
        return str(value)
    locale = _locale(language)
    if isinstance(value, Decimal):
        if not math.isfinite(value.value):
            return format_decimal(value.value, _pattern(value.places, value.fixed), locale=locale)
        text = str(_rounded(value.value, value.places))  # not the Decimal: -0.00 == 0.00
        return _decimal(text, value.places, value.fixed, language)
    if isinstance(value, Percent):
        return format_percent(value.value, _pattern(value.places, False) + "%", locale=locale)
    if isinstance(value, Languages):
        return _listed(tuple(language_name(code, language) for code in value), language)
    if isinstance(value, Slots):
        return _listed(tuple(slot_name(s, language, words) for s in value), language)
    if isinstance(value, Attribute):
        return words.get(f"attribute.{value.name}", value.name)
    if isinstance(value, Person):
        return value.id if not value.name else f"{value.name} ({value.id})"
    if isinstance(value, list | tuple):
        return _listed(tuple(formatted(v, language, words) for v in value), language)
    if isinstance(value, float):
        return formatted(Decimal(value), language, words)
    return str(value)


QUANTA = [decimal.Decimal(1).scaleb(-places) for places in range(10)]


def _rounded(value: float, places: int) -> decimal.Decimal:
    """The number as Babel rounds it before writing it (its text, to `places` decimals, half
    to even): written from this, Babel writes the same, and equal ones are written once."""
    quantum = QUANTA[places] if places < len(QUANTA) else decimal.Decimal(1).scaleb(-places)
    return decimal.Decimal(str(value)).quantize(quantum, context=WIDE)


@lru_cache(maxsize=4096)
def _decimal(rounded: str, places: int, fixed: bool, language: str) -> str:
    """A rounded number written the local way (scores at 2 decimals: a hundred texts)."""
    exact = decimal.Decimal(rounded)
    return format_decimal(exact, _pattern(places, fixed), locale=_locale(language))


@lru_cache(maxsize=4096)
def _listed(items: tuple[str, ...], language: str) -> str:
    """Items as a sentence lists them ("a, b and c"), each list written once."""
    return format_list(list(items), locale=_locale(language))


FRENCH_SPACES = [  # only where the sentence has a space: "10:30" and "a:b" stay as written
    (re.compile(r"[ \u00a0\u202f]+:"), "\u00a0:"),
    (re.compile(r"[ \u00a0\u202f]+([;?!])"), "\u202f\\1"),
    (re.compile(r"(\d)[ \u00a0\u202f]*%"), "\\1\u00a0%"),
    (re.compile(r"«[ \u00a0\u202f]+"), "«\u00a0"),
    (re.compile(r"[ \u00a0\u202f]+»"), "\u00a0»"),
]


def typeset(text: str, language: str) -> str:
    """The language's typographic spaces: in French a no-break space before `:` and `%` and
    inside « », and a narrow no-break space before `;`, `?` and `!`, where the sentence has
    a space."""
    if language != "fr":
        return text
    for pattern, replacement in FRENCH_SPACES:
        text = pattern.sub(replacement, text)
    return text
