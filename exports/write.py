"""A book written to a file chosen by its extension: `.xlsx` (the workbook), `.csv` (its
flat table, for Excel in the caller's language) or `.json` (the answer as the API gives
it). Any other extension is refused, naming the accepted ones."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from exports.delimited import csv_bytes
from exports.tables import Book
from exports.xlsx import workbook

EXTENSIONS = (".xlsx", ".csv", ".json")


class ExportError(ValueError):
    """A file binome cannot write: `suffix` is not one of the `accepted` extensions."""

    def __init__(self, path: Path, accepted: tuple[str, ...] = EXTENSIONS) -> None:
        self.path = path
        self.suffix = path.suffix
        self.accepted = accepted
        super().__init__(f"{path}: {path.suffix or 'no extension'} is not one of {accepted}")


def checked(path: Path, accepted: tuple[str, ...] = EXTENSIONS) -> Path:
    """The path, if binome writes its extension (checked before any long solve)."""
    if path.suffix.lower() not in accepted:
        raise ExportError(path, accepted)
    return path


def file_bytes(path: Path, book: Book, answer: BaseModel | None, language: str) -> bytes:
    """What `write` writes at `path`."""
    suffix = checked(path).suffix.lower()
    if suffix == ".xlsx":
        return workbook(book)
    if suffix == ".csv":
        return csv_bytes(book.flat, language)
    if answer is None:
        raise ExportError(path)
    return (answer.model_dump_json(indent=1) + "\n").encode("utf-8")


def write(path: Path, book: Book, answer: BaseModel | None, language: str) -> None:
    """Write the book (or, for `.json`, the answer) at `path`, by its extension."""
    path.write_bytes(file_bytes(path, book, answer, language))
