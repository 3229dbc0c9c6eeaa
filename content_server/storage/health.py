"""The one row /healthz rewrites to prove the database still takes a commit."""
from __future__ import annotations

import sqlite3
from pathlib import Path

MIGRATIONS = [
    "CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at REAL NOT NULL);",
]
POSTGRES_MIGRATIONS = [
    "CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at DOUBLE PRECISION NOT NULL);",
]


def probe_commit(database: Path, now: float) -> None:
    """Commits one tiny write, durably, on a connection of its own (the store's belongs to the
    event loop; this runs in a worker thread). Raises sqlite3.Error when the commit fails."""
    conn = sqlite3.connect(str(database), isolation_level=None, timeout=5)
    try:
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("INSERT INTO health_probe (id, checked_at) VALUES (1, ?) "
                         "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at", (now,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()
