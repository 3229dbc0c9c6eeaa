"""In-memory sliding-window limits for registrations, logins and uploads."""
from __future__ import annotations

import time
from collections import defaultdict, deque


class RateLimit:
    """At most `count` events per `seconds` for each key."""

    def __init__(self, count: int, seconds: float):
        self.count, self.seconds = count, seconds
        self._events: dict[str, deque] = defaultdict(deque)

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        events = self._events[key]
        while events and events[0] <= now - self.seconds:
            events.popleft()
        if len(events) >= self.count:
            return False
        events.append(now)
        if len(self._events) > 100_000:  # bound memory under a flood of keys
            self._events = defaultdict(deque, {k: v for k, v in self._events.items() if v})
        return True

    def retry_after(self, key: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        events = self._events.get(key)
        return max(1, int(events[0] + self.seconds - now) + 1) if events else 1
