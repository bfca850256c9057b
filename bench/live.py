"""A real uvicorn serving the app on a free loopback port, and plain HTTP/1.1 over sockets.

What the hostile-client benchmark (`python -m bench.hostile`) and the tests of slow, gone
and greedy clients drive: a server process of its own (settings from `env`, its memory
read from /proc), requests written byte by byte when they must be, and nothing ever sent
beyond 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Live:
    """A running server: its port and process id."""

    port: int
    pid: int

    def rss_mb(self) -> float:
        """Resident memory of the server process, in MB (VmRSS of /proc/<pid>/status)."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        kilobytes = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        return int(kilobytes.group(1)) / 1024 if kilobytes else 0.0

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request on a connection of its own: status, headers (lower-case), body."""
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            sent = {"Content-Type": "application/json", **(headers or {})}
            connection.request(method, path, body, sent)
            response = connection.getresponse()
            payload = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, payload
        finally:
            connection.close()

    def status(self, method: str, path: str, body: bytes | None = None, **kw: object) -> int:
        """The status of one request, or 0 when the connection failed."""
        try:
            return self.request(method, path, body, **kw)[0]  # type: ignore[arg-type]
        except OSError:
            return 0

    def metric(self, line_start: str) -> float:
        """The sum of the /metrics samples whose line starts with `line_start`."""
        text = self.request("GET", "/metrics")[2].decode()
        lines = [line for line in text.splitlines() if line.startswith(line_start)]
        return sum(float(line.rsplit(" ", 1)[1]) for line in lines)

    def connect(self, receive_buffer: int | None = None) -> socket.socket:
        """A raw connection; `receive_buffer` shrinks the kernel's buffer for a reader that
        never reads (so the server, not the kernel, holds what it cannot send)."""
        sock = socket.socket()
        if receive_buffer is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.settimeout(30)
        sock.connect((HOST, self.port))
        return sock


def head(
    method: str, path: str, length: int | None, headers: Mapping[str, str] | None = None
) -> bytes:
    """The request line and headers of a request, up to the body."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Content-Type: application/json"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_head(sock: socket.socket) -> tuple[int, dict[str, str]]:
    """The status and headers (lower-case) of the answer on a raw connection: (0, {}) if it
    was closed or reset first."""
    data = b""
    with contextlib.suppress(OSError):
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return 0, {}
    fields = [line.partition(":") for line in lines[1:]]
    return int(parts[1]), {name.lower(): value.strip() for name, _, value in fields}


def read_status(sock: socket.socket) -> int:
    """The status of the answer on a raw connection (0 if it was closed or reset first)."""
    return read_head(sock)[0]


def closed_by_server(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes (or resets) the connection within `seconds`, reading and
    dropping whatever it still sends."""
    sock.settimeout(0.5)
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        try:
            if not sock.recv(1 << 20):
                return True
        except TimeoutError:
            continue
        except OSError:
            return True
    return False


ESTABLISHED = 1  # tcpi_state of a TCP connection both ends still hold


def dropped_unread(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes (or resets) the connection within `seconds`, seen from the
    connection's TCP state, without reading a byte of what it has sent."""
    for _ in range(max(1, int(seconds * 10))):
        state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0]
        if state != ESTABLISHED:
            return True
        time.sleep(0.1)
    return False


@contextlib.contextmanager
def serving(
    env: Mapping[str, str] | None = None, root: Path = ROOT, log: Path | None = None
) -> Iterator[Live]:
    """uvicorn serving `api.main:app` of `root` on a free loopback port with these BINOME_
    settings (its log lines written to `log`), stopped on exit."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "api.main:app", "--host", HOST]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    settings = {"BINOME_LOG_FORMAT": "text", **(env or {})}
    sink = log.open("wb") if log is not None else subprocess.DEVNULL
    process = subprocess.Popen(
        command, cwd=root, env={**os.environ, **settings}, stdout=sink, stderr=sink
    )
    live = Live(port, process.pid)
    try:
        for _ in range(300):
            if live.status("GET", "/healthz", timeout=1) == 200:
                break
            time.sleep(0.05)
        yield live
    finally:
        process.terminate()
        process.wait(timeout=30)
        if not isinstance(sink, int):
            sink.close()
