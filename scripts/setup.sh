#!/usr/bin/env bash
# Installs everything legal-tv needs on a Debian machine; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(ffmpeg xvfb libmtdev1 chromium fonts-noto-core fonts-noto-cjk
                 wrk nginx-light iproute2 sqlite3 stress-ng postgresql
                 # the broadcast playout's SRT output (srt-live-transmit)
                 srt-tools
                 # build/pillow_raqm_wheel.py: the box's Pillow recipe built here (raqm vendored)
                 patch libjpeg-dev zlib1g-dev libfreetype-dev libharfbuzz-dev libfribidi-dev libharfbuzz-bin)

missing=()
for p in "${SYSTEM_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [ ! -f "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e '.[dev]'
  touch "$stamp"
fi

# Catalogs are compiled here, never committed.
.venv/bin/python -m content_server.catalogs compile
