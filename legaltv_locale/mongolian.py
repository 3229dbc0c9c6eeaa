"""Traditional Mongolian calendar words and digits, as written in Inner Mongolia.

CLDR's mn_Mong_CN has almost no data (Babel falls back to root: "2026 M11 24, Tue"), so
legal-tv keeps its own. NNBSP (U+202F) joins a suffix to its word; MVS (U+180E) separates
a final vowel (ᠰᠠᠷ᠎ᠠ "month").
"""
from __future__ import annotations

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
# Weekdays are counted from Monday; Sunday is "the week's day" (ᠭᠠᠷᠠᠭ ᠤᠨ ᠡᠳᠦᠷ).
WEEKDAYS = [f"{WEEK}{NNBSP}ᠤᠨ {number}" for number in NUMBERS[:6]] + [f"{WEEK}{NNBSP}ᠤᠨ {DAY}"]
WEEKDAYS_SHORT = NUMBERS[:6] + [DAY]

GENITIVE_YEAR = f"{YEAR}{NNBSP}ᠤ"           # on-u, "of the year"
GENITIVE_MONTH = f"{MONTH}{NNBSP}ᠶᠢᠨ"       # sar-a-yin, "of the month"

DIGITS = "᠐᠑᠒᠓᠔᠕᠖᠗᠘᠙"  # U+1810–U+1819
_TO_MONGOLIAN = str.maketrans("0123456789", DIGITS)
_TO_ASCII = str.maketrans(DIGITS, "0123456789")


def mongolian_digits(text: str) -> str:
    """`text` with ASCII digits 0–9 replaced by Mongolian digits ᠐–᠙."""
    return text.translate(_TO_MONGOLIAN)


def ascii_digits(text: str) -> str:
    """`text` with Mongolian digits ᠐–᠙ replaced by ASCII digits (for parsing what people type)."""
    return text.translate(_TO_ASCII)
