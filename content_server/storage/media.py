"""Statements of the media feature: categories, uploads, videos and their transcode jobs.

A video's renditions live in DataRoot.rendition_dir(id), and appear there only when complete:
  master.m3u8                      master playlist (lowest video rung first, audio-only rung last)
  <rung>/index.m3u8, <rung>/seg_00000.ts …   one folder per video rung, e.g. 234p, 360p
                                   (video only; 6 s segments, 2 s closed GOPs aligned across rungs)
  audio_<lang>/index.m3u8 + segments          one folder per audio language (zh, mn)
  audio_only_<lang>/…                         ≤ 64 kbit/s mono audio of the audio-only rung
  subs_<lang>/index.m3u8 + seg_00000.vtt …    WebVTT subtitles per language, cut on the
                                   same segment boundaries as the video, with X-TIMESTAMP-MAP
Every playlist of a video has the same number of segments with the same durations, so segment
N of any rendition covers the same time span.
The `ladder` column lists the rungs actually made, lowest first:
  [{"name": "360p", "width": 640, "height": 360, "bandwidth": 400000, "codecs": "..."}]
  bandwidth is the peak bit rate measured on the segments (video + its audio); the last entry,
  {"name": "audio_only", "width": 0, "height": 0, …}, stands for the audio_only_<lang> renditions.
Pictures live in DataRoot.poster_dir(id):
  poster.jpg (960×540), thumb.jpg (480×270)   progressive JPEG, letterboxed to 16:9
  tiles_000.jpg …   seek-preview sheets: 10×10 tiles, 320 px wide, one frame every 10 s
  tiles.json        {"interval", "tile_width", "tile_height", "columns", "rows", "count", "sheets"}
  tiles.vtt         WebVTT index: one cue per tile, `tiles_000.jpg#xywh=x,y,w,h`
publish_from / publish_until are stored as UTC ISO 8601 (`2026-11-26T15:00:00+00:00`), so
they compare as text.
"""
from __future__ import annotations

import json
import time
from enum import StrEnum

from .documents import Document, bump


class VideoStatus(StrEnum):
    """A video's life: processing → ready, or failed / cancelled (and processing again on a retry)."""
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobState(StrEnum):
    """A transcode job waiting for a worker, or held by one under a lease."""
    QUEUED = "queued"
    RUNNING = "running"

