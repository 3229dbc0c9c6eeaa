"""Both catalogs are complete: every marked string is translated into Chinese and Mongolian."""
from __future__ import annotations

import re
import string
from functools import lru_cache

import pytest
from babel.messages.pofile import read_po

from content_server import catalogs
from content_server.kernel.i18n import LANGUAGES

MONGOLIAN = re.compile(r"[\u1800-\u18af]")
HAS_WORDS = re.compile(r"[A-Za-z]{2,}")


@lru_cache(maxsize=None)
def template():
    with open(catalogs.POT, "rb") as f:
        return read_po(f)


@lru_cache(maxsize=None)
def catalog(language: str):
    with open(catalogs.po_path(language), "rb") as f:
        return read_po(f, locale=LANGUAGES[language])


def msgids(cat) -> set[str]:
    return {m.id for m in cat if m.id}


def placeholders(text: str) -> set[str]:
    """{name} fields (Python code) and %(name)s fields (Jinja templates) of a message."""
    named = {f"%({name})" for name in re.findall(r"%\((\w+)\)[sd]", text)}
    try:
        return named | {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError:
        return named | {"<unbalanced braces>"}


def test_the_template_is_not_stale(tmp_path):
    fresh = tmp_path / "messages.pot"
    catalogs.extract(fresh)
    with open(fresh, "rb") as f:
        extracted = msgids(read_po(f))
    assert extracted - msgids(template()) == set(), "new strings: run python -m content_server.catalogs update"
    assert msgids(template()) - extracted == set(), "removed strings: run python -m content_server.catalogs update"


def test_every_message_tells_translators_where_it_appears_and_how_long_it_may_be():
    # Babel's Jinja extractor drops the "TRANSLATORS:" tag, so any extracted comment counts
    missing = sorted(m.id for m in template() if m.id and not m.auto_comments)
    no_length = sorted(m.id for m in template()
                       if m.id and m.auto_comments and not re.search(r"max \d+", " ".join(m.auto_comments)))
    assert not missing, f"add a `TRANSLATORS: where shown, max N chars` comment right above: {missing}"
    assert not no_length, f"say how long the text may be (max N chars): {no_length}"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_message_is_translated_and_not_fuzzy(language):
    cat = catalog(language)
    untranslated = sorted(m for m in msgids(template()) if cat.get(m) is None or not cat.get(m).string)
    fuzzy = sorted(m.id for m in cat if m.id and m.fuzzy)
    assert not untranslated, f"{language}: translate these with `catalogs translate FILE.json`: {untranslated}"
    assert not fuzzy, f"{language}: fuzzy (check and translate again): {fuzzy}"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_translations_keep_exactly_the_placeholders_of_the_english_text(language):
    cat = catalog(language)
    wrong = {m.id: m.string for m in cat if m.id and m.string and placeholders(m.id) != placeholders(m.string)}
    assert not wrong


def test_mongolian_translations_are_written_in_mongolian_script():
    not_mongolian = {m.id: m.string for m in catalog("mn")
                     if m.id and m.string and HAS_WORDS.search(m.id) and not MONGOLIAN.search(m.string)}
    assert not not_mongolian


def test_chinese_translations_are_written_in_chinese():
    not_chinese = {m.id: m.string for m in catalog("zh")
                   if m.id and m.string and HAS_WORDS.search(m.id) and not re.search(r"[\u4e00-\u9fff]", m.string)}
    assert not not_chinese
