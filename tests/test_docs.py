"""The documentation is tested: README.md and docs/*.md, examples found by tag, links checked.

An example is a code block with `<!-- example: NAME -->` on the line just before its
fence. A block tagged `X-request` is a request and `X-answer` the answer it gets; the
program rules' examples are `rule-<name>-request` and `rule-<name>-answer`. In a shown
answer, "..." stands for what was left out.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import app
from solver import MatchRequest, MatchResponse, validate

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").glob("*.md"))]
CONTRACT = ROOT / "docs" / "CONTRACT.md"  # the agreed text, its JSON annotated with comments
TAG = re.compile(r"<!-- example: ([a-z0-9-]+) -->")
ELIDED = "..."


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence, from 1
    language: str
    text: str
    tag: str | None

    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """Every fenced code block of a page, with the tag on the line before it, if any."""
    lines = page.read_text("utf-8").splitlines()
    found, k = [], 0
    while k < len(lines):
        if not lines[k].startswith("```"):
            k += 1
            continue
        end = next(e for e in range(k + 1, len(lines)) if lines[e].startswith("```"))
        tag = TAG.fullmatch(lines[k - 1].strip()) if k > 0 else None
        text = "".join(line + "\n" for line in lines[k + 1 : end])
        found.append(Block(page, k + 1, lines[k][3:].strip(), text, tag and tag.group(1)))
        k = end + 1
    return found


BLOCKS = [block for page in PAGES for block in blocks(page)]
TAGGED = [block for block in BLOCKS if block.tag]


def example(tag: str) -> Block:
    (block,) = [b for b in TAGGED if b.tag == tag]
    return block


def example_json(tag: str) -> Any:
    return json.loads(example(tag).text)


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


# --- the tags ------------------------------------------------------------------------------


def test_no_tag_is_used_twice() -> None:
    used = Counter(block.tag for block in TAGGED)
    assert [tag for tag, n in used.items() if n > 1] == []


def test_every_tag_sits_on_the_line_just_before_a_code_block() -> None:
    written = Counter(
        (str(page.relative_to(ROOT)), tag)
        for page in PAGES
        for tag in TAG.findall(page.read_text("utf-8"))
    )
    on_blocks = Counter((str(block.page.relative_to(ROOT)), block.tag) for block in TAGGED)
    assert written == on_blocks


def test_every_request_has_its_answer_and_every_answer_its_request() -> None:
    tags = {block.tag for block in TAGGED}
    requests = {t.removesuffix("-request") for t in tags if t and t.endswith("-request")}
    answers = {t.removesuffix("-answer") for t in tags if t and t.endswith("-answer")}
    assert sorted(requests - answers) == [], "requests without an answer"
    assert sorted(answers - requests) == [], "answers without a request"


def test_every_json_and_yaml_block_is_a_tagged_example() -> None:
    untagged = [
        block.where()
        for block in BLOCKS
        if block.language in ("json", "yaml") and not block.tag and block.page != CONTRACT
    ]
    assert untagged == []


def test_the_readme_shows_the_quickstart_the_curl_and_one_request_with_its_answer() -> None:
    in_readme = {block.tag for block in TAGGED if block.page == README}
    assert {"quickstart", "curl", "match-request", "match-answer"} <= in_readme


# --- the examples --------------------------------------------------------------------------


def test_quickstart_is_exactly_make_run_and_make_test() -> None:
    lines = [line for line in example("quickstart").text.splitlines() if line.strip()]
    commands = [line.split("#")[0].strip() for line in lines]
    assert commands == ["make run", "make test"]
    assert all(line.partition("#")[2].strip() for line in lines), "each command has its comment"


def test_the_readme_curl_posts_the_bundled_example_and_gets_an_optimal_answer() -> None:
    curl = next(line for line in example("curl").text.splitlines() if line.startswith("curl"))
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


def test_the_readme_intake_curl_reads_the_french_csvs_into_the_bundled_pool() -> None:
    curl = next(line for line in example("intake").text.splitlines() if line.startswith("curl"))
    words = shlex.split(curl)
    path = next(w for w in words if w.startswith("http://")).split("8000", 1)[1]
    forms = [words[k + 1] for k, word in enumerate(words) if word == "-F"]
    files = {}
    for form in forms:
        field, _, at = form.partition("=@")
        files[field] = (Path(at).name, (ROOT / at).read_bytes())
    response = TestClient(app).post(path, files=files)
    assert response.status_code == 200, response.text
    body = json.loads((ROOT / "scenarios/examples/company_pool.json").read_text("utf-8"))
    read = MatchRequest.model_validate({**response.json()["pool"], "program": {}})
    assert read.mentees == MatchRequest.model_validate(body).mentees


def test_the_match_request_gets_the_answer_it_shows() -> None:
    request, shown = example_json("match-request"), example_json("match-answer")
    response = TestClient(app).post("/v1/match", json=request)
    assert response.status_code == 200
    assert validate(MatchRequest.model_validate(request), MatchResponse(**response.json())) == []
    assert matches(shown, response.json()), json.dumps(response.json(), indent=1)[:3000]


def test_the_error_example_is_what_a_duplicate_id_gets() -> None:
    shown = example_json("error")
    response = TestClient(app).post(
        "/v1/match", json={"mentors": [], "mentees": [{"id": "e1"}] * 2}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == shown


def test_the_reason_example_is_the_first_reason_of_the_example_pair() -> None:
    request = example_json("match-request")
    shown = example_json("reason")
    first = TestClient(app).post("/v1/match", json=request).json()["pairings"][0]["reasons"][0]
    assert matches(shown, first)


RULE_EXAMPLES = ["cross", "max_same", "balance", "fair", "stable", "group", "reverse", "diagnosis"]
RULE_TAG = re.compile(r"rule-([a-z0-9-]+)-(request|answer)")


def rule_examples() -> dict[str, tuple[dict[str, Any], Any]]:
    found: dict[str, dict[str, Any]] = {"request": {}, "answer": {}}
    for block in TAGGED:
        if tagged := RULE_TAG.fullmatch(block.tag or ""):
            name = tagged.group(1).replace("-", "_")  # rule-max-same-request: max_same
            found[tagged.group(2)][name] = json.loads(block.text)
    requests, answers = found["request"], found["answer"]
    assert requests.keys() == answers.keys()
    return {name: (requests[name], answers[name]) for name in requests}


def without_rule(name: str, request: dict[str, Any]) -> dict[str, Any]:
    """The same request with the example's rule switched off."""
    program = dict(request["program"])
    if name in ("cross", "max_same", "balance", "diagnosis"):
        program.pop("diversity")
    switched_off: dict[str, dict[str, Any]] = {
        "fair": {"objective": "total"},
        "stable": {"stable": False},
    }
    program.update(switched_off.get(name, {}))
    if name == "group":
        program["group"] = {"min_size": 1}
    if name == "reverse":
        program["format"] = "one_to_one"
    return {**request, "program": program}


