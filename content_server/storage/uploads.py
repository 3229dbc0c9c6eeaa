"""Statements of the uploads feature (resumable tus uploads).

`offset` is the acknowledged offset: the bytes before it were fsynced to the upload's
file before the row was updated, so after kill -9 the file holds at least `offset` bytes.
"""
from __future__ import annotations

import time

MIGRATIONS: list[str] = [
    """
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        length INTEGER NOT NULL CHECK (length >= 0),
        "offset" INTEGER NOT NULL DEFAULT 0 CHECK ("offset" >= 0 AND "offset" <= length),
        filename TEXT NOT NULL DEFAULT '',
        filetype TEXT NOT NULL DEFAULT '',
        metadata TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        completed_at REAL
    );
    CREATE INDEX uploads_owner ON uploads (owner_id, completed_at);
    CREATE INDEX uploads_expiry ON uploads (expires_at) WHERE completed_at IS NULL;
    """,
]
POSTGRES_MIGRATIONS: list[str] = [
    """
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY,
        owner_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        length BIGINT NOT NULL CHECK (length >= 0),
        "offset" BIGINT NOT NULL DEFAULT 0 CHECK ("offset" >= 0 AND "offset" <= length),
        filename TEXT NOT NULL DEFAULT '',
        filetype TEXT NOT NULL DEFAULT '',
        metadata TEXT NOT NULL DEFAULT '',
        created_at DOUBLE PRECISION NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL,
        completed_at DOUBLE PRECISION
    );
    CREATE INDEX uploads_owner ON uploads (owner_id, completed_at);
    CREATE INDEX uploads_expiry ON uploads (expires_at) WHERE completed_at IS NULL;
    """,
]


def add_upload(store, upload_id: str, owner_id: int, length: int, filename: str, filetype: str,
               metadata: str, expires_at: float) -> None:
    with store.write() as conn:
        conn.execute(
            'INSERT INTO uploads (id, owner_id, length, filename, filetype, metadata, created_at, expires_at, '
            'completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
            (upload_id, owner_id, length, filename, filetype, metadata, time.time(), expires_at,
             time.time() if length == 0 else None))


def upload(store, upload_id: str):
    return store.one("SELECT * FROM uploads WHERE id = ?", (upload_id,))


def owned_upload(store, upload_id: str, owner_id: int):
    return store.one("SELECT * FROM uploads WHERE id = ? AND owner_id = ?", (upload_id, owner_id))


def open_upload_count(store, owner_id: int, now: float) -> int:
    """Incomplete, unexpired uploads of one editor."""
    row = store.one("SELECT count(*) AS n FROM uploads WHERE owner_id = ? AND completed_at IS NULL "
                    "AND expires_at > ?", (owner_id, now))
    return row["n"]


def open_upload_total(store) -> int:
    return store.one("SELECT count(*) AS n FROM uploads WHERE completed_at IS NULL")["n"]


def set_offset(store, upload_id: str, offset: int, expires_at: float) -> None:
    """Acknowledges bytes up to `offset`; marks the upload complete when it reaches its length."""
    with store.write() as conn:
        conn.execute(
            'UPDATE uploads SET "offset" = ?, expires_at = ?, '
            'completed_at = CASE WHEN ? = length THEN ? ELSE NULL END WHERE id = ?',
            (offset, expires_at, offset, time.time(), upload_id))


def delete_upload(store, upload_id: str) -> None:
    with store.write() as conn:
        conn.execute("DELETE FROM uploads WHERE id = ?", (upload_id,))


def expired_uploads(store, now: float) -> list[str]:
    """Ids of incomplete uploads whose expiry has passed."""
    rows = store.all("SELECT id FROM uploads WHERE completed_at IS NULL AND expires_at <= ?", (now,))
    return [row["id"] for row in rows]


def stale_finished_uploads(store, completed_before: float) -> list[str]:
    """Ids of complete uploads that no ingest has consumed since `completed_before`."""
    rows = store.all("SELECT id FROM uploads WHERE completed_at IS NOT NULL AND completed_at <= ?",
                     (completed_before,))
    return [row["id"] for row in rows]


def known_ids(store, ids: list[str]) -> set[str]:
    found = set()
    for start in range(0, len(ids), 500):
        part = ids[start:start + 500]
        rows = store.all(f"SELECT id FROM uploads WHERE id IN ({','.join('?' * len(part))})", part)
        found.update(row["id"] for row in rows)
    return found
