"""Mongolian case suffixes stay with their words in everything legal-tv ships.

A suffix written apart (ᠬᠠᠤᠯᠢ ᠶᠢᠨ, "of the law") must follow U+202F NARROW NO-BREAK SPACE: after a
plain space it may start a new column, apart from its word, and is shaped as a word of its own.
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

from babel.messages.pofile import read_po

from legaltv_locale.mongolian import NNBSP, attach_suffixes, suffixes_after_plain_space

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CODE = ("content_server", "stb_app", "legaltv_locale")


def strings_in(value):
    """Every string inside a JSON document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def test_catalogs_join_every_suffix_to_its_word():
    loose = {}
    for po in sorted(ROOT.glob("locales/*/LC_MESSAGES/*.po")):
        with open(po, "rb") as f:
            for message in read_po(f):
                translations = message.string if isinstance(message.string, tuple) else (message.string,)
                found = [part for text in translations if text for part in suffixes_after_plain_space(text)]
                if message.id and found:
                    loose[f"{po.parent.parent.name}: {message.id if isinstance(message.id, str) else message.id[0]}"] = found
    assert loose == {}, "suffixes after a plain space (use U+202F)"


def test_guidance_data_joins_every_suffix_to_its_word():
    files = sorted((ROOT / "content_server" / "guidance" / "data").glob("*.json"))
    assert files
    loose = {path.name: found for path in files
             if (found := [part for text in strings_in(json.loads(path.read_text(encoding="utf-8")))
                           for part in suffixes_after_plain_space(text)])}
    assert loose == {}, "suffixes after a plain space (use U+202F)"


def test_mongolian_written_in_shipped_code_joins_every_suffix_to_its_word():
    # topics, demo titles, channel names and layouts carry Mongolian in their source
    loose = {}
    for package in SHIPPED_CODE:
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix == ".py":
                tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
                texts = [node.value for node in ast.walk(tree)
                         if isinstance(node, ast.Constant) and isinstance(node.value, str)]
            elif path.suffix in {".kv", ".html", ".json"}:
                texts = [path.read_text(encoding="utf-8")]
            else:
                continue
            if found := [part for text in texts for part in suffixes_after_plain_space(text)]:
                loose[str(path.relative_to(ROOT))] = found
    assert loose == {}, "suffixes after a plain space (use U+202F)"


def test_a_suffix_is_seen_only_after_a_word_and_only_whole():
    assert suffixes_after_plain_space("ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠰᠤᠪᠠᠭ") == ["ᠬᠠᠤᠯᠢ ᠶᠢᠨ"]      # of the law
    assert suffixes_after_plain_space("ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ ᠤᠨ ᠬᠣᠬᠢᠷᠠᠯ ᠢ") == ["ᠵᠠᠮ ᠤᠨ", "ᠣᠳᠣᠯ ᠤᠨ", "ᠬᠣᠬᠢᠷᠠᠯ ᠢ"]
    assert suffixes_after_plain_space("ᠪᠠᠷᠢᠮᠲᠠ ᠳᠤ ᠪᠡᠨ") == ["ᠪᠠᠷᠢᠮᠲᠠ ᠳᠤ", "ᠳᠤ ᠪᠡᠨ"]   # one after another
    assert len(suffixes_after_plain_space("ᠠᠵᠢᠯ ᠳᠤᠷ ᠣᠯᠠᠨ ᠳᠠᠭᠠᠨ ᠲᠡᠭᠦᠨ ᠡᠴᠡ ᠬᠦᠮᠦᠨ ᠯᠤᠭ᠎ᠠ")) == 4
    assert suffixes_after_plain_space(f"ᠬᠠᠤᠯᠢ{NNBSP}ᠶᠢᠨ ᠰᠤᠪᠠᠭ") == []
    assert suffixes_after_plain_space("ᠢ ᠪᠣᠯ") == []            # no word before it
    assert suffixes_after_plain_space("12348 ᠳᠤ ᠤᠲᠠᠰᠤ") == ["12348 ᠳᠤ"]                 # "to 12348"
    assert suffixes_after_plain_space("{first} ᠡᠴᠡ {last}") == ["{first} ᠡᠴᠡ"]           # a placeholder
    assert suffixes_after_plain_space("OK ᠲᠦᠷ ᠵᠣᠭᠰᠣᠭᠠᠬᠤ") == ["OK ᠲᠦᠷ"]                 # a Latin name
    assert suffixes_after_plain_space("ᠬᠡᠯᠡ ᠢᠷᠡᠭᠰᠡᠨ") == []     # a word that only starts like ᠢ
    assert attach_suffixes("ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ") == f"ᠵᠠᠮ{NNBSP}ᠤᠨ ᠣᠳᠣᠯ"


def test_a_translation_typed_with_a_plain_space_is_stored_with_the_suffix_joined(tmp_path, monkeypatch):
    from content_server import catalogs

    locales = tmp_path / "locales"
    for po in ROOT.glob("locales/*/LC_MESSAGES/*.po"):
        target = locales / po.relative_to(ROOT / "locales")
        target.parent.mkdir(parents=True)
        target.write_bytes(po.read_bytes())
    monkeypatch.setattr(catalogs, "LOCALES_DIR", locales)
    source = tmp_path / "new.json"
    source.write_text(json.dumps({"Call 12348": {"zh": "请拨打 12348", "mn": "12348 ᠳᠤ ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠤᠲᠠᠰᠤ"}}),
                      encoding="utf-8")

    catalogs.translate(source)

    with open(catalogs.po_path("mn"), "rb") as f:
        stored = read_po(f).get("Call 12348").string
    assert stored == f"12348{NNBSP}ᠳᠤ ᠬᠠᠤᠯᠢ{NNBSP}ᠶᠢᠨ ᠤᠲᠠᠰᠤ"
