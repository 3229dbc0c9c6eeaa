"""Removing expired partial uploads and orphaned upload files, at start and periodically."""
from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web

from ..kernel.background import in_background
from ..kernel.clock import CLOCK
from ..kernel.config import SETTINGS
from ..ops import METRICS
from ..storage import STORE, uploads as db
from .routes import BUSY, remove_upload, valid_id

log = logging.getLogger(__name__)
ORPHAN_GRACE_SECONDS = 600  # a file is created a moment before its row; never race that
# a finished upload waits for ingest (which may be retried after a form error) this many expiry periods
FINISHED_KEEP_PERIODS = 7


async def remove_expired(app: web.Application, now: float | None = None) -> int:
    """Deletes expired unfinished uploads, finished uploads no ingest took within
    FINISHED_KEEP_PERIODS expiry periods, and files without a row.

    Returns how many uploads or files were removed. Uploads receiving data are left alone.
    """
    now = app[CLOCK]() if now is None else now
    store, settings, busy = app[STORE], app[SETTINGS], app[BUSY]
    root = settings.root
    removed = 0
    stale = await store.read(db.stale_finished_uploads, now - FINISHED_KEEP_PERIODS * settings.upload_expiry_seconds)
    for upload_id in await store.read(db.expired_uploads, now) + stale:
        if upload_id in busy:
            continue
        await store.write(remove_upload, root, upload_id)
        removed += 1
    files = await asyncio.to_thread(_upload_files, root)
    known = await store.read(db.known_ids, list(files))
    orphans = [path for upload_id, path in files.items() if upload_id not in known and upload_id not in busy]
    removed += await asyncio.to_thread(_remove_old_orphans, orphans, now)
    if removed:
        app[METRICS].inc("legaltv_uploads_expired_total", removed)
    return removed


def _upload_files(root) -> dict:
    return {path.stem: path for path in root.uploads.glob("*.bin") if valid_id(path.stem)}


def _remove_old_orphans(paths: list, now: float) -> int:
    removed = 0
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < now - ORPHAN_GRACE_SECONDS:
                path.unlink()
                removed += 1
    return removed


def interval(app: web.Application) -> float:
    """How often to look: a fraction of the expiry, between 1 s and 10 min."""
    return max(1.0, min(app[SETTINGS].upload_expiry_seconds / 4, 600.0))


async def _run_periodically(app: web.Application) -> None:
    while True:
        try:
            await remove_expired(app)
        except Exception:  # a bad sweep must not end the sweeping
            log.exception("upload cleanup failed")
        await asyncio.sleep(interval(app))


def setup(app: web.Application) -> None:
    app.cleanup_ctx.append(in_background(_run_periodically))  # first sweep runs at start
