"""The storage layer: the only code that speaks SQL.

One SQLite file in WAL mode with synchronous=FULL, so every acknowledged write
survives kill -9. Each feature keeps its statements in its own module here and
declares its schema as numbered migrations, applied once, in order, at start.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils

from . import accounts, catalog, documents, guidance, media, questions, schedule, uploads

FEATURES = {
    "documents": documents.MIGRATIONS,
    "accounts": accounts.MIGRATIONS,
    "uploads": uploads.MIGRATIONS,
    "media": media.MIGRATIONS,
    "catalog": catalog.MIGRATIONS,
    "questions": questions.MIGRATIONS,
    "schedule": schedule.MIGRATIONS,
    "guidance": guidance.MIGRATIONS,
}


class Store:
    """An open legal-tv database. Use from the event-loop thread only."""

    def __init__(self, path: Path | str):
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                       "busy_timeout=5000"):
            conn.execute(f"PRAGMA {pragma}")
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.changes = 0  # bumped on every committed write (public caches key on storage.documents)
        self._depth = 0
        self.migrate()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken with BEGIN IMMEDIATE; nested calls join it."""
        if self._depth:
            self._depth += 1
            try:
                yield self.conn
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
            self.changes += 1
        finally:
            self._depth = 0

    def one(self, sql: str, params=()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params=()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def migrate(self) -> None:
        """Create or bring the schema up to date, feature by feature."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_versions (feature TEXT PRIMARY KEY, version INTEGER NOT NULL)")
        for feature, steps in FEATURES.items():
            row = self.one("SELECT version FROM schema_versions WHERE feature = ?", (feature,))
            done = row["version"] if row else 0
            for version, sql in enumerate(steps, start=1):
                if version <= done:
                    continue
                with self.write() as conn:
                    for statement in _statements(sql):
                        conn.execute(statement)
                    conn.execute(
                        "INSERT INTO schema_versions (feature, version) VALUES (?, ?) "
                        "ON CONFLICT (feature) DO UPDATE SET version = excluded.version",
                        (feature, version))


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit early)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
