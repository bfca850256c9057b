"""A match answer as a book: its pairs, the people left unmatched, and a summary.

Pairs: rank, mentor (name, id, department), mentee (name, id, department), score, each
criterion's reason in its own column, the explanation. Unmatched: name, id, role, department,
reason in words, detail. Summary: the indicators in words (`summary.py`). The CSV holds the
pairs then the unmatched in one table, told apart by its first column.
"""

from __future__ import annotations

import exports.columns as columns
from exports.people import Directory, Someone, directory
from exports.summary import summary
from exports.tables import Book, Cell, Number, Table, whole
from exports.words import criteria_in_order, criterion_header, role_word, unmatched_reason, word
from solver import MatchRequest, MatchResponse
from solver.contract.response import Pairing, Unmatched


def criteria(answer: MatchResponse, language: str) -> list[str]:
    """The criteria the pairs' reasons name, in a fixed order."""
    found = {reason.criterion for pair in answer.pairings for reason in pair.reasons}
    return criteria_in_order(language, found)


def pair_headers(language: str, named: list[str]) -> list[str]:
    keys = ["export.column.rank", columns.MENTOR, columns.MENTOR_ID]
    keys += ["export.column.mentor_department", columns.MENTEE, columns.MENTEE_ID]
    keys += ["export.column.mentee_department", "export.column.score"]
    headers = [word(language, key) for key in keys]
    headers += [criterion_header(language, criterion) for criterion in named]
    return headers + [word(language, "export.column.explanation")]


def _person(someone: Someone) -> list[Cell]:
    return [someone.name, someone.id, someone.department]


def pair_row(pair: Pairing, people: Directory, named: list[str]) -> list[Cell]:
    details = {reason.criterion: reason.detail for reason in pair.reasons}
    row: list[Cell] = [whole(pair.rank), *_person(people.mentor(pair.mentor))]
    row += [*_person(people.mentee(pair.mentee)), Number(pair.score, "percent")]
    return row + [details.get(criterion) for criterion in named] + [pair.explanation]


def unmatched_headers(language: str) -> list[str]:
    keys = ["name", "id", "role", "department", "reason", "detail"]
    return [word(language, f"export.column.{key}") for key in keys]


def unmatched_row(person: Unmatched, people: Directory, language: str) -> list[Cell]:
    someone = people.of(person.role, person.id)
    role = role_word(language, person.role)
    reason = unmatched_reason(language, person.reason)
    return [someone.name, someone.id, role, someone.department, reason, person.detail]


def flat_unmatched(person: Unmatched, people: Directory, language: str, width: int) -> list[Cell]:
    """An unmatched person as a row of the pairs' CSV: under the mentor's or the mentee's
    columns, the detail as its explanation, the reason in the last column."""
    blank: list[Cell] = [None, None, None]
    someone = _person(people.of(person.role, person.id))
    sides = someone + blank if person.role == "mentor" else blank + someone
    kind = word(language, f"export.kind.unmatched_{person.role}")
    middle: list[Cell] = [None] * (width - 9)
    reason = unmatched_reason(language, person.reason)
    return [kind, None, *sides, None, *middle, person.detail, reason]


def pairs_table(answer: MatchResponse, people: Directory, language: str) -> Table:
    named = criteria(answer, language)
    rows = [pair_row(pair, people, named) for pair in answer.pairings]
    return Table(word(language, "export.sheet.pairs"), pair_headers(language, named), rows)


def unmatched_table(answer: MatchResponse, people: Directory, language: str) -> Table:
    rows = [unmatched_row(person, people, language) for person in answer.unmatched]
    return Table(word(language, "export.sheet.unmatched"), unmatched_headers(language), rows)


def flat_table(answer: MatchResponse, people: Directory, language: str) -> Table:
    """Pairs, then the unmatched, in one table whose first column says which a row is."""
    pairs = pairs_table(answer, people, language)
    headers = [word(language, columns.KIND), *pairs.headers, word(language, "export.column.reason")]
    kind = word(language, columns.PAIR_KIND)
    rows = [[kind, *row, None] for row in pairs.rows]
    width = len(pairs.headers)
    rows += [flat_unmatched(person, people, language, width) for person in answer.unmatched]
    return Table(pairs.name, headers, rows)


def answer_book(request: MatchRequest, answer: MatchResponse, language: str) -> Book:
    """The answer's workbook (Pairs, Unmatched, Summary) and its CSV table."""
    people = directory(request)
    sheets = [
        pairs_table(answer, people, language),
        unmatched_table(answer, people, language),
        summary(request, answer, language),
    ]
    return Book(sheets, flat_table(answer, people, language))
