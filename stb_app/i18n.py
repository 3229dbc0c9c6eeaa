"""The box's texts from the gettext catalogs in locales/ (domain legal_tv, English msgids).

`_()` translates into the current language; `N_()` only marks a msgid for extraction so a
widget can translate it again whenever the language switches.
"""
from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

DOMAIN = "legal_tv"
LOCALES = {"zh": "zh_Hans_CN", "mn": "mn_Mong_CN"}
_DIRS = (Path(__file__).resolve().parent.parent / "locales", Path(__file__).resolve().parent / "locales")

_current = {"language": "zh"}


def set_language(language: str) -> None:
    if language not in LOCALES:
        raise ValueError(language)
    _current["language"] = language


def language() -> str:
    return _current["language"]


@lru_cache(maxsize=None)
def _translations(lang: str) -> gettext.NullTranslations:
    for directory in _DIRS:
        if directory.exists():
            return gettext.translation(DOMAIN, directory, languages=[LOCALES[lang]], fallback=True)
    return gettext.NullTranslations()


def translate(msgid: str, lang: str | None = None, **params) -> str:
    text = _translations(lang or language()).gettext(msgid)
    return text.format(**params) if params else text


def _(msgid: str, **params) -> str:
    """`msgid` in the current language."""
    return translate(msgid, **params)


def N_(msgid: str) -> str:
    """Marks a msgid; widgets translate it when drawn (and again on a language switch)."""
    return msgid


def pick(texts, lang: str | None = None) -> str:
    """The text for the language from a contract bilingual object {"zh", "mn"} (or a str)."""
    if isinstance(texts, dict):
        lang = lang or language()
        return texts.get(lang) or texts.get("zh") or texts.get("mn") or ""
    return texts or ""
