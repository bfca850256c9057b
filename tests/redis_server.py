"""A real `redis-server` for the tests, on a free loopback port with a directory of its
own, stopped after (`.ci/run` installs it with apt-get when it is missing), and
`binome worker` processes taking jobs from it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def redis_server() -> Iterator[str]:
    """A running redis-server, as its URL."""
    binary = shutil.which("redis-server")
    assert binary is not None, "the job tests need redis-server: apt-get install redis-server"
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder]
        args += ["--save", "", "--appendonly", "no"]
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for(port)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(10)


def _wait_for(port: int) -> None:
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"redis-server did not listen on {port}")


def start_worker(url: str, heartbeat_s: float) -> subprocess.Popen[bytes]:
    """One `binome worker` process on this Redis."""
    env = {
        **os.environ,
        "BINOME_REDIS_URL": url,
        "BINOME_JOB_HEARTBEAT_S": str(heartbeat_s),
        "PYTHONPATH": str(ROOT),
    }
    code = "import sys; from cli.main import main; sys.argv = ['binome', 'worker']; main()"
    return subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
