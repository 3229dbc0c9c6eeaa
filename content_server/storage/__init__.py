"""The storage layer: the only code that speaks SQL.

One SQLite file in WAL mode with synchronous=FULL, so every acknowledged write
survives kill -9. The file is readable by its owner only (SQLite gives the log and
shared-memory files the same mode), and deleted content is overwritten (secure_delete),
so an erased phone number leaves no copy once the log is truncated (`truncate_wal`).
Each feature keeps its statements in its own module here as functions taking a
transaction (`tx`, historically named `store`): each such function is a unit of work.
Handlers run units through `Store` (`await store.read(fn, …)`, `await store.write(fn, …)`);
`engine` runs them off the event loop. Schemas are numbered migrations, applied once, in
order, at start. `Store("postgresql://…")` runs the same units on PostgreSQL instead
(`postgres.PostgresEngine`: a connection pool, several writers at once).
"""
from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections import deque
from concurrent.futures import Future
from pathlib import Path
from typing import Callable, TypeVar

from aiohttp import web

from . import (accounts, answer_templates, calculators, catalog, complaints, documents, duty, guidance, health,
               limits, media, notices, plays, questions, schedule, uploads, video_life)
from .engine import SqliteEngine, Transaction, checkpoint, connect, truncate_wal

__all__ = ["FEATURES", "Store", "Transaction", "checkpoint", "connect", "is_postgres_url", "sqlite_url",
           "truncate_wal"]

T = TypeVar("T")
VERSIONS_MAX_AGE = 0.5  # seconds; another process's edit reaches this one's caches within a second

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
    "limits": limits.MIGRATIONS,
    "calculators": calculators.MIGRATIONS,
    "video_life": video_life.MIGRATIONS,
    "notices": notices.MIGRATIONS,
    "duty": duty.MIGRATIONS,
    "plays": plays.MIGRATIONS,
    "answer_templates": answer_templates.MIGRATIONS,
    "complaints": complaints.MIGRATIONS,
}


class Store:
    """An open legal-tv database: the one object handlers get (`request.app[STORE]`).

    `await read(fn, …)` / `await write(fn, …)` run the unit `fn(tx, …)` off the event loop and
    return its result (or raise its exception). Code that runs outside any event loop (the CLI,
    `content-server demo`, test setup) uses `read_blocking` / `write_blocking`, which run the same
    unit on the same threads and wait."""

    def __init__(self, location: Path | str):
        """`location`: a SQLite file's path or `sqlite:///<path>` URL (the embedded engine), or a
        `postgresql://…` URL (a connection pool; see storage/postgres.py). The schema is brought
        up to date before this returns. Every command and the worker open their store here."""
        self.changes = 0  # commits made by this process (the consoles' ETags key on it)
        self.memo: dict = {}  # shared by units: caches that key on a document version
        self._versions: dict[str, int] = {}
        self._versions_lock = threading.Lock()
        self._answers: _Answers | None = None
        if is_postgres_url(str(location)):
            from .postgres import PostgresEngine
            self.path, self.dialect = None, "postgresql"
            self._engine = PostgresEngine(str(location), self.memo, self._committed)
        else:
            self.path, self.dialect = _sqlite_path(location), "sqlite"
            self._engine = SqliteEngine(self.path, self.memo, self._committed, prepare=_migrate)
        self._closing = threading.Event()
        self._version_watch = threading.Thread(target=self._watch_versions, name="store-versions", daemon=True)
        self._version_watch.start()

    def close(self) -> None:
        self._closing.set()
        self._version_watch.join()
        self._engine.close()

    async def read(self, fn: Callable[..., T], *args, **kw) -> T:
        """Runs `fn(tx, *args, **kw)` in one snapshot on a reader thread."""
        return await self._answered(self._engine.submit_read(fn, args, kw))

    async def write(self, fn: Callable[..., T], *args, **kw) -> T:
        """Runs `fn(tx, *args, **kw)` in a write transaction; answered after its COMMIT."""
        return await self._answered(self._engine.submit_write(fn, args, kw))

    async def _answered(self, done: Future):
        """The result of a unit handed to a store thread, delivered through the loop's `_Answers`."""
        loop = asyncio.get_running_loop()
        answer = loop.create_future()
        answers = self._answers_for(loop)
        done.add_done_callback(lambda done: answers.put(answer, done))
        try:
            return await answer
        except asyncio.CancelledError:
            done.cancel()  # still queued: it never runs; already running: it commits, unanswered
            raise

    def _answers_for(self, loop: asyncio.AbstractEventLoop) -> "_Answers":
        answers = self._answers
        if answers is None or answers.loop is not loop:
            answers = self._answers = _Answers(loop)
        return answers

    def read_blocking(self, fn: Callable[..., T], *args, **kw) -> T:
        """`read` for code outside the event loop: waits for the unit's result."""
        _assert_off_loop()
        return self._engine.submit_read(fn, args, kw).result()

    def write_blocking(self, fn: Callable[..., T], *args, **kw) -> T:
        """`write` for code outside the event loop: waits for the unit's COMMIT."""
        _assert_off_loop()
        return self._engine.submit_write(fn, args, kw).result()

    def versions(self) -> dict[str, int]:
        """Every public document's version, from memory (no database hop): updated after each of
        this process's own commits, and re-read every VERSIONS_MAX_AGE for other processes'."""
        return self._versions

    async def refresh_versions(self) -> dict[str, int]:
        """Reads the versions (and on PostgreSQL the shared change count) now: what the store
        does by itself every VERSIONS_MAX_AGE."""
        self._set_seen(*await self.read(_seen))
        return self._versions

    def _watch_versions(self) -> None:
        while not self._closing.wait(VERSIONS_MAX_AGE):
            try:
                self._set_seen(*self.read_blocking(_seen))
            except Exception:  # busy, unreachable, or the store is closing: the next round
                pass

    def _set_seen(self, versions: dict[str, int], changes: int | None) -> None:
        self._set_versions(versions)
        if changes is not None:
            with self._versions_lock:
                self.changes = max(self.changes, changes)

    def version_of(self, *names: documents.Document) -> tuple[int, ...]:
        """The versions of `names`, in that order (see `versions`)."""
        current = self.versions()
        return tuple(current.get(str(d), 0) for d in names)

    def _committed(self, tx: Transaction) -> None:
        """Runs on the writing thread right after each COMMIT (PostgreSQL: several such threads).
        On PostgreSQL `changes` follows a sequence every node bumps after its commits, so a write
        on one node moves the consoles' ETags on all of them within VERSIONS_MAX_AGE."""
        shared = tx.one("SELECT nextval('store_changes')")[0] if self.dialect == "postgresql" else None
        with self._versions_lock:
            self.changes = max(self.changes + 1, shared or 0)
        self._set_versions(documents.versions(tx))

    def _set_versions(self, current: dict[str, int]) -> None:
        with self._versions_lock:  # never step back to an older read
            if all(current.get(k, 0) >= v for k, v in self._versions.items()):
                self._versions = current


