"""The working-day calendar of the callback service (Asia/Shanghai), with holidays and make-up days.

Holidays and make-up working days come from `holidays.json` (State Council notices). Callback
windows are the times of day a household chose; calls happen on working days only.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web

from ..storage.questions import CallbackWindow

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOLIDAYS_FILE = Path(__file__).with_name("holidays.json")
# as the box offers them: "Morning (8–12)", "Afternoon (12–18)", "Evening (18–21)"
WINDOWS = {
    CallbackWindow.MORNING: (time(8, 0), time(12, 0)),
    CallbackWindow.AFTERNOON: (time(12, 0), time(18, 0)),
    CallbackWindow.EVENING: (time(18, 0), time(21, 0)),
    CallbackWindow.ANY: (time(8, 0), time(21, 0)),
}
OFFICE_OPENS = time(8, 30)
MIN_WINDOW_LEFT = 3600  # a window with less than an hour left is too late to promise


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: Monday to Friday, minus holidays, plus make-up days."""
    holidays: frozenset = frozenset()
    workdays: frozenset = frozenset()
    zone: ZoneInfo = SHANGHAI

    def is_working_day(self, day: date) -> bool:
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5

    def local(self, timestamp: float) -> datetime:
        return datetime.fromtimestamp(timestamp, self.zone)

    def at(self, day: date, clock: time) -> float:
        return datetime.combine(day, clock, self.zone).timestamp()

    def window_after(self, timestamp: float, window: str, min_left: float = MIN_WINDOW_LEFT) -> tuple[float, float]:
        """The first occurrence of a callback window on a working day that still has `min_left`
        seconds to run after `timestamp`: (start, end) as UNIX seconds."""
        opens, closes = WINDOWS[window]
        day = self.local(timestamp).date()
        for _ in range(60):
            if self.is_working_day(day):
                start, end = self.at(day, opens), self.at(day, closes)
                if end - max(start, timestamp) >= min_left:
                    return start, end
            day += timedelta(days=1)
        raise ValueError("no working day within 60 days")

    def add_working_days(self, timestamp: float, days: int) -> float:
        """The same clock time `days` working days later; from a non-working day, counting
        starts at the opening of the next working day."""
        moment = self.local(timestamp)
        day = moment.date()
        clock = moment.timetz().replace(tzinfo=None)
        if not self.is_working_day(day):
            while not self.is_working_day(day):
                day += timedelta(days=1)
            clock = OFFICE_OPENS
        for _ in range(days):
            day += timedelta(days=1)
            while not self.is_working_day(day):
                day += timedelta(days=1)
        return self.at(day, clock)


def calendar_from(data: dict) -> WorkCalendar:
    """A calendar from the holidays.json structure."""
    holidays, workdays = set(), set()
    for year in data.get("years", {}).values():
        holidays.update(date.fromisoformat(d) for d in year.get("holidays", []))
        workdays.update(date.fromisoformat(d) for d in year.get("workdays", []))
    return WorkCalendar(frozenset(holidays), frozenset(workdays), ZoneInfo(data.get("timezone", "Asia/Shanghai")))


@lru_cache(maxsize=None)
def default_calendar() -> WorkCalendar:
    """The calendar shipped with the server (2026 official, 2027 provisional)."""
    return calendar_from(json.loads(HOLIDAYS_FILE.read_text(encoding="utf-8")))


CALENDAR = web.AppKey("calendar", WorkCalendar)  # working days and hours of the callback desk