MIGRATIONS: list[str] = [
    """
    CREATE TABLE categories (
        id TEXT PRIMARY KEY,
        title_zh TEXT NOT NULL,
        title_mn TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE videos (
        id TEXT PRIMARY KEY,
        category TEXT NOT NULL REFERENCES categories(id),
        title_zh TEXT NOT NULL,
        title_mn TEXT NOT NULL,
        summary_zh TEXT NOT NULL DEFAULT '',
        summary_mn TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('processing', 'ready', 'failed', 'cancelled')),
        progress REAL NOT NULL DEFAULT 0,
        error TEXT,
        duration REAL,
        audio_languages TEXT NOT NULL DEFAULT '["zh","mn"]',
        subtitle_languages TEXT NOT NULL DEFAULT '[]',
        ladder TEXT NOT NULL DEFAULT '[]',
        segment_seconds REAL NOT NULL DEFAULT 6,
        publish_from TEXT,
        publish_until TEXT,
        created_at REAL NOT NULL,
        ready_at REAL,
        owner_id INTEGER,
        source TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX videos_ready ON videos (status, publish_from, publish_until);
    CREATE TABLE transcode_jobs (
        video_id TEXT PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running')),
        attempts INTEGER NOT NULL DEFAULT 0,
        queued_at REAL NOT NULL,
        started_at REAL
    );
    CREATE INDEX transcode_jobs_queue ON transcode_jobs (state, queued_at);
    """,
    """
    ALTER TABLE transcode_jobs ADD COLUMN holder TEXT;
    ALTER TABLE transcode_jobs ADD COLUMN lease_until REAL;
    """,
    """
    ALTER TABLE videos ADD COLUMN withdrawn_at REAL;
    ALTER TABLE videos ADD COLUMN deleted_at REAL;
    ALTER TABLE videos ADD COLUMN pictures_version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE videos ADD COLUMN renditions_version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE videos ADD COLUMN replaced_at REAL;
    """,
]
POSTGRES_MIGRATIONS: list[str] = [
    """
    CREATE TABLE categories (
        id TEXT PRIMARY KEY,
        title_zh TEXT NOT NULL,
        title_mn TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE videos (
        id TEXT PRIMARY KEY,
        category TEXT NOT NULL REFERENCES categories(id),
        title_zh TEXT NOT NULL,
        title_mn TEXT NOT NULL,
        summary_zh TEXT NOT NULL DEFAULT '',
        summary_mn TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL CHECK (status IN ('processing', 'ready', 'failed', 'cancelled')),
        progress DOUBLE PRECISION NOT NULL DEFAULT 0,
        error TEXT,
        duration DOUBLE PRECISION,
        audio_languages TEXT NOT NULL DEFAULT '["zh","mn"]',
        subtitle_languages TEXT NOT NULL DEFAULT '[]',
        ladder TEXT NOT NULL DEFAULT '[]',
        segment_seconds DOUBLE PRECISION NOT NULL DEFAULT 6,
        publish_from TEXT,
        publish_until TEXT,
        created_at DOUBLE PRECISION NOT NULL,
        ready_at DOUBLE PRECISION,
        owner_id BIGINT,
        source TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX videos_ready ON videos (status, publish_from, publish_until);
    CREATE TABLE transcode_jobs (
        video_id TEXT PRIMARY KEY REFERENCES videos(id) ON DELETE CASCADE,
        state TEXT NOT NULL CHECK (state IN ('queued', 'running')),
        attempts INTEGER NOT NULL DEFAULT 0,
        queued_at DOUBLE PRECISION NOT NULL,
        started_at DOUBLE PRECISION
    );
    CREATE INDEX transcode_jobs_queue ON transcode_jobs (state, queued_at);
    """,
    """
    ALTER TABLE transcode_jobs ADD COLUMN holder TEXT;
    ALTER TABLE transcode_jobs ADD COLUMN lease_until DOUBLE PRECISION;
    """,
    """
    ALTER TABLE videos ADD COLUMN withdrawn_at DOUBLE PRECISION;
    ALTER TABLE videos ADD COLUMN deleted_at DOUBLE PRECISION;
    ALTER TABLE videos ADD COLUMN pictures_version BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE videos ADD COLUMN renditions_version INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE videos ADD COLUMN replaced_at DOUBLE PRECISION;
    """,
]
# `videos.error` holds a msgid (English); it is shown translated.
# `transcode_jobs.holder` names the claim of a running job ("<host>:<pid>:<attempt>"); the job is
#  that worker's until `lease_until` (epoch seconds, renewed by its heartbeat). A running job whose
#  lease lapsed may be claimed by any worker; only the holder's heartbeat, finish or failure counts.
# `videos.withdrawn_at` (epoch seconds) takes a ready video off the air until it is restored;
#  `videos.deleted_at` hides it from everyone until it is purged (storage/video_life.py).
#  Neither changes `status`: a restore finds the video as it was.
# `videos.pictures_version` names the current poster: 0 is poster.jpg / thumb.jpg as transcoded,
#  N is poster-N.jpg / thumb-N.jpg chosen later (new names: the old ones are cached for a year).
# `videos.renditions_version` is the generation boxes are sent to (kernel/media_files.generation_prefix):
#  a replacement is transcoded into the next one while the current one plays on, and the commit that
#  marks it done is the swap. `replaced_at` (epoch seconds) says since when the older generations are
#  superseded; their files are removed a while later (media/life.py), then it is cleared.
#  A transcode job on a ready video is a replacement: the video stays ready (and on the air) throughout.
# `videos.source` is what the transcode needs: {"probe": {...}, "audio": [{"lang", "stream"}],
#  "subtitles": ["zh", ...], "poster": true|false}; the files sit in DataRoot.work/<id>/.


def add_category(store, category_id: str, title_zh: str, title_mn: str, position: int = 0) -> None:
    with store.write() as conn:
        if conn.execute("INSERT INTO categories (id, title_zh, title_mn, position) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (id) DO NOTHING", (category_id, title_zh, title_mn, position)).rowcount:
            bump(conn, Document.CATALOG)


def category_exists(store, category_id: str) -> bool:
    return store.one("SELECT 1 FROM categories WHERE id = ?", (category_id,)) is not None


def add_video_with_job(store, video: dict) -> None:
    """Inserts a processing video and its queued transcode job in one transaction."""
    now = time.time()
    row = dict(video, status=VideoStatus.PROCESSING, progress=0, created_at=now)
    for key in ("audio_languages", "subtitle_languages", "source"):
        row[key] = json.dumps(row[key], ensure_ascii=False)
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    with store.write() as conn:
        conn.execute(f"INSERT INTO videos ({columns}) VALUES ({marks})", tuple(row.values()))
        conn.execute("INSERT INTO transcode_jobs (video_id, state, queued_at) VALUES (?, 'queued', ?)",
                     (video["id"], now))
        _announce_job(conn)


def video(store, video_id: str):
    """The video's row, with `job_state` (queued, running, or None: no transcode waiting)."""
    return store.one("SELECT v.*, (SELECT state FROM transcode_jobs j WHERE j.video_id = v.id) AS job_state "
                     "FROM videos v WHERE v.id = ?", (video_id,))


