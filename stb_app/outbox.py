"""Questions waiting to be sent: an SQLite outbox on the box.

A question is stored with its Idempotency-Key before any network traffic, so it survives app
restarts and power cuts; it is retried with exponential backoff until the server acknowledges
it (201/200), and the key makes a retry after a lost reply harmless.
"""
from __future__ import annotations

import json
import random
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .api import Offline, Rejected

BASE_DELAY, MAX_DELAY = 5.0, 600.0  # seconds between attempts: 5, 10, 20 … at most 10 minutes

WAITING, SENT, REJECTED = "waiting", "sent", "rejected"


@dataclass
class Entry:
    key: str
    body: dict
    state: str
    attempts: int
    next_attempt_at: float
    created_at: float
    response: dict | None
    error: str | None


class Outbox:
    def __init__(self, path: Path, rng: random.Random | None = None):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("""CREATE TABLE IF NOT EXISTS outbox (
            key TEXT PRIMARY KEY, body TEXT NOT NULL, state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL,
            created_at REAL NOT NULL, response TEXT, error TEXT)""")
        self.rng = rng or random.Random()

    def close(self) -> None:
        self.db.close()

    def add(self, body: dict, now: float | None = None) -> str:
        """Stores a question to send; returns its idempotency key. Durable when this returns."""
        now = time.time() if now is None else now
        key = str(uuid.uuid4())
        self.db.execute("INSERT INTO outbox (key, body, state, next_attempt_at, created_at) VALUES (?,?,?,?,?)",
                        (key, json.dumps(body, ensure_ascii=False), WAITING, now, now))
        return key

    def _entries(self, where: str, params=()) -> list[Entry]:
        rows = self.db.execute(f"SELECT key, body, state, attempts, next_attempt_at, created_at, response, error "
                               f"FROM outbox WHERE {where} ORDER BY created_at", params).fetchall()
        return [Entry(r[0], json.loads(r[1]), r[2], r[3], r[4], r[5], json.loads(r[6]) if r[6] else None, r[7])
                for r in rows]

    def waiting(self) -> list[Entry]:
        """Questions not yet acknowledged by the server (shown as "waiting to send")."""
        return self._entries("state = ?", (WAITING,))

    def rejected(self) -> list[Entry]:
        return self._entries("state = ?", (REJECTED,))

    def due(self, now: float | None = None) -> list[Entry]:
        now = time.time() if now is None else now
        return self._entries("state = ? AND next_attempt_at <= ?", (WAITING, now))

    def next_due_at(self) -> float | None:
        row = self.db.execute("SELECT MIN(next_attempt_at) FROM outbox WHERE state = ?", (WAITING,)).fetchone()
        return row[0]

    def mark_sent(self, key: str, response: dict) -> None:
        self.db.execute("UPDATE outbox SET state = ?, response = ?, error = NULL WHERE key = ?",
                        (SENT, json.dumps(response, ensure_ascii=False), key))

    def mark_rejected(self, key: str, error: str) -> None:
        self.db.execute("UPDATE outbox SET state = ?, error = ? WHERE key = ?", (REJECTED, error, key))

    def mark_failed(self, key: str, error: str, now: float | None = None) -> float:
        """Records a failed attempt and schedules the next one; returns its time."""
        now = time.time() if now is None else now
        (attempts,) = self.db.execute("SELECT attempts FROM outbox WHERE key = ?", (key,)).fetchone()
        delay = min(MAX_DELAY, BASE_DELAY * 2 ** attempts) * (0.8 + 0.4 * self.rng.random())
        self.db.execute("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error = ? WHERE key = ?",
                        (now + delay, error, key))
        return now + delay

    def retry_now(self) -> None:
        """Makes every waiting question due (e.g. the server came back)."""
        self.db.execute("UPDATE outbox SET next_attempt_at = 0 WHERE state = ?", (WAITING,))

    def flush(self, send, now: float | None = None) -> int:
        """Sends every due question with `send(key, body) -> response`; returns how many were
        acknowledged. Network trouble and 429 back off; other 4xx answers are final."""
        sent = 0
        for entry in self.due(now):
            try:
                response = send(entry.key, entry.body)
            except Offline as err:
                self.mark_failed(entry.key, str(err), now)
                break  # the link is down: do not hammer it with the rest
            except Rejected as err:
                if err.status in (408, 429):
                    self.mark_failed(entry.key, str(err), now)
                    break
                self.mark_rejected(entry.key, json.dumps(err.body, ensure_ascii=False))
                continue
            self.mark_sent(entry.key, response)
            sent += 1
        return sent
