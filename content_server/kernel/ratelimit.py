"""Limits for registrations, sign-ins and household submissions, keyed by client address, account
or box: the arithmetic of each policy. The counts live in the database and are applied there
(`storage.limits.allow(tx, limit, key)` and its neighbours), so every API node sharing it
enforces one limit. Times are wall-clock seconds: nodes share no monotonic clock.
"""
from __future__ import annotations


class RateLimit:
    """At most `count` events per `seconds` for each key, in a sliding window."""

    def __init__(self, name: str, count: int, seconds: float):
        self.name, self.count, self.seconds = name, count, seconds

    def wait_after(self, events: int, oldest: float | None, now: float) -> int:
        """0 while a key with `events` in its window (the oldest at `oldest`) is under the limit,
        else the seconds until its oldest event leaves the window."""
        if events < self.count or oldest is None:
            return 0
        return max(1, int(oldest + self.seconds - now) + 1)


class Backoff:
    """Per-key failure counting with exponential lock-out: after `free` failures in a row each
    further failure locks the key for `first` seconds, doubling up to `longest`. A success or
    `forget_after` seconds without failures clears the key."""

    def __init__(self, name: str, free: int, first: float = 1.0, longest: float = 15 * 60,
                 forget_after: float = 24 * 3600):
        self.name, self.free, self.first, self.longest, self.forget_after = name, free, first, longest, forget_after

    def remaining(self, last_failure: float, locked_until: float, now: float) -> float:
        """Seconds a key must still wait, given its last failure and its lock; 0 when it may try."""
        if now - last_failure > self.forget_after:
            return 0.0
        return max(0.0, locked_until - now)

    def lock_seconds(self, failures: int) -> float:
        """How long the key is locked after its `failures`-th failure in a row."""
        over = failures - self.free
        return min(self.longest, self.first * 2 ** min(over - 1, 40)) if over > 0 else 0.0
