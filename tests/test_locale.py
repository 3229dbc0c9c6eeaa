"""Dates, times and numbers read naturally in Chinese and in traditional Mongolian."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from babel.dates import format_date as cldr_format_date

import legaltv_locale as L

MONGOLIAN = re.compile(r"[\u1800-\u180f\u1820-\u18af]")
A_TUESDAY = dt.date(2026, 11, 24)


def test_cldr_alone_would_show_mongolian_households_a_root_fallback():
    assert "M11" in cldr_format_date(A_TUESDAY, "full", locale="mn_Mong_CN")  # why legaltv_locale exists


def test_every_month_and_weekday_has_its_own_mongolian_name():
    months = [L.month_name(m, "mn") for m in range(1, 13)]
    weekdays = [L.weekday_name(d, "mn") for d in range(7)]
    short = [L.weekday_name(d, "mn", "short") for d in range(7)]
    for names in (months, weekdays, short):
        assert len(set(names)) == len(names)
        assert all(MONGOLIAN.search(n) and not re.search(r"[A-Za-z0-9]", n) for n in names)
    assert months[0] == "ᠨᠢᠭᠡᠨ ᠰᠠᠷ\u180eᠠ" and months[10] == "ᠠᠷᠪᠠᠨ ᠨᠢᠭᠡᠨ ᠰᠠᠷ\u180eᠠ"
    assert weekdays[0] == "ᠭᠠᠷᠠᠭ\u202fᠤᠨ ᠨᠢᠭᠡᠨ" and weekdays[6] == "ᠭᠠᠷᠠᠭ\u202fᠤᠨ ᠡᠳᠦᠷ"


def test_a_mongolian_date_reads_year_month_day_without_cldr_fallbacks():
    medium = L.format_date(A_TUESDAY, "mn")
    full = L.format_date(A_TUESDAY, "mn", "full")

    assert medium == "2026 ᠣᠨ\u202fᠤ 11 ᠰᠠᠷ\u180eᠠ\u202fᠶᠢᠨ 24"
    assert full == "2026 ᠣᠨ\u202fᠤ ᠠᠷᠪᠠᠨ ᠨᠢᠭᠡᠨ ᠰᠠᠷ\u180eᠠ\u202fᠶᠢᠨ 24 ᠭᠠᠷᠠᠭ\u202fᠤᠨ ᠬᠣᠶᠠᠷ"
    assert L.format_date(A_TUESDAY, "mn", "short") == "2026.11.24"
    for width in ("short", "medium", "long", "full"):
        assert not re.search(r"M\d|Tue|Nov", L.format_date(A_TUESDAY, "mn", width))


def test_mongolian_digits_are_an_option_everywhere():
    assert L.format_date(A_TUESDAY, "mn", "medium", digits="mongolian") == "᠒᠐᠒᠖ ᠣᠨ\u202fᠤ ᠑᠑ ᠰᠠᠷ\u180eᠠ\u202fᠶᠢᠨ ᠒᠔"
    assert L.format_time(dt.time(9, 5), "mn", digits="mongolian") == "᠐᠙:᠐᠕"
    assert L.format_number(12348, "mn", digits="mongolian") == "᠑᠒,᠓᠔᠘"
    assert L.format_number(12348, "mn") == "12,348"
    assert L.ascii_digits(L.mongolian_digits("0479-12348")) == "0479-12348"
    assert L.mongolian_digits("0123456789") == "".join(chr(c) for c in range(0x1810, 0x181A))


def test_chinese_comes_from_cldr():
    assert L.format_date(A_TUESDAY, "zh") == "2026年11月24日"
    assert L.format_date(A_TUESDAY, "zh", "full") == "2026年11月24日星期二"
    assert L.month_name(11, "zh") == "十一月" and L.weekday_name(1, "zh", "short") == "周二"
    assert L.format_datetime(dt.datetime(2026, 11, 24, 14, 30), "zh") == "2026年11月24日 14:30"
    assert L.format_number(1234567.5, "zh") == "1,234,567.5"
    assert L.format_number(1234, "zh", digits="mongolian") == "1,234"  # Mongolian digits only in Mongolian


@pytest.mark.parametrize("call", [lambda: L.format_date(A_TUESDAY, "en"),
                                  lambda: L.format_number(1, "mn", digits="roman"),
                                  lambda: L.format_date(A_TUESDAY, "mn", "tiny")])
def test_a_wrong_language_or_option_is_a_programming_error(call):
    with pytest.raises(ValueError):
        call()


def test_console_templates_get_the_same_formats_through_filters():
    import jinja2
    env = jinja2.Environment(autoescape=True)
    env.filters.update(L.template_filters("mn"))
    page = env.from_string("{{ when|date('full') }} | {{ when|time }} | {{ n|number }}")
    assert page.render(when="2026-11-24T14:30:00+08:00", n=12348) == \
        f"{L.format_date(A_TUESDAY, 'mn', 'full')} | 14:30 | 12,348"
