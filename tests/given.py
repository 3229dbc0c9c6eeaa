"""Test setup on a real store: runs a storage unit and waits for its result.

Servers never wait like this (they `await store.read/write`); a test's given steps may, from plain
test code or from inside a test coroutine, whose loop is also the app's under test. There the
store's blocking helpers would refuse to run on the loop thread, so the wait happens from a helper
thread while the loop stands still for that moment: nothing else runs in a test at that point.
"""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def read(store, fn, *args, **kw):
    return _off_loop(store.read_blocking, fn, *args, **kw)


def write(store, fn, *args, **kw):
    return _off_loop(store.write_blocking, fn, *args, **kw)


def row(tx, sql: str, params=()):
    """A unit: the first row of a query."""
    return tx.one(sql, params)


def rows(tx, sql: str, params=()):
    """A unit: every row of a query."""
    return tx.all(sql, params)


def run_sql(tx, sql: str, params=()) -> int:
    """A unit: one statement; returns how many rows it changed."""
    return tx.execute(sql, params).rowcount


def _off_loop(call, *args, **kw):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call(*args, **kw)
    with ThreadPoolExecutor(1) as helper:
        return helper.submit(call, *args, **kw).result()
