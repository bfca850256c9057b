"""The people leaving a program, from a file: their ids (or exact names), one per row.

The column read is the file's id column (`Identifiant`, `Matricule`, `id`, `Mentor id`…),
else its name column, else its only column. A file without a header (its first cell an id
of the pool) is read from its first row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from intake.columns import guessed
from intake.issues import IntakeError, Issue, shown
from intake.pair_columns import field_of
from intake.people_index import sides_of
from intake.references import name_key
from intake.tables import File, Table, blank, read_table
from intake.workbook import Cell
from solver.messages import DEFAULT_LANGUAGE, render

Pool = Mapping[str, Sequence[Any]]
ID_FIELDS = ("mentor_id", "mentee_id")


def _column(table: Table) -> int | None:
    """The column holding the leavers: ids, else names, else the only one."""
    ids = [i for i, h in enumerate(table.headers) if guessed(h) == "id" or field_of(h) in ID_FIELDS]
    names = [i for i, h in enumerate(table.headers) if guessed(h) == "name"]
    filled = [i for i, header in enumerate(table.headers) if header]
    found = ids or names or (filled if len(filled) == 1 else [])
    return found[0] if found else None


def _who(cell: Cell, pool: Pool, language: str) -> str:
    """The id a cell means: an id of either side, or the one person bearing that name;
    ValueError saying why none, in `language`."""
    sides = sides_of(pool)
    written = str(cell).strip()
    if any(written in side.ids for side in sides.values()):
        return written
    bearers = {found for side in sides.values() for found in side.named.get(name_key(written), ())}
    if len(bearers) == 1:
        return bearers.pop()
    value = shown(written, language)
    if bearers:
        ids = ", ".join(sorted(bearers))
        key = "intake.pool.ambiguous"
        raise ValueError(render(language, key, value=value, n=len(bearers), ids=ids))
    raise ValueError(render(language, "intake.pool.nobody", value=value))


def read_leaving(file: File, pool: Pool, *, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The ids of the people leaving, each once, in the file's order; problems said in
    `language`."""
    table = read_table(file, language)
    column = _column(table)
    if column is None:
        msg = render(language, "intake.leaving.no_column")
        raise IntakeError([Issue(table.file, table.header_row, None, None, msg)], language)
    header = table.headers[column]
    rows: list[tuple[int, Cell]] = [
        (r, cells[column] if column < len(cells) else None) for r, cells in table.rows
    ]
    if header in {pid for side in sides_of(pool).values() for pid in side.ids}:
        rows.insert(0, (table.header_row, header))  # no header: the first row is a leaver
    ids, errors = [], []
    for row, cell in rows:
        if blank(cell):
            continue
        try:
            found = _who(cell, pool, language)
        except ValueError as exc:
            errors.append(Issue(table.file, row, header, cell, str(exc)))
            continue
        if found not in ids:
            ids.append(found)
    if errors:
        raise IntakeError(errors, language)
    return ids
