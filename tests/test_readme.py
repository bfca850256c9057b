"""The README's examples are tests: its commands, requests and answers are real."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import app
from solver import MatchRequest, MatchResponse, validate

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")
ELIDED = "..."


def code_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def matches(expected: Any, actual: Any) -> bool:
    """Whether `actual` has everything `expected` shows; "..." stands for what was left out."""
    if expected == ELIDED:
        return True
    if isinstance(expected, dict):
        shown = {k: v for k, v in expected.items() if k != ELIDED}
        return isinstance(actual, dict) and all(
            k in actual and matches(v, actual[k]) for k, v in shown.items()
        )
    if isinstance(expected, list):
        if expected and expected[-1] == ELIDED:
            expected = expected[:-1]
            actual = actual[: len(expected)] if isinstance(actual, list) else actual
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(matches(e, a) for e, a in zip(expected, actual, strict=True))
        )
    if isinstance(expected, float):
        return isinstance(actual, int | float) and abs(expected - actual) < 1e-6
    return bool(expected == actual)


def test_quickstart_is_exactly_make_run_and_make_test() -> None:
    quickstart = code_blocks("sh")[0]
    commands = [line.split("#")[0].strip() for line in quickstart.splitlines() if line.strip()]
    assert commands == ["make run", "make test"]


def test_the_readme_curl_posts_the_bundled_example_and_gets_an_optimal_answer() -> None:
    curl = next(line for line in code_blocks("sh")[1].splitlines() if line.startswith("curl"))
    words = shlex.split(curl)
    assert words[words.index("-X") + 1] == "POST"
    url = next(w for w in words if w.startswith("http://"))
    path = url.split("8000", 1)[1]
    body_file = ROOT / words[words.index("--data") + 1].removeprefix("@")
    body = json.loads(body_file.read_text("utf-8"))
    response = TestClient(app).post(path, json=body)
    assert response.status_code == 200
    answer = MatchResponse.model_validate(response.json())
    assert answer.status == "optimal"
    assert validate(MatchRequest.model_validate(body), answer) == []
    everyone = len(body["mentors"]) + len(body["mentees"])
    assert len({(u.id, u.role) for u in answer.unmatched}) + 2 * len(answer.pairings) >= everyone


def test_the_readme_request_gets_the_answer_it_shows() -> None:
    request, shown = (json.loads(block) for block in code_blocks("json")[:2])
    response = TestClient(app).post("/v1/match", json=request)
    assert response.status_code == 200
    assert validate(MatchRequest.model_validate(request), MatchResponse(**response.json())) == []
    assert matches(shown, response.json()), json.dumps(response.json(), indent=1)[:3000]


def test_the_readme_error_example_is_what_a_duplicate_id_gets() -> None:
    shown = json.loads(code_blocks("json")[2])
    response = TestClient(app).post(
        "/v1/match", json={"mentors": [], "mentees": [{"id": "e1"}] * 2}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == shown


def test_the_readme_reason_example_is_the_first_reason_of_the_example_pair() -> None:
    request = json.loads(code_blocks("json")[0])
    shown = json.loads(code_blocks("json")[3])
    first = TestClient(app).post("/v1/match", json=request).json()["pairings"][0]["reasons"][0]
    assert matches(shown, first)


def rule_examples() -> dict[str, tuple[dict[str, Any], Any]]:
    requests = dict(re.findall(r"```json request:(\S+)\n(.*?)```", README, re.S))
    answers = dict(re.findall(r"```json answer:(\S+)\n(.*?)```", README, re.S))
    assert requests.keys() == answers.keys()
    return {name: (json.loads(requests[name]), json.loads(answers[name])) for name in requests}


def without_rule(name: str, request: dict[str, Any]) -> dict[str, Any]:
    """The same request with the example's rule switched off."""
    program = dict(request["program"])
    if name in ("cross", "max_same", "balance", "diagnosis"):
        program.pop("diversity")
    program.update(
        {"fair": {"objective": "total"}, "stable": {"stable": False}}.get(name, {}),
    )
    if name == "group":
        program["group"] = {"min_size": 1}
    if name == "reverse":
        program["format"] = "one_to_one"
    return {**request, "program": program}


def pairs_of(answer: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["mentor"], p["mentee"]) for p in answer["pairings"]}


RULE_EXAMPLES = ["cross", "max_same", "balance", "fair", "stable", "group", "reverse", "diagnosis"]


def test_every_program_rule_has_a_readme_example() -> None:
    assert sorted(rule_examples()) == sorted(RULE_EXAMPLES)


@pytest.mark.parametrize("name", RULE_EXAMPLES)
def test_a_readme_rule_example_gets_the_answer_it_shows_and_the_rule_decides_it(
    name: str,
) -> None:
    request, shown = rule_examples()[name]
    client = TestClient(app)
    answer = client.post("/v1/match", json=request).json()
    assert matches(shown, answer), json.dumps(answer, indent=1)[:3000]
    assert validate(MatchRequest.model_validate(request), MatchResponse(**answer)) == []
    plain = client.post("/v1/match", json=without_rule(name, request)).json()
    assert plain["status"] == "optimal"
    assert pairs_of(plain) != pairs_of(answer)


@pytest.mark.parametrize("name", RULE_EXAMPLES)
@pytest.mark.parametrize("engine", ["cpsat", "mip"])
def test_the_general_engines_agree_on_every_rule_example(name: str, engine: str) -> None:
    request, _ = rule_examples()[name]
    client = TestClient(app)
    reference = client.post("/v1/match", json=request).json()
    body = {**request, "program": {**request["program"], "engine": engine}}
    answer = client.post("/v1/match", json=body).json()
    assert answer["status"] == reference["status"]
    assert answer["objective"] == pytest.approx(reference["objective"], abs=1e-6)
    assert answer["metrics"]["min_score"] == pytest.approx(reference["metrics"]["min_score"])


def test_the_readme_scenario_example_gets_the_answer_it_shows() -> None:
    request = json.loads(re.findall(r"```json scenario-request\n(.*?)```", README, re.S)[0])
    shown = json.loads(re.findall(r"```json scenario-answer\n(.*?)```", README, re.S)[0])
    answer = TestClient(app).post("/v1/scenarios", json=request).json()
    assert matches(shown, answer), json.dumps(answer, indent=1)[:3000]


def test_the_readme_scenario_file_example_is_a_real_file() -> None:
    shown = code_blocks("yaml")[0]
    (file,) = [
        path
        for path in (ROOT / "scenarios").glob("*.yaml")
        if path.read_text("utf-8").startswith(shown.splitlines()[0])
    ]
    real = [line for line in file.read_text("utf-8").splitlines() if not line.startswith("#")]
    assert real[: len(shown.splitlines())] == shown.splitlines()  # the README shows its start


def test_the_readme_rematch_example_gets_the_answer_it_shows() -> None:
    request = json.loads(re.findall(r"```json rematch-request\n(.*?)```", README, re.S)[0])
    shown = json.loads(re.findall(r"```json rematch-answer\n(.*?)```", README, re.S)[0])
    response = TestClient(app).post("/v1/rematch", json=request)
    assert response.status_code == 200
    assert matches(shown, response.json()), json.dumps(response.json(), indent=1)[:3000]
    assert "never found a slot" not in response.text
