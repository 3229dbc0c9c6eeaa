"""Shared fixtures: a real server on a real SQLite file in a fresh data root per test."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from content_server.app import create_app
from content_server.kernel import auth
from content_server.kernel.config import Settings
from content_server.storage import STORE, Store, accounts

from . import given

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "correct horse battery"
METRICS_TOKEN = "scrape-token-of-the-tests"
METRICS = {"Authorization": f"Bearer {METRICS_TOKEN}"}  # what a Prometheus scraper sends for /metrics


ENGINES = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "both_engines: the module's server tests run on SQLite and on PostgreSQL")


def pytest_generate_tests(metafunc):
    """Modules marked `both_engines` run each server test twice: on a SQLite file and on a fresh
    PostgreSQL database (a copy of the migrated template)."""
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("engine", ENGINES)


@pytest.fixture
def engine() -> str:
    return "sqlite"


@pytest.fixture
def settings(request, tmp_path, engine) -> Settings:
    database = request.getfixturevalue("postgres_migrated_url") if engine == "postgresql" else ""
    return Settings(data=tmp_path / "data", database=database, metrics_token=METRICS_TOKEN)


@pytest.fixture
async def client(aiohttp_client, settings):
    """An HTTP client talking to a real app (in this process) on a real SQLite file (or PostgreSQL)."""
    return await aiohttp_client(create_app(settings))


def add_account(store: Store, name: str, role: str, languages: str = "zh,mn") -> int:
    return given.write(store, accounts.add_user, name, role, auth.hash_password(PASSWORD), languages)


@pytest.fixture
def make_account(client):
    """Creates an account and returns a Bearer API token for it."""
    def make(name: str, role: str, languages: str = "zh,mn") -> dict:
        store = client.server.app[STORE]
        user_id = add_account(store, name, role, languages)
        token, token_hash = auth.new_token("ltv")
        given.write(store, accounts.add_api_token, user_id, token_hash)
        return {"Authorization": f"Bearer {token}"}
    return make


@pytest.fixture
async def device(client):
    """A registered set-top box: headers carrying its token."""
    resp = await client.post("/api/v1/devices", json={"region": "152500", "language": "mn"})
    assert resp.status == 201
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`content-server serve` as its own process, so tests can kill -9 it."""

    def __init__(self, data: Path, port: int | None = None, database: str = ""):
        self.data, self.port, self.database = data, port or free_port(), database
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20) -> "ServerProcess":
        log = open(self.data.parent / f"server-{self.port}.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "content_server.cli", "serve", "--data", str(self.data),
             "--port", str(self.port), "--metrics-token", METRICS_TOKEN,
             *(["--database", self.database] if self.database else [])], stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited with {self.proc.returncode}")
                time.sleep(0.05)
        raise TimeoutError("server did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def server_process(settings):
    """A factory for real server processes on one data root and the settings' database; all are
    stopped afterwards."""
    started: list[ServerProcess] = []
    data = settings.data
    data.mkdir(parents=True, exist_ok=True)

    def start(port: int | None = None) -> ServerProcess:
        server = ServerProcess(data, port, settings.database).start()
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def box_display():
    """One Xvfb display for every box app run in pytest's own process. Kivy keeps one window per
    process, and Xlib ends the whole process when that window's display goes away, so a display
    per test module would end the run at the second module."""
    from .box_ui import start_xvfb
    xvfb, display = start_xvfb()
    yield display
    xvfb.terminate()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for every browser test of the session (tests/browser.py's `browser`).

    While sync Playwright runs, the main thread looks as if an event loop were running, and an
    async test after it would fail to start its loop: the browser tests run last (below), so none
    follows. Each test still opens its own context: own cookies and storage."""
    from .browser import launch_chromium
    playwright, browser = launch_chromium()
    try:
        yield browser
        browser.close()
    finally:
        playwright.stop()


def pytest_collection_modifyitems(items):
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread for the whole session, and no asyncio test can start while it does."""
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


from tests.postgres import (postgres_migrated_url, postgres_server, postgres_template,  # noqa: E402,F401
                            postgres_url)
