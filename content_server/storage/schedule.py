"""Statements of the schedule feature: channels and their schedule documents.

A channel's schedule (slots, playlists, one-off overrides) is one JSON document, validated
by content_server.schedule.document before it is written; `version` grows on every change
so caches of plans can key on it.
"""
from __future__ import annotations

import json
import sqlite3
import time

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
]


def channels(store) -> list[sqlite3.Row]:
    return store.all("SELECT * FROM channels ORDER BY position, id")


def channel(store, channel_id: str) -> sqlite3.Row | None:
    return store.one("SELECT * FROM channels WHERE id = ?", (channel_id,))


def schedule_of(row: sqlite3.Row) -> dict:
    return json.loads(row["schedule"])


def add_channel(store, channel_id: str, title: dict, schedule: dict) -> bool:
    """Creates a channel; False when the id is taken."""
    now = time.time()
    with store.write() as conn:
        position = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM channels").fetchone()[0]
        cursor = conn.execute(
            "INSERT INTO channels (id, title_zh, title_mn, position, schedule, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            (channel_id, title["zh"], title["mn"], position, json.dumps(schedule, ensure_ascii=False), now, now))
        return cursor.rowcount == 1


def replace_channel(store, channel_id: str, title: dict, schedule: dict) -> bool:
    """Replaces a channel's title and schedule; False when there is no such channel."""
    with store.write() as conn:
        cursor = conn.execute(
            "UPDATE channels SET title_zh = ?, title_mn = ?, schedule = ?, version = version + 1, "
            "updated_at = ? WHERE id = ?",
            (title["zh"], title["mn"], json.dumps(schedule, ensure_ascii=False), time.time(), channel_id))
        return cursor.rowcount == 1


def delete_channel(store, channel_id: str) -> bool:
    with store.write() as conn:
        return conn.execute("DELETE FROM channels WHERE id = ?", (channel_id,)).rowcount == 1


def add_override(store, channel_id: str, override: dict) -> bool:
    """Appends a validated one-off override to the channel's schedule in one transaction."""
    with store.write() as conn:
        row = conn.execute("SELECT schedule FROM channels WHERE id = ?", (channel_id,)).fetchone()
        if row is None:
            return False
        schedule = json.loads(row["schedule"])
        schedule.setdefault("overrides", []).append(override)
        conn.execute("UPDATE channels SET schedule = ?, version = version + 1, updated_at = ? WHERE id = ?",
                     (json.dumps(schedule, ensure_ascii=False), time.time(), channel_id))
        return True


def video_statuses(store) -> dict[str, str]:
    """Every video id with its status, for checking what a schedule references."""
    return {row["id"]: row["status"] for row in store.all("SELECT id, status FROM videos")}


def ready_counts_by_category(store) -> dict[str, int]:
    """Every category id with its number of ready videos."""
    return {row["id"]: row["ready"] for row in store.all(
        "SELECT c.id, COUNT(v.id) AS ready FROM categories c "
        "LEFT JOIN videos v ON v.category = c.id AND v.status = 'ready' GROUP BY c.id")}


def playable_videos(store) -> list[sqlite3.Row]:
    """The ready videos with what the planner and the live playlists need."""
    return store.all(
        "SELECT id, category, title_zh, title_mn, summary_zh, summary_mn, duration, audio_languages, "
        "subtitle_languages, ladder, segment_seconds, publish_from, publish_until, ready_at "
        "FROM videos WHERE status = 'ready' ORDER BY id")


def data_version(store) -> tuple[int, int]:
    """Changes by this connection and by any other: a cheap key for caches of the library."""
    return store.changes, store.one("PRAGMA data_version")[0]
