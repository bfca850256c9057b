"""Pairs files in: the current pairs of a re-match (what `binome match --out` wrote, xlsx or
CSV, in any language), feedback on them, and the people leaving.

Every reader finds all the problems of its file at once (IntakeError), each located as a
spreadsheet shows it. Names and comments are never logged.

Each takes `language=`, the language its problems are said in (English by default).

- `read_current(file, pool)`: one pair per row, read by ids where the file has id columns
  (binome's own files), else by ids or exact names; a workbook is read from its Pairs
  sheet (`Pairs`, `Binômes`) or its first one; a binome CSV's rows other than pairs
  (unmatched, ended) are skipped.
- `read_feedback(file, pool, current)`: one row per pair: mentor and mentee (ids or exact
  names), a rating from 1 to 5, an end yes/no (`oui/non` too), optionally who asked (`by`)
  and a comment. A row with neither rating nor end is no feedback and is skipped.
- `read_leaving(file, pool)`: ids (or exact names) in an id column, a name column or the
  only column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from intake.feedback_cells import cell_text, feedback_of
from intake.issues import IntakeError, Issue, quoted
from intake.pair_columns import PairColumns, is_pair_row, is_pairs_sheet, pair_columns
from intake.people_index import Side, sides_of
from intake.tables import File, Table, blank, read_table
from intake.workbook import Cell, sheet_names
from solver.messages import DEFAULT_LANGUAGE, render

Pool = Mapping[str, Sequence[Any]]
Pair = dict[str, str]
ZIP = b"PK\x03\x04"


def pairs_sheet(file: File, language: str = DEFAULT_LANGUAGE) -> File:
    """A workbook's Pairs sheet, when no sheet is named and it has one."""
    if file.sheet is not None or not file.content.startswith(ZIP):
        return file
    names = sheet_names(file.content, file.label_in(language), language)
    found = [name for name in names if is_pairs_sheet(name)]
    return file._replace(sheet=found[0]) if found else file


def _cell(cells: list[Cell], index: int | None) -> Cell:
    return cells[index] if index is not None and index < len(cells) else None


def _pair_rows(table: Table, found: PairColumns) -> list[tuple[int, list[Cell]]]:
    """The rows that are pairs (a binome CSV also holds unmatched and ended rows)."""
    kind = found.index.get("kind")
    return [
        (row, cells)
        for row, cells in table.rows
        if kind is None or is_pair_row(cell_text(_cell(cells, kind)))
    ]


def _people(
    cells: list[Cell],
    found: PairColumns,
    sides: dict[str, Side],
    where: tuple[str, int],
    language: str,
) -> tuple[Pair, list[Issue]]:
    """The mentor and the mentee a row names, and the problems with them; `where` is the
    file and the row."""
    pair, errors = {}, []
    file, row = where
    for role, side in sides.items():
        header = found.headers[role]
        cell = _cell(cells, found.index[role])
        if blank(cell):
            field = render(language, f"intake.pair.field.{role}")
            msg = render(language, "intake.pair.empty", field=field)
            errors.append(Issue(file, row, header, None, msg))
            continue
        try:
            pair[role] = side.find(cell, found.by_id[role], language)
        except ValueError as exc:
            errors.append(Issue(file, row, header, cell, str(exc)))
    return pair, errors


def _table(file: File, wanted: tuple[str, ...], language: str) -> tuple[Table, PairColumns]:
    table = read_table(pairs_sheet(file, language), language)
    found, errors = pair_columns(table, wanted, language)
    if errors:
        raise IntakeError(errors, language)
    return table, found


def _repeated(
    pair: Pair, where: tuple[str, int], first_row: dict[str, int], header: str, language: str
) -> list[Issue]:
    file, row = where
    if pair["mentee"] in first_row:
        mentee = quoted(pair["mentee"], language)
        msg = render(language, "intake.pair.repeated", mentee=mentee, row=first_row[pair["mentee"]])
        return [Issue(file, row, header, pair["mentee"], msg)]
    first_row[pair["mentee"]] = row
    return []


def read_current(file: File, pool: Pool, *, language: str = DEFAULT_LANGUAGE) -> list[Pair]:
    """The pairs running now, each {"mentor": id, "mentee": id}."""
    table, found = _table(file, (), language)
    sides = sides_of(pool)
    pairs, errors, first_row = [], [], dict[str, int]()
    for row, cells in _pair_rows(table, found):
        if all(blank(cell) for cell in cells):
            continue
        pair, problems = _people(cells, found, sides, (table.file, row), language)
        errors += problems
        if len(pair) == 2:
            mentee_header = found.headers["mentee"]
            errors += _repeated(pair, (table.file, row), first_row, mentee_header, language)
            pairs.append(pair)
    if errors:
        raise IntakeError(errors, language)
    return pairs


def _current_issue(
    pair: Pair, current: set[tuple[str, str]] | None, where: tuple[str, int], language: str
) -> list[Issue]:
    if current is None or (pair["mentor"], pair["mentee"]) in current:
        return []
    mentor, mentee = quoted(pair["mentor"], language), quoted(pair["mentee"], language)
    msg = render(language, "intake.pair.not_current", mentor=mentor, mentee=mentee)
    return [Issue(where[0], where[1], None, None, msg)]


def read_feedback(
    file: File,
    pool: Pool,
    current: Sequence[Pair] | None = None,
    *,
    language: str = DEFAULT_LANGUAGE,
) -> list[dict[str, Any]]:
    """Feedback per pair, JSON-ready for a re-match request (`mentor`, `mentee`, `rating`,
    `end`, `by`, `comment`); with `current`, each pair must be one of them."""
    table, found = _table(file, ("rating", "end", "by", "comment"), language)
    if "rating" not in found.index and "end" not in found.index:
        msg = render(language, "intake.feedback.no_column")
        raise IntakeError([Issue(table.file, table.header_row, None, None, msg)], language)
    sides, errors, notes = sides_of(pool), [], []
    running = None if current is None else {(p["mentor"], p["mentee"]) for p in current}
    for row, cells in _pair_rows(table, found):
        where = (table.file, row)
        note, problems = feedback_of(cells, found.index, found.headers, where, language)
        if note is None and not problems:
            continue
        pair, unknown = _people(cells, found, sides, where, language)
        errors += problems + unknown
        if len(pair) == 2 and note is not None:
            errors += _current_issue(pair, running, where, language)
            notes.append({**pair, **note})
    if errors:
        raise IntakeError(errors, language)
    return notes
