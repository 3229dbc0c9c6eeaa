"""Service levels on the household's chosen window, as pure functions of plain data.

- first attempt: the first call must happen inside the callback window the household chose
  (its first occurrence on a working day with an hour left after intake); an urgent question
  skips the window: the lawyer on duty calls within 30 minutes, any day, any hour;
- hand-off: a referred question is handed to the agency within 1 working day;
- feedback: the household hears back within 5 working days after the hand-off.
Warnings at 50 %, 80 % and 100 % of the time from the stage's start to its deadline.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..storage.questions import Status
from .calendar import WorkCalendar

URGENT_FIRST_CALL_SECONDS = 30 * 60
URGENT_RETRY_SECONDS = 10 * 60  # an urgent household that did not answer is called again soon
HANDOFF_WORKING_DAYS = 1
FEEDBACK_WORKING_DAYS = 5
LEVELS = ("ok", "warning_50", "warning_80", "overdue")


@dataclass(frozen=True)
class SlaState:
    stage: str | None       # "first_attempt" | "handoff" | "feedback" | None (nothing is due)
    due: float | None       # deadline, UNIX seconds
    fraction: float         # share of the allowed time used so far (0 when nothing is due)
    level: str              # ok | warning_50 | warning_80 | overdue | none

    def as_dict(self) -> dict:
        return {"stage": self.stage, "due": self.due, "fraction": round(self.fraction, 3), "level": self.level}


def _field(question: Mapping, key: str):
    """A column of a dict or a sqlite3.Row, None when absent."""
    try:
        return question[key]
    except (KeyError, IndexError):
        return None


def stage_deadline(question: Mapping, calendar: WorkCalendar) -> tuple[str | None, float | None, float | None]:
    """(stage, start, due) of the service level that currently runs for this question."""
    status = question["status"]
    if status in (Status.QUEUED, Status.CLAIMED) and _field(question, "first_attempt_at") is None:
        return "first_attempt", question["created_at"], question["window_end"]
    if status == Status.REFERRED and _field(question, "referred_at") is not None:
        start = question["referred_at"]
        return "handoff", start, calendar.add_working_days(start, HANDOFF_WORKING_DAYS)
    if status == Status.REVISIT_PENDING and _field(question, "handed_off_at") is not None:
        start = question["handed_off_at"]
        return "feedback", start, calendar.add_working_days(start, FEEDBACK_WORKING_DAYS)
    return None, None, None


def sla_state(question: Mapping, now: float, calendar: WorkCalendar) -> SlaState:
    """Where this question stands against its running service level at `now`."""
    stage, start, due = stage_deadline(question, calendar)
    if stage is None:
        return SlaState(None, None, 0.0, "none")
    span = max(due - start, 1.0)
    fraction = max(0.0, (now - start) / span)
    level = ("overdue" if fraction >= 1 else "warning_80" if fraction >= 0.8
             else "warning_50" if fraction >= 0.5 else "ok")
    return SlaState(stage, due, fraction, level)


def first_attempt_on_time(question: Mapping) -> bool | None:
    """Whether the first call fell inside the chosen window; None before any call."""
    first = _field(question, "first_attempt_at")
    if first is None:
        return None
    return question["window_start"] <= first <= question["window_end"]


def met_deadline(start: float | None, done: float | None, working_days: int, calendar: WorkCalendar) -> bool | None:
    """Whether a step started at `start` was done within `working_days`; None while not done."""
    if start is None or done is None:
        return None
    return done <= calendar.add_working_days(start, working_days)
