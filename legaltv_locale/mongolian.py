"""Traditional Mongolian calendar words and digits, as written in Inner Mongolia.

CLDR's mn_Mong_CN has almost no data (Babel falls back to root: "2026 M11 24, Tue"), so
legal-tv keeps its own. NNBSP (U+202F) joins a suffix to its word; MVS (U+180E) separates
a final vowel (ᠰᠠᠷ᠎ᠠ "month").
"""
from __future__ import annotations

import re

NNBSP = "\u202f"
MVS = "\u180e"
MONTH = f"ᠰᠠᠷ{MVS}ᠠ"          # sar-a, month
YEAR = "ᠣᠨ"                    # on, year
DAY = "ᠡᠳᠦᠷ"                   # edür, day
WEEK = "ᠭᠠᠷᠠᠭ"                 # γaraγ, week(day)

NUMBERS = ["ᠨᠢᠭᠡᠨ", "ᠬᠣᠶᠠᠷ", "ᠭᠤᠷᠪᠠᠨ", "ᠳᠥᠷᠪᠡᠨ", "ᠲᠠᠪᠤᠨ", "ᠵᠢᠷᠭᠤᠭᠠᠨ", "ᠳᠣᠯᠣᠭᠠᠨ", "ᠨᠠᠢᠮᠠᠨ",
           "ᠶᠢᠰᠦᠨ", "ᠠᠷᠪᠠᠨ", "ᠠᠷᠪᠠᠨ ᠨᠢᠭᠡᠨ", "ᠠᠷᠪᠠᠨ ᠬᠣᠶᠠᠷ"]

# Months are counted: "first month" … "twelfth month" (ᠨᠢᠭᠡᠨ ᠰᠠᠷ᠎ᠠ = January).
MONTHS = [f"{number} {MONTH}" for number in NUMBERS]
# Weekdays are counted from Monday; Sunday is "the week's day" (ᠭᠠᠷᠠᠭ ᠤᠨ ᠡᠳᠦᠷ).
WEEKDAYS = [f"{WEEK}{NNBSP}ᠤᠨ {number}" for number in NUMBERS[:6]] + [f"{WEEK}{NNBSP}ᠤᠨ {DAY}"]
WEEKDAYS_SHORT = NUMBERS[:6] + [DAY]

GENITIVE_YEAR = f"{YEAR}{NNBSP}ᠤ"           # on-u, "of the year"
GENITIVE_MONTH = f"{MONTH}{NNBSP}ᠶᠢᠨ"       # sar-a-yin, "of the month"

# Case suffixes written apart from their word, after NNBSP (after a plain space a suffix may
# start a column of its own and is shaped as a word). Vowel-harmony and after-vowel forms each.
CASE_SUFFIXES = (
    "ᠶᠢᠨ", "ᠤᠨ", "ᠦᠨ", "ᠤ", "ᠦ",                             # genitive (ᠤ/ᠦ after -n)
    "ᠶᠢ", "ᠢ",                                               # accusative
    "ᠳᠤ", "ᠳᠦ", "ᠲᠤ", "ᠲᠦ", "ᠳᠤᠷ", "ᠳᠦᠷ", "ᠲᠤᠷ", "ᠲᠦᠷ",     # dative-locative
    "ᠳᠠᠬᠢ", "ᠳᠡᠬᠢ", "ᠲᠠᠬᠢ", "ᠲᠡᠬᠢ",                          # locative attributive
    "ᠡᠴᠡ", "ᠠᠴᠠ",                                            # ablative
    "ᠪᠠᠷ", "ᠪᠡᠷ", "ᠢᠶᠠᠷ", "ᠢᠶᠡᠷ",                            # instrumental
    "ᠲᠠᠢ", "ᠲᠡᠢ", f"ᠯᠤᠭ{MVS}ᠠ", "ᠯᠦᠭᠡ",                      # comitative
    "ᠤᠷᠤᠭᠤ", "ᠦᠷᠦᠭᠦ", "ᠷᠤᠭᠤ", "ᠷᠦᠭᠦ",                        # directive
    "ᠪᠠᠨ", "ᠪᠡᠨ", "ᠢᠶᠠᠨ", "ᠢᠶᠡᠨ",                            # reflexive possessive
    "ᠳᠠᠭᠠᠨ", "ᠳᠡᠭᠡᠨ", "ᠲᠠᠭᠠᠨ", "ᠲᠡᠭᠡᠨ", "ᠡᠴᠡᠭᠡᠨ", "ᠠᠴᠠᠭᠠᠨ",  # case + reflexive
)
_WORD_CHARS = r"\w\u180B-\u180F\u200C\u200D"  # letters, digits (any script), variation selectors, MVS, joiners
_ALTERNATIVES = "|".join(re.escape(s) for s in sorted(CASE_SUFFIXES, key=len, reverse=True))
# A suffix alone only after a word (Mongolian, a number, a Latin name, a {placeholder} or a closing
# bracket), then a plain space, then the whole suffix: no letter follows it.
_SUFFIX_AFTER_SPACE = re.compile(f"(?<=[{_WORD_CHARS}}})]) (?=((?:{_ALTERNATIVES}))(?![{_WORD_CHARS}]))")
_WORD_BEFORE = re.compile(r"\S+$")


def suffixes_after_plain_space(text: str) -> list[str]:
    """Each case suffix in `text` set apart from its word by a plain space, as "word suffix"."""
    return [f"{_WORD_BEFORE.search(text, 0, m.start()).group()} {m.group(1)}"
            for m in _SUFFIX_AFTER_SPACE.finditer(text)]


def attach_suffixes(text: str) -> str:
    """`text` with every case suffix set apart by a plain space joined to its word by NNBSP."""
    return _SUFFIX_AFTER_SPACE.sub(NNBSP, text)


DIGITS = "᠐᠑᠒᠓᠔᠕᠖᠗᠘᠙"  # U+1810–U+1819
_TO_MONGOLIAN = str.maketrans("0123456789", DIGITS)
_TO_ASCII = str.maketrans(DIGITS, "0123456789")


def mongolian_digits(text: str) -> str:
    """`text` with ASCII digits 0–9 replaced by Mongolian digits ᠐–᠙."""
    return text.translate(_TO_MONGOLIAN)


def ascii_digits(text: str) -> str:
    """`text` with Mongolian digits ᠐–᠙ replaced by ASCII digits (for parsing what people type)."""
    return text.translate(_TO_ASCII)
