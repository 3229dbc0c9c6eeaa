"""The embedded SQLite engine behind `Store`: reader threads and the one writer thread.

Promises:
- No SQL statement, COMMIT (fsync) or lock wait runs on the event loop: `await store.read(fn, …)`
  runs the unit `fn(tx, …)` on one of a few reader threads, `await store.write(fn, …)` on the
  writer thread. Each thread owns one connection.
- A read unit sees one snapshot, however many statements it runs (it runs in a transaction).
- One writer: SQLite takes one write transaction at a time anyway, so a single thread that owns
  the write lock never busy-waits against itself and can group-commit. Units queued while the
  previous COMMIT syncs to disk share the next transaction, so one fsync acknowledges many.
- Each write unit runs in its own SAVEPOINT: a unit that raises (a refusal such as ApiError)
  rolls back alone and its exception reaches its caller; the other units of the batch commit.
- A caller is answered only after the COMMIT that holds its unit, so every acknowledged write
  survives kill -9. A failed COMMIT (e.g. a full disk) fails every unit of its batch.
"""
from __future__ import annotations

import os
import queue
import sqlite3
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from ..kernel.errors import disk_full

PRIVATE_FILE = 0o600
WAL_LIMIT_BYTES = 16 * 1024 * 1024  # a log reset shrinks back to this; erasures truncate it to nothing
READERS = 3  # a few: reads are short, and the machine's cores are few
BATCH_LIMIT = 512  # units per transaction; bounds how long one batch holds the write lock
CHECKPOINT_SECONDS = 0.5


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection to the database file, created (or kept) readable by its owner only, in WAL
    mode with synchronous=FULL and secure_delete. Every connection of the store comes from here."""
    path = Path(path)
    try:  # only a new file: closing any descriptor of an open database drops this process's SQLite locks
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.exists():
            os.chmod(part, PRIVATE_FILE)  # files made by an older version were world-readable
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "secure_delete=ON",
                   f"journal_size_limit={WAL_LIMIT_BYTES}", "foreign_keys=ON", "busy_timeout=5000"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


class Transaction:
    """What a unit of work gets: the statements of one transaction, on the thread running it.
    Its `write()` is a no-op context (the unit already runs in its transaction), so storage
    functions written as `with store.write() as conn:` work unchanged as units."""

    def __init__(self, conn: sqlite3.Connection, memo: dict):
        self.conn = conn
        self.memo = memo  # per-store memory shared by units (e.g. intake's topic rules)

    def one(self, sql: str, params=()) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params=()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def execute(self, sql: str, params=()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    @contextmanager
    def write(self):
        yield self


class Readers:
    """A small pool of threads, one read-only connection each; a unit runs in one snapshot."""

    def __init__(self, path: Path, memo: dict, count: int = READERS):
        self._path, self._memo = path, memo
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(count, thread_name_prefix="store-read")

    def submit(self, fn: Callable, args, kw) -> Future:
        return self._pool.submit(self._run, fn, args, kw)

    def _run(self, fn, args, kw):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = connect(self._path)
            conn.execute("PRAGMA query_only=ON")  # a write sent down the read path fails loudly
            with self._lock:
                self._connections.append(conn)
        conn.execute("BEGIN")
        try:
            return fn(Transaction(conn, self._memo), *args, **kw)
        finally:
            conn.execute("ROLLBACK")

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()


class Writer:
    """The one thread that writes: batches queued units into one transaction per COMMIT."""

    _STOP = object()

    def __init__(self, path: Path, memo: dict, after_commit: Callable[[Transaction], None],
                 prepare: Callable[[Transaction], None]):
        """Opens the connection and commits `prepare` (the migrations) before any other unit, on
        the writer thread; waits until that is done and raises what it raised."""
        self._memo, self._after_commit = memo, after_commit
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        prepared: Future = Future()
        prepared.set_running_or_notify_cancel()
        self._thread = threading.Thread(target=self._serve, args=(path, prepare, prepared),
                                        name="store-write", daemon=True)
        self._thread.start()
        prepared.result()

    def submit(self, fn: Callable, args, kw) -> Future:
        future: Future = Future()
        self._queue.put((fn, args, kw, future))
        return future

    def close(self) -> None:
        self._queue.put(self._STOP)
        self._thread.join()

    def _serve(self, path: Path, prepare: Callable[[Transaction], None], prepared: Future) -> None:
        try:
            self._conn = connect(path)
            self._conn.execute("PRAGMA wal_autocheckpoint=0")  # the checkpoint thread copies the WAL back
        except BaseException as exc:
            prepared.set_exception(exc)
            return
        self._commit([(prepare, (), {}, prepared)])
        if prepared.exception() is not None:
            self._conn.close()
            return
        while True:
            first = self._queue.get()
            if first is self._STOP:
                self._conn.close()
                return
            batch = [first]
            while len(batch) < BATCH_LIMIT:  # everything queued while the last COMMIT synced
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is self._STOP:
                    self._queue.put(item)
                    break
                batch.append(item)
            batch = [item for item in batch if item[3].set_running_or_notify_cancel()]
            if batch:
                self._commit(batch)

    def _commit(self, batch: list) -> None:
        conn = self._conn
        tx = Transaction(conn, self._memo)
        try:
            conn.execute("BEGIN IMMEDIATE")
            results = []
            for fn, args, kw, _ in batch:
                conn.execute("SAVEPOINT unit")
                try:
                    results.append((True, fn(tx, *args, **kw)))
                except BaseException as exc:  # refused (ApiError) or broken: this unit only
                    if disk_full(exc):  # SQLite may have dropped the whole transaction: nobody is kept
                        raise
                    conn.execute("ROLLBACK TO unit")
                    results.append((False, exc))
                conn.execute("RELEASE unit")
            conn.execute("COMMIT")
        except BaseException as exc:  # BEGIN or COMMIT failed: nobody of this batch is acknowledged
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            results = [(False, exc)] * len(batch)
        else:
            try:
                self._after_commit(tx)
            except sqlite3.Error:  # only a cache refresh; the next commit or tick retries it
                pass
        for (_, _, _, future), (ok, value) in zip(batch, results):
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)


class Checkpointer:
    """Copies the WAL into the database beside the writer, so no COMMIT waits for it."""

    def __init__(self, path: Path):
        self._path = path
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        conn = sqlite3.connect(str(self._path), isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout=1000")
            while not self._stopping.wait(CHECKPOINT_SECONDS):
                try:
                    checkpoint(conn)
                except sqlite3.Error:  # busy now: the next round catches up
                    pass
        finally:
            conn.close()

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(10)


_CHECKPOINTS = threading.Lock()  # SQLite refuses a checkpoint while another runs, without waiting


def checkpoint(conn: sqlite3.Connection, mode: str = "PASSIVE") -> bool:
    """Copies the write-ahead log into the database (one checkpoint at a time in this process).
    Blocking: call it from a worker thread. False when a reader or writer kept it from finishing."""
    with _CHECKPOINTS:
        busy, _, _ = conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    return busy == 0


def truncate_wal(path: Path | str) -> bool:
    """Copies the whole log into the database and truncates it to zero bytes, so nothing erased
    survives in old log frames. Blocking: run it in a worker thread. False while a reader or
    writer is in the way (try again later)."""
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        return checkpoint(conn, "TRUNCATE")
    finally:
        conn.close()


class SqliteEngine:
    """The embedded engine as `Store` drives it: readers, the writer and the checkpointer on one file."""

    dialect = "sqlite"

    def __init__(self, path: Path, memo: dict, after_commit: Callable[[Transaction], None],
                 prepare: Callable[[Transaction], None]):
        self.path = path
        self._writer = Writer(path, memo, after_commit, prepare=prepare)
        self._readers = Readers(path, memo)
        self._checkpointer = Checkpointer(path)

    def submit_read(self, fn: Callable, args, kw) -> Future:
        return self._readers.submit(fn, args, kw)

    def submit_write(self, fn: Callable, args, kw) -> Future:
        return self._writer.submit(fn, args, kw)

    def close(self) -> None:
        self._writer.close()
        self._readers.close()
        self._checkpointer.close()
