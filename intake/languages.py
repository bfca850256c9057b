"""Languages as people write them ("français", "English", "FR", "fr-CA") → ISO 639-1 codes.

A code is any two-letter language Babel (CLDR) knows, in any case, with or without a
region (`fr-CA`, `pt_BR`); a name is any of its French or English names, accents and case
ignored, regional names included ("anglais américain" → en), or its name in itself
("Deutsch", "español"; those are loaded only when a name is neither French nor English).
Anything else is kept as written and reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from babel import Locale, localedata

from intake.cells import plain

CODE = re.compile(r"([a-z]{2})(?:[-_][a-z0-9]+)*")
NAMED_IN = ("fr", "en")


@cache
def codes_by_name() -> Mapping[str, str]:
    """Each French and English language name (plain) → its two-letter code; the names of
    plain codes first, so that a regional name never takes a language's own name."""
    names: dict[str, str] = {}
    for locale in NAMED_IN:
        languages = Locale(locale).languages
        for key in sorted(languages, key=lambda key: (len(key), key)):
            code = key.split("_")[0]
            if len(code) == 2:
                names.setdefault(plain(languages[key]), code)
    return MappingProxyType(names)  # CLDR's names, shared: read-only


@cache
def codes_by_own_name() -> Mapping[str, str]:
    """Each language's name in itself (plain) → its code, for the languages CLDR has."""
    codes = sorted(set(codes_by_name().values()))
    own = {code: Locale(code).languages.get(code) for code in codes if localedata.exists(code)}
    return MappingProxyType({plain(name): code for code, name in own.items() if name})


def language_code(written: str) -> str | None:
    """The ISO 639-1 code a language is written as, or None when it is no language known."""
    word = plain(written)
    code = CODE.fullmatch(word)
    if code and code.group(1) in codes_by_name().values():
        return code.group(1)
    return codes_by_name().get(word) or codes_by_own_name().get(word)


def language_codes(written: list[str]) -> tuple[list[str], list[str]]:
    """The codes (each once, in order) and the items that name no known language, kept as
    written."""
    codes: list[str] = []
    unknown: list[str] = []
    for item in written:
        code = language_code(item)
        if code is None:
            unknown.append(item)
        if (code or item) not in codes:
            codes.append(code or item)
    return codes, unknown