ANSWERS_PER_TURN = 4


class _Answers:
    """Hands the store threads' results to their callers a few per turn of the event loop: a
    committed batch of fifty questions then wakes fifty handlers over several turns, with timers
    and new requests served in between, instead of holding the loop for one long turn. Results
    that arrive together wake the loop once, not once each."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self._arrived: deque = deque()  # appended by store threads, taken on the loop
        self._woken = False

    def put(self, answer: asyncio.Future, done: Future) -> None:
        """From any thread."""
        self._arrived.append((answer, done))
        if not self._woken:  # a lost race only costs one more wake-up
            self._woken = True
            self.loop.call_soon_threadsafe(self._deliver)

    def _deliver(self) -> None:
        self._woken = False  # before taking: whatever arrives from now on wakes the loop again
        for _ in range(min(ANSWERS_PER_TURN, len(self._arrived))):
            answer, done = self._arrived.popleft()
            if answer.done():  # its caller went away
                continue
            if done.cancelled():
                answer.cancel()
            elif done.exception() is not None:
                answer.set_exception(done.exception())
            else:
                answer.set_result(done.result())
        if self._arrived and not self._woken:
            self._woken = True
            self.loop.call_soon(self._deliver)  # the next turn: what is ready now runs first


def _seen(tx) -> tuple[dict[str, int], int | None]:
    """The document versions, and on PostgreSQL the change count all nodes share."""
    shared = None
    if getattr(tx, "dialect", "sqlite") == "postgresql":
        shared = tx.one("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM store_changes")[0]
    return documents.versions(tx), shared


def is_postgres_url(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def sqlite_url(path: Path | str) -> str:
    """The URL naming a SQLite file (`sqlite:///` then the path, so an absolute one has four slashes)."""
    return "sqlite:///" + str(path)


def _sqlite_path(location: Path | str) -> Path:
    text = str(location)
    return Path(text[len("sqlite:///"):] if text.startswith("sqlite:///") else text)


def _assert_off_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise AssertionError("blocking storage call on the event loop: await store.read/write instead")


def _migrate(tx: Transaction) -> None:
    """Creates or brings the schema up to date, feature by feature."""
    tx.execute("CREATE TABLE IF NOT EXISTS schema_versions (feature TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    for feature, steps in FEATURES.items():
        row = tx.one("SELECT version FROM schema_versions WHERE feature = ?", (feature,))
        done = row["version"] if row else 0
        for version, sql in enumerate(steps, start=1):
            if version <= done:
                continue
            for statement in _statements(sql):
                tx.execute(statement)
            tx.execute("INSERT INTO schema_versions (feature, version) VALUES (?, ?) "
                       "ON CONFLICT (feature) DO UPDATE SET version = excluded.version", (feature, version))


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


STORE = web.AppKey("store", Store)  # the open database every handler reads and writes through
