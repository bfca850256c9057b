"""`binome`: match a pool, re-match after feedback, run what-if scenarios, serve the API,
generate pools.

binome match scenarios/examples/company_pool.json --out pairs.xlsx --lang fr
binome match --mentors mentors.csv --mentees mentees.xlsx --columns columns.yaml --out pairs.csv
binome rematch --pool pool.json --current pairs.xlsx --feedback feedback.csv --out next.xlsx
binome scenarios run scenarios/lower_capacity.yaml --html report.html --xlsx table.xlsx
binome serve --port 8000
BINOME_REDIS_URL=redis://localhost:6379/0 binome worker
binome generate --mentees 1000 --mentors 350 --seed 1 --out pool.json

Files are written by extension (`.xlsx`, `.csv`, `.json`: docs/files.md). Everything the
command says comes from the message files, in `--lang` or the locale's language.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli import commands
from cli.language import chosen_language, locale_language
from cli.speaking import language_or_fail
from generator.pools import generate_pool

app = typer.Typer(help="binome: optimal, explained mentor–mentee matching.", no_args_is_help=True)
scenarios_app = typer.Typer(help="What-if scenarios from YAML files.", no_args_is_help=True)
app.add_typer(scenarios_app, name="scenarios")

Lang = Annotated[
    str | None,
    typer.Option("--lang", "--language", help="en or fr (default: the locale's language)."),
]
Out = Annotated[Path | None, typer.Option(help="Write here, by extension: .xlsx, .csv or .json.")]
Mentors = Annotated[Path | None, typer.Option(help="Mentors' survey file (CSV or XLSX).")]
Mentees = Annotated[Path | None, typer.Option(help="Mentees' survey file (CSV or XLSX).")]
Columns = Annotated[
    Path | None, typer.Option(help="Survey headers to read, {field: header} (JSON or YAML).")
]
Program = Annotated[Path | None, typer.Option(help="Program settings (JSON or YAML).")]


def _language(asked: str | None) -> str:
    chosen = chosen_language(asked)
    return chosen if chosen is not None else language_or_fail(None, asked, locale_language())


@app.command("match")
def match_command(
    pool: Annotated[Path | None, typer.Argument(help="A match request (JSON or YAML).")] = None,
    mentors: Mentors = None,
    mentees: Mentees = None,
    columns: Columns = None,
    program: Program = None,
    out: Out = None,
    lang: Lang = None,
) -> None:
    """Match a pool: pairs with scores and explanations, the unmatched with reasons."""
    commands.match_pool(
        _language(lang), commands.Pool(pool, mentors, mentees, columns), program, out
    )


@app.command("rematch")
def rematch_command(
    current: Annotated[Path, typer.Option(help="The pairs running now: what match --out wrote.")],
    feedback: Annotated[Path | None, typer.Option(help="Feedback per pair (CSV or XLSX).")] = None,
    leaving: Annotated[
        Path | None, typer.Option(help="Ids of people leaving (CSV or XLSX).")
    ] = None,
    pool: Annotated[Path | None, typer.Option(help="The pool now (JSON or YAML).")] = None,
    mentors: Mentors = None,
    mentees: Mentees = None,
    columns: Columns = None,
    program: Program = None,
    out: Out = None,
    lang: Lang = None,
) -> None:
    """Re-match after feedback: keep the pairs that work, end the others, move few people."""
    source = commands.Pool(pool, mentors, mentees, columns)
    commands.rematch_pool(
        _language(lang), source, program, commands.Round(current, feedback, leaving), out
    )


@scenarios_app.command("run")
def run_command(
    scenario: Annotated[Path, typer.Argument(help="A scenario or program file (YAML).")],
    html: Annotated[Path | None, typer.Option(help="Write a self-contained HTML report.")] = None,
    csv: Annotated[Path | None, typer.Option(help="Write the comparison table as CSV.")] = None,
    xlsx: Annotated[Path | None, typer.Option(help="Write the comparison as a workbook.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=16, help="Variants solved at once.")] = 2,
    lang: Lang = None,
) -> None:
    """Solve the base and every variant, print them side by side; exit 1 if an expectation
    fails. A program file (with rounds) is played round by round instead."""
    commands.run_file(_language(lang), scenario, commands.Reports(html, csv, xlsx), workers)


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option()] = 8000,
) -> None:
    """Serve the HTTP API (docs at /docs)."""
    import uvicorn

    uvicorn.run("api.main:app", host=host, port=port)


@app.command("worker")
def worker_command(
    burst: Annotated[bool, typer.Option(help="Stop once the queue is empty.")] = False,
) -> None:
    """Take jobs from Redis (BINOME_REDIS_URL) and run them; start one on any machine."""
    from api.jobs.redis_backend import run_worker
    from api.settings import Settings

    settings = Settings()
    if not settings.redis_url:
        typer.echo("binome worker takes jobs from Redis: set BINOME_REDIS_URL", err=True)
        raise typer.Exit(2)
    run_worker(settings, burst)


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
