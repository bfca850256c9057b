"""Nothing stored, nothing logged: a participant's name and a feedback comment, sent through
every endpoint the manager's page uses (intake, match, export, the re-match's files,
re-match), come back where they belong and appear in no line of the server's log and in no
file written meanwhile under its working directory or the system's temporary directory.
Over real HTTP, to the server in its own process (`server`)."""

from __future__ import annotations

import json
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2

from tests.browser.conftest import Server

MAX_READ = 256 * 2**20  # a file larger than this is not read through


def _people(marker: str) -> tuple[bytes, bytes]:
    mentors = (
        "Identifiant;Nom;Compétences;Langues\r\n"
        f"m1;Claire;négociation;fr\r\nm2;Zoé{marker};prise de parole;fr\r\n"
    )
    mentees = (
        "Identifiant;Nom;Objectifs;Langues\r\n"
        f"e1;Noé{marker};prise de parole;fr\r\ne2;Inès;négociation;fr\r\n"
    )
    return mentors.encode("utf-8"), mentees.encode("utf-8")


def _written_since(roots: list[Path], started: float) -> Iterator[Path]:
    for root in roots:
        for folder, _, names in os.walk(root):
            for name in names:
                path = Path(folder) / name
                try:
                    stat = path.lstat()
                except OSError:
                    continue
                if path.is_file() and not path.is_symlink() and stat.st_mtime >= started:
                    yield path


def _holding(paths: Iterator[Path], marker: bytes) -> list[str]:
    found = []
    for path in paths:
        try:
            with path.open("rb") as file:
                content = file.read(MAX_READ)
        except OSError:
            continue
        if marker in content:
            found.append(str(path))
    return found


def _journey(http: httpx2.Client, marker: str) -> dict[str, Any]:
    """Every endpoint of the page, with the marked name and comment; what each returned."""
    mentors, mentees = _people(marker)
    intake = http.post(
        "/v1/intake", files={"mentors": ("m.csv", mentors), "mentees": ("e.csv", mentees)}
    )
    assert intake.status_code == 200, intake.text
    pool = intake.json()["pool"]
    request = {**pool, "program": {"mentor_capacity": 1}}
    answer = http.post("/v1/match", json=request)
    assert answer.status_code == 200, answer.text
    export = {"format": "csv", "request": request, "answer": answer.json()}
    pairs = http.post("/v1/export", json=export)
    workbook = http.post("/v1/export", json={**export, "format": "xlsx"})
    assert pairs.status_code == workbook.status_code == 200
    pair = answer.json()["pairings"][0]
    feedback = (
        f"Mentor;Mentoré·e;Note;Commentaire\r\n{pair['mentor']};{pair['mentee']};1;Nul{marker}\r\n"
    )
    files = {
        "current": ("binome-pairs.csv", pairs.content),
        "feedback": ("f.csv", feedback.encode()),
    }
    lists = http.post("/v1/intake/rematch", files=files, data={"pool": json.dumps(pool)})
    assert lists.status_code == 200, lists.text
    notes = [{**note, "comment": f"Nul{marker}"} for note in lists.json()["feedback"]]
    rematched = http.post("/v1/rematch", json={"pool": request, **lists.json(), "feedback": notes})
    assert rematched.status_code == 200, rematched.text
    return {
        "answer": answer.text,
        "pairs": pairs.content,
        "lists": lists.text,
        "rematched": rematched.text,
    }


def test_a_name_and_a_comment_are_neither_logged_nor_written(server: Server) -> None:
    marker = uuid.uuid4().hex
    started = time.time() - 1
    with httpx2.Client(base_url=server.url, timeout=60) as http:
        said = _journey(http, marker)
    assert f"Noé{marker}" in said["answer"]
    assert f"Noé{marker}".encode() in said["pairs"]
    assert marker not in said["lists"]  # comments are never returned
    assert f"Nul{marker}" not in said["rematched"]
    time.sleep(0.2)  # the last log lines flushed
    log = server.log()
    assert '"route": "/v1/rematch"' in log and '"route": "/v1/export"' in log
    assert [line for line in log.splitlines() if marker in line] == []
    roots = [server.workdir, Path(tempfile.gettempdir())]
    assert _holding(_written_since(roots, started), marker.encode()) == []


def test_the_search_finds_a_marked_file_written_in_the_temporary_directory() -> None:
    marker = uuid.uuid4().hex
    started = time.time() - 1
    with tempfile.NamedTemporaryFile(suffix=".csv") as written:
        written.write(f"e1;Noé{marker}\r\n".encode())
        written.flush()
        found = _holding(_written_since([Path(tempfile.gettempdir())], started), marker.encode())
        assert found == [written.name]
