"""Bilingual text from the gettext catalogs (msgids are English).

The sources (.po) live in the checkout's locales/; the compiled catalogs (.mo) are read from
inside the installed package (a wheel compiles them there, see setup.py), else from locales/
(`python -m content_server.catalogs compile` in a checkout).
"""
from __future__ import annotations

import gettext
import struct
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # content_server/
LOCALES_DIR = PACKAGE_DIR.parent / "locales"
PACKAGED_LOCALES_DIR = PACKAGE_DIR / "locales"
DOMAIN = "legal_tv"
LANGUAGES = {"zh": "zh_Hans_CN", "mn": "mn_Mong_CN"}


class CatalogsMissing(SystemExit):
    """The compiled catalogs are not there: the server would answer every household in English.
    A SystemExit, so a server refusing to start prints this sentence, not a traceback."""


def mo_path(directory: Path, language: str) -> Path:
    return directory / LANGUAGES[language] / "LC_MESSAGES" / f"{DOMAIN}.mo"


def compiled_catalogs_dir() -> Path | None:
    """The directory holding a compiled catalog for every language (the package's first)."""
    for directory in (PACKAGED_LOCALES_DIR, LOCALES_DIR):
        if all(mo_path(directory, language).is_file() for language in LANGUAGES):
            return directory
    return None


def require_catalogs() -> None:
    """Raises CatalogsMissing unless every language's compiled catalog can be read."""
    directory = compiled_catalogs_dir()
    if directory is None:
        raise CatalogsMissing(
            f"content-server: the compiled message catalogs ({DOMAIN}.mo for {', '.join(LANGUAGES.values())}) "
            f"are in neither {PACKAGED_LOCALES_DIR} nor {LOCALES_DIR}, so every answer would be in English. "
            "In a checkout run `python -m content_server.catalogs compile`; "
            "an installed package must be built from the sources with locales/ (`pip install .` compiles them).")
    for language in LANGUAGES:
        try:
            with open(mo_path(directory, language), "rb") as f:
                gettext.GNUTranslations(f)
        except (OSError, ValueError, IndexError, struct.error) as err:  # truncated or not a catalog
            raise CatalogsMissing(f"content-server: the catalog {mo_path(directory, language)} "
                                  f"cannot be read ({err}); compile the catalogs again.") from err


def N_(msgid: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return msgid


@lru_cache(maxsize=None)
def translations(language: str) -> gettext.NullTranslations:
    directory = compiled_catalogs_dir()
    if directory is None:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, directory, languages=[LANGUAGES[language]], fallback=True)


def translate(msgid: str, language: str, **params) -> str:
    text = translations(language).gettext(msgid)
    return text.format(**params) if params else text


def bilingual(msgid: str, **params) -> dict[str, str]:
    """The contract's bilingual object for one message."""
    return {lang: translate(msgid, lang, **params) for lang in LANGUAGES}
