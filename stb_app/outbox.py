"""Questions waiting to be sent: an SQLite outbox on the box.

A question is stored with its Idempotency-Key before any network traffic, so it survives app
restarts and power cuts; it is retried with exponential backoff until the server acknowledges
it (201/200), and the key makes a retry after a lost reply harmless. What the server answers
instead is kept (`refusal`) to be shown in its own words: a 4xx is final, a 429/503 with
Retry-After is tried again after that delay, never as a network fault.
"""
from __future__ import annotations

import json
import random
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .api import Later, Offline, Rejected

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
    refusal: dict | None = None   # the server's answer when it refused or said "later" (Rejected.answer)

    @property
    def later(self) -> bool:
        """Waiting because the server asked to wait, not because the network is down."""
        return self.state == WAITING and self.refusal is not None


class Outbox:
    def __init__(self, path: Path, rng: random.Random | None = None, min_delay: float = 0.0):
        """`min_delay`: no attempt follows a failed one sooner than this (seconds)."""
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("""CREATE TABLE IF NOT EXISTS outbox (
            key TEXT PRIMARY KEY, body TEXT NOT NULL, state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL,
            created_at REAL NOT NULL, response TEXT, error TEXT)""")
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(outbox)")}
        if "refusal" not in columns:  # an outbox written before refusals were kept
            self.db.execute("ALTER TABLE outbox ADD COLUMN refusal TEXT")
        self.rng = rng or random.Random()
        self.min_delay = min_delay

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
        rows = self.db.execute(f"SELECT key, body, state, attempts, next_attempt_at, created_at, response, error, "
                               f"refusal FROM outbox WHERE {where} ORDER BY created_at", params).fetchall()
        return [Entry(r[0], json.loads(r[1]), r[2], r[3], r[4], r[5], json.loads(r[6]) if r[6] else None, r[7],
                      json.loads(r[8]) if r[8] else None) for r in rows]

    def entry(self, key: str) -> Entry | None:
        return next(iter(self._entries("key = ?", (key,))), None)

    def entries(self) -> list[Entry]:
        """Everything the outbox holds, sent, refused or waiting, oldest first."""
        return self._entries("1 = 1")

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
        self.db.execute("UPDATE outbox SET state = ?, response = ?, error = NULL, refusal = NULL WHERE key = ?",
                        (SENT, json.dumps(response, ensure_ascii=False), key))

    def mark_rejected(self, key: str, error: str, refusal: dict | None = None) -> None:
        """The server's final no: kept with its answer, never sent again."""
        self.db.execute("UPDATE outbox SET state = ?, error = ?, refusal = ? WHERE key = ?",
                        (REJECTED, error, json.dumps(refusal, ensure_ascii=False) if refusal else None, key))

    def mark_later(self, key: str, refusal: dict, retry_after: float, now: float | None = None) -> float:
        """The server asked to wait `retry_after` seconds: the next attempt is then, not sooner."""
        now = time.time() if now is None else now
        self.db.execute("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error = ?, refusal = ? "
                        "WHERE key = ?", (now + retry_after, f"retry after {retry_after:g} s",
                                          json.dumps(refusal, ensure_ascii=False), key))
        return now + retry_after

    def mark_failed(self, key: str, error: str, now: float | None = None) -> float:
        """Records a failed attempt (the network) and schedules the next one; returns its time."""
        now = time.time() if now is None else now
        (attempts,) = self.db.execute("SELECT attempts FROM outbox WHERE key = ?", (key,)).fetchone()
        delay = min(MAX_DELAY, BASE_DELAY * 2 ** attempts) * (0.8 + 0.4 * self.rng.random())
        delay = max(delay, self.min_delay)
        self.db.execute("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, error = ?, refusal = NULL "
                        "WHERE key = ?", (now + delay, error, key))
        return now + delay

    def retry_now(self) -> None:
        """Makes every question waiting for the network due (the server came back); one the
        server asked to wait keeps its time."""
        self.db.execute("UPDATE outbox SET next_attempt_at = 0 WHERE state = ? AND refusal IS NULL", (WAITING,))

    def flush(self, send, now: float | None = None) -> int:
        """Sends every due question with `send(key, body) -> response`; returns how many were
        acknowledged. Network trouble backs off; a 429/503 with Retry-After waits that long; other
        4xx answers are final. The server's answer is kept either way."""
        sent = 0
        for entry in self.due(now):
            try:
                response = send(entry.key, entry.body)
            except Offline as err:
                self.mark_failed(entry.key, str(err), now)
                break  # the link is down: do not hammer it with the rest
            except Later as err:
                self.mark_later(entry.key, err.answer, err.retry_after, now)
                break  # the server asked the box to wait: the rest waits too
            except Rejected as err:
                self.mark_rejected(entry.key, json.dumps(err.body, ensure_ascii=False), err.answer)
                continue
            self.mark_sent(entry.key, response)
            sent += 1
        return sent
