"""CSV files as spreadsheets save them: the encoding and the separator are detected.

Encoding: a byte-order mark decides (UTF-8, UTF-16 little or big endian); without one the
bytes are decoded as UTF-8 strictly, and if that fails as Windows-1252 (what French Excel's
"CSV (séparateur: point-virgule)" writes). Windows-1252 text with accents is almost never
valid UTF-8, so the order is safe; the 5 bytes Windows-1252 leaves undefined make the file
unreadable, and a NUL character (UTF-16 saved without a mark) too.

Separator: the one of `;`, tab and `,` that the header line holds most often outside quoted
cells; on a tie `;` wins, then tab (French Excel and "Unicode text" exports are the ones
that hold a comma inside a header). A header with none of them is one column.
"""

from __future__ import annotations

import codecs
import csv
import io

from intake.issues import IntakeError, Issue
from solver.messages import DEFAULT_LANGUAGE, render

MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SEPARATORS = (";", "\t", ",")  # tie order
Records = list[list[str]]


def _unreadable(file: str, language: str, key: str, **params: object) -> IntakeError:
    return IntakeError([Issue(file, None, None, None, render(language, key, **params))], language)


def decoded(content: bytes, file: str, language: str = DEFAULT_LANGUAGE) -> tuple[str, str]:
    """The file's text and the encoding it was read with (see the module's rule)."""
    attempts = [encoding for mark, encoding in MARKS if content.startswith(mark)]
    for encoding in attempts or ["utf-8", "cp1252"]:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\0" in text:
            raise _unreadable(file, language, "intake.file.nul")
        return text, encoding
    raise _unreadable(file, language, "intake.file.encoding")


def separator(text: str) -> str:
    """The separator of the first non-blank line, counted outside quoted cells."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = started = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif quoted:
            pass
        elif char in "\r\n":
            if started:
                break
        elif char in counts:
            counts[char] += 1
        started = started or not char.isspace()
    best = max(SEPARATORS, key=counts.__getitem__)
    return best if counts[best] else ","


def csv_records(content: bytes, file: str, language: str = DEFAULT_LANGUAGE) -> Records:
    """Every record of a CSV file, blank ones included, so that index + 1 is the row number
    (a quoted cell may span lines: a spreadsheet still shows one row)."""
    text, _ = decoded(content, file, language)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator(text)))
    except csv.Error as exc:
        raise _unreadable(file, language, "intake.file.not_csv", reason=exc) from exc
