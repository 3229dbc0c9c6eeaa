"""The gettext catalogs in locales/: `python -m content_server.catalogs update|translate F|compile`.

update: extract every marked string (server, consoles, box app) into messages.pot and merge it
into both locales, keeping existing translations. translate F: merge a JSON file
{"msgid": {"zh": "...", "mn": "..."}} into both catalogs (Mongolian case suffixes joined to their
words with U+202F). compile: write the .mo files beside them
(a wheel's build writes them into the packages instead, see setup.py).
Each step holds a lock on locales/, so several people may run them at once.
"""
from __future__ import annotations

import fcntl
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from legaltv_locale.mongolian import attach_suffixes

from .kernel.i18n import DOMAIN, LANGUAGES, LOCALES_DIR, mo_path

ROOT = LOCALES_DIR.parent
POT = LOCALES_DIR / "messages.pot"


@contextmanager
def _locked():
    with open(LOCALES_DIR / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def po_path(language: str) -> Path:
    return LOCALES_DIR / LANGUAGES[language] / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(output: Path) -> None:
    """Writes a fresh template of every marked string (server, consoles, box app) to `output`."""
    _babel("extract", "-F", str(ROOT / "babel.cfg"), "-k", "N_", "--no-location", "--sort-output",
           "--add-comments", "TRANSLATORS:", "-o", str(output), "--project", "legal-tv", str(ROOT))


def update() -> None:
    with _locked():
        fresh = POT.with_suffix(".new")
        extract(fresh)
        with open(fresh, "rb") as f:
            found = len([m for m in read_po(f) if m.id])
        if not found:  # a half-written source tree must never empty both catalogs
            fresh.unlink()
            sys.exit("catalogs: extraction found no messages; nothing was changed")
        fresh.replace(POT)
        for language, locale in LANGUAGES.items():
            command = "update" if po_path(language).exists() else "init"
            _babel(command, "-i", str(POT), "-d", str(LOCALES_DIR), "-D", DOMAIN, "-l", locale,
                   *(["--no-fuzzy-matching"] if command == "update" else []))


def translate(source: Path) -> None:
    pairs = json.loads(Path(source).read_text(encoding="utf-8"))
    with _locked():
        for language in LANGUAGES:
            path = po_path(language)
            with open(path, "rb") as f:
                catalog = read_po(f, locale=LANGUAGES[language])
            for msgid, texts in pairs.items():
                # a case suffix typed after a plain space would start a column of its own
                text = attach_suffixes(texts[language]) if language == "mn" else texts[language]
                message = catalog.get(msgid)
                if message is None:
                    catalog.add(msgid, text)
                else:
                    message.string = text
                    message.flags.discard("fuzzy")
            with open(path, "wb") as f:
                write_po(f, catalog, width=0, omit_header=False, sort_output=True)


def compile_into(directory: Path) -> list[Path]:
    """Compiles every language's .po into <directory>/<locale>/LC_MESSAGES/legal_tv.mo (fuzzy
    entries left out); returns the files written. Raises OSError when a .po is missing."""
    written = []
    for language, locale in LANGUAGES.items():
        with open(po_path(language), "rb") as f:
            catalog = read_po(f, locale=locale)
        target = mo_path(directory, language)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")  # a server starting meanwhile never reads half a file
        with open(partial, "wb") as f:
            write_mo(f, catalog)
        os.replace(partial, target)
        written.append(target)
    return written


def compile_all() -> None:
    with _locked():
        compile_into(LOCALES_DIR)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["update"]:
        update()
    elif args[:1] == ["compile"]:
        compile_all()
    elif args[:1] == ["translate"] and len(args) == 2:
        translate(Path(args[1]))
    else:
        sys.exit("usage: python -m content_server.catalogs update | translate FILE.json | compile")
