"""The one way jobs are run: worker loops that claim jobs from the database and transcode them.

`serve` runs them inside the server (transcode_workers of them; none when 0); `content-server
worker` runs them alone on another machine that mounts the same data root. An idle loop is woken
by a job queued in this process (`Transcoder.poke`), by PostgreSQL's NOTIFY on the jobs channel
(a job queued on any node), or by a slow poll with jitter — the only wake-up on SQLite, and the
fallback when the listening connection is down. A lapsed lease is found by that poll too.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
from typing import AsyncIterator, Callable

from ..kernel.config import Settings
from ..storage import Store, media as media_sql
from .jobs import Transcoder

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0
JITTER = 0.2  # ± share of the poll interval, so workers started together do not ask together
_JITTER_DRAWS = random.Random()  # its own: draws from the shared generator would move a seeded caller's sequence


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


async def listen_for_jobs(url: str, on_job: Callable[[], None], retry_seconds: float = POLL_SECONDS) -> None:
    """Calls `on_job` for every NOTIFY on the jobs channel, until cancelled; reconnects after a
    lost connection (the poll covers the gap). PostgreSQL only."""
    import psycopg  # only PostgreSQL nodes need it loaded
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                await conn.execute(f"LISTEN {media_sql.JOBS_CHANNEL}")
                on_job()  # anything queued while this connection was down
                async for _ in conn.notifies():
                    on_job()
        except psycopg.Error as exc:
            log.warning("not listening for transcode jobs (polling meanwhile): %s", exc)
        await asyncio.sleep(retry_seconds)


async def claim_loop(transcoder: Transcoder, poll_seconds: float) -> None:
    """Claims and runs jobs one after the other; waits for a wake-up or the poll when idle."""
    while True:
        transcoder.wake.clear()
        row = await transcoder.claim()
        if row is None:
            try:
                wait = poll_seconds * _JITTER_DRAWS.uniform(1 - JITTER, 1 + JITTER)
                await asyncio.wait_for(transcoder.wake.wait(), wait)
            except asyncio.TimeoutError:
                pass
            continue
        await transcoder.run_job(row)


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


async def release_claims_of_dead_workers_here(store: Store, worker: str) -> int:
    """Hands back at once the jobs held by workers of this host whose process is gone (e.g. this
    server before a kill -9 and restart), instead of waiting for their leases to lapse."""
    host = worker.rsplit(":", 1)[0]
    released = 0
    for video_id, holder in await store.read(media_sql.running_jobs):
        their_host, _, rest = (holder or "").rpartition(":")[0].rpartition(":")
        if their_host == host and rest.isdigit() and int(rest) != os.getpid() and _process_gone(int(rest)):
            released += await store.write(media_sql.release_job, video_id, holder)
    return released


@contextlib.asynccontextmanager
async def transcode_jobs(store: Store, settings: Settings, loops: int, metrics=None) -> AsyncIterator[Transcoder]:
    """Runs `loops` claim loops (and the NOTIFY listener on PostgreSQL) while the block runs;
    at its end stops them, their ffmpeg killed and their jobs handed back to the queue."""
    transcoder = Transcoder(store, settings, metrics)
    tasks: list[asyncio.Task] = []
    if loops > 0:
        released = await release_claims_of_dead_workers_here(store, transcoder.worker)
        if released:
            log.info("%d transcode job(s) of a stopped worker queued again", released)
        poll = float(settings.extra.get("transcode_poll_seconds", POLL_SECONDS))
        tasks = [asyncio.create_task(claim_loop(transcoder, poll)) for _ in range(loops)]
        url = settings.database_url
        if is_postgres(url):
            tasks.append(asyncio.create_task(listen_for_jobs(url, transcoder.poke, poll)))
    try:
        yield transcoder
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def run_worker(store: Store, settings: Settings) -> None:
    """`content-server worker`: claims and transcodes jobs until SIGTERM or SIGINT."""
    async def work() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        loops = max(1, settings.transcode_workers)
        async with transcode_jobs(store, settings, loops) as transcoder:
            log.info("transcode worker %s running %d job(s) at once", transcoder.worker, loops)
            await stop.wait()
    asyncio.run(work())
