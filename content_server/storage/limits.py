"""Rate limits and sign-in backoff kept in the database, so that every API node counts the same
events (a limit held in one process's memory is a limit per node, not per box or account).

`rate_events` holds one row per counted event in a sliding window; rows older than the window
are deleted when the limit records its next event. `rate_backoff` holds one row per key that
failed recently (a success deletes it; so does `forget_backoff` once it is stale).
"""
from __future__ import annotations

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


def set_backoff(tx, name: str, key: str, failures: int, now: float, locked_until: float, stale_before: float) -> None:
    tx.execute("DELETE FROM rate_backoff WHERE limit_name = ? AND last_failure < ?", (name, stale_before))
    tx.execute("INSERT INTO rate_backoff (limit_name, key, failures, last_failure, locked_until) VALUES (?, ?, ?, ?, ?) "
               "ON CONFLICT (limit_name, key) DO UPDATE SET failures = excluded.failures, "
               "last_failure = excluded.last_failure, locked_until = excluded.locked_until",
               (name, key, failures, now, locked_until))


def clear_backoff(tx, name: str, key: str) -> None:
    tx.execute("DELETE FROM rate_backoff WHERE limit_name = ? AND key = ?", (name, key))
