"""A client generated from the service's OpenAPI by a real generator (openapi-python-client)
calls every endpoint of a live server: answers come back as typed models, refusals as typed
problem documents (`errors[].loc` and `msg` as attributes), the API key goes as the bearer
security scheme, and a misspelt key reaches the server to be refused.

The client is generated once for the module, from `app.openapi()` (no network), into the
suite's temporary folder; the server is uvicorn on a free port, in a thread of this process.
"""

from __future__ import annotations

import importlib
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import uvicorn

from api import examples
from api.app import create_app
from api.exporting import MEDIA_TYPES
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "scenarios" / "examples"
KEY = "generated-client-key-0123456789"
PACKAGE = "binome_client"
CONFIG = {
    "project_name_override": PACKAGE,
    "package_name_override": PACKAGE,
    "post_hooks": [],  # no formatter run on the generated code
    # the generator reads a response as bytes only for types it knows to be binary
    "content_type_overrides": {MEDIA_TYPES["xlsx"]: "application/octet-stream"},
}
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The generated package, imported (and forgotten after the module)."""
    folder = tmp_path_factory.mktemp("generated")
    spec, config = folder / "openapi.json", folder / "config.json"
    spec.write_text(json.dumps(create_app(Settings(api_keys=KEY)).openapi()), "utf-8")
    config.write_text(json.dumps(CONFIG), "utf-8")
    command = [str(GENERATOR), "generate", "--path", str(spec), "--config", str(config)]
    command += ["--meta", "none", "--output-path", str(folder / PACKAGE)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Warning" not in done.stdout, done.stdout  # nothing skipped: every endpoint is there
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """A live server with an API key, on a free port of this host."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(Settings(api_keys=KEY))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        time.sleep(0.01)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


