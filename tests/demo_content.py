"""`content-server demo`'s content for a box test, made once per test run and copied.

The demo transcodes its case videos through the real pipeline; the box modules run in processes
of their own and most ask for the same demo (same length and count of videos), so the first to
ask makes it in a folder shared by the run and the others copy that data root. scripts/test.sh
names the folder in LEGALTV_TEST_DEMOS (made for the run, removed after it); without it the
demo is made once per process. Test modules that test the demo itself call fill_demo directly.
"""
from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from content_server.demo import fill_demo
from content_server.kernel.config import Settings

DEMO_OPTIONS = ("demo_seconds", "demo_count", "demo_plays")


@lru_cache(maxsize=None)
def _made_here() -> Path:
    """This process's own folder for demos, removed when it ends."""
    folder = Path(tempfile.mkdtemp(prefix="ltv-demos-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _shelf() -> Path:
    named = os.environ.get("LEGALTV_TEST_DEMOS")
    return Path(named) if named else _made_here()


def fill_demo_copy(settings: Settings) -> None:
    """What `fill_demo(settings)` makes on a fresh data root, copied into `settings.data` from
    the run's one demo of that length and count."""
    options = {k: v for k, v in settings.extra.items() if k in DEMO_OPTIONS}
    assert set(settings.extra) <= set(DEMO_OPTIONS), "only the demo's own options may shape a shared demo"
    shelf = _shelf()
    shelf.mkdir(parents=True, exist_ok=True)
    name = "demo-" + "-".join(f"{k}={options[k]}" for k in sorted(options))
    made = shelf / name
    with open(shelf / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)          # two runs at once: the second waits and copies
        if not (made / "complete").exists():
            shutil.rmtree(made, ignore_errors=True)
            fill_demo(Settings(data=made / "data", extra=options))
            (made / "complete").touch()
    shutil.copytree(made / "data", settings.data, dirs_exist_ok=True)
