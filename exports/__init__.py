"""Files out: what binome writes for the people who open it, in Excel, in their language.

    from exports import answer_book, write
    write(Path("pairs.xlsx"), answer_book(request, answer, "fr"), answer, "fr")

A match answer, a re-match answer or a what-if comparison becomes a `Book` (named tables
of typed cells, names beside ids, codes in words), written by extension: `.xlsx` a
formatted workbook (openpyxl), `.csv` UTF-8 with a byte-order mark, `;` and decimal
commas in French, `.json` the answer as the API gives it. No text cell ever runs as a
formula. The columns of every file are in docs/files.md.

Imports point one way: `exports` uses the solver's public surface and its message files,
never `api`, `cli`, `intake` or `scenarios`.
"""

from exports.answer import answer_book
from exports.comparison import comparison_book
from exports.people import Directory, Someone, directory, named, scenario_directory
from exports.rematch import rematch_book
from exports.tables import Book, Cell, Number, Table
from exports.write import EXTENSIONS, ExportError, checked, file_bytes, write

__all__ = [
    "EXTENSIONS",
    "Book",
    "Cell",
    "Directory",
    "ExportError",
    "Number",
    "Someone",
    "Table",
    "answer_book",
    "checked",
    "comparison_book",
    "directory",
    "file_bytes",
    "named",
    "rematch_book",
    "scenario_directory",
    "write",
]
