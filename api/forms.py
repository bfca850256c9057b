"""A `multipart/form-data` body, already received within the limits, split into its parts.

The body is read by `api.reading.received` (API key first, caps on bodies at once, read
timeouts), then parsed here in a worker thread with python-multipart's streaming parser,
in memory: the body is at most BINOME_MAX_BODY_BYTES, each part a slice of it. At most
`MAX_PARTS` parts: a form of thousands of empty parts is refused, not listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartState, parse_options_header

from api.problems import ProblemError

MAX_PARTS = 16


@dataclass
class Part:
    """One part of the form: its field name, the file name when it is a file, its bytes."""

    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


def _malformed(detail: str) -> ProblemError:
    return ProblemError(400, "Malformed form", detail)


def boundary_of(content_type: str | None, wanted: str) -> bytes:
    """The boundary of a multipart/form-data content type, else 415 naming what is read
    and the fields `wanted` ("the files 'mentors' and 'mentees' (CSV or XLSX)")."""
    kind, options = parse_options_header(content_type or "")
    if kind != b"multipart/form-data":
        shown = kind.decode("latin-1") or "none"
        raise ProblemError(
            415,
            "Unsupported media type",
            f"the body is {shown}: send multipart/form-data with {wanted}",
        )
    boundary = options.get(b"boundary", b"")
    if not boundary:
        raise _malformed("multipart/form-data without a boundary")
    return boundary


def _disposition(value: bytes) -> tuple[str, str | None]:
    """The field name and file name of a Content-Disposition header."""
    _, options = parse_options_header(value)
    name = options.get(b"name", b"").decode("utf-8", "replace")
    filename = options.get(b"filename")
    return name, None if filename is None else filename.decode("utf-8", "replace")


class _Collector:
    """python-multipart's callbacks, gathering the parts and their Content-Disposition."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self.header: bytearray = bytearray()
        self.value: bytearray = bytearray()

    def begin(self) -> None:
        if len(self.parts) == MAX_PARTS:
            raise _malformed(f"more than {MAX_PARTS} parts in the form")
        self.parts.append(Part())

    def data(self, data: bytes, start: int, end: int) -> None:
        self.parts[-1].data += data[start:end]

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.header += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def header_end(self) -> None:
        if self.header.lower() == b"content-disposition":
            self.parts[-1].name, self.parts[-1].filename = _disposition(bytes(self.value))
        self.header, self.value = bytearray(), bytearray()


def form_parts(body: bytes | bytearray, content_type: str | None, wanted: str) -> list[Part]:
    """The parts of a multipart/form-data body, in order; 415 for another type, 400 when
    the body is not a well-formed form. Blocking, for a worker thread."""
    boundary = boundary_of(content_type, wanted)
    found = _Collector()
    callbacks = {
        "on_part_begin": found.begin,
        "on_part_data": found.data,
        "on_header_field": found.header_field,
        "on_header_value": found.header_value,
        "on_header_end": found.header_end,
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        parser.write(bytes(body))
        parser.finalize()
    except MultipartParseError as exc:
        raise _malformed(f"the form cannot be read ({exc})") from exc
    if parser.state != MultipartState.END:  # the parser takes a body cut short as it is
        raise _malformed("the form ends before its closing boundary: it was cut short")
    return found.parts
