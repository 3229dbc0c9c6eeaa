"""Service levels on the household's window, with the 2026 holiday calendar: plain data, no clock."""
from datetime import date, datetime

import pytest

from content_server.questions.calendar import SHANGHAI, WorkCalendar, calendar_from, default_calendar
from content_server.questions.sla import first_attempt_on_time, met_deadline, sla_state

CAL = default_calendar()


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).timestamp()


def local(ts: float) -> str:
    return datetime.fromtimestamp(ts, SHANGHAI).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize("asked, window, expected", [
    # a morning with two hours left is still promised the same morning
    ("2026-11-27 10:00", "morning", ("2026-11-27 08:00", "2026-11-27 12:00")),
    # half an hour left is too late: Monday morning (the weekend is skipped)
    ("2026-11-27 11:30", "morning", ("2026-11-30 08:00", "2026-11-30 12:00")),
    # National Day week: 1-7 October are holidays, the 8th is the next working day
    ("2026-09-30 16:00", "morning", ("2026-10-08 08:00", "2026-10-08 12:00")),
    # Saturday 10 October 2026 is a make-up working day
    ("2026-10-09 17:30", "afternoon", ("2026-10-10 12:00", "2026-10-10 18:00")),
    # Saturday 14 February 2026 (before Spring Festival) is a make-up working day
    ("2026-02-13 20:30", "any", ("2026-02-14 08:00", "2026-02-14 21:00")),
    # Spring Festival: 15-23 February are holidays
    ("2026-02-14 20:15", "evening", ("2026-02-24 18:00", "2026-02-24 21:00")),
    ("2026-11-28 09:00", "evening", ("2026-11-30 18:00", "2026-11-30 21:00")),
])
def test_the_first_call_is_due_in_the_next_chosen_window_on_a_working_day(asked, window, expected):
    start, end = CAL.window_after(at(asked), window)
    assert (local(start), local(end)) == expected


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days():
    assert not CAL.is_working_day(date(2026, 10, 1)) and not CAL.is_working_day(date(2026, 11, 28))
    assert CAL.is_working_day(date(2026, 9, 20)) and CAL.is_working_day(date(2026, 11, 27))
    # a referral on the eve of National Day is due on the first working day after it
    assert local(CAL.add_working_days(at("2026-09-30 10:00"), 1)) == "2026-10-08 10:00"
    # five working days from Friday is the next Friday
    assert local(CAL.add_working_days(at("2026-11-27 10:00"), 5)) == "2026-12-04 10:00"
    # from a Saturday, counting starts when the office opens on Monday
    assert local(CAL.add_working_days(at("2026-11-28 15:00"), 1)) == "2026-12-01 08:30"


def test_a_calendar_can_be_given_as_plain_data():
    cal = calendar_from({"timezone": "Asia/Shanghai",
                         "years": {"2030": {"holidays": ["2030-01-01"], "workdays": ["2030-01-05"]}}})
    assert not cal.is_working_day(date(2030, 1, 1)) and cal.is_working_day(date(2030, 1, 5))
    assert WorkCalendar().is_working_day(date(2030, 1, 1))  # no holidays at all


def question(**fields):
    base = {"status": "queued", "created_at": at("2026-11-27 08:00"), "window_start": at("2026-11-27 08:30"),
            "window_end": at("2026-11-27 18:00"), "first_attempt_at": None, "referred_at": None,
            "handed_off_at": None}
    return {**base, **fields}


@pytest.mark.parametrize("now, level", [
    ("2026-11-27 12:00", "ok"),           # 40 % of the ten hours
    ("2026-11-27 13:00", "warning_50"),
    ("2026-11-27 16:00", "warning_80"),
    ("2026-11-27 18:00", "overdue"),
    ("2026-11-28 09:00", "overdue"),
])
def test_warnings_at_half_four_fifths_and_all_of_the_time_to_the_first_call(now, level):
    state = sla_state(question(), at(now), CAL)
    assert state.stage == "first_attempt" and state.level == level and local(state.due) == "2026-11-27 18:00"


def test_once_called_nothing_is_due_until_a_referral():
    called = question(status="claimed", first_attempt_at=at("2026-11-27 09:00"))
    assert sla_state(called, at("2026-11-30 09:00"), CAL).level == "none"
    assert first_attempt_on_time(called) is True
    assert first_attempt_on_time(question(first_attempt_at=at("2026-11-27 08:00"))) is False  # before the window
    assert first_attempt_on_time(question()) is None


def test_hand_off_within_one_working_day_and_feedback_within_five():
    referred = question(status="referred", first_attempt_at=at("2026-11-27 09:00"),
                        referred_at=at("2026-11-27 10:00"))
    state = sla_state(referred, at("2026-11-30 09:00"), CAL)  # Monday, 23 of 24 working hours used
    assert state.stage == "handoff" and local(state.due) == "2026-11-30 10:00" and state.level == "warning_80"
    pending = question(status="revisit_pending", first_attempt_at=at("2026-11-27 09:00"),
                       referred_at=at("2026-11-27 10:00"), handed_off_at=at("2026-11-30 09:00"))
    state = sla_state(pending, at("2026-12-08 09:00"), CAL)
    assert state.stage == "feedback" and local(state.due) == "2026-12-07 09:00" and state.level == "overdue"
    assert met_deadline(at("2026-11-27 10:00"), at("2026-11-30 09:59"), 1, CAL) is True
    assert met_deadline(at("2026-11-27 10:00"), at("2026-11-30 10:01"), 1, CAL) is False
    assert met_deadline(at("2026-11-27 10:00"), None, 1, CAL) is None
