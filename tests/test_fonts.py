"""Every string a household or an editor sees has glyphs in the bundled fonts, and Mongolian is shaped."""
from __future__ import annotations

import importlib.util
import json
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont
from PIL import ImageFont, features

from stb_app.mongolian_layout import MONG, char_kind

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "stb_app" / "fonts"
MONGOLIAN_FONT = FONTS / "NotoSansMongolian-Regular.ttf"
CJK_FONT = FONTS / "NotoSansSC-legaltv.otf"
GUIDANCE = ROOT / "content_server" / "guidance" / "data"


@lru_cache(maxsize=None)
def cmap(path: Path) -> frozenset[int]:
    return frozenset(TTFont(str(path)).getBestCmap())


def invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in "\u200b\u200c\u200d\ufeff"


def missing_zh(text: str) -> set[str]:
    return {c for c in text if not invisible(c) and ord(c) not in cmap(CJK_FONT)}


def missing_mn(text: str) -> set[str]:
    """The box draws Mongolian letters with the Mongolian font, everything else in a Mongolian
    line (Chinese, digits, arrows) with the Chinese font (stb_app.mongolian_layout.char_kind)."""
    return {c for c in text if not invisible(c)
            and ord(c) not in cmap(MONGOLIAN_FONT if char_kind(c) == MONG else CJK_FONT)}


def catalog(language: str) -> list:
    path = ROOT / "locales" / {"zh": "zh_Hans_CN", "mn": "mn_Mong_CN"}[language] / "LC_MESSAGES" / "legal_tv.po"
    with open(path, "rb") as f:
        return [m for m in read_po(f) if m.id and m.string]


def guidance_texts(language: str) -> list[str]:
    texts = []

    def walk(value):
        if isinstance(value, dict):
            if set(value) == {"zh", "mn"}:
                texts.append(value[language])
            else:
                for v in value.values():
                    walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
    for path in GUIDANCE.glob("*.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    return texts


def test_the_fonts_are_small_and_the_mongolian_one_is_alone_in_its_file():
    mongolian = TTFont(str(MONGOLIAN_FONT))
    cjk = TTFont(str(CJK_FONT))
    assert mongolian["name"].getDebugName(1) == "Noto Sans Mongolian"
    assert mongolian["head"].fontRevision >= 3.0            # newer than Debian's 2.001 build
    assert not any(0x4E00 <= c <= 0x9FFF for c in cmap(MONGOLIAN_FONT))
    assert cjk["name"].getDebugName(1).startswith("Noto Sans CJK SC")
    assert MONGOLIAN_FONT.stat().st_size < 400 * 1024 and CJK_FONT.stat().st_size < 2 * 1024 * 1024
    assert (FONTS / "OFL.txt").read_text().startswith("Copyright")


def test_the_mongolian_font_has_letters_controls_and_both_kinds_of_digits():
    needed = set(range(0x1820, 0x1843)) | set(range(0x1810, 0x181A)) | {0x180B, 0x180C, 0x180D, 0x180E, 0x202F}
    needed |= {ord(c) for c in "0123456789:-–(),."}
    assert needed <= cmap(MONGOLIAN_FONT)


def test_the_chinese_subset_has_the_common_use_characters():
    spec = importlib.util.spec_from_file_location("make_fonts", ROOT / "scripts" / "make_fonts.py")
    make_fonts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_fonts)
    common = make_fonts.gb2312_level1() + make_fonts.COMMON_1988_NOT_IN_GB2312_L1
    assert len(common) == 3760 and not missing_zh(common)


@pytest.mark.parametrize("language", ["zh", "mn"])
def test_no_ui_string_of_either_catalog_would_show_tofu(language):
    check = missing_zh if language == "zh" else missing_mn
    tofu = {m.id: "".join(sorted(check(m.string))) for m in catalog(language) if check(m.string)}
    assert not tofu, f"run scripts/make_fonts.py --cjk-only; characters without glyphs: {tofu}"


@pytest.mark.parametrize("language", ["zh", "mn"])
def test_no_service_point_glossary_term_or_guide_would_show_tofu(language):
    check = missing_zh if language == "zh" else missing_mn
    texts = guidance_texts(language)
    assert len(texts) > 150
    assert not {t: check(t) for t in texts if check(t)}


def test_dates_and_numbers_in_mongolian_have_glyphs():
    import datetime as dt
    import legaltv_locale as L
    texts = [L.format_date(dt.date(2026, m, 1 + m), "mn", "full", digits) for m in range(1, 13)
             for digits in ("ascii", "mongolian")] + [L.weekday_name(d, "mn", "short") for d in range(7)]
    assert not [t for t in texts if missing_mn(t)]


def test_the_mongolian_font_joins_letters_when_shaped():
    assert features.check("raqm")
    font = ImageFont.truetype(str(MONGOLIAN_FONT), 64, layout_engine=ImageFont.Layout.RAQM)
    word = "ᠮᠣᠩᠭᠣᠯ"
    shaped = font.getlength(word)
    unjoined = sum(font.getlength(letter) for letter in word)
    assert shaped < 0.8 * unjoined                        # joined forms are narrower than isolated ones
