"""A program played round by round: first match, then feedback and re-match, again and again.

    title: A mentoring year at the example company
    pool: examples/company_pool.json          # the first match's request
    expect: [match_rate >= 0.75]              # on the first match
    rounds:
      - name: mid-year review
        feedback:                             # by mentee: about their current pair
          - {mentee: e0061, rating: 1, by: mentee, comment: never logged}
          - {mentee: e0077, rating: 5}
          - {mentee: e0059, end: true, by: mentor}
        # feedback: examples/company_feedback_fr.csv   # or the manager's file (CSV, XLSX)
        # current: pairs.xlsx                 # the pairs running now, as match --out wrote
        leaving: [m0024]
        join: {mentees: examples/new_mentees.json}   # a list, or a JSON file
        expect: [ended == 4, kept >= 2, status == optimal]

Each round is a `/v1/rematch` on the pool as it stands (leavers gone, joiners in, pairs
ended in earlier rounds added to `program.forbidden`, as a platform would), with the
previous round's pairs as `current` (or the round's `current` file). A feedback file has
one row per pair (mentor, mentee, rating, end, comment), read as `binome rematch` reads it
(docs/files.md). Whatever the file expects, every round is checked for the program's
promises: an ended pair never re-forms (in any later round), a well-rated pair stays, and
nobody is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from intake import IntakeError, file_at, read_current, read_feedback
from scenarios.files import EXPECTATION, ScenarioFileError, compare_value, json_file
from solver import MatchRequest, SolveOptions, match
from solver.contract.rematch import RematchRequest, RematchResponse
from solver.rematch import rematch
from solver.roster import without_people
from solver.whatif import flat_metrics, outcome

Pair = tuple[str, str]
Body = dict[str, Any]
FIRST = "first match"  # the first round's name
NO_REFORM = "no ended pair re-formed"  # the promises every round is checked for
KEPT = "every well-rated pair kept"
COLUMNS = ["status", "matched_mentees", "match_rate", "mean_score", "kept", "ended", "moved", "new"]


@dataclass
class RoundResult:
    name: str
    status: str
    counts: dict[str, float]  # kept, ended, moved, new, and the result's flat metrics
    checks: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class Play:
    title: str
    rounds: list[RoundResult]

    @property
    def passed(self) -> bool:
        return all(ok for r in self.rounds for _, ok in r.checks)


@dataclass
class Program:
    """The program as it stands between rounds."""

    folder: Path
    pool: Body
    current: list[dict[str, str]]
    ended_ever: set[Pair] = field(default_factory=set)


def _by_mentee(entries: list[dict[str, Any]], mentor_of: dict[str, str], where: str) -> list[Any]:
    found = []
    for k, entry in enumerate(entries):
        mentee = entry.get("mentee")
        if mentee not in mentor_of:
            raise ScenarioFileError(f"{where}: feedback {k}: {mentee!r} has no current mentor")
        found.append({**entry, "mentor": mentor_of[mentee]})
    return found


def _read(reader: Any, path: Path, where: str, *args: Any) -> Any:
    """A manager's file read by `intake`; its errors, all located, name the round."""
    try:
        return reader(file_at(path), *args)
    except OSError as exc:
        raise ScenarioFileError(f"{where}: {path}: {exc.strerror or exc}") from exc
    except IntakeError as exc:
        raise ScenarioFileError(f"{where}: {exc}") from exc


def _feedback(step: dict[str, Any], program: Program, where: str) -> list[Any]:
    """The round's feedback: a list by mentee, or a file with one row per pair."""
    given = step.get("feedback") or []
    if isinstance(given, str):
        path = program.folder / given
        return _read(read_feedback, path, where, program.pool, program.current)  # type: ignore[no-any-return]
    mentor_of = {p["mentee"]: p["mentor"] for p in program.current}
    return _by_mentee(given, mentor_of, where)


def _expect(texts: list[str], observed: dict[str, float | str]) -> list[tuple[str, bool]]:
    checks = []
    for text in texts:
        parsed = EXPECTATION.match(text)
        if parsed is None:
            raise ScenarioFileError(f"expectation {text!r} is not 'metric op value'")
        metric, op, wanted = parsed.groups()
        if metric not in observed:
            checks.append((f"{text} (unknown metric)", False))
        else:
            checks.append((text, compare_value(observed[metric], op, wanted)))
    return checks


