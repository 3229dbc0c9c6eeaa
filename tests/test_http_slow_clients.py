"""Slow and numerous clients cannot hold the server: heads and bodies have timeouts, and running
out of file descriptors is logged once, not once a second with a traceback."""
from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request

import pytest

from .conftest import free_port

GENEROUS = 30  # seconds: bounds that only a hung server reaches, never a timing claim


def start_server(tmp_path, *, settings: str = "", open_files: int | None = None) -> tuple[subprocess.Popen, int, object]:
    """The app factory served by aiohttp in its own process, as `content-server serve` does."""
    port = free_port()
    script = textwrap.dedent(f"""
        import logging
        from aiohttp import web
        from content_server.app import create_app
        from content_server.kernel.config import Settings
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        settings = Settings(data={str(tmp_path / "data")!r})
        {settings}
        web.run_app(create_app(settings), host="127.0.0.1", port={port}, access_log=None)
    """)
    if not settings:  # no settings to change: the command line itself
        command = [sys.executable, "-m", "content_server.cli", "serve", "--data", str(tmp_path / "data"),
                   "--port", str(port)]
    else:
        command = [sys.executable, "-c", script]
    log_path = tmp_path / "server.log"

    def limit_open_files():
        if open_files:
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))
    proc = subprocess.Popen(command, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT, cwd=os.getcwd(),
                            preexec_fn=limit_open_files)
    deadline = time.monotonic() + GENEROUS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
                if resp.status == 200:
                    return proc, port, log_path
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(log_path.read_text())
            time.sleep(0.1)
    raise TimeoutError("server did not start")


@pytest.fixture
def stop():
    procs = []
    yield procs.append
    for proc in procs:
        proc.terminate()
        proc.wait(10)


def closed_by_server(sock: socket.socket, drip: bytes, every: float, within: float) -> bool:
    """Sends `drip` every `every` seconds until the server closes the connection or `within` passes."""
    sock.settimeout(every)
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if sock.recv(4096) == b"":
                return True
        except socket.timeout:
            pass
        except ConnectionResetError:
            return True
        try:
            sock.sendall(drip)
        except (BrokenPipeError, ConnectionResetError):
            return True
    return False


def test_a_client_sending_its_headers_one_line_at_a_time_is_disconnected(tmp_path, stop):
    proc, port, _ = start_server(tmp_path, settings="settings.header_timeout_seconds = 2")
    stop(proc)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: box\r\n")
        assert closed_by_server(sock, b"X-Slow: 1\r\n", every=0.5, within=GENEROUS)
    # a client that sends its request at once is still answered
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=GENEROUS) as resp:
        assert resp.status == 200


@pytest.mark.parametrize("path,content_type,start", [
    ("/api/v1/devices", "application/json", b'{"region": '),
    ("/console/login", "application/x-www-form-urlencoded", b"name=saran&password="),
])
def test_a_client_that_stops_sending_its_body_is_answered_and_disconnected(tmp_path, stop, path, content_type, start):
    proc, port, _ = start_server(tmp_path, settings="settings.body_timeout_seconds = 2")
    stop(proc)
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: box\r\nContent-Type: {content_type}\r\n"
                     f"Content-Length: 200\r\n\r\n".encode() + start)
        sock.settimeout(GENEROUS)
        reply = b""
        try:
            while chunk := sock.recv(4096):
                reply += chunk
        except ConnectionResetError:
            pass
    assert reply.startswith(b"HTTP/1.1 408"), reply
    assert b'"too_slow"' in reply and b'"mn"' in reply


def test_running_out_of_file_descriptors_is_logged_once_and_the_server_recovers(tmp_path, stop):
    proc, port, log_path = start_server(tmp_path, open_files=64)
    stop(proc)
    sockets = []
    try:
        for _ in range(120):  # more connections than the server may open files
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=GENEROUS))
        deadline = time.monotonic() + GENEROUS
        while "too many open files" not in log_path.read_text(errors="replace").lower():
            assert time.monotonic() < deadline, "the server never ran out of file descriptors"
            time.sleep(0.1)
        time.sleep(3)  # asyncio retries the refused accept() every second: three more failures to keep quiet
    finally:
        for sock in sockets:
            sock.close()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=GENEROUS) as resp:
        assert resp.status == 200
    log = log_path.read_text(errors="replace")
    lines = [line for line in log.splitlines() if "too many open files" in line.lower()]
    assert len(lines) == 1, log[-3000:]
    assert "Traceback" not in log
