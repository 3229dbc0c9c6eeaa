"""Dates, times and numbers for both languages: Chinese through Babel, Mongolian from mongolian.py."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel import dates, numbers

from . import mongolian

LANGUAGES = ("zh", "mn")
CHINESE = "zh_Hans_CN"
WIDTHS = ("short", "medium", "long", "full")


def _check(language: str, digits: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    if digits not in ("ascii", "mongolian"):
        raise ValueError(f"unknown digits {digits!r}")


def _digits(text: str, digits: str) -> str:
    return mongolian.mongolian_digits(text) if digits == "mongolian" else text


def month_name(month: int, language: str) -> str:
    """The month's name (1 = January): 十一月, ᠠᠷᠪᠠᠨ ᠨᠢᠭᠡᠨ ᠰᠠᠷ᠎ᠠ."""
    _check(language, "ascii")
    if language == "mn":
        return mongolian.MONTHS[month - 1]
    return dates.get_month_names("wide", locale=CHINESE)[month]


def weekday_name(weekday: int, language: str, width: str = "wide") -> str:
    """The weekday's name (0 = Monday); width "wide" or "short": 星期二 / 周二, ᠭᠠᠷᠠᠭ ᠤᠨ ᠬᠣᠶᠠᠷ / ᠬᠣᠶᠠᠷ."""
    _check(language, "ascii")
    if language == "mn":
        return (mongolian.WEEKDAYS if width == "wide" else mongolian.WEEKDAYS_SHORT)[weekday]
    return dates.get_day_names("wide" if width == "wide" else "abbreviated", locale=CHINESE)[weekday]


def format_date(value: dt.date, language: str, width: str = "medium", digits: str = "ascii") -> str:
    """A date for people to read.

    zh: short 2026/11/24, medium 2026年11月24日, long the same, full 2026年11月24日星期二.
    mn: short 2026.11.24, medium 2026 ᠣᠨ ᠤ 11 ᠰᠠᠷ᠎ᠠ ᠶᠢᠨ 24, long with the month's name,
    full with the weekday after it. digits="mongolian" writes ᠒᠐᠒᠖ instead of 2026 (mn only).
    """
    _check(language, digits)
    if width not in WIDTHS:
        raise ValueError(f"unknown width {width!r}")
    if language == "zh":
        return dates.format_date(value, width, locale=CHINESE)
    if width == "short":
        text = f"{value.year}.{value.month:02d}.{value.day:02d}"
    else:
        month = str(value.month) + " " + mongolian.MONTH if width == "medium" else month_name(value.month, "mn")
        text = f"{value.year} {mongolian.GENITIVE_YEAR} {month}{mongolian.NNBSP}ᠶᠢᠨ {value.day}"
        if width == "full":
            text += " " + weekday_name(value.weekday(), "mn")
    return _digits(text, digits)


def format_time(value: dt.time | dt.datetime, language: str, digits: str = "ascii") -> str:
    """24-hour clock time, 14:05, in both languages (digits="mongolian": ᠑᠔:᠐᠕)."""
    _check(language, digits)
    return _digits(f"{value.hour:02d}:{value.minute:02d}", digits if language == "mn" else "ascii")


def format_datetime(value: dt.datetime, language: str, width: str = "medium", digits: str = "ascii") -> str:
    """The date as format_date, then the time."""
    return f"{format_date(value.date(), language, width, digits)} {format_time(value, language, digits)}"


def format_number(value: int | float | Decimal, language: str, digits: str = "ascii") -> str:
    """A number with thousands grouped (12,348; 1,234.5); digits="mongolian" gives ᠑᠒,᠓᠔᠘ (mn only)."""
    _check(language, digits)
    text = numbers.format_decimal(value, locale=CHINESE)
    return _digits(text, digits) if language == "mn" else text


def _moment(value) -> dt.datetime | dt.date:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def template_filters(language: str) -> dict:
    """Jinja filters for a page in `language`: {{ when|date }}, |datetime, |time, |number.

    Each accepts a date/datetime or an ISO 8601 string; add them with env.filters.update(...)."""
    _check(language, "ascii")

    def date_filter(value, width: str = "medium"):
        moment = _moment(value)
        return format_date(moment.date() if isinstance(moment, dt.datetime) else moment, language, width)

    return {"date": date_filter,
            "datetime": lambda value, width="medium": format_datetime(_moment(value), language, width),
            "time": lambda value: format_time(_moment(value), language),
            "number": lambda value: format_number(value, language)}