def _promises(answer: RematchResponse, ended_ever: set[Pair], keep: set[Pair]) -> list[Any]:
    made = {(p.mentor, p.mentee) for p in answer.result.pairings}
    kept = {(n.mentor, n.mentee) for n in answer.kept}
    return [
        (NO_REFORM, not made & ended_ever),
        (KEPT, keep <= kept),
    ]


def _joined(step: dict[str, Any], program: Program) -> None:
    """Joiners in: a list, or a JSON file holding one, per side."""
    for side in ("mentors", "mentees"):
        people = (step.get("join") or {}).get(side) or []
        people = json_file(program.folder / people) if isinstance(people, str) else people
        program.pool = {**program.pool, side: [*program.pool[side], *people]}


def _well_rated(request: RematchRequest, answer: RematchResponse) -> set[Pair]:
    """The pairs feedback rated well enough to keep (and that did not end)."""
    keep_rating = request.pool.program.rematch.keep_rating
    rated = {
        (f.mentor, f.mentee)
        for f in request.feedback
        if f.rating is not None and f.rating >= keep_rating and not f.end
    }
    return rated - {(n.mentor, n.mentee) for n in answer.ended}


def _counts(name: str, answer: RematchResponse) -> dict[str, float | str]:
    return {
        **flat_metrics(outcome(name, answer.result)),
        "status": answer.result.status,
        **{key: float(len(getattr(answer, key))) for key in ("kept", "ended", "moved", "new")},
    }


def _afterwards(program: Program, request: RematchRequest, answer: RematchResponse) -> None:
    """Leavers gone, ended pairs forbidden from now on, the answer's pairs now current."""
    pool = without_people(program.pool, set(request.leaving))
    settings = dict(pool.get("program") or {})
    settings["forbidden"] = [
        *settings.get("forbidden", []),
        *(
            {"mentor": n.mentor, "mentee": n.mentee}
            for n in answer.ended
            if n.reason in ("low_rating", "end_requested")
        ),
    ]
    program.pool = {**pool, "program": settings}
    program.current = [{"mentor": p.mentor, "mentee": p.mentee} for p in answer.result.pairings]


def _round(
    k: int, step: dict[str, Any], program: Program, options: SolveOptions, path: Path
) -> RoundResult:
    """One round: joiners in, the feedback read, the re-match, its checks."""
    name = step.get("name", f"round {k + 1}")
    where = f"{path}: round {k} ({step.get('name', '?')})"
    _joined(step, program)
    if isinstance(step.get("current"), str):
        program.current = _read(read_current, program.folder / step["current"], where, program.pool)
    body = {"pool": program.pool, "current": program.current, "leaving": step.get("leaving") or []}
    request = RematchRequest.model_validate({**body, "feedback": _feedback(step, program, where)})
    answer = rematch(request, options)
    program.ended_ever |= {(n.mentor, n.mentee) for n in answer.ended}
    counts = _counts(name, answer)
    checks = _promises(answer, program.ended_ever, _well_rated(request, answer))
    checks += _expect(step.get("expect") or [], counts)
    numbers = {key: float(v) for key, v in counts.items() if not isinstance(v, str)}
    _afterwards(program, request, answer)
    return RoundResult(name, answer.result.status, numbers, checks)


def _first(spec: dict[str, Any], program: Program, options: SolveOptions) -> RoundResult:
    first = match(MatchRequest.model_validate(program.pool), options)
    observed: dict[str, float | str] = {**flat_metrics(outcome("first", first))}
    observed["status"] = first.status
    numbers = {key: float(v) for key, v in observed.items() if isinstance(v, float | int)}
    program.current = [{"mentor": p.mentor, "mentee": p.mentee} for p in first.pairings]
    return RoundResult(FIRST, first.status, numbers, _expect(spec.get("expect") or [], observed))


def play(path: Path, options: SolveOptions | None = None, language: str = "en") -> Play:
    """Run every round of a program file; the result says what each round did and checked."""
    spec = yaml.safe_load(path.read_text("utf-8"))
    if not isinstance(spec, dict) or "pool" not in spec:
        raise ScenarioFileError(f"{path}: a program file has a pool and rounds")
    options = options or SolveOptions(language=language)
    program = Program(path.parent, json_file(path.parent / spec["pool"]), [])
    results = [_first(spec, program, options)]
    for k, step in enumerate(spec.get("rounds") or []):
        results.append(_round(k, step, program, options, path))
    return Play(str(spec.get("title") or path.stem), results)


def is_program_file(path: Path) -> bool:
    """Program files have rounds; scenario files have variants."""
    try:
        spec = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScenarioFileError(f"{path}: {exc}") from exc
    return isinstance(spec, dict) and "rounds" in spec
