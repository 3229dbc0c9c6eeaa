"""The calculator wizard without a window: which question comes next, typing, dates by arrows."""
from __future__ import annotations

import datetime as dt

from hypothesis import given, strategies as st

from legaltv_calculators import CALCULATORS
from stb_app.calculator_wizard import Wizard, shift_date

TODAY = dt.date(2026, 3, 31)


def test_questions_asked_only_after_some_answer_are_skipped_and_counted_as_the_answers_go():
    wizard = Wizard(CALCULATORS["road_accident"], TODAY)
    assert wizard.step() == (1, 6)                        # before the outcome: only what every case asks
    wizard.choose("death")
    assert wizard.question.id == "age" and wizard.step() == (2, 8)
    wizard.digit(0)                                        # a leading zero is not kept
    wizard.digit(7), wizard.digit(5), wizard.digit(1), wizard.digit(2)
    assert wizard.typed() == "7512"                        # at most four digits for a number
    assert wizard.forward().question == "age"              # 7,512 years old: refused, stays
    wizard.delete(), wizard.delete()
    assert wizard.forward() is None and wizard.question.id == "medical"
    assert wizard.forward() is None and wizard.question.id == "nursing_days"   # lost days: not for a death
    assert wizard.back() and wizard.question.id == "medical"
    assert wizard.back() and wizard.question.id == "age"


def test_a_required_number_left_empty_is_refused_and_an_optional_one_is_its_default():
    wizard = Wizard(CALCULATORS["lending"], TODAY)
    assert wizard.forward().question == "principal"
    wizard = Wizard(CALCULATORS["court_fees"], TODAY)
    wizard.choose("labour")
    assert wizard.question.id == "procedure"              # the claim is not asked for a labour case
    wizard.choose("simple")
    assert wizard.question is None and wizard.sent_answers() == {"kind": "labour", "procedure": "simple"}


def test_a_date_left_as_shown_is_today_and_the_result_is_what_the_server_computes():
    wizard = Wizard(CALCULATORS["lending"], TODAY)
    for digits in ("50000", "6"):
        for d in digits:
            wizard.digit(int(d))
        assert wizard.forward() is None
    wizard.shift("year", -1)
    assert wizard.forward() is None and wizard.forward() is None
    answers = wizard.sent_answers()
    assert answers["lent_on"] == "2025-03-31" and answers["until"] == "2026-03-31"
    from legaltv_calculators import Figures
    assert wizard.result(Figures.seed(), "150000").total == CALCULATORS["lending"].compute(
        answers, Figures.seed(), "150000", TODAY).total


@given(st.dates(dt.date(1950, 1, 1), TODAY), st.sampled_from(["year", "month", "day"]), st.integers(-40, 40))
def test_a_date_stepped_with_the_arrows_is_always_a_real_day_between_1950_and_today(day, part, step):
    shifted = shift_date(day, part, step, TODAY)
    assert dt.date(1950, 1, 1) <= shifted <= TODAY
    if part == "day" and shift_date(day, part, step, dt.date(2100, 1, 1)) <= TODAY:
        assert (shifted.year, shifted.month) == (day.year, day.month)   # the day wraps within its month


def test_the_day_wraps_within_its_month_and_a_month_keeps_a_day_it_has():
    assert shift_date(dt.date(2024, 1, 31), "day", 1, TODAY) == dt.date(2024, 1, 1)
    assert shift_date(dt.date(2024, 1, 31), "month", 1, TODAY) == dt.date(2024, 2, 29)
    assert shift_date(dt.date(2025, 12, 15), "month", 1, TODAY) == dt.date(2025, 1, 15)
    assert shift_date(dt.date(2026, 3, 1), "year", 1, TODAY) == TODAY
