"""Statements of the catalog: categories (the table lives in media.py) and the videos boxes may see.

The catalog itself is rendered from `catalog_categories` + `ready_videos`; which of the ready
videos are inside their publish window is decided in Python with `now` passed in, so the
answer is testable without a clock.
"""
from __future__ import annotations

import sqlite3

from .documents import Document, bump

MIGRATIONS: list[str] = []  # the categories and videos tables belong to media.py


def on_air(alias: str = "") -> str:
    """The SQL condition of a video boxes and channels may play: transcoded, not withdrawn, not deleted."""
    p = f"{alias}." if alias else ""
    return f"{p}status = 'ready' AND {p}withdrawn_at IS NULL AND {p}deleted_at IS NULL"
POSTGRES_MIGRATIONS: list[str] = []


def catalog_categories(store) -> list[sqlite3.Row]:
    """All categories in the editors' order."""
    return store.all("SELECT id, title_zh, title_mn, position FROM categories ORDER BY position, id")


def category(store, category_id: str) -> sqlite3.Row | None:
    return store.one("SELECT id, title_zh, title_mn, position FROM categories WHERE id = ?", (category_id,))


def add_category(store, category_id: str, title_zh: str, title_mn: str) -> bool:
    """Adds a category at the end of the order; False when the id is taken."""
    with store.write() as conn:
        if conn.execute("SELECT 1 FROM categories WHERE id = ?", (category_id,)).fetchone():
            return False
        conn.execute(
            "INSERT INTO categories (id, title_zh, title_mn, position) "
            "VALUES (?, ?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM categories))",
            (category_id, title_zh, title_mn))
        bump(conn, Document.CATALOG)
    return True


def rename_category(store, category_id: str, title_zh: str, title_mn: str) -> bool:
    """False when there is no such category."""
    with store.write() as conn:
        cur = conn.execute("UPDATE categories SET title_zh = ?, title_mn = ? WHERE id = ?",
                           (title_zh, title_mn, category_id))
        if cur.rowcount == 1:
            bump(conn, Document.CATALOG)
    return cur.rowcount == 1


def reorder_categories(store, ordered_ids: list[str]) -> None:
    """Sets the order; the caller passes every category id exactly once."""
    with store.write() as conn:
        for position, category_id in enumerate(ordered_ids):
            conn.execute("UPDATE categories SET position = ? WHERE id = ?", (position, category_id))
        bump(conn, Document.CATALOG)


def ready_videos(store) -> list[sqlite3.Row]:
    """Every ready video on the air (not withdrawn, not deleted) with the fields the catalog shows,
    whatever its publish window."""
    return store.all(
        "SELECT v.id, v.category, v.title_zh, v.title_mn, v.summary_zh, v.summary_mn, v.duration, "
        "v.audio_languages, v.subtitle_languages, v.publish_from, v.publish_until, v.ready_at, "
        "v.pictures_version, v.renditions_version FROM videos v JOIN categories c ON c.id = v.category "
        f"WHERE {on_air('v')} ORDER BY v.ready_at DESC, v.id")


def ready_video_ids(store) -> set[str]:
    """Ids of the videos whose files an editor may preview (withdrawn ones too: before a restore)."""
    return {row["id"] for row in store.all("SELECT id FROM videos WHERE status = 'ready' AND deleted_at IS NULL")}


def editor_videos(store, limit: int = 200) -> list[sqlite3.Row]:
    """The newest videos of every status (not deleted ones), for the editor console's list."""
    return store.all(
        "SELECT id, category, title_zh, title_mn, summary_zh, summary_mn, status, progress, error, duration, "
        "publish_from, publish_until, created_at, ready_at, withdrawn_at, pictures_version, renditions_version, "
        "audio_languages, subtitle_languages, "
        "(SELECT state FROM transcode_jobs j WHERE j.video_id = videos.id) AS job_state "
        "FROM videos WHERE deleted_at IS NULL "
        "ORDER BY created_at DESC, id LIMIT ?", (limit,))


def video_titled(store, title_zh: str) -> sqlite3.Row | None:
    """Any video (of any status) with this Chinese title: the demo adds each sample once."""
    return store.one("SELECT id, status FROM videos WHERE title_zh = ? LIMIT 1", (title_zh,))
