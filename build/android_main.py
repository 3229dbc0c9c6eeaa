"""The app's entry point on Android (python-for-android runs main.py at the app's root).

Boxes get no command line: the server (and, optionally, a region for boxes handed out in one
place) come from `server.json` beside this file (written when the APK is built for a deployment),
the window size from the display, and the cache and outbox live in the app's private storage.
Without a region there, the household chooses its place with the remote on first start.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULTS = {"server": "http://127.0.0.1:8080"}


def deployment() -> dict:
    path = HERE / "server.json"
    settings = dict(DEFAULTS)
    if path.exists():
        settings.update(json.loads(path.read_text(encoding="utf-8")))
    return settings


def display_size() -> tuple[int, int]:
    """The display's real size in pixels, landscape (the TV), or 1920×1080 if unknown."""
    try:
        from jnius import autoclass

        activity = autoclass("org.kivy.android.PythonActivity").mActivity
        metrics = autoclass("android.util.DisplayMetrics")()
        activity.getWindowManager().getDefaultDisplay().getRealMetrics(metrics)
        sides = sorted((metrics.widthPixels, metrics.heightPixels))
        return sides[1], sides[0]
    except Exception:  # not on Android (e.g. a desktop trial run of the staged app)
        return 1920, 1080


def storage_dir() -> Path:
    try:
        from android.storage import app_storage_path

        return Path(app_storage_path()) / "legal-tv"
    except ImportError:
        return Path.home() / ".legal-tv"


if __name__ == "__main__":
    os.environ.setdefault("SDL_AUDIODRIVER", "android")  # the desktop default (pulseaudio) does not exist here
    os.environ.setdefault("KIVY_VIDEO", "ffpyplayer")
    settings = deployment()
    width, height = display_size()
    from stb_app.main import main

    region = ["--region", settings["region"]] if settings.get("region") else []
    raise SystemExit(main(["--server", settings["server"], *region,
                           "--size", f"{width}x{height}", "--data", str(storage_dir())]))
