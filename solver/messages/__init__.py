"""Message templates: every sentence binome says, in one JSON file per language.

Adding a language is adding one file to `solver/messages/` with the same keys.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from solver.messages.formats import format_decimal as format_decimal
from solver.messages.formats import format_percent as format_percent
from solver.messages.formats import formatted, typeset

DEFAULT_LANGUAGE = "en"


def available_languages() -> list[str]:
    files = resources.files("solver.messages").iterdir()
    return sorted(f.name.removesuffix(".json") for f in files if f.name.endswith(".json"))


@lru_cache(maxsize=16)
def catalogue(language: str) -> Mapping[str, str]:
    """The templates of one language, read once; read-only, since every caller shares them."""
    text = resources.files("solver.messages").joinpath(f"{language}.json").read_text("utf-8")
    templates: dict[str, str] = json.loads(text)
    return MappingProxyType(templates)


def negotiate(accept_language: str | None) -> str:
    """The best available language for an Accept-Language header (q-values honoured)."""
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().split("-")[0].casefold()))
    known = set(available_languages())
    for negative_quality, _, primary in sorted(ranked):
        if negative_quality < 0 and primary in known:
            return primary
    return DEFAULT_LANGUAGE


# `{n|one form|other form}`: the form agreeing with the number n (forms may hold `{name}`)
PLURAL = re.compile(r"\{(\w+)\|((?:[^{}|]|\{\w+\})*)\|((?:[^{}|]|\{\w+\})*)\}")


def _agree(template: str, params: dict[str, Any], rule: str) -> str:
    def form(found: re.Match[str]) -> str:
        count = abs(float(params[found[1]]))
        singular = count < 2 if rule == "below_two" else count == 1
        return found[2] if singular else found[3]

    return PLURAL.sub(form, template)


def render(language: str, key: str, **params: Any) -> str:
    """The sentence for `key` in `language`: plurals agreeing, lists, numbers, languages,
    slots and people written the local way (`formats.py`), and the language's typography.
    `plural_rule`: "one" (English: 1 is singular) or "below_two" (French: 0, 1 and 1.5 are
    singular)."""
    templates = catalogue(language)
    template = templates[key]
    if "|" in template:
        template = _agree(template, params, templates["plural_rule"])
    if params:
        words = templates  # read only: the parameters' words (slots, attributes)
        template = template.format(**{k: formatted(v, language, words) for k, v in params.items()})
    return typeset(template, language)
