"""Text cells made safe for a spreadsheet: nothing a person wrote ever runs as a formula.

A cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before reading one of those) is written with a leading `'`, so Excel and
LibreOffice show it as text (OWASP's advice against CSV injection). Characters a workbook
cannot hold (control characters other than tab and line breaks) are dropped. `unescaped`
undoes the escape when binome reads its own files back.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"
UNWRITABLE = re.compile(r"[\000-\010\013\014\016-\037]")


def safe_text(text: str) -> str:
    """Text as a cell holds it: control characters dropped, a formula start escaped."""
    cleaned = UNWRITABLE.sub("", text)
    return ESCAPE + cleaned if cleaned.startswith(FORMULA_START) else cleaned


def unescaped(text: str) -> str:
    """A cell binome wrote, as it was before `safe_text` escaped it."""
    if text.startswith(ESCAPE) and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
