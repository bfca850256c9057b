"""What the export tests share: the bundled pool matched once per language, and readers
that open written files the way a person's tools do (openpyxl, the csv module)."""

from __future__ import annotations

import codecs
import csv
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from solver import MatchRequest, MatchResponse, SolveOptions, match

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "scenarios" / "examples"
POOL = json.loads((EXAMPLES / "company_pool.json").read_text("utf-8"))


@cache
def request() -> MatchRequest:
    return MatchRequest.model_validate(POOL)


@cache
def answer(language: str) -> MatchResponse:
    return match(request(), SolveOptions(language=language))


def names() -> dict[str, str]:
    return {p["id"]: p["name"] for p in [*POOL["mentors"], *POOL["mentees"]]}


def sheets(path: Path) -> dict[str, Worksheet]:
    book = openpyxl.load_workbook(path)
    return {sheet.title: sheet for sheet in book.worksheets}


def header(sheet: Worksheet) -> list[Any]:
    return [cell.value for cell in sheet[1]]


def records(sheet: Worksheet) -> list[dict[str, Any]]:
    """Each row under the header, by header."""
    top = header(sheet)
    return [
        dict(zip(top, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)
    ]


def csv_rows(path: Path, separator: str) -> list[dict[str, str]]:
    """A CSV as Excel reads it: the BOM checked and dropped, then the rows by header."""
    content = path.read_bytes()
    assert content.startswith(codecs.BOM_UTF8)
    text = content[len(codecs.BOM_UTF8) :].decode("utf-8")
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=separator))
