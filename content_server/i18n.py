"""Bilingual text from the gettext catalogs in locales/ (msgids are English)."""
from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "legal_tv"
LANGUAGES = {"zh": "zh_Hans_CN", "mn": "mn_Mong_CN"}


def N_(msgid: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return msgid


@lru_cache(maxsize=None)
def translations(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALES_DIR, languages=[LANGUAGES[language]], fallback=True)


def translate(msgid: str, language: str, **params) -> str:
    text = translations(language).gettext(msgid)
    return text.format(**params) if params else text


def bilingual(msgid: str, **params) -> dict[str, str]:
    """The contract's bilingual object for one message."""
    return {lang: translate(msgid, lang, **params) for lang in LANGUAGES}
