"""Numbers as a person reads them in each language (Babel, CLDR), and as a CSV holds them.

`shown` is for pages and terminals: `72,7 %` and `0,53` in French, `72.7%` and `0.53` in
English, with the language's typography. `plain` is for CSV cells: no grouping, no
percent sign, only the language's decimal mark (`0,7273`), which is what Excel in that
locale reads as a number.
"""

from __future__ import annotations

from exports.tables import Number
from solver.messages import catalogue, format_decimal, format_percent, typeset

PERCENT_PLACES = 1
DECIMAL_PLACES = 2
CSV_PLACES = {"percent": 4, "decimal": 2}


def decimal_mark(language: str) -> str:
    """The language's decimal mark, from its message file (`decimal`)."""
    return catalogue(language)["decimal"]


def _zero(text: str) -> bool:
    return not any(char in "123456789" for char in text)


def _pattern(places: int) -> str:
    return "#,##0" + ("." + "0" * places if places > 0 else "")


def shown(number: Number, language: str, places: int | None = None) -> str:
    """A number as a sentence writes it (`places` decimals, or the kind's usual number); a
    signed change that rounds to 0 has no sign."""
    if number.kind == "whole":
        text = format_decimal(round(number.value), "#,##0", locale=language)
    elif number.kind == "percent":
        pattern = _pattern(PERCENT_PLACES if places is None else places) + "%"
        text = format_percent(number.value, pattern, locale=language)
    else:
        pattern = _pattern(DECIMAL_PLACES if places is None else places)
        text = format_decimal(number.value, pattern, locale=language)
    if _zero(text):
        text = text.lstrip("-\u2212")  # a change that rounds to 0 is no change
    elif number.signed and not text.startswith(("-", "\u2212")):
        text = "+" + text
    return typeset(text, language)


def plain(number: Number, language: str) -> str:
    """A number as a CSV cell for Excel in `language`: `0,7273`, `-3`, `12,50`."""
    if number.kind == "whole":
        return str(round(number.value))
    text = f"{number.value:.{CSV_PLACES[number.kind]}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")  # -0.0000 is 0
    return text.replace(".", decimal_mark(language))
