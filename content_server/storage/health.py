"""The one row /healthz rewrites to prove the database still takes a commit."""
from __future__ import annotations

MIGRATIONS = [
    "CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at REAL NOT NULL);",
]
POSTGRES_MIGRATIONS = [
    "CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at DOUBLE PRECISION NOT NULL);",
]


def probe_commit(tx, now: float) -> None:
    """A unit of work: one tiny write; through `store.write` it is answered after a durable COMMIT."""
    tx.execute("INSERT INTO health_probe (id, checked_at) VALUES (1, ?) "
               "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at", (now,))
