"""How late the event loop wakes a task that sleeps LAG_TICK_SECONDS: anything blocking the loop
(SQL, fsync, a busy wait) shows here, and so does a node short of CPU, which is late for
everything it does. Kept for the last LAG_WINDOW_SECONDS, for /metrics and for refusing new work.
"""
from __future__ import annotations

import asyncio
from collections import deque

from aiohttp import web

LAG_TICK_SECONDS = 0.01
LAG_WINDOW_SECONDS = 5.0
BEHIND_SPAN_SECONDS = 1.0
BEHIND_LATE_SECONDS = 0.2


class LoopLag:
    def __init__(self):
        self.samples: deque[tuple[float, float]] = deque()  # (when, how late)

    async def run(self) -> None:
        """Measures until cancelled (the app runs it in the background)."""
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(LAG_TICK_SECONDS)
            now = loop.time()
            self.samples.append((now, max(0.0, now - start - LAG_TICK_SECONDS)))
            while self.samples and self.samples[0][0] < now - LAG_WINDOW_SECONDS:
                self.samples.popleft()

    def quantiles(self) -> dict[tuple, float]:
        lags = sorted(lag for _, lag in self.samples) or [0.0]
        return {(("quantile", q),): lags[min(len(lags) - 1, int(float(q) * len(lags)))]
                for q in ("0.5", "0.99", "1")}

    def behind(self) -> bool:
        """Every wake-up for the last BEHIND_SPAN_SECONDS came late: work queues up faster than it
        is done. One long call (a slow disk, a test decode, the process descheduled) is one late
        wake-up, not this: the late wake-ups must go on, one after another, for the whole span."""
        late_since = None
        for when, late in reversed(self.samples):
            if late <= BEHIND_LATE_SECONDS:
                break
            late_since = when
        return late_since is not None and self.samples[-1][0] - late_since >= BEHIND_SPAN_SECONDS


LOOP_LAG = web.AppKey("loop_lag", LoopLag)  # how late the event loop wakes
