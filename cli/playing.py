"""A program file played round by round: the rounds side by side (terminal, CSV, workbook,
HTML page) and every check, in the caller's language."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli import text
from cli.expectations import in_words
from cli.report import page
from cli.speaking import refusals, say
from exports import Book, Cell, Number, Table, write
from exports.numbers import shown
from exports.tables import Kind
from exports.words import metric_label, status_word, word
from scenarios import rounds

if TYPE_CHECKING:
    from cli.commands import Reports

PERCENTS = {"match_rate", "mean_score"}
PROMISES = {rounds.NO_REFORM: "report.promise.no_reform", rounds.KEPT: "report.promise.kept"}


def round_name(result: rounds.RoundResult, language: str) -> str:
    return word(language, "report.first_match") if result.name == rounds.FIRST else result.name


def _cells(result: rounds.RoundResult, language: str) -> list[Cell]:
    row: list[Cell] = [round_name(result, language), status_word(language, result.status)]
    for column in rounds.COLUMNS[1:]:
        value = result.counts.get(column)
        kind: Kind = "percent" if column in PERCENTS else "whole"
        row.append(None if value is None else Number(value, kind))
    return row


def rounds_table(played: rounds.Play, language: str) -> Table:
    """One row per round: status, matched mentees, rates, kept, ended, moved, new."""
    headers = [word(language, "export.column.round"), word(language, "metric.status")]
    headers += [metric_label(language, column) for column in rounds.COLUMNS[1:]]
    rows = [_cells(result, language) for result in played.rounds]
    return Table(word(language, "export.sheet.rounds"), headers, rows)


def _check(text: str, language: str) -> str:
    """A promise every round keeps, or an expectation of the file, in words."""
    if text in PROMISES:
        return word(language, PROMISES[text])
    return in_words(text, language)


def checks_table(played: rounds.Play, language: str) -> Table:
    keys = ("round", "expectation", "result")
    headers = [word(language, f"export.column.{key}") for key in keys]
    rows: list[list[Cell]] = []
    for result in played.rounds:
        for said, ok in result.checks:
            verdict = word(language, "report.pass" if ok else "report.fail")
            rows.append([round_name(result, language), _check(said, language), verdict])
    return Table(word(language, "report.checks"), headers, rows)


def _terminal(table: Table, language: str) -> str:
    def cell(value: Cell) -> str:
        return shown(value, language) if isinstance(value, Number) else value or ""

    return text.lines([table.headers, *[[cell(c) for c in row] for row in table.rows]], 2)


def _html(title: str, tables: list[Table], language: str) -> str:
    def row(cells: list[Cell], tag: str) -> str:
        said = [shown(c, language) if isinstance(c, Number) else c or "" for c in cells]
        return "<tr>" + "".join(f"<{tag}>{escape(c)}</{tag}>" for c in said) + "</tr>"

    sections = "".join(
        f"<h2>{escape(t.name)}</h2><table><thead>{row(list(t.headers), 'th')}</thead>"
        f"<tbody>{''.join(row(r, 'td') for r in t.rows)}</tbody></table>"
        for t in tables
    )
    kicker = escape(word(language, "report.rounds_title"))
    return page(title, language, f'<h1>{escape(title)}</h1><p class="lead">{kicker}</p>{sections}')


def play_file(language: str, path: Path, reports: Reports) -> None:
    """Play every round; print the rounds and the checks; write the reports asked for."""
    with refusals(language):
        played = rounds.play(path, language=language)
    table, checks = rounds_table(played, language), checks_table(played, language)
    typer.echo(f"{played.title}\n\n{_terminal(table, language)}")
    for result in played.rounds:
        for said, ok in result.checks:
            verdict = say(language, "cli.check.pass" if ok else "cli.check.fail")
            shown_check = word(language, PROMISES[said]) if said in PROMISES else said
            typer.echo(f"{verdict:<4}  {round_name(result, language)}: {shown_check}")
    if reports.html is not None:
        reports.html.write_text(_html(played.title, [table, checks], language), "utf-8")
    book = Book([table, checks], table)
    for out in (reports.csv, reports.xlsx):
        if out is not None:
            write(out, book, None, language)
    if not played.passed:
        raise typer.Exit(1)
