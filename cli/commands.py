"""What each command does, once its options are read: read the inputs (every error at
once), solve, write the files by extension, say what happened in the caller's language."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.progress import Progress

from cli import playing, report, text
from cli.expectations import in_words
from cli.inputs import pool_body, rematch_body, with_program
from cli.speaking import refusals, say, warn
from exports import (
    answer_book,
    checked,
    comparison_book,
    directory,
    rematch_book,
    scenario_directory,
    write,
)
from exports.comparison import Check
from exports.numbers import shown
from exports.tables import Number
from exports.words import status_word
from scenarios import files, rounds
from solver import (
    MatchRequest,
    MatchResponse,
    RematchRequest,
    ScenarioResponse,
    SolveOptions,
    match,
    rematch,
)
from solver.whatif import run_scenarios


@dataclass(frozen=True)
class Pool:
    """Where the pool comes from: a request file, or two survey files (and their headers)."""

    request: Path | None
    mentors: Path | None
    mentees: Path | None
    columns: Path | None


@dataclass(frozen=True)
class Round:
    current: Path
    feedback: Path | None
    leaving: Path | None


@dataclass(frozen=True)
class Reports:
    html: Path | None
    csv: Path | None
    xlsx: Path | None


def summary(answer: MatchResponse, mentees: int, language: str) -> str:
    alone = {role: sum(u.role == role for u in answer.unmatched) for role in ("mentee", "mentor")}
    return say(
        language,
        "cli.summary",
        status=status_word(language, answer.status),
        matched=answer.metrics.matched_mentees,
        mentees=mentees,
        rate=shown(Number(answer.metrics.match_rate, "percent"), language),
        score=shown(Number(answer.metrics.mean_score, "percent"), language),
        unmatched_mentees=alone["mentee"],
        unmatched_mentors=alone["mentor"],
        engine=answer.engine,
        seconds=shown(Number(answer.solve_seconds), language),
    )


def _request(language: str, source: Pool, program: Path | None) -> MatchRequest:
    with refusals(language):
        body, warnings = pool_body(
            source.request, source.mentors, source.mentees, source.columns, language
        )
        request = MatchRequest.model_validate(with_program(body, program))
    warn(language, warnings)
    return request


def match_pool(language: str, source: Pool, program: Path | None, out: Path | None) -> None:
    """`binome match`: a table of the pairs, or the answer written by extension."""
    with refusals(language):
        if out is not None:
            checked(out)
    request = _request(language, source, program)
    with refusals(language):
        answer = match(request, SolveOptions(language=language))
    if out is None:
        typer.echo(text.pairs_text(answer, directory(request), language))
    else:
        write(out, answer_book(request, answer, language), answer, language)
        typer.echo(say(language, "cli.wrote", path=str(out)), err=True)
    typer.echo(summary(answer, len(request.mentees), language), err=True)


def rematch_pool(
    language: str, source: Pool, program: Path | None, files_in: Round, out: Path | None
) -> None:
    """`binome rematch`: the pool, the current pairs and the feedback in; the changes said,
    the answer written by extension."""
    with refusals(language):
        if out is not None:
            checked(out)
    pool = _request(language, source, program).model_dump(mode="json", exclude_unset=True)
    with refusals(language):
        body = rematch_body(pool, files_in.current, files_in.feedback, files_in.leaving, language)
        request = RematchRequest.model_validate(body)
        result = rematch(request, SolveOptions(language=language))
    people = directory(request.pool)
    typer.echo(text.changes_text(result, people, language))
    if out is not None:
        write(out, rematch_book(request, result, language), result, language)
        typer.echo(say(language, "cli.wrote", path=str(out)), err=True)
    counts = {key: len(getattr(result, key)) for key in ("kept", "ended", "moved", "new")}
    typer.echo(say(language, "cli.rematch_summary", **counts), err=True)
    typer.echo(summary(result.result, len(request.pool.mentees), language), err=True)


def _check_reports(language: str, reports: Reports) -> None:
    wanted = [(reports.csv, (".csv",)), (reports.xlsx, (".xlsx",)), (reports.html, (".html",))]
    with refusals(language):
        for path, accepted in wanted:
            if path is not None:
                checked(path, accepted)


def _compared(language: str, loaded: files.Scenario, workers: int) -> ScenarioResponse:
    """The base and every variant solved, with a progress bar on a terminal."""
    total = len(loaded.request.variants) + 1
    hidden = total < 3 or not sys.stderr.isatty()
    with refusals(language), Progress(transient=True, disable=hidden) as progress:
        task = progress.add_task(loaded.title, total=total)
        options = SolveOptions(language=language)
        return run_scenarios(
            loaded.request, options, workers=workers, on_done=lambda _: progress.advance(task)
        )


def _write_reports(
    language: str,
    loaded: files.Scenario,
    result: ScenarioResponse,
    checks: list[Check],
    reports: Reports,
) -> None:
    people = scenario_directory(loaded.request)
    if reports.html is not None:
        page = report.html_report(loaded.title, result, checks, language, people)
        reports.html.write_text(page, encoding="utf-8")
    said = [(name, in_words(text, language), met) for name, text, met in checks]
    book = comparison_book(result, said, people, language)
    for out in (reports.csv, reports.xlsx):
        if out is not None:
            write(out, book, result, language)


def run_file(language: str, path: Path, reports: Reports, workers: int) -> None:
    """`binome scenarios run`: a scenario file compared, or a program file played."""
    _check_reports(language, reports)
    with refusals(language):
        program_file = rounds.is_program_file(path)
        if not program_file:
            loaded = files.load_scenario(path)
    if program_file:
        playing.play_file(language, path, reports)
        return
    result = _compared(language, loaded, workers)
    checks = files.check(result, loaded.expectations)
    typer.echo(f"{loaded.title}\n\n{text.text_table(result, language)}")
    for name, said, passed in checks:
        verdict = say(language, "cli.check.pass" if passed else "cli.check.fail")
        typer.echo(f"{verdict:<4}  {name}: {said}")
    _write_reports(language, loaded, result, checks, reports)
    if not all(passed for _, _, passed in checks):
        raise typer.Exit(1)
