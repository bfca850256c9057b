"""A table as a CSV file that Excel opens right in the caller's language.

UTF-8 with a byte-order mark (without one, Excel reads UTF-8 as Windows-1252: "HÃ©lÃ¨ne");
the separator Excel expects where the decimal mark is a comma is `;` (French), `,`
elsewhere; numbers with the language's decimal mark and no grouping (`0,7273`), text
escaped so that no cell runs as a formula, lines ended by CRLF, quoting the usual way.
"""

from __future__ import annotations

import codecs
import csv
import io

from exports.cells import safe_text
from exports.numbers import decimal_mark, plain
from exports.tables import Cell, Number, Table


def separator(language: str) -> str:
    """`;` where the decimal mark is a comma (what Excel expects there), `,` elsewhere."""
    return ";" if decimal_mark(language) == "," else ","


def _text(cell: Cell, language: str) -> str:
    if isinstance(cell, Number):
        return plain(cell, language)
    return "" if cell is None else safe_text(cell)


def csv_text(table: Table, language: str) -> str:
    """The table as CSV text (without the byte-order mark)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator(language), lineterminator="\r\n")
    writer.writerow([safe_text(header) for header in table.headers])
    writer.writerows([_text(cell, language) for cell in row] for row in table.rows)
    return out.getvalue()


def csv_bytes(table: Table, language: str) -> bytes:
    """The file's bytes: a UTF-8 byte-order mark, then the CSV text."""
    return codecs.BOM_UTF8 + csv_text(table, language).encode("utf-8")
