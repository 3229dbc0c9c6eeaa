#!/usr/bin/env bash
# Runs every test against real ffmpeg, SQLite, Kivy under Xvfb and headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export SDL_AUDIODRIVER=dummy KIVY_NO_ARGS=1 KIVY_NO_CONSOLELOG=1
exec .venv/bin/python -m pytest -q -rs "$@"
