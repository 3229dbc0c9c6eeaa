"""The gettext catalogs in locales/: `python -m content_server.catalogs update|compile`.

update: extract every marked string (server, consoles, box app) into messages.pot and merge
it into both locales, keeping existing translations. compile: write the .mo files.
"""
from __future__ import annotations

import sys

from babel.messages.frontend import CommandLineInterface

from .i18n import DOMAIN, LANGUAGES, LOCALES_DIR

ROOT = LOCALES_DIR.parent
POT = LOCALES_DIR / "messages.pot"


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def update() -> None:
    _babel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "N_", "--no-location", "--sort-output",
           "--add-comments", "TRANSLATORS:", "-o", str(POT), "--project", "legal-tv", str(ROOT))
    for locale in LANGUAGES.values():
        po = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        command = "update" if po.exists() else "init"
        _babel(command, "-i", str(POT), "-d", str(LOCALES_DIR), "-D", DOMAIN, "-l", locale)


def compile_all() -> None:
    _babel("compile", "-d", str(LOCALES_DIR), "-D", DOMAIN, "--statistics")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    {"update": update, "compile": compile_all}.get(command, lambda: sys.exit("usage: catalogs update|compile"))()
