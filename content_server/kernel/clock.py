"""The server's one clock: wall-clock seconds for whatever asks "what time is it now".

The app holds it under CLOCK; code that needs "now" takes it from there, or is passed `now`
(pure functions such as the planner and the question workflow). Tests fix or shift it to walk
through a simulated day or week.
"""
from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from aiohttp import web

CHINA = ZoneInfo("Asia/Shanghai")


class Clock:
    """The system clock, or in tests a fixed one (`fixed`) or one shifted by `offset` seconds."""

    def __init__(self, fixed: float | None = None, offset: float = 0.0):
        self.fixed, self.offset = fixed, offset

    def __call__(self) -> float:
        return time.time() + self.offset if self.fixed is None else self.fixed

    def today(self) -> dt.date:
        """The date in China now (households and courts count days on Beijing time)."""
        return dt.datetime.fromtimestamp(self(), CHINA).date()


CLOCK = web.AppKey("clock", Clock)  # the app's clock
