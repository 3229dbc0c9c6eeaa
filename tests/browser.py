"""Real headless Chromium (Debian's package) driving a real `content-server serve` process.

Import the fixtures into a test module: `from .browser import browser, live_server, sign_in`.
One Chromium process serves the session, one server (on a fresh data root) each test module;
accounts are made with `content-server user add`.
"""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field

import pytest

from .conftest import ARTIFACTS, PASSWORD, ServerProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 800}


@pytest.fixture
def browser(chromium):
    """Headless Chromium, never downloaded: the session's one (conftest.py's `chromium`)."""
    return chromium


def launch_chromium():
    """Starts sync Playwright and Debian's Chromium; returns (playwright, browser)."""
    from playwright.sync_api import sync_playwright
    playwright = sync_playwright().start()
    try:
        return playwright, playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except BaseException:
        playwright.stop()
        raise


@dataclass
class LiveServer:
    """A running server process and the accounts made on it (name -> role)."""
    process: ServerProcess
    accounts: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.process.url

    def add_user(self, name: str, role: str, languages: str = "zh,mn") -> str:
        """Adds an account through the real command line; the password is PASSWORD."""
        result = subprocess.run(
            [sys.executable, "-m", "content_server.cli", "user", "add", name, "--role", role,
             "--languages", languages, "--data", str(self.process.data)],
            input=PASSWORD + "\n", text=True, capture_output=True, timeout=60)
        assert result.returncode == 0, result.stderr
        self.accounts[name] = role
        return name


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """`content-server serve` on a fresh data root, one per test module."""
    data = tmp_path_factory.mktemp("live") / "data"
    data.mkdir()
    process = ServerProcess(data).start()
    yield LiveServer(process)
    process.stop()


def sign_in(page, server: LiveServer, name: str, language: str = "zh") -> None:
    """Signs `name` in through the real sign-in form and lands on their console home."""
    page.goto(f"{server.url}/console/login?lang={language}")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "/console/login" not in page.url, f"sign-in failed for {name}"


def screenshot(page, name: str) -> None:
    """Saves a full-page screenshot into test-artifacts/ for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def new_page(browser, viewport: dict = LAPTOP, **options):
    """A page in its own context (own cookies), with console errors collected on page.errors."""
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    return page
