"""The service as a person's browser meets it: a real server in its own process, driven by
Debian's Chromium through Playwright, nothing fetched from any other host.

Fixtures:

- `server` (session): `uvicorn api.main:app` started in a subprocess on 127.0.0.1 at a
  free port, with this environment's BINOME_* settings, its stdout and stderr written to a
  log file, its working directory a temporary directory of its own. It is a `Server`:
  `.url` ("http://127.0.0.1:54321", no trailing slash), `.log_path` (the log, a `Path`),
  `.workdir` (the server's cwd, a `Path`: list it to see what the service wrote) and
  `.log()` (the log's text so far). Stopped at the end of the session.
- `keyed_server` (session): the same, with `BINOME_API_KEYS` set to `API_KEY`, so that
  every /v1 call needs `Authorization: Bearer <API_KEY>`.
- `browser` (session): headless Chromium from /usr/bin/chromium (never a browser of
  Playwright's own). Missing, the browser tests FAIL, naming what to install
  (`apt-get install chromium`); they are never skipped.
- `page` (function): a `Browsed`, a fresh context and page (1280×800, downloads accepted,
  locale "en-US" unless the test is marked `@pytest.mark.locale("fr-FR")`):
  `.page` (the Playwright `Page`), `.url` (the server's), `.requests_seen` (every request
  URL, in order), `.console_errors` (console messages of type error and uncaught page
  errors) and `.goto(path)` (opens `url + path`, returns the response). At teardown it
  asserts that every request went to 127.0.0.1 (or was a data: or blob: URL) and that
  `console_errors` is empty, so every browser test checks both without saying so.
- `keyed_page` (function): the same, on `keyed_server`.

    def test_docs(page: Browsed) -> None:
        page.goto("/docs")
        page.page.get_by_text("POST").first.wait_for()
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob"}
START_TIMEOUT_S = 30.0
API_KEY = "page-test-key-0123456789abcdef"  # keyed_server's (16 characters at least)


@dataclass(frozen=True)
class Server:
    url: str
    log_path: Path
    workdir: Path

    def log(self) -> str:
        return self.log_path.read_text("utf-8", "replace")


@dataclass
class Browsed:
    """A page of a fresh browser context, and what it asked for and complained about."""

    page: Any  # playwright.sync_api.Page
    requests_seen: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    url: str = ""

    def goto(self, path: str) -> Any:
        return self.page.goto(self.url + path)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _wait_until_healthy(process: subprocess.Popen[bytes], server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _healthy(server.url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the server did not start at {server.url}; its log:\n{server.log()}")
        time.sleep(0.1)


@contextmanager
def _serving(**settings: str) -> Iterator[Server]:
    workdir = Path(tempfile.mkdtemp(prefix="binome-server-"))
    port = _free_port()
    found = Server(f"http://127.0.0.1:{port}", workdir / "server.log", workdir)
    env = {**os.environ, **settings}  # the BINOME_* settings among them
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-access-log"]
    with found.log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_healthy(process, found)
        yield found
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    with _serving() as found:
        yield found


@pytest.fixture(scope="session")
def keyed_server() -> Iterator[Server]:
    with _serving(BINOME_API_KEYS=API_KEY) as found:
        yield found


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"the browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium",
            pytrace=False,
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the browser tests need Playwright: pip install -e '.[dev]'", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        launched.close()


def _local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


@contextmanager
def _browsing(browser: Any, server: Server, locale: str) -> Iterator[Browsed]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, accept_downloads=True, locale=locale
    )
    browsed = Browsed(context.new_page(), url=server.url)
    browsed.page.on("request", lambda sent: browsed.requests_seen.append(sent.url))
    browsed.page.on(
        "console",
        lambda message: message.type == "error" and browsed.console_errors.append(message.text),
    )
    browsed.page.on("pageerror", lambda error: browsed.console_errors.append(str(error)))
    yield browsed
    context.close()
    elsewhere = [url for url in browsed.requests_seen if not _local(url)]
    assert elsewhere == [], f"requests left 127.0.0.1: {elsewhere}"
    assert browsed.console_errors == [], f"console errors: {browsed.console_errors}"


def _locale(request: pytest.FixtureRequest) -> str:
    marker = request.node.get_closest_marker("locale")
    return str(marker.args[0]) if marker else "en-US"


@pytest.fixture
def page(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Browsed]:
    with _browsing(browser, server, _locale(request)) as browsed:
        yield browsed


@pytest.fixture
def keyed_page(
    browser: Any, keyed_server: Server, request: pytest.FixtureRequest
) -> Iterator[Browsed]:
    with _browsing(browser, keyed_server, _locale(request)) as browsed:
        yield browsed
