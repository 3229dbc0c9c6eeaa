"""Statements of the schedule feature: channels and their schedule documents.

A channel's schedule (slots, playlists, one-off overrides) is one JSON document, validated
by content_server.schedule.document before it is written; `version` grows on every change
(and the `channels` document version with it, so caches of plans can key on them).
"""
from __future__ import annotations

import json
import sqlite3
import time

from .catalog import on_air
from .documents import Document, bump

KEEP_VERSIONS_MS = 2 * 86_400_000

MIGRATIONS: list[str] = [
    """
    CREATE TABLE channels (
        id TEXT PRIMARY KEY,
        title_zh TEXT NOT NULL,
        title_mn TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0,
        schedule TEXT NOT NULL DEFAULT '{}',
        version INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    """,
    # every saved version and the instant it took effect: an edit never rewrites what aired
    """
    CREATE TABLE channel_schedules (
        channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        schedule TEXT NOT NULL,
        effective_ms INTEGER NOT NULL,
        PRIMARY KEY (channel_id, version)
    );
    INSERT INTO channel_schedules (channel_id, version, schedule, effective_ms)
        SELECT id, version, schedule, 0 FROM channels;
    """,
]
POSTGRES_MIGRATIONS: list[str] = [
    """
    CREATE TABLE channels (
        id TEXT PRIMARY KEY,
        title_zh TEXT NOT NULL,
        title_mn TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0,
        schedule TEXT NOT NULL DEFAULT '{}',
        version INTEGER NOT NULL DEFAULT 1,
        created_at DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL
    );
    """,
    """
    CREATE TABLE channel_schedules (
        channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        schedule TEXT NOT NULL,
        effective_ms BIGINT NOT NULL,
        PRIMARY KEY (channel_id, version)
    );
    INSERT INTO channel_schedules (channel_id, version, schedule, effective_ms)
        SELECT id, version, schedule, 0 FROM channels;
    """,
]


def channels(store) -> list[sqlite3.Row]:
    return store.all("SELECT * FROM channels ORDER BY position, id")


def channel(store, channel_id: str) -> sqlite3.Row | None:
    return store.one("SELECT * FROM channels WHERE id = ?", (channel_id,))


def schedule_of(row: sqlite3.Row) -> dict:
    return json.loads(row["schedule"])


def add_channel(store, channel_id: str, title: dict, schedule: dict) -> bool:
    """Creates a channel, its schedule in force from the beginning; False when the id is taken."""
    now = time.time()
    document = json.dumps(schedule, ensure_ascii=False)
    with store.write() as conn:
        position = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM channels").fetchone()[0]
        cursor = conn.execute(
            "INSERT INTO channels (id, title_zh, title_mn, position, schedule, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (channel_id, title["zh"], title["mn"], position, document, now, now))
        if cursor.rowcount != 1:
            return False
        conn.execute("INSERT INTO channel_schedules (channel_id, version, schedule, effective_ms) "
                     "VALUES (?, 1, ?, 0)", (channel_id, document))
        bump(conn, Document.CHANNELS)
        return True


def replace_channel(store, channel_id: str, title: dict, schedule: dict, effective_ms: int) -> bool:
    """Replaces a channel's title, and its schedule from `effective_ms` on; False when there is no such channel."""
    with store.write() as conn:
        cursor = conn.execute(
            "UPDATE channels SET title_zh = ?, title_mn = ?, schedule = ?, version = version + 1, "
            "updated_at = ? WHERE id = ?",
            (title["zh"], title["mn"], json.dumps(schedule, ensure_ascii=False), time.time(), channel_id))
        if cursor.rowcount != 1:
            return False
        _add_version(conn, channel_id, schedule, effective_ms)
        return True


def _add_version(conn, channel_id: str, schedule: dict, effective_ms: int) -> None:
    bump(conn, Document.CHANNELS)
    version = conn.execute("SELECT version FROM channels WHERE id = ?", (channel_id,)).fetchone()[0]
    conn.execute("INSERT INTO channel_schedules (channel_id, version, schedule, effective_ms) VALUES (?, ?, ?, ?)",
                 (channel_id, version, json.dumps(schedule, ensure_ascii=False), effective_ms))
    # versions superseded more than two days ago can no longer shape any guide or playlist
    conn.execute("DELETE FROM channel_schedules WHERE channel_id = ? AND version < ("
                 "SELECT MAX(version) FROM channel_schedules WHERE channel_id = ? AND effective_ms <= ?)",
                 (channel_id, channel_id, effective_ms - KEEP_VERSIONS_MS))


def schedule_versions(store, channel_id: str) -> list[tuple[int, dict]]:
    """[(in force from ms, schedule)] of a channel, oldest first; an edit in the past of
    another (a server clock set back) ends the older one at the same instant."""
    rows = store.all("SELECT schedule, effective_ms FROM channel_schedules WHERE channel_id = ? "
                     "ORDER BY version", (channel_id,))
    versions: list[tuple[int, dict]] = []
    for row in rows:
        while versions and versions[-1][0] >= row["effective_ms"]:
            versions.pop()  # superseded before it took effect
        versions.append((row["effective_ms"], json.loads(row["schedule"])))
    if versions:
        versions[0] = (0, versions[0][1])  # the oldest kept version stands for all that came before
    return versions


def delete_channel(store, channel_id: str) -> bool:
    with store.write() as conn:
        deleted = conn.execute("DELETE FROM channels WHERE id = ?", (channel_id,)).rowcount == 1
        if deleted:
            bump(conn, Document.CHANNELS)
        return deleted


def add_override(store, channel_id: str, override: dict, effective_ms: int) -> bool:
    """Appends a validated one-off override to the channel's schedule, in force from `effective_ms`."""
    with store.write() as conn:
        row = conn.execute("SELECT schedule FROM channels WHERE id = ?", (channel_id,)).fetchone()
        if row is None:
            return False
        schedule = json.loads(row["schedule"])
        schedule.setdefault("overrides", []).append(override)
        conn.execute("UPDATE channels SET schedule = ?, version = version + 1, updated_at = ? WHERE id = ?",
                     (json.dumps(schedule, ensure_ascii=False), time.time(), channel_id))
        _add_version(conn, channel_id, schedule, effective_ms)
        return True


def video_statuses(store) -> dict[str, str]:
    """Every video id with its status, for checking what a schedule references."""
    return {row["id"]: row["status"] for row in store.all("SELECT id, status FROM videos WHERE deleted_at IS NULL")}


def ready_counts_by_category(store) -> dict[str, int]:
    """Every category id with its number of ready videos on the air."""
    return {row["id"]: row["ready"] for row in store.all(
        "SELECT c.id, COUNT(v.id) AS ready FROM categories c "
        f"LEFT JOIN videos v ON v.category = c.id AND {on_air('v')} GROUP BY c.id")}


def playable_videos(store) -> list[sqlite3.Row]:
    """The ready videos on the air with what the planner and the live playlists need (a withdrawn
    video's slots get filler)."""
    return store.all(
        "SELECT id, category, title_zh, title_mn, summary_zh, summary_mn, duration, audio_languages, "
        "subtitle_languages, ladder, segment_seconds, publish_from, publish_until, ready_at, renditions_version "
        f"FROM videos WHERE {on_air()} ORDER BY id")
