"""PostgreSQL underneath the same storage functions: a transaction that looks like the store,
the engine `Store` drives for a `postgresql://` URL, and the PostgreSQL schema's migration runner.

The engine: a psycopg 3 connection pool and as many worker threads as connections. A read unit
runs in one REPEATABLE READ, READ ONLY transaction (one snapshot, as on SQLite); a write unit in
its own READ COMMITTED transaction, several at once (PostgreSQL needs no single writer; rules
that read then insert take an advisory lock, see `questions.lock_device`). A caller is answered
after its COMMIT. A lost connection is dropped by the pool and its unit fails with
psycopg.OperationalError, which the server answers with 503 and Retry-After.

The storage functions are written once, with `?` placeholders, against `store.one`,
`store.all`, `store.write()` and the connection it yields. `PostgresTx` offers exactly that
over one psycopg 3 connection, translating the placeholders and returning rows that behave
like `sqlite3.Row` (by name, by index, `dict(row)`, `row.keys()`). Each feature module keeps
its PostgreSQL schema as `POSTGRES_MIGRATIONS`, step for step beside its SQLite `MIGRATIONS`.
"""
from __future__ import annotations

import functools
import importlib
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence

import psycopg
from psycopg import pq
from psycopg_pool import ConnectionPool

from . import FEATURES

DIALECT = "postgresql"
# Two nodes starting at once: the second waits for the first to finish migrating ('legaltv' in hex)
MIGRATION_LOCK = 0x6C6567616C7476
POOL_SIZE = 8  # connections, and threads running units, per process
POOL_WAIT_SECONDS = 10  # a unit waiting longer for a connection fails (503): the database is unreachable


class Row:
    """A result row read like sqlite3.Row: row["name"], row[0], dict(row), row.keys()."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: dict[str, int], values: Sequence):
        self._names = names
        self._values = tuple(values)

    def __getitem__(self, key):
        if isinstance(key, str):
            return self._values[self._names[key]]
        return self._values[key]

    def keys(self) -> list[str]:
        return list(self._names)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other) -> bool:
        return isinstance(other, Row) and self.keys() == other.keys() and self._values == other._values

    def __hash__(self) -> int:
        return hash(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._names, self._values))!r})"


def row_factory(cursor: psycopg.Cursor):
    names = {column.name: index for index, column in enumerate(cursor.description or ())}
    return lambda values: Row(names, values)


@functools.lru_cache(maxsize=2048)
def placeholders(sql: str) -> str:
    """The statement with psycopg's `%s` for every `?` outside string literals, quoted names and
    comments; a literal `%` (as in LIKE '%x%') is doubled so psycopg does not read it as a mark."""
    out = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in ("'", '"'):  # a literal or a quoted name runs to its closing quote ('' escapes one)
            end = i + 1
            while end < n:
                if sql[end] == ch:
                    if end + 1 < n and sql[end + 1] == ch:
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i:end + 1].replace("%", "%%"))
            i = end + 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif ch == "?":
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _params(params) -> tuple:
    # SQLite stores True as 1 and the schema keeps flags as integers: send them as integers
    return tuple(int(p) if isinstance(p, bool) else p for p in params)


class PostgresTx:
    """One unit of work on a psycopg 3 connection, offered where storage functions take a store.

    `write()` joins the transaction already open on the connection (the boundary that made this
    object owns it), or opens one of its own when there is none (a connection in autocommit)."""

    dialect = DIALECT

    def __init__(self, conn: psycopg.Connection, memo: dict | None = None):
        conn.row_factory = row_factory
        self.conn = conn
        self.memo = {} if memo is None else memo  # per-store memory shared by units, as on SQLite

    def execute(self, sql: str, params=()) -> psycopg.Cursor:
        return self.conn.execute(placeholders(sql), _params(params))

    def executemany(self, sql: str, rows) -> psycopg.Cursor:
        cursor = self.conn.cursor()
        cursor.executemany(placeholders(sql), [_params(row) for row in rows])
        return cursor

    def one(self, sql: str, params=()) -> Row | None:
        return self.execute(sql, params).fetchone()

    def all(self, sql: str, params=()) -> list[Row]:
        return self.execute(sql, params).fetchall()

    @contextmanager
    def write(self) -> Iterator["PostgresTx"]:
        if self.conn.info.transaction_status != pq.TransactionStatus.IDLE:
            yield self
            return
        with self.conn.transaction():
            yield self


class PostgresEngine:
    """`Store`'s engine for a `postgresql://` URL: migrates, then runs units on pooled connections."""

    dialect = DIALECT

    def __init__(self, url: str, memo: dict, after_commit: Callable[[PostgresTx], None], size: int = POOL_SIZE):
        migrate(url)
        self._memo, self._after_commit = memo, after_commit
        self._pool = ConnectionPool(url, min_size=1, max_size=size + 1, kwargs={"autocommit": True},
                                    timeout=POOL_WAIT_SECONDS, open=True, name="legal-tv")
        self._threads = ThreadPoolExecutor(size, thread_name_prefix="store-pg")

    def submit_read(self, fn: Callable, args, kw) -> Future:
        return self._threads.submit(self._run, fn, args, kw, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", False)

    def submit_write(self, fn: Callable, args, kw) -> Future:
        return self._threads.submit(self._run, fn, args, kw, "BEGIN ISOLATION LEVEL READ COMMITTED", True)

    def _run(self, fn: Callable, args, kw, begin: str, writes: bool):
        with self._pool.connection() as conn:
            tx = PostgresTx(conn, self._memo)
            conn.execute(begin)
            try:
                result = fn(tx, *args, **kw)
            except BaseException:
                if conn.info.transaction_status in (pq.TransactionStatus.INTRANS, pq.TransactionStatus.INERROR):
                    conn.execute("ROLLBACK")  # a lost connection is in neither state: the pool drops it
                raise
            conn.execute("COMMIT" if writes else "ROLLBACK")
            if writes:
                try:
                    self._after_commit(tx)
                except psycopg.Error:  # only a cache refresh; the next commit or tick retries it
                    pass
            return result

    def close(self) -> None:
        self._threads.shutdown(wait=True)
        self._pool.close()


def dialect_of(store) -> str:
    """'postgresql' for a PostgresTx, 'sqlite' for the SQLite store (and what wraps it)."""
    return getattr(store, "dialect", "sqlite")


def migrations() -> dict[str, list[str]]:
    """Every feature's PostgreSQL steps, in the order the SQLite schema applies them."""
    return {feature: importlib.import_module(f".{feature}", __package__).POSTGRES_MIGRATIONS
            for feature in FEATURES}


def migrate(url: str) -> None:
    """Creates or brings the PostgreSQL schema up to date, in one transaction, under an advisory
    lock so that nodes starting together migrate once."""
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_versions "
                         "(feature TEXT PRIMARY KEY, version INTEGER NOT NULL)")
            # bumped after every commit of every node: the consoles' ETags (Store.changes) follow it
            conn.execute("CREATE SEQUENCE IF NOT EXISTS store_changes")
            done = dict(conn.execute("SELECT feature, version FROM schema_versions").fetchall())
            for feature, steps in migrations().items():
                for version, script in enumerate(steps, start=1):
                    if version <= done.get(feature, 0):
                        continue
                    conn.execute(script)  # no parameters: psycopg sends the whole script at once
                    conn.execute("INSERT INTO schema_versions (feature, version) VALUES (%s, %s) "
                                 "ON CONFLICT (feature) DO UPDATE SET version = excluded.version",
                                 (feature, version))
