"""Rate limits and sign-in backoff kept in the database, so that every API node counts the same
events (a limit held in one process's memory is a limit per node, not per box or account).

`rate_events` holds one row per counted event in a sliding window; rows older than the window
are deleted when the limit records its next event. `rate_backoff` holds one row per key that
failed recently (a success deletes it; so does `forget_backoff` once it is stale).
The policies (`kernel.ratelimit`) are applied here, each function in the transaction of the unit
of work it runs in (`store.write(limits.allow, limit, key)`).
"""
from __future__ import annotations

import time

from ..kernel.ratelimit import Backoff, RateLimit

MIGRATIONS = [
    """
    CREATE TABLE rate_events (
        limit_name TEXT NOT NULL,
        key TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX rate_events_key ON rate_events (limit_name, key, at);
    CREATE INDEX rate_events_at ON rate_events (limit_name, at);
    CREATE TABLE rate_backoff (
        limit_name TEXT NOT NULL,
        key TEXT NOT NULL,
        failures INTEGER NOT NULL,
        last_failure REAL NOT NULL,
        locked_until REAL NOT NULL,
        PRIMARY KEY (limit_name, key)
    );
    """,
]
POSTGRES_MIGRATIONS = [
    """
    CREATE TABLE rate_events (
        limit_name TEXT NOT NULL,
        key TEXT NOT NULL,
        at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX rate_events_key ON rate_events (limit_name, key, at);
    CREATE INDEX rate_events_at ON rate_events (limit_name, at);
    CREATE TABLE rate_backoff (
        limit_name TEXT NOT NULL,
        key TEXT NOT NULL,
        failures INTEGER NOT NULL,
        last_failure DOUBLE PRECISION NOT NULL,
        locked_until DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (limit_name, key)
    );
    """,
]


def recent_events(tx, name: str, key: str, since: float) -> tuple[int, float | None]:
    """How many events the key had after `since`, and when the oldest of them was."""
    row = tx.one("SELECT COUNT(*), MIN(at) FROM rate_events WHERE limit_name = ? AND key = ? AND at > ?",
                 (name, key, since))
    return row[0], row[1]


def record_event(tx, name: str, key: str, now: float, since: float) -> None:
    """Counts one event, and forgets this limit's events at or before `since` (out of its window)."""
    tx.execute("DELETE FROM rate_events WHERE limit_name = ? AND at <= ?", (name, since))
    tx.execute("INSERT INTO rate_events (limit_name, key, at) VALUES (?, ?, ?)", (name, key, now))


def backoff_state(tx, name: str, key: str) -> tuple[int, float, float] | None:
    """(failures, last failure, locked until) of the key, or None."""
    row = tx.one("SELECT failures, last_failure, locked_until FROM rate_backoff WHERE limit_name = ? AND key = ?",
                 (name, key))
    return (row[0], row[1], row[2]) if row is not None else None


def count_failure(tx, name: str, key: str, now: float, forget_before: float) -> int:
    """Counts one failure of the key in one statement (two nodes counting at once each add one);
    returns the failures in a row, restarting at 1 after a failure older than `forget_before`.
    Also forgets this limit's keys whose last failure is that old."""
    tx.execute("DELETE FROM rate_backoff WHERE limit_name = ? AND last_failure < ? AND key <> ?",
               (name, forget_before, key))
    row = tx.one("INSERT INTO rate_backoff (limit_name, key, failures, last_failure, locked_until) VALUES (?, ?, 1, ?, 0) "
                 "ON CONFLICT (limit_name, key) DO UPDATE SET last_failure = excluded.last_failure, failures = "
                 "CASE WHEN rate_backoff.last_failure >= ? THEN rate_backoff.failures + 1 ELSE 1 END "
                 "RETURNING failures", (name, key, now, forget_before))
    return row[0]


def lock_until(tx, name: str, key: str, locked_until: float) -> None:
    tx.execute("UPDATE rate_backoff SET locked_until = ? WHERE limit_name = ? AND key = ?", (locked_until, name, key))


def clear_backoff(tx, name: str, key: str) -> None:
    tx.execute("DELETE FROM rate_backoff WHERE limit_name = ? AND key = ?", (name, key))


def allow(tx, limit: RateLimit, key: str, now: float | None = None) -> int:
    """Records an event unless the key is over its limit; returns 0, or the seconds to wait
    (then nothing is recorded)."""
    now = time.time() if now is None else now
    seconds = wait(tx, limit, key, now)
    if not seconds:
        record(tx, limit, key, now)
    return seconds


def wait(tx, limit: RateLimit, key: str, now: float | None = None) -> int:
    """0 while the key is under its limit, else the seconds until its oldest event leaves the window."""
    now = time.time() if now is None else now
    return limit.wait_after(*recent_events(tx, limit.name, key, now - limit.seconds), now)


def record(tx, limit: RateLimit, key: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    record_event(tx, limit.name, key, now, now - limit.seconds)


def locked_for(tx, backoff: Backoff, key: str, now: float | None = None) -> float:
    """Seconds the key must still wait; 0 when it may try."""
    now = time.time() if now is None else now
    state = backoff_state(tx, backoff.name, key)
    return 0.0 if state is None else backoff.remaining(state[1], state[2], now)


def failed(tx, backoff: Backoff, key: str, now: float | None = None) -> None:
    now = time.time() if now is None else now
    failures = count_failure(tx, backoff.name, key, now, now - backoff.forget_after)
    lock_until(tx, backoff.name, key, now + backoff.lock_seconds(failures))


def succeeded(tx, backoff: Backoff, key: str) -> None:
    clear_backoff(tx, backoff.name, key)
