"""The language binome speaks on the command line: `--lang`, else the environment's locale.

The locale is read as POSIX does: the first of `LC_ALL`, `LC_MESSAGES` and `LANG` that is
set decides (`fr_FR.UTF-8` → fr); `C` and `POSIX` are English, and so is a language binome
does not speak.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from solver.messages import DEFAULT_LANGUAGE, available_languages, negotiate

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def locale_language(environ: Mapping[str, str] | None = None) -> str:
    """The language of the environment's locale, among those binome speaks."""
    environ = os.environ if environ is None else environ
    value = next((environ[name] for name in LOCALE_VARIABLES if environ.get(name)), "")
    tag = value.split(".")[0].split("@")[0]
    if tag in ("", "C", "POSIX"):
        return DEFAULT_LANGUAGE
    return negotiate(tag.replace("_", "-"))


def chosen_language(asked: str | None) -> str | None:
    """`--lang` if binome speaks it (None if not), else the locale's language."""
    if asked is None:
        return locale_language()
    primary = asked.strip().replace("_", "-").split("-")[0].casefold()
    return primary if primary in available_languages() else None
