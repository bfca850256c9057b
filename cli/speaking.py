"""How the command speaks: every message through the message files, in the caller's
language; refusals said with every located error at once, then exit 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError

from cli.inputs import Refusal
from exports import ExportError
from intake import IntakeError, Issue
from intake.csv_pool import CsvError
from scenarios.files import ScenarioFileError
from solver import InvalidRequest, VariantError
from solver.messages import available_languages, render

PREFIX = "binome: "


def say(language: str, key: str, **params: object) -> str:
    return render(language, key, **params)


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(PREFIX + message, err=True)
    return typer.Exit(code)


def listed(language: str, issues: list[Issue]) -> str:
    """Every issue on its own line, under how many there are, located in `language`."""
    lines = [f"  {issue.said(language)}" for issue in issues]
    return "\n".join([say(language, "cli.errors", n=len(issues)), *lines])


def warn(language: str, warnings: list[Issue]) -> None:
    if warnings:
        said = [f"  {warning.said(language)}" for warning in warnings]
        lines = [say(language, "cli.warnings", n=len(warnings)), *said]
        typer.echo(PREFIX + "\n".join(lines), err=True)


def _refusal(language: str, refusal: Refusal) -> str:
    if refusal.issues:
        return listed(language, refusal.issues)
    params = dict(refusal.params)
    if "what" in params:
        params["what"] = say(language, str(params["what"]))
    return say(language, refusal.key, **params)


def extension_refused(language: str, error: ExportError) -> str:
    suffix = error.suffix or say(language, "cli.error.no_extension")
    accepted = [extension for extension in error.accepted]
    return say(
        language, "cli.error.extension", path=str(error.path), suffix=suffix, accepted=accepted
    )


@contextmanager
def refusals(language: str) -> Iterator[None]:
    """Input errors said in the caller's language, each located, then exit 2."""
    try:
        yield
    except Refusal as exc:
        raise fail(_refusal(language, exc)) from exc
    except IntakeError as exc:
        raise fail(listed(language, exc.errors)) from exc
    except ExportError as exc:
        raise fail(extension_refused(language, exc)) from exc
    except (InvalidRequest, VariantError) as exc:
        found = [Issue(".".join(map(str, loc)), None, None, None, m) for loc, m in exc.errors]
        raise fail(listed(language, found)) from exc
    except (ScenarioFileError, CsvError) as exc:
        raise fail(str(exc)) from exc
    except ValidationError as exc:
        found = [
            Issue(".".join(map(str, e["loc"])), None, None, None, e["msg"]) for e in exc.errors()
        ]
        raise fail(listed(language, found)) from exc


def language_or_fail(chosen: str | None, asked: str | None, speaking: str) -> str:
    """The language chosen, or exit 2 saying (in `speaking`) which ones binome speaks."""
    if chosen is None:
        languages = available_languages()
        raise fail(say(speaking, "cli.error.language", asked=asked, languages=languages))
    return chosen
