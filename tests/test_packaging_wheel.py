"""A server installed from a wheel (`pip install .`) answers in Chinese and Mongolian, and one
installed without its compiled catalogs refuses to start instead of answering in English."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from content_server.kernel.i18n import LANGUAGES

from .conftest import ROOT, free_port

NOT_FOUND = "Nothing was found at this address."
# a checkout as a newcomer clones it: no data, no compiled catalogs, no build leftovers
NOT_CLONED = {".git", ".venv", "media", "build", "test-artifacts", ".pytest_cache"}
NEVER = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", "*.mo", ".lock")


def left_out(directory: str, names: list[str]) -> set[str]:
    top = set(names) & NOT_CLONED if Path(directory) == ROOT else set()
    return top | NEVER(directory, names)


def source_translation(msgid: str, language: str) -> str:
    path = ROOT / "locales" / LANGUAGES[language] / "LC_MESSAGES" / "legal_tv.po"
    with open(path, "rb") as f:
        return read_po(f, locale=LANGUAGES[language]).get(msgid).string


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh virtual environment with legal-tv installed from a wheel built from a copy of the
    sources (.po catalogs only); its dependencies are the test environment's own."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=left_out)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(work / "dist"), str(source)], check=True, cwd=work)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(subprocess.run([venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")  # after the venv's own
    wheel, = (work / "dist").glob("legal_tv-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True)
    return venv


def run(venv: Path, *code: str) -> str:
    return subprocess.run([venv / "bin" / "python", "-c", "\n".join(code)], check=True, capture_output=True,
                          text=True, cwd=venv.parent).stdout.strip()


def serve(venv: Path, port: int) -> subprocess.Popen:
    """`content-server serve` from the installed package, in a directory that is not the checkout."""
    cwd = venv.parent / f"run-{port}"
    cwd.mkdir()
    return subprocess.Popen([venv / "bin" / "content-server", "serve", "--data", "data", "--port", str(port)],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_listening(proc: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
    raise TimeoutError("the installed server did not start")


def test_an_installed_server_answers_an_error_in_chinese_and_mongolian(installed):
    assert run(installed, "import content_server; print(content_server.__file__)").startswith(str(installed))
    port = free_port()
    proc = serve(installed, port)
    try:
        wait_until_listening(proc, port)
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/no-such-thing", timeout=10)
        body = json.loads(answer.value.read())
    finally:
        proc.terminate()
        proc.wait(30)
    assert answer.value.code == 404 and body["error"] == "not_found"
    assert body["message"] == {lang: source_translation(NOT_FOUND, lang) for lang in LANGUAGES}
    assert NOT_FOUND not in body["message"].values()
    # the box app in the same wheel speaks both languages too
    paused = run(installed, "from stb_app.i18n import translate",
                 "print(translate('Paused', 'zh')); print(translate('Paused', 'mn'))").splitlines()
    assert paused == [source_translation("Paused", "zh"), source_translation("Paused", "mn")]
    # and its Kivy part with the .kv layouts the app loads from beside its modules
    layouts = run(installed, "from importlib.resources import files",
                  "ui = files('stb_app.ui'); print(sorted(p.name for p in [*ui.iterdir(), *(ui / 'screens').iterdir()]",
                  "                              if p.name.endswith('.kv')))")
    assert all(name in layouts for name in ("'root.kv'", "'widgets.kv'", "'home.kv'", "'player.kv'"))


def test_an_installed_server_without_its_catalogs_refuses_to_start(installed):
    packaged = Path(run(installed, "from content_server.kernel.i18n import PACKAGED_LOCALES_DIR; print(PACKAGED_LOCALES_DIR)"))
    assert packaged.is_dir()
    shutil.rmtree(packaged)
    port = free_port()
    proc = serve(installed, port)
    try:
        _out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode != 0
    assert "compiled message catalogs" in err and "catalogs compile" in err
    assert "Traceback" not in err
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
