"""Limits for registrations, sign-ins and household submissions, keyed by client address, account
or box. The counts live in the database (`storage.limits`), so every API node sharing it enforces
one limit; each method takes the transaction of the unit of work it runs in (`store.write(...)`).
Times are wall-clock seconds: nodes share no monotonic clock.
"""
from __future__ import annotations

import time

from .storage import limits as limits_sql


class RateLimit:
    """At most `count` events per `seconds` for each key, in a sliding window."""

    def __init__(self, name: str, count: int, seconds: float):
        self.name, self.count, self.seconds = name, count, seconds

    def allow(self, tx, key: str, now: float | None = None) -> int:
        """Records an event unless the key is over its limit; returns 0, or the seconds to wait
        (then nothing is recorded)."""
        now = time.time() if now is None else now
        wait = self.wait(tx, key, now)
        if not wait:
            self.record(tx, key, now)
        return wait

    def wait(self, tx, key: str, now: float | None = None) -> int:
        """0 while the key is under its limit, else the seconds until its oldest event leaves the window."""
        now = time.time() if now is None else now
        count, oldest = limits_sql.recent_events(tx, self.name, key, now - self.seconds)
        if count < self.count or oldest is None:
            return 0
        return max(1, int(oldest + self.seconds - now) + 1)

    def record(self, tx, key: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        limits_sql.record_event(tx, self.name, key, now, now - self.seconds)


class Backoff:
    """Per-key failure counting with exponential lock-out: after `free` failures in a row each
    further failure locks the key for `first` seconds, doubling up to `longest`. A success or
    `forget_after` seconds without failures clears the key."""

    def __init__(self, name: str, free: int, first: float = 1.0, longest: float = 15 * 60,
                 forget_after: float = 24 * 3600):
        self.name, self.free, self.first, self.longest, self.forget_after = name, free, first, longest, forget_after

    def locked_for(self, tx, key: str, now: float | None = None) -> float:
        """Seconds the key must still wait; 0 when it may try."""
        now = time.time() if now is None else now
        state = limits_sql.backoff_state(tx, self.name, key)
        if state is None or now - state[1] > self.forget_after:
            return 0.0
        return max(0.0, state[2] - now)

    def failed(self, tx, key: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        failures = limits_sql.count_failure(tx, self.name, key, now, now - self.forget_after)
        over = failures - self.free
        wait = min(self.longest, self.first * 2 ** min(over - 1, 40)) if over > 0 else 0.0
        limits_sql.lock_until(tx, self.name, key, now + wait)

    def succeeded(self, tx, key: str) -> None:
        limits_sql.clear_backoff(tx, self.name, key)