def queue_replacement(tx, video_id: str, spec: dict) -> bool:
    """Queues the transcode of a ready video's replacement (`spec` as at ingest); False when the video
    is not ready, is deleted, or already has a transcode queued or running. It stays on the air."""
    if tx.one("SELECT 1 FROM transcode_jobs WHERE video_id = ?", (video_id,)):
        return False
    changed = tx.execute("UPDATE videos SET source = ?, progress = 0, error = NULL WHERE id = ? AND status = 'ready' "
                         "AND deleted_at IS NULL", (json.dumps(spec, ensure_ascii=False), video_id)).rowcount
    if changed:
        tx.execute("INSERT INTO transcode_jobs (video_id, state, queued_at) VALUES (?, 'queued', ?)",
                   (video_id, time.time()))
        _announce_job(tx)
    return bool(changed)


# PostgreSQL: two workers asking at once take two different jobs (SQLite's writer is alone anyway)
_SKIP_LOCKED = {"postgresql": " FOR UPDATE SKIP LOCKED"}
JOBS_CHANNEL = "legaltv_transcode_jobs"  # PostgreSQL NOTIFY channel: a job became claimable
LEASE_SECONDS = 30.0


def _dialect(store) -> str:
    return getattr(store, "dialect", "sqlite")


def _announce_job(conn) -> None:
    """Wakes idle workers on PostgreSQL (delivered at COMMIT); on SQLite workers poll."""
    if _dialect(conn) == "postgresql":
        conn.execute(f"NOTIFY {JOBS_CHANNEL}")


def claim_next_job(store, worker: str = "local", lease_seconds: float = LEASE_SECONDS, now: float | None = None):
    """Takes the oldest job that is queued or whose lease lapsed (its worker died or stalled),
    leases it to `worker` and returns its video row with the claim's `holder`, or None."""
    now = time.time() if now is None else now
    with store.write() as conn:
        row = conn.execute("SELECT video_id, attempts FROM transcode_jobs "
                           "WHERE state = 'queued' OR lease_until IS NULL OR lease_until < ? "
                           f"ORDER BY queued_at LIMIT 1{_SKIP_LOCKED.get(_dialect(store), '')}", (now,)
                           ).fetchone()
        if row is None:
            return None
        holder = f"{worker}:{row['attempts'] + 1}"
        conn.execute("UPDATE transcode_jobs SET state = 'running', started_at = ?, attempts = attempts + 1, "
                     "holder = ?, lease_until = ? WHERE video_id = ?",
                     (now, holder, now + lease_seconds, row["video_id"]))
        conn.execute("UPDATE videos SET progress = 0, error = NULL WHERE id = ?", (row["video_id"],))
        return conn.execute("SELECT v.*, j.holder FROM videos v JOIN transcode_jobs j ON j.video_id = v.id "
                            "WHERE v.id = ?", (row["video_id"],)).fetchone()


def renew_lease(store, video_id: str, holder: str, lease_seconds: float = LEASE_SECONDS,
                progress: float | None = None, now: float | None = None) -> bool:
    """The heartbeat: extends the holder's lease (and records progress); False when the job is no
    longer this claim's (cancelled, finished, or taken over after the lease lapsed)."""
    now = time.time() if now is None else now
    with store.write() as conn:
        held = conn.execute("UPDATE transcode_jobs SET lease_until = ? WHERE video_id = ? AND holder = ? "
                            "AND state = 'running'", (now + lease_seconds, video_id, holder)).rowcount
        if held and progress is not None:  # a replacement's progress too (its video stays ready)
            conn.execute("UPDATE videos SET progress = ? WHERE id = ? AND status IN ('processing', 'ready')",
                         (progress, video_id))
        return bool(held)


def release_job(store, video_id: str, holder: str) -> bool:
    """Gives a held job back to the queue at once (its worker stops or died on this machine)."""
    with store.write() as conn:
        released = conn.execute("UPDATE transcode_jobs SET state = 'queued', started_at = NULL, holder = NULL, "
                                "lease_until = NULL WHERE video_id = ? AND holder = ?", (video_id, holder)).rowcount
        if released:
            _announce_job(conn)
        return bool(released)


def running_jobs(store) -> list[tuple[str, str | None]]:
    """(video id, holder) of every running job."""
    return [(row["video_id"], row["holder"])
            for row in store.all("SELECT video_id, holder FROM transcode_jobs WHERE state = 'running'")]


def requeue_interrupted_jobs(store) -> int:
    """Every running job goes back to the queue; returns how many (for a data root that no
    other worker uses: workers normally requeue nothing and let leases lapse)."""
    with store.write() as conn:
        return conn.execute("UPDATE transcode_jobs SET state = 'queued', started_at = NULL, holder = NULL, "
                            "lease_until = NULL WHERE state = 'running'").rowcount


