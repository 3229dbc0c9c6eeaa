"""Streaming a request body into an upload's file, acknowledging only what is on disk."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Awaitable, Callable

from aiohttp import web

from ..kernel.errors import DISK_FULL_RETRY_SECONDS, ApiError, disk_full
from ..kernel.i18n import N_

log = logging.getLogger(__name__)
READ_CHUNK = 256 * 1024
# without a checksum, progress is acknowledged every so often so a dropped PATCH loses little
PERSIST_EVERY = 16 * 1024 * 1024
# a link that died without closing (cable, NAT) would hold the upload busy forever; give up on it
IDLE_SECONDS = 30.0
_FSYNC = ThreadPoolExecutor(max_workers=4, thread_name_prefix="upload-fsync")


class Interrupted(Exception):
    """The client went away mid-body; `offset` is what was kept."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


async def receive(request: web.Request, path: Path, offset: int, room: int, digest: bytes | None,
                  acknowledge: Callable[[int], Awaitable[None]]) -> int:
    """Appends the body at `offset` (dropping any unacknowledged tail) and returns the new offset.

    Awaits `acknowledge(offset)` only after the bytes before that offset are fsynced. With a
    checksum nothing is acknowledged unless the whole body matches (460 otherwise). More than
    `room` bytes → 413, keeping only what was acknowledged. A dropped connection, or one that
    sends nothing for IDLE_SECONDS, raises Interrupted.
    """
    if request.content_length is not None and request.content_length > room:
        raise _too_large()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o640)
    sha1 = hashlib.sha1() if digest is not None else None
    position = acknowledged = offset
    flushing: tuple[int, Future] | None = None  # an fsync running beside the receiving
    syncing: list[Future] = []  # every fsync started: the descriptor outlives them
    try:
        try:
            os.ftruncate(fd, offset)
            os.lseek(fd, offset, os.SEEK_SET)
        except OSError as exc:
            raise _DiskTrouble() from exc
        try:
            while True:
                async with asyncio.timeout(IDLE_SECONDS):
                    chunk = await request.content.read(READ_CHUNK)
                if not chunk:
                    break
                if position + len(chunk) - offset > room:
                    raise _too_large()
                try:
                    _write_all(fd, chunk)
                except OSError as exc:  # the disk, not the client: say so, keep what is safe
                    raise _DiskTrouble() from exc
                position += len(chunk)
                if sha1 is not None:
                    sha1.update(chunk)
                    continue
                if flushing is not None and flushing[1].done():
                    flushing[1].result()
                    acknowledged, flushing = flushing[0], None
                    await acknowledge(acknowledged)
                if flushing is None and position - acknowledged >= PERSIST_EVERY:
                    flushing = (position, _FSYNC.submit(_fsync, fd))
                    syncing.append(flushing[1])
            if flushing is not None:
                await asyncio.wrap_future(flushing[1])
                flushing = None
            if sha1 is not None and not hmac.compare_digest(sha1.digest(), digest):
                # TRANSLATORS: upload error when the received bytes are damaged, max 100 chars
                raise ApiError(460, "checksum_mismatch", N_("The uploaded data was damaged on the way. Please send it again."),
                               field="Upload-Checksum")
            syncing.append(_FSYNC.submit(_fsync, fd))
            await asyncio.wrap_future(syncing[-1])
        except _DiskTrouble as exc:
            if disk_full(exc):  # a state to report, not a fault to trace
                log.error("writing upload %s failed: the disk is full", path.name)
            else:
                log.exception("writing upload %s failed", path.name)
            _truncate_quietly(fd, acknowledged if sha1 is None else offset)
            # TRANSLATORS: upload error when the server's disk is full or failing, max 100 chars
            raise ApiError(507, "storage_full", N_("The server cannot store more data right now. Please tell the administrator."),
                           headers={"Retry-After": str(DISK_FULL_RETRY_SECONDS)})  # the upload resumes from what was kept
        except ApiError:
            _truncate_quietly(fd, acknowledged if sha1 is None else offset)
            raise
        except (Exception, asyncio.CancelledError) as exc:
            # the client went away: keep what was written unless a checksum covers the whole body
            if sha1 is not None:
                _truncate_quietly(fd, offset)
                position = offset
            if position != acknowledged:
                syncing.append(_FSYNC.submit(_fsync_quietly, fd))
                if await asyncio.shield(asyncio.wrap_future(syncing[-1])):
                    await asyncio.shield(acknowledge(position))  # kept even though the request is ending
            if isinstance(exc, asyncio.CancelledError):
                raise
            raise Interrupted(position) from exc
        if position != acknowledged:
            await acknowledge(position)
        return position
    finally:
        _close_when_idle(fd, syncing)


class _DiskTrouble(Exception):
    """Writing to the upload's file failed (disk full, I/O error)."""


def _truncate_quietly(fd: int, size: int) -> None:
    try:
        os.ftruncate(fd, size)
    except OSError:
        log.exception("could not cut an upload back to its acknowledged size")


def _close_when_idle(fd: int, syncing: list[Future]) -> None:
    """Closes the descriptor once no fsync runs on it, without waiting for one on the event loop."""
    running = [future for future in syncing if not future.done()]
    if running:
        running[0].add_done_callback(lambda _: _close_when_idle(fd, running[1:]))
    else:
        os.close(fd)


def _fsync(fd: int) -> None:
    try:
        os.fsync(fd)
    except OSError as exc:
        raise _DiskTrouble() from exc


def _fsync_quietly(fd: int) -> bool:
    try:
        os.fsync(fd)
        return True
    except OSError:
        log.exception("could not flush an interrupted upload")
        return False


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _too_large() -> ApiError:
    # TRANSLATORS: upload error when more data arrives than announced, max 100 chars
    return ApiError(413, "upload_too_large", N_("More data was sent than the announced size of this upload."),
                    field="Upload-Length")
