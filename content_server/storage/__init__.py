"""The storage layer: the only code that speaks SQL.

One SQLite file in WAL mode with synchronous=FULL, so every acknowledged write
survives kill -9. The file is readable by its owner only (SQLite gives the log and
shared-memory files the same mode), and deleted content is overwritten (secure_delete),
so an erased phone number leaves no copy once the log is truncated (`truncate_wal`).
Each feature keeps its statements in its own module here and declares its schema as
numbered migrations, applied once, in order, at start.
"""
from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils

from . import accounts, catalog, documents, guidance, health, media, questions, schedule, uploads

FEATURES = {
    "documents": documents.MIGRATIONS,
    "accounts": accounts.MIGRATIONS,
    "uploads": uploads.MIGRATIONS,
    "media": media.MIGRATIONS,
    "catalog": catalog.MIGRATIONS,
    "questions": questions.MIGRATIONS,
    "schedule": schedule.MIGRATIONS,
    "guidance": guidance.MIGRATIONS,
    "health": health.MIGRATIONS,
}


class Store:
    """An open legal-tv database. Use from the event-loop thread only."""

    def __init__(self, path: Path | str):
        conn = connect(path)
        for pragma in ("foreign_keys=ON", "busy_timeout=5000"):
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


PRIVATE_FILE = 0o600
WAL_LIMIT_BYTES = 16 * 1024 * 1024  # a log reset shrinks back to this; erasures truncate it to nothing


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection to the database file, created (or kept) readable by its owner only, in WAL
    mode with synchronous=FULL and secure_delete. Every connection that writes comes from here."""
    path = Path(path)
    try:  # only a new file: closing any descriptor of an open database drops this process's SQLite locks
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.exists():
            os.chmod(part, PRIVATE_FILE)  # files made by an older version were world-readable
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "secure_delete=ON",
                   f"journal_size_limit={WAL_LIMIT_BYTES}"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


_CHECKPOINTS = threading.Lock()  # SQLite refuses a checkpoint while another runs, without waiting


def checkpoint(conn: sqlite3.Connection, mode: str = "PASSIVE") -> bool:
    """Copies the write-ahead log into the database (one checkpoint at a time in this process).
    Blocking: call it from a worker thread. False when a reader or writer kept it from finishing."""
    with _CHECKPOINTS:
        busy, _, _ = conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    return busy == 0


def truncate_wal(path: Path | str) -> bool:
    """Copies the whole log into the database and truncates it to zero bytes, so nothing erased
    survives in old log frames. Blocking: run it in a worker thread. False while a reader or
    writer is in the way (try again later)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        return checkpoint(conn, "TRUNCATE")
    finally:
        conn.close()


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
