"""What households watch: daily counters per video, day, region and language, added up on write.

Thousands of boxes each send a batch of play events every 15 minutes at most. Keeping every
event would grow by millions of rows a month for questions that only ever ask for sums, so each
batch is folded into `play_days` counters in the transaction that receives it (one row per video,
China day, banner-level region code, audio and subtitle language) and the events are dropped.
What a retried batch needs is kept apart: `play_batches` holds a digest of (box, batch id) and
its arrival only, never the box's id itself, and forgets it after BATCH_KEPT_SECONDS (events
older than that are not counted, so a batch resent later still counts once).

The Popular ranking reads the counters; its document version (`Document.POPULAR`) moves at the
first completed play after RANKING_MOVES_SECONDS, so boxes are told about a new ranking at most
once an hour however many plays arrive.
"""
from __future__ import annotations

from dataclasses import dataclass

from .documents import Document, bump
from .limits import allow

BATCH_KEPT_SECONDS = 35 * 24 * 3600
RANKING_MOVES_SECONDS = 3600

# the counters, in the order a PlayTally holds them
COUNTERS = ("starts", "quarter", "half", "three_quarters", "completes", "audio_switches", "subtitle_switches",
            "rung_changes", "stalls")

_TABLES = """
    CREATE TABLE play_days (
        video_id TEXT NOT NULL,
        day TEXT NOT NULL,              -- YYYY-MM-DD, China time
        region TEXT NOT NULL,           -- the box's banner-level region code
        audio TEXT NOT NULL,            -- the audio language when the event happened
        subtitles TEXT NOT NULL,        -- the subtitle language then, '' for none
        starts {int} NOT NULL DEFAULT 0,
        quarter {int} NOT NULL DEFAULT 0,
        half {int} NOT NULL DEFAULT 0,
        three_quarters {int} NOT NULL DEFAULT 0,
        completes {int} NOT NULL DEFAULT 0,
        audio_switches {int} NOT NULL DEFAULT 0,
        subtitle_switches {int} NOT NULL DEFAULT 0,
        rung_changes {int} NOT NULL DEFAULT 0,
        stalls {int} NOT NULL DEFAULT 0,
        stall_seconds {real} NOT NULL DEFAULT 0,
        PRIMARY KEY (video_id, day, region, audio, subtitles)
    );
    CREATE INDEX play_days_day ON play_days (day, region);
    CREATE TABLE play_batches (
        batch_key TEXT PRIMARY KEY,     -- sha256 of box and batch id: a retry is known, the box is not
        received_at {real} NOT NULL
    );
    CREATE INDEX play_batches_received ON play_batches (received_at);
    CREATE TABLE play_ranking_moves (
        id {int} PRIMARY KEY CHECK (id = 1),
        moved_at {real} NOT NULL
    );
"""
MIGRATIONS: list[str] = [_TABLES.format(int="INTEGER", real="REAL")]
POSTGRES_MIGRATIONS: list[str] = [_TABLES.format(int="BIGINT", real="DOUBLE PRECISION")]


@dataclass(frozen=True)
class TallyKey:
    video_id: str
    day: str
    region: str
    audio: str
    subtitles: str


def record_batch(tx, batch_key: str, tallies: dict[TallyKey, dict], limit, limit_key: str,
                 now: float) -> tuple[str, int]:
    """Adds a batch's tallies ({key: {counter: n, "stall_seconds": s}}) unless it was counted
    before or the box is over `limit`. Returns ("counted" | "duplicate" | "later", seconds to wait).
    Videos that are not in the library are skipped."""
    with tx.write() as conn:
        conn.execute("DELETE FROM play_batches WHERE received_at < ?", (now - BATCH_KEPT_SECONDS,))
        if conn.one("SELECT 1 FROM play_batches WHERE batch_key = ?", (batch_key,)) is not None:
            return "duplicate", 0
        wait = allow(conn, limit, limit_key, now)
        if wait:
            return "later", wait
        conn.execute("INSERT INTO play_batches (batch_key, received_at) VALUES (?, ?)", (batch_key, now))
        known = _known_videos(conn, {key.video_id for key in tallies})
        completed = False
        columns = ", ".join((*COUNTERS, "stall_seconds"))
        marks = ", ".join("?" for _ in (*COUNTERS, "stall_seconds"))
        adds = ", ".join(f"{c} = play_days.{c} + excluded.{c}" for c in (*COUNTERS, "stall_seconds"))
        for key, tally in tallies.items():
            if key.video_id not in known:
                continue
            completed = completed or tally.get("completes", 0) > 0
            conn.execute(f"INSERT INTO play_days (video_id, day, region, audio, subtitles, {columns}) "
                         f"VALUES (?, ?, ?, ?, ?, {marks}) "
                         f"ON CONFLICT (video_id, day, region, audio, subtitles) DO UPDATE SET {adds}",
                         (key.video_id, key.day, key.region, key.audio, key.subtitles,
                          *(tally.get(c, 0) for c in COUNTERS), float(tally.get("stall_seconds", 0.0))))
        if completed:
            _move_ranking(conn, now)
        return "counted", 0


def _known_videos(tx, ids: set[str]) -> set[str]:
    if not ids:
        return set()
    marks = ", ".join("?" for _ in ids)
    return {row[0] for row in tx.all(f"SELECT id FROM videos WHERE id IN ({marks})", tuple(ids))}


def _move_ranking(tx, now: float) -> None:
    """Bumps the Popular document unless it moved less than RANKING_MOVES_SECONDS ago."""
    row = tx.one("SELECT moved_at FROM play_ranking_moves WHERE id = 1")
    if row is not None and now - row[0] < RANKING_MOVES_SECONDS:
        return
    tx.execute("INSERT INTO play_ranking_moves (id, moved_at) VALUES (1, ?) "
               "ON CONFLICT (id) DO UPDATE SET moved_at = excluded.moved_at", (now,))
    bump(tx, Document.POPULAR)


def completed_by_video(tx, region_prefix: str, since_day: str, limit: int) -> list:
    """(video_id, completed plays) of videos on the air, most completed first, in the regions whose
    code starts with `region_prefix`, from `since_day` on."""
    return tx.all("SELECT p.video_id, SUM(p.completes) AS completed FROM play_days p "
                  "JOIN videos v ON v.id = p.video_id "
                  "WHERE p.day >= ? AND p.region LIKE ? AND v.withdrawn_at IS NULL AND v.deleted_at IS NULL "
                  "GROUP BY p.video_id HAVING SUM(p.completes) > 0 "
                  "ORDER BY completed DESC, p.video_id LIMIT ?", (since_day, region_prefix + "%", limit))


def day_rows(tx, first_day: str, last_day: str) -> list:
    """Every counter row of those days (inclusive) with the video's titles, by day, video, region."""
    return tx.all("SELECT p.*, v.title_zh, v.title_mn FROM play_days p LEFT JOIN videos v ON v.id = p.video_id "
                  "WHERE p.day >= ? AND p.day <= ? "
                  "ORDER BY p.day, p.video_id, p.region, p.audio, p.subtitles", (first_day, last_day))


def has_counters(tx) -> bool:
    """Whether any play was ever counted (the demo seeds plays only into empty counters)."""
    return tx.one("SELECT 1 FROM play_days LIMIT 1") is not None
