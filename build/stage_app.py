#!/usr/bin/env python3
"""Lays out the app as buildozer packages it: build/out/app/ (source.dir of buildozer.spec).

main.py (android_main.py), the stb_app, legaltv_locale, legaltv_calculators and legaltv_regions packages, and the compiled
catalogs locales/<locale>/LC_MESSAGES/legal_tv.mo. Usage: python build/stage_app.py [DEST]
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

BUILD = Path(__file__).resolve().parent
ROOT = BUILD.parent
DEFAULT_DEST = BUILD / "out" / "app"
PACKAGES = ("stb_app", "legaltv_locale", "legaltv_calculators", "legaltv_regions")


def stage(dest: Path = DEFAULT_DEST) -> Path:
    """Writes a fresh app tree to `dest` and returns it."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copyfile(BUILD / "android_main.py", dest / "main.py")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, dest / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.md"))  # notes for developers stay home
    for po in (ROOT / "locales").glob("*/LC_MESSAGES/legal_tv.po"):
        target = dest / po.relative_to(ROOT).with_suffix(".mo")
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(po, "rb") as f:
            catalog = read_po(f)
        with open(target, "wb") as f:
            write_mo(f, catalog)
    return dest


if __name__ == "__main__":
    print(stage(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DEST))
