"""Both sides of a pool from two files, with every error of both found in one pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from intake.columns import normalised
from intake.issues import IntakeError, Issue, quoted
from intake.people import SIDES, People, Person, as_file, mapping_errors, people_of, usable
from intake.references import resolved
from intake.tables import File, Table, read_table
from solver.messages import DEFAULT_LANGUAGE, render


@dataclass(frozen=True)
class Intake:
    """What `read_pool` read: `pool` is the mentors and mentees of a match request (JSON
    ready), `warnings` what was ignored or kept as written, `columns` per file the header
    each field was read from."""

    pool: dict[str, list[Person]]
    warnings: list[Issue]
    columns: dict[str, dict[str, str]]


def _named_apart(mentors: File, mentees: File, language: str) -> tuple[File, File]:
    """Two uploads of one name ("Export.csv" twice) are told apart by their side."""
    if mentors.label != mentees.label:
        return mentors, mentees
    told = [
        file._replace(
            name=render(
                language,
                "intake.side_file",
                file=file.name,
                side=render(language, f"intake.side.{side}"),
            )
        )
        for file, side in zip((mentors, mentees), SIDES, strict=True)
    ]
    return told[0], told[1]


def file_labels(
    mentors: File | tuple[str, bytes], mentees: File | tuple[str, bytes], language: str = "en"
) -> tuple[str, str]:
    """How the issues of `read_pool` name each file (`Issue.file`): its name, its sheet,
    and its side when both have one name."""
    told = _named_apart(as_file(mentors), as_file(mentees), language)
    return told[0].label_in(language), told[1].label_in(language)


def _tables(files: tuple[File, File], language: str) -> list[Table]:
    """Both tables, or an IntakeError with the problems of both files."""
    tables, errors = [], []
    for file in files:
        try:
            tables.append(read_table(file, language))
        except IntakeError as exc:
            errors += exc.errors
    if errors:
        raise IntakeError(errors, language)
    return tables


def _in(table: Table, header: str) -> bool:
    return any(normalised(found) == normalised(header) for found in table.headers)


def _unused(columns: dict[str, str], tables: list[Table], language: str) -> list[Issue]:
    """A mapped header is in at least one of the files."""
    return [
        Issue(
            "columns",
            None,
            target,
            header,
            render(language, "intake.mapping.unused", header=quoted(header, language)),
        )
        for target, header in columns.items()
        if not any(_in(table, header) for table in tables)
    ]


def read_pool(
    mentors: File | tuple[str, bytes],
    mentees: File | tuple[str, bytes],
    columns: dict[str, str] | None = None,
    *,
    language: str = DEFAULT_LANGUAGE,
) -> Intake:
    """The pool in a mentors file and a mentees file (CSV or Excel); `columns` maps fields to
    headers for both files, each using the entries whose header it has. IntakeError lists
    every error of both files; errors and warnings are said in `language`."""
    errors = mapping_errors(columns or {}, language)
    mapping = usable(columns or {})
    tables = _tables(_named_apart(as_file(mentors), as_file(mentees), language), language)
    errors += _unused(mapping, tables, language)
    sides: list[People] = []
    for side, table in zip(SIDES, tables, strict=True):
        own = {target: header for target, header in mapping.items() if _in(table, header)}
        people, found = people_of(table, side, own, language)
        sides.append(people)
        errors += found
    pool: dict[str, Any] = {}
    for people, others in ((sides[0], sides[1]), (sides[1], sides[0])):
        pool[people.side], found = resolved(people, others, language)
        errors += found
    if errors:
        raise IntakeError(errors, language)
    warnings = [warning for people in sides for warning in people.warnings]
    return Intake(pool, warnings, {people.file: people.columns for people in sides})
