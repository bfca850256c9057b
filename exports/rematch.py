"""A re-match answer as a book: the pairs from now on (the same columns as a match's, so
the file is the next round's current pairs), every change, the unmatched, a summary.

Pairs: a match's Pairs columns and what this round did to each pair (kept, new, moved
from someone) in words. Changes: one row per current pair kept, ended or moved and per new
pair, with names, ids and the reason in words. The CSV holds the pairs, the ended pairs
and the unmatched in one table, told apart by its first column.
"""

from __future__ import annotations

import exports.answer as answer
from exports.people import Directory, directory
from exports.summary import indicators, status_text, summary_rows, summary_table
from exports.tables import Book, Cell, Table, whole
from exports.words import word
from solver import RematchRequest, RematchResponse
from solver.contract.rematch import Move, PairNote

OUTCOMES = ("kept", "ended", "moved", "new")


def this_round(result: RematchResponse) -> dict[tuple[str, str], str]:
    """Each pair of the answer: what this round did to it, in words."""
    notes = [*result.kept, *result.new]
    return {(note.mentor, note.mentee): note.detail for note in notes}


def pairs_table(result: RematchResponse, people: Directory, language: str) -> Table:
    table = answer.pairs_table(result.result, people, language)
    said = this_round(result)
    rows = [
        [*row, said.get((pair.mentor, pair.mentee))]
        for row, pair in zip(table.rows, result.result.pairings, strict=True)
    ]
    headers = [*table.headers, word(language, "export.column.this_round")]
    return Table(table.name, headers, rows)


def _note_row(outcome: str, note: PairNote, people: Directory, language: str) -> list[Cell]:
    mentor, mentee = people.mentor(note.mentor), people.mentee(note.mentee)
    row: list[Cell] = [word(language, f"export.outcome.{outcome}"), mentor.name, mentor.id]
    return row + [mentee.name, mentee.id, None, None, note.detail]


def _move_row(move: Move, people: Directory, language: str) -> list[Cell]:
    before, mentee = people.mentor(move.before), people.mentee(move.mentee)
    after = people.mentor(move.after) if move.after else None
    row: list[Cell] = [word(language, "export.outcome.moved"), before.name, before.id]
    row += [mentee.name, mentee.id]
    moved_to: list[Cell] = [None, None] if after is None else [after.name, after.id]
    return row + [*moved_to, move.detail]


def changes_table(result: RematchResponse, people: Directory, language: str) -> Table:
    keys = ["outcome", "mentor", "mentor_id", "mentee", "mentee_id", "after", "after_id"]
    headers = [word(language, f"export.column.{key}") for key in [*keys, "reason"]]
    rows = [_note_row("kept", note, people, language) for note in result.kept]
    rows += [_note_row("ended", note, people, language) for note in result.ended]
    rows += [_move_row(move, people, language) for move in result.moved]
    rows += [_note_row("new", note, people, language) for note in result.new]
    return Table(word(language, "export.sheet.changes"), headers, rows)


def _summary(request: RematchRequest, result: RematchResponse, language: str) -> Table:
    counts = [(outcome, whole(len(getattr(result, outcome)))) for outcome in OUTCOMES]
    rows = summary_rows([*indicators(request.pool, result.result), *counts], language)
    return summary_table(language, status_text(result.result, language), rows)


def _ended_row(note: PairNote, people: Directory, language: str, criteria: int) -> list[Cell]:
    """An ended pair as a row of the CSV: both people, the reason in the reason column."""
    mentor, mentee = people.mentor(note.mentor), people.mentee(note.mentee)
    row: list[Cell] = [word(language, "export.kind.ended"), None]
    row += [mentor.name, mentor.id, mentor.department, mentee.name, mentee.id, mentee.department]
    return row + [None] * (criteria + 2) + [note.detail, None]


def flat_table(result: RematchResponse, people: Directory, language: str) -> Table:
    """Pairs (with this round's change), ended pairs, then the unmatched, in one table."""
    flat = answer.flat_table(result.result, people, language)
    said = this_round(result)
    pairings = result.result.pairings
    pairs = [
        [*row, said.get((pair.mentor, pair.mentee))]
        for row, pair in zip(flat.rows[: len(pairings)], pairings, strict=True)
    ]
    criteria = len(flat.headers) - 11  # kind, rank, 6 of people, score, explanation, reason
    ended = [_ended_row(note, people, language, criteria) for note in result.ended]
    unmatched = [[*row, None] for row in flat.rows[len(pairings) :]]
    headers = [*flat.headers, word(language, "export.column.this_round")]
    return Table(flat.name, headers, pairs + ended + unmatched)


def rematch_book(request: RematchRequest, result: RematchResponse, language: str) -> Book:
    """The re-match's workbook (Pairs, Changes, Unmatched, Summary) and its CSV table."""
    people = directory(request.pool)
    sheets = [
        pairs_table(result, people, language),
        changes_table(result, people, language),
        answer.unmatched_table(result.result, people, language),
        _summary(request, result, language),
    ]
    return Book(sheets, flat_table(result, people, language))