def set_progress(store, video_id: str, progress: float) -> None:
    with store.write() as conn:
        conn.execute("UPDATE videos SET progress = ? WHERE id = ? AND status = 'processing'",
                     (progress, video_id))


def _held(conn, video_id: str, holder: str | None) -> bool:
    if holder is None:
        return True
    return conn.execute("SELECT 1 FROM transcode_jobs WHERE video_id = ? AND holder = ? AND state = 'running'",
                        (video_id, holder)).fetchone() is not None


def finish_job(store, video_id: str, duration: float, ladder: list[dict],
               subtitle_languages: list[str] | None = None, holder: str | None = None,
               replacement: dict | None = None) -> bool:
    """Marks the video ready; `subtitle_languages`, when given, are the subtitle renditions made.
    With `holder`, only while that claim still holds the job (False otherwise: nothing changes),
    so a job is marked ready once, by the one worker whose claim is current. A `replacement`
    ({"renditions_version", "pictures_version", "audio_languages"}) swaps the new generation in."""
    with store.write() as conn:
        if not _held(conn, video_id, holder):
            return False
        if replacement is not None:
            conn.execute("UPDATE videos SET renditions_version = ?, pictures_version = ?, audio_languages = ?, "
                         "replaced_at = ? WHERE id = ?",
                         (replacement["renditions_version"], replacement["pictures_version"],
                          json.dumps(replacement["audio_languages"]), time.time(), video_id))
        conn.execute("DELETE FROM transcode_jobs WHERE video_id = ?", (video_id,))
        conn.execute("UPDATE videos SET status = 'ready', progress = 1, error = NULL, duration = ?, "
                     "ladder = ?, ready_at = ? WHERE id = ?",
                     (duration, json.dumps(ladder), time.time(), video_id))
        if subtitle_languages is not None:
            conn.execute("UPDATE videos SET subtitle_languages = ? WHERE id = ?",
                         (json.dumps(subtitle_languages), video_id))
        bump(conn, Document.CATALOG)  # a ready video joins the catalog and what channels can play
        return True


def fail_job(store, video_id: str, error_msgid: str, holder: str | None = None) -> bool:
    """Marks the video failed (with `holder`: only while that claim holds the job); a failed
    replacement leaves its video ready, as it was, with the error for the editor."""
    with store.write() as conn:
        if not _held(conn, video_id, holder):
            return False
        conn.execute("DELETE FROM transcode_jobs WHERE video_id = ?", (video_id,))
        conn.execute("UPDATE videos SET status = CASE WHEN status = 'ready' THEN 'ready' ELSE 'failed' END, "
                     "error = ? WHERE id = ?", (error_msgid, video_id))
        return True


def cancel_job(store, video_id: str) -> bool:
    """Cancels a queued or running job (a first transcode or a replacement); False when there was none."""
    with store.write() as conn:
        changed = conn.execute("UPDATE videos SET status = 'cancelled', progress = 0 "
                               "WHERE id = ? AND status = 'processing'", (video_id,)).rowcount
        dropped = conn.execute("DELETE FROM transcode_jobs WHERE video_id = ?", (video_id,)).rowcount
        return bool(changed or dropped)  # a replacement's job goes; its video stays ready


def retry_job(store, video_id: str) -> bool:
    """Queues a failed or cancelled video again; False when it was neither."""
    with store.write() as conn:
        changed = conn.execute("UPDATE videos SET status = 'processing', progress = 0, error = NULL "
                               "WHERE id = ? AND status IN ('failed', 'cancelled')", (video_id,)).rowcount
        if changed:
            conn.execute("INSERT INTO transcode_jobs (video_id, state, queued_at) VALUES (?, 'queued', ?)",
                         (video_id, time.time()))
            _announce_job(conn)
        return bool(changed)


def job_state(store, video_id: str) -> str | None:
    row = store.one("SELECT state FROM transcode_jobs WHERE video_id = ?", (video_id,))
    return row["state"] if row else None


def job_counts(store) -> dict[str, int]:
    """Jobs queued and running, and videos whose transcode failed."""
    counts = {JobState.QUEUED: 0, JobState.RUNNING: 0, VideoStatus.FAILED: 0}
    for row in store.all("SELECT state, COUNT(*) AS n FROM transcode_jobs GROUP BY state"):
        counts[row["state"]] = row["n"]
    counts[VideoStatus.FAILED] = store.one("SELECT COUNT(*) AS n FROM videos WHERE status = 'failed'")["n"]
    return counts


def unfinished_transcodes(store) -> list[tuple[dict, float]]:
    """(source spec, progress) of every video whose transcode is queued or running."""
    rows = store.all("SELECT v.source, v.progress FROM transcode_jobs j JOIN videos v ON v.id = j.video_id")
    return [(json.loads(row["source"]), row["progress"]) for row in rows]
