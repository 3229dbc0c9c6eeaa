"""In-memory limits for registrations, logins and uploads, keyed by client address or account."""
from __future__ import annotations

import time
from collections import defaultdict, deque


class RateLimit:
    """At most `count` events per `seconds` for each key."""

    def __init__(self, count: int, seconds: float):
        self.count, self.seconds = count, seconds
        self._events: dict[str, deque] = defaultdict(deque)

    def allow(self, key: str, now: float | None = None) -> bool:
        """Records an event unless the key is over its limit (then False, nothing recorded)."""
        if self.exceeded(key, now):
            return False
        self.record(key, now)
        return True

    def exceeded(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        events = self._events.get(key)
        while events and events[0] <= now - self.seconds:
            events.popleft()
        return bool(events) and len(events) >= self.count

    def record(self, key: str, now: float | None = None) -> None:
        self._events[key].append(time.monotonic() if now is None else now)
        if len(self._events) > 100_000:  # bound memory under a flood of keys
            self._events = defaultdict(deque, {k: v for k, v in self._events.items() if v})

    def retry_after(self, key: str, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        events = self._events.get(key)
        return max(1, int(events[0] + self.seconds - now) + 1) if events else 1


class Backoff:
    """Per-key failure counting with exponential lock-out: after `free` failures in a row each
    further failure locks the key for `first` seconds, doubling up to `longest`. A success or
    `forget_after` seconds without failures clears the key."""

    def __init__(self, free: int, first: float = 1.0, longest: float = 15 * 60, forget_after: float = 24 * 3600):
        self.free, self.first, self.longest, self.forget_after = free, first, longest, forget_after
        self._state: dict[str, tuple[int, float, float]] = {}  # key -> (failures, last failure, locked until)

    def locked_for(self, key: str, now: float | None = None) -> float:
        """Seconds the key must still wait; 0 when it may try."""
        now = time.monotonic() if now is None else now
        state = self._state.get(key)
        if state is None:
            return 0.0
        if now - state[1] > self.forget_after:
            del self._state[key]
            return 0.0
        return max(0.0, state[2] - now)

    def failed(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        failures = (self._state[key][0] if key in self._state and now - self._state[key][1] <= self.forget_after
                    else 0) + 1
        over = failures - self.free
        wait = min(self.longest, self.first * 2 ** min(over - 1, 40)) if over > 0 else 0.0
        self._state[key] = (failures, now, now + wait)
        if len(self._state) > 100_000:  # bound memory under a flood of names
            self._state = {k: v for k, v in self._state.items() if v[2] > now}

    def succeeded(self, key: str) -> None:
        self._state.pop(key, None)
