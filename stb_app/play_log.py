"""What the household watched, recorded anonymously and sent in batches (pure Python, no Kivy).

`PlayRecorder` turns what the player screen sees (a video opened, the position, an audio or
subtitle switch, a rung change, a stall, the end) into play events; `PlayLog` stores each event
on disk as it happens (a box switched off loses nothing) and, at most once every
BATCH_SPACING_SECONDS, seals what waits into one batch in the plays outbox, whose key is the
batch id the server counts once. One batch waits at a time, and a failed send is tried again no
sooner than that spacing, so a box makes at most one request per 15 minutes.
Events carry the video, what happened, when, and the languages chosen: nothing about the household.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from .outbox import Outbox

BATCH_SPACING_SECONDS = 15 * 60
BATCH_MAX_EVENTS = 500  # the server takes up to 1000; a backlog after days offline goes out in turns
MARKS = (25, 50, 75, 100)  # per cent of the video seen; 100 only when it played to its end


class PlayRecorder:
    """One play of one video: the events it makes, each mark once (marks before a resumed start
    count as passed). Every method returns the new events (a list, often empty)."""

    def __init__(self, video_id: str, duration: float, audio: str, subtitles: str, position: float, now: float):
        self.video_id, self.duration = str(video_id), float(duration or 0)
        self.audio, self.subtitles = audio, subtitles or ""
        self.passed = {m for m in MARKS[:-1] if self.duration and position >= self.duration * m / 100}
        self.rung: str | None = None
        self.started = self._event("start", now)

    def _event(self, kind: str, now: float, **fields) -> dict:
        return {"video": self.video_id, "event": kind, "at": round(now, 3), "audio": self.audio,
                "subtitles": self.subtitles, **fields}

    def position(self, seconds: float, now: float) -> list[dict]:
        """The 25, 50 and 75 % marks the position reached for the first time."""
        if not self.duration:
            return []
        reached = [m for m in MARKS[:-1] if m not in self.passed and seconds >= self.duration * m / 100]
        self.passed.update(reached)
        return [self._event("progress", now, percent=m) for m in reached]

    def ended(self, now: float) -> list[dict]:
        """The video played to its end: the marks not yet reported, and 100 %."""
        events = self.position(self.duration, now)
        if 100 not in self.passed:
            self.passed.add(100)
            events.append(self._event("progress", now, percent=100))
        return events

    def audio_chosen(self, lang: str, now: float) -> list[dict]:
        if not lang or lang == self.audio:
            return []
        self.audio = lang
        return [self._event("audio", now)]

    def subtitles_chosen(self, lang: str, now: float) -> list[dict]:
        lang = lang or ""
        if lang == self.subtitles:
            return []
        self.subtitles = lang
        return [self._event("subtitles", now)]

    def rung_changed(self, name: str, now: float) -> list[dict]:
        """A change of picture quality (the first rung chosen is no change)."""
        before, self.rung = self.rung, name or None
        if before is None or not name or name == before:
            return []
        height = int(name[:-1]) if name.endswith("p") and name[:-1].isdigit() else 0
        return [self._event("rung", now, height=height)]

    def stalled(self, seconds: float, now: float) -> list[dict]:
        return [self._event("stall", now, seconds=round(max(0.0, min(seconds, 3600.0)), 1))]


class PlayLog:
    """Events on disk until sent: kept in the plays outbox's own database, sealed into batches.
    Safe to call from several threads (the screen records off the UI thread, sending runs on another)."""

    def __init__(self, path: Path, spacing: float = BATCH_SPACING_SECONDS):
        self.spacing = spacing
        self._lock = threading.RLock()  # one connection: a record never lands inside a sealing's transaction
        self.outbox = Outbox(path, min_delay=spacing)
        self.db = self.outbox.db
        self.db.execute("CREATE TABLE IF NOT EXISTS play_events (id INTEGER PRIMARY KEY, event TEXT NOT NULL)")
        self.db.execute("CREATE TABLE IF NOT EXISTS play_last_try (id INTEGER PRIMARY KEY CHECK (id = 1), at REAL)")

    def close(self) -> None:
        self.outbox.close()

    def record(self, events: list[dict]) -> None:
        """Stores events; durable when this returns."""
        if events:
            with self._lock:
                self.db.executemany("INSERT INTO play_events (event) VALUES (?)",
                                    [(json.dumps(e, ensure_ascii=False),) for e in events])

    def pending(self) -> list[dict]:
        """Events recorded and not yet sealed into a batch."""
        with self._lock:
            return [json.loads(r[0]) for r in self.db.execute("SELECT event FROM play_events ORDER BY id")]

    def seal(self, now: float | None = None) -> str | None:
        """Moves the pending events (the oldest BATCH_MAX_EVENTS) into one new batch, unless one still
        waits to be sent or the last sending was tried less than `spacing` ago; the batch id, or None."""
        now = time.time() if now is None else now
        with self._lock:
            return self._seal(now)

    def _seal(self, now: float) -> str | None:
        if self.outbox.waiting():
            return None
        row = self.db.execute("SELECT at FROM play_last_try WHERE id = 1").fetchone()
        if row is not None and 0 <= now - row[0] < self.spacing:
            return None
        self.db.execute("BEGIN IMMEDIATE")
        try:
            rows = self.db.execute("SELECT id, event FROM play_events ORDER BY id LIMIT ?",
                                   (BATCH_MAX_EVENTS,)).fetchall()
            if not rows:
                self.db.execute("ROLLBACK")
                return None
            key = self.outbox.add({"events": [json.loads(r[1]) for r in rows]}, now)
            self.db.execute("DELETE FROM play_events WHERE id <= ?", (rows[-1][0],))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return key

    def send(self, send, now: float | None = None) -> int:
        """Seals what is due and sends the waiting batch with `send(batch_id, body)`; how many
        batches the server acknowledged (0 or 1)."""
        now = time.time() if now is None else now
        with self._lock:
            self._seal(now)
            if not self.outbox.due(now):
                return 0
            self.db.execute("INSERT INTO play_last_try (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = ?",
                            (now, now))  # the last try: the next batch is sealed a quarter hour after it
            return self.outbox.flush(send, now)