def pairs_of(answer: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["mentor"], p["mentee"]) for p in answer["pairings"]}


def test_every_program_rule_has_an_example() -> None:
    assert sorted(rule_examples()) == sorted(RULE_EXAMPLES)


@pytest.mark.parametrize("name", RULE_EXAMPLES)
def test_a_rule_example_gets_the_answer_it_shows_and_the_rule_decides_it(name: str) -> None:
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


def test_the_scenario_example_gets_the_answer_it_shows() -> None:
    request, shown = example_json("scenario-request"), example_json("scenario-answer")
    answer = TestClient(app).post("/v1/scenarios", json=request).json()
    assert matches(shown, answer), json.dumps(answer, indent=1)[:3000]


def test_the_scenario_file_example_is_a_real_file() -> None:
    shown = example("scenario-file").text
    (file,) = [
        path
        for path in (ROOT / "scenarios").glob("*.yaml")
        if path.read_text("utf-8").startswith(shown.splitlines()[0])
    ]
    real = [line for line in file.read_text("utf-8").splitlines() if not line.startswith("#")]
    assert real[: len(shown.splitlines())] == shown.splitlines()  # the docs show its start


def test_the_rematch_example_gets_the_answer_it_shows() -> None:
    request, shown = example_json("rematch-request"), example_json("rematch-answer")
    response = TestClient(app).post("/v1/rematch", json=request)
    assert response.status_code == 200
    assert matches(shown, response.json()), json.dumps(response.json(), indent=1)[:3000]
    assert "never found a slot" not in response.text


# --- the links -----------------------------------------------------------------------------

LINK = re.compile(r"\[[^\]\n]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def without_code_blocks(page: Path) -> str:
    return re.sub(r"^```.*?^```", "", page.read_text("utf-8"), flags=re.S | re.M)


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives a page's headings: lower case, punctuation dropped."""
    headings = re.findall(r"^#{1,6} (.+)$", without_code_blocks(page), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def relative_links(page: Path) -> list[str]:
    """Links outside code, where brackets and parentheses are not links, and not to a URL."""
    text = re.sub(r"`[^`\n]*`", "", without_code_blocks(page))
    return [target for target in LINK.findall(text) if not SCHEME.match(target)]


def linked(page: Path, target: str) -> bool:
    """Whether a relative link names a file of the repository (and, if it says, a heading)."""
    path, _, anchor = target.partition("#")
    file = (page.parent / path).resolve() if path else page
    if not file.is_relative_to(ROOT) or not file.exists():
        return False
    return not anchor or file.suffix != ".md" or anchor in anchors(file)


@pytest.mark.parametrize("index", [README, ROOT / "docs" / "README.md"], ids=["README", "docs"])
def test_the_readme_and_the_docs_index_link_every_docs_page(index: Path) -> None:
    linked_pages = {
        (index.parent / target.partition("#")[0]).resolve() for target in relative_links(index)
    }
    pages = {page for page in PAGES if page.parent.name == "docs" and page.name != "README.md"}
    assert sorted(str(p.relative_to(ROOT)) for p in pages - linked_pages) == []


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_every_relative_link_points_at_a_file_in_the_repository(page: Path) -> None:
    assert [target for target in relative_links(page) if not linked(page, target)] == []


PROJECT_PATH = re.compile(
    r"`((?:solver|api|cli|intake|generator|scenarios|bench|tests|docs)/[\w./-]*)`"
)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_project_path_a_page_names_exists(page: Path) -> None:
    """A page that names `solver/engines/flow.py` names a file that is there."""
    named = PROJECT_PATH.findall(page.read_text("utf-8"))
    assert [path for path in named if not (ROOT / path.rstrip("/")).exists()] == []


def test_the_score_matrix_example_gets_the_answer_it_shows() -> None:
    request, shown = example_json("matrix-request"), example_json("matrix-answer")
    response = TestClient(app).post("/v1/match", json=request)
    assert response.status_code == 200, response.text
    assert matches(shown, response.json()), json.dumps(response.json(), indent=1)[:3000]
