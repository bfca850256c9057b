"""`binome`: match a pool, run what-if scenarios, serve the API, generate pools.

binome match scenarios/examples/company_pool.json --out answer.json
binome match --mentors mentors.csv --mentees mentees.csv --out pairs.csv
binome scenarios run scenarios/capacity_two.yaml --html report.html --csv table.csv
binome serve --port 8000
binome generate --mentees 1000 --mentors 350 --seed 1 --out pool.json
"""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress

from cli import report
from generator.pools import generate_pool
from intake.csv_pool import ColumnMapping, CsvError, pairs_csv, read_pool
from scenarios import files, rounds
from solver import InvalidRequest, MatchRequest, MatchResponse, SolveOptions, match
from solver.messages import negotiate
from solver.whatif import VariantError, run_scenarios

app = typer.Typer(help="binome: optimal, explained mentor–mentee matching.", no_args_is_help=True)


scenarios_app = typer.Typer(help="What-if scenarios from YAML files.", no_args_is_help=True)


app.add_typer(scenarios_app, name="scenarios")


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"binome: {message}", err=True)
    return typer.Exit(code)


def _structured(path: Path) -> Any:
    import yaml  # YAML is a superset of JSON: one reader for both

    try:
        return yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise fail(f"{path}: {exc}") from exc


def _request(
    pool: Path | None, mentors: Path | None, mentees: Path | None, program: Path | None
) -> dict[str, Any]:
    if pool is not None and (mentors or mentees):
        raise fail("give a request file, or --mentors and --mentees, not both")
    if pool is not None:
        body = _structured(pool)
        if not isinstance(body, dict):
            raise fail(f"{pool}: a match request is a JSON object")
    elif mentors and mentees:
        try:
            body = read_pool(mentors, mentees, ColumnMapping())
        except CsvError as exc:
            raise fail(str(exc)) from exc
    else:
        raise fail("give a request file, or both --mentors and --mentees")
    if program is not None:
        body["program"] = {**(body.get("program") or {}), **_structured(program)}
    return body


def _summary(answer: MatchResponse) -> str:
    metrics = answer.metrics
    return (
        f"{answer.status}: {metrics.matched_mentees} mentees paired "
        f"(match rate {metrics.match_rate:.1%}), mean score {metrics.mean_score:.3f}, "
        f"{len(answer.unmatched)} unmatched, engine {answer.engine}, {answer.solve_seconds:.2f} s"
    )


@app.command("match")
def match_command(
    pool: Annotated[Path | None, typer.Argument(help="A match request (JSON or YAML).")] = None,
    mentors: Annotated[Path | None, typer.Option(help="Mentors CSV.")] = None,
    mentees: Annotated[Path | None, typer.Option(help="Mentees CSV.")] = None,
    program: Annotated[Path | None, typer.Option(help="Program settings (JSON or YAML).")] = None,
    out: Annotated[Path | None, typer.Option(help="Write here: .csv (pairs) or .json.")] = None,
    language: Annotated[str, typer.Option(help="Explanations: en or fr.")] = "en",
) -> None:
    """Match a pool: pairs with scores and explanations, the unmatched with reasons."""
    body = _request(pool, mentors, mentees, program)
    try:
        request = MatchRequest.model_validate(body)
        answer = match(request, SolveOptions(language=negotiate(language)))
    except InvalidRequest as exc:
        raise fail("; ".join(f"{'.'.join(map(str, loc))}: {m}" for loc, m in exc.errors)) from exc
    except ValueError as exc:  # pydantic's ValidationError names every field
        raise fail(str(exc)) from exc
    if out is None:
        typer.echo(answer.model_dump_json(indent=1))
    elif out.suffix.lower() == ".csv":
        out.write_text(pairs_csv(answer), encoding="utf-8")
    else:
        out.write_text(answer.model_dump_json(indent=1), encoding="utf-8")
    typer.echo(_summary(answer), err=True)


@scenarios_app.command("run")
def run_command(
    scenario: Annotated[Path, typer.Argument(help="A scenario file (YAML).")],
    html: Annotated[Path | None, typer.Option(help="Write a self-contained HTML report.")] = None,
    csv: Annotated[Path | None, typer.Option(help="Write the comparison table as CSV.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=16, help="Variants solved at once.")] = 2,
) -> None:
    """Solve the base and every variant, print them side by side; exit 1 if an expectation
    fails. A program file (with rounds) is played round by round instead."""
    if rounds.is_program_file(scenario):
        _play(scenario, html, csv)
        return
    try:
        loaded = files.load_scenario(scenario)
    except (files.ScenarioFileError, CsvError) as exc:
        raise fail(str(exc)) from exc
    total = len(loaded.request.variants) + 1
    try:
        with Progress(transient=True, disable=total < 3 or not sys.stderr.isatty()) as progress:
            task = progress.add_task(loaded.title, total=total)
            result = run_scenarios(
                loaded.request,
                workers=workers,
                on_done=lambda _name: progress.advance(task),
            )
    except (VariantError, InvalidRequest) as exc:
        raise fail("; ".join(f"{'.'.join(map(str, loc))}: {m}" for loc, m in exc.errors)) from exc
    checks = files.check(result, loaded.expectations)
    typer.echo(f"{loaded.title}\n\n{report.text_table(result)}")
    for name, text, passed in checks:
        typer.echo(f"{'ok  ' if passed else 'FAIL'}  {name}: {text}")
    if html is not None:
        html.write_text(report.html_report(loaded.title, result, checks), encoding="utf-8")
    if csv is not None:
        csv.write_text(report.csv_table(result), encoding="utf-8")
    if not all(passed for _, _, passed in checks):
        raise typer.Exit(1)


def _play(path: Path, html: Path | None, csv: Path | None) -> None:
    try:
        played = rounds.play(path)
    except (files.ScenarioFileError, InvalidRequest, ValueError) as exc:
        raise fail(str(exc)) from exc
    table = rounds.play_table(played)
    lines = [
        f"{'ok  ' if ok else 'FAIL'}  {r.name}: {text}"
        for r in played.rounds
        for text, ok in r.checks
    ]
    typer.echo(f"{played.title}\n\n{table}\n" + "\n".join(lines))
    if html is not None:
        body = escape(f"{table}\n\n" + "\n".join(lines))
        page = f"<!doctype html><meta charset='utf-8'><title>{escape(played.title)}</title>"
        html.write_text(f"{page}<h1>{escape(played.title)}</h1><pre>{body}</pre>\n", "utf-8")
    if csv is not None:
        csv.write_text(rounds.play_csv(played), encoding="utf-8")
    if not played.passed:
        raise typer.Exit(1)


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve the HTTP API (docs at /docs)."""
    import uvicorn

    uvicorn.run("api.main:app", host=host, port=port)


@app.command("generate")
def generate_command(
    mentees: Annotated[int, typer.Option(min=0)] = 80,
    mentors: Annotated[int, typer.Option(min=0)] = 40,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
) -> None:
    """A seeded synthetic pool, as a match request."""
    text = json.dumps(generate_pool(mentees, mentors, seed), indent=1, ensure_ascii=False)
    if out is None:
        typer.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")


def main() -> None:
    app()