def part(module: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{module}")


@pytest.fixture(scope="module")
def client(client_package: ModuleType, base_url: str) -> Any:
    return client_package.AuthenticatedClient(base_url=base_url, token=KEY, timeout=60)


def model(name: str) -> Any:
    return getattr(part("models"), name)


def test_the_generator_names_each_operation_as_the_service_does(client_package: ModuleType) -> None:
    for module in ("match.match", "scenarios.compare_scenarios", "rematch.rematch"):
        assert callable(part(f"api.{module}").sync)
    for module in ("intake.intake", "intake.intake_rematch", "export.export", "health.healthz"):
        assert callable(part(f"api.{module}").sync_detailed)
    for module in ("jobs.submit_job", "jobs.get_job", "jobs.cancel_job"):
        assert callable(part(f"api.{module}").sync)


def test_health_and_metrics(client_package: ModuleType, base_url: str) -> None:
    open_client = client_package.Client(base_url=base_url)
    assert part("api.health.healthz").sync(client=open_client).status == "ok"
    assert "binome_requests_total" in part("api.health.metrics").sync(client=open_client)


def test_match_answers_a_typed_response(client: Any) -> None:
    request = model("MatchRequest").from_dict(examples.POOL)
    answer = part("api.match.match").sync(client=client, body=request)
    assert isinstance(answer, model("MatchResponse"))
    assert answer.status == model("MatchResponseStatus").OPTIMAL
    assert {p.mentee for p in answer.pairings} == {"e1", "e2", "e3"}
    assert answer.pairings[0].reasons[0].criterion in {"goals", "languages", "preferences"}
    assert answer.metrics.match_rate == 1.0


def test_a_refusal_comes_back_as_a_typed_problem(client: Any) -> None:
    pool = {**examples.POOL, "mentees": [*examples.POOL["mentees"], {"id": "e1"}]}
    body = model("MatchRequest").from_dict(pool)
    response = part("api.match.match").sync_detailed(client=client, body=body)
    assert response.status_code == 422
    problem = response.parsed
    assert isinstance(problem, model("Problem"))
    assert problem.status == 422 and problem.title == "Invalid request"
    [error] = problem.errors
    assert isinstance(error, model("FieldError"))
    assert error.loc == ["body", "mentees", 3, "id"]
    assert error.msg == "duplicate id 'e1' in mentees"


def test_a_misspelt_key_reaches_the_server_and_is_refused(client: Any) -> None:
    with pytest.raises(TypeError):  # built by hand: the model has no such field
        model("Participant")(id="e9", skils=["python"])
    pool = {**examples.POOL, "mentees": [{"id": "e9", "skils": ["python"]}]}
    body = model("MatchRequest").from_dict(pool)  # read from a file: kept, not dropped
    assert body.to_dict()["mentees"] == [{"id": "e9", "skils": ["python"]}]
    problem = part("api.match.match").sync(client=client, body=body)
    assert problem.status == 422
    assert [(e.loc, e.msg) for e in problem.errors] == [
        (["body", "mentees", 0, "skils"], "Extra inputs are not permitted")
    ]


def test_without_the_key_the_answer_is_a_typed_401(
    client_package: ModuleType, base_url: str
) -> None:
    anonymous = client_package.Client(base_url=base_url)
    body = model("MatchRequest").from_dict(examples.POOL)
    response = part("api.match.match").sync_detailed(client=anonymous, body=body)
    assert response.status_code == 401
    assert response.parsed.title == "Unauthorized"
    assert response.headers["www-authenticate"] == 'Bearer realm="binome"'


def test_scenarios_and_rematch(client: Any) -> None:
    request = model("ScenarioRequest").from_dict(examples.SCENARIOS["capacity"]["value"])
    compared = part("api.scenarios.compare_scenarios").sync(client=client, body=request)
    assert [v.name for v in compared.variants] == ["capacity 1", "m2 leaves"]
    assert compared.base.status == model("OutcomeStatus").OPTIMAL
    rematch = model("RematchRequest").from_dict(examples.REMATCH["feedback"]["value"])
    answer = part("api.rematch.rematch").sync(client=client, body=rematch)
    assert [(n.mentee, n.reason) for n in answer.kept] == [
        ("e1", model("PairNoteReason")("rated_well"))
    ]
    assert [(n.mentee, n.reason.value) for n in answer.ended] == [("e2", "low_rating")]


def _file(name: str) -> Any:
    data = (EXAMPLES / name).read_bytes()
    return part("types").File(payload=BytesIO(data), file_name=name, mime_type="text/csv")


def _text(name: str, text: str) -> Any:
    return part("types").File(payload=BytesIO(text.encode()), file_name=name, mime_type="text/csv")


def test_intake_reads_the_files_and_the_pool_they_give_is_matched(client: Any) -> None:
    form = model("IntakeBody")(
        mentors=_file("company_mentors_fr.csv"), mentees=_file("company_mentees_fr.csv")
    )
    read = part("api.intake.intake").sync(client=client, body=form, accept_language="fr")
    assert isinstance(read, model("IntakeResponse"))
    pool = {"mentors": read.pool.to_dict()["mentors"], "mentees": read.pool.to_dict()["mentees"]}
    assert len(pool["mentors"]) > 10 and len(pool["mentees"]) > 10
    matched = part("api.match.match").sync(
        client=client, body=model("MatchRequest").from_dict(pool)
    )
    assert matched.status == model("MatchResponseStatus").OPTIMAL
    rematch_form = model("IntakeRematchBody")(
        feedback=_file("company_feedback_fr.csv"), pool=json.dumps(pool)
    )
    files = part("api.intake.intake_rematch").sync(client=client, body=rematch_form)
    assert isinstance(files, model("RematchFiles"))
    assert files.feedback and files.current == [] and files.leaving == []


def test_a_bad_form_is_a_typed_problem_located_in_its_file(client: Any) -> None:
    form = model("IntakeBody")(
        mentors=_text("mentors.csv", "Identifiant;Compétences\nm1;python\n"),
        mentees=_text("mentees.csv", "Identifiant;Ancienneté (années)\ne1;dix\n"),
    )
    problem = part("api.intake.intake").sync(client=client, body=form, accept_language="en")
    assert problem.status == 422
    [error] = problem.errors
    assert error.loc == ["body", "mentees"] and error.row == 2 and error.value == "dix"


def test_export_gives_the_workbook_as_bytes(client: Any) -> None:
    request = model("ExportRequest").from_dict(examples.EXPORT["workbook"]["value"])
    response = part("api.export.export").sync_detailed(client=client, body=request)
    assert response.status_code == 200
    assert response.parsed.payload.read().startswith(b"PK")  # a zip: the xlsx workbook


def test_a_job_is_submitted_followed_and_answers_the_endpoint_s_typed_answer(client: Any) -> None:
    body = model("JobSubmission").from_dict({"kind": "match", "request": examples.POOL})
    accepted = part("api.jobs.submit_job").sync_detailed(client=client, body=body)
    assert accepted.status_code == 202
    job_id = accepted.parsed.id
    assert accepted.headers["location"] == f"/v1/jobs/{job_id}"
    for _ in range(1200):  # the service's worker processes start with its first job
        job = part("api.jobs.get_job").sync(client=client, job_id=job_id)
        if job.status.value in ("succeeded", "failed", "cancelled"):
            break
        time.sleep(0.05)
    assert isinstance(job, model("Job")) and job.status.value == "succeeded"
    assert isinstance(job.result, model("MatchResponse"))
    assert {p.mentee for p in job.result.pairings} == {"e1", "e2", "e3"}
    ended = part("api.jobs.cancel_job").sync(client=client, job_id=job_id)
    assert ended.status.value == "succeeded"  # an ended job is left as it is
    missing = part("api.jobs.get_job").sync_detailed(client=client, job_id="no-such-job")
    assert missing.status_code == 404 and isinstance(missing.parsed, model("Problem"))
