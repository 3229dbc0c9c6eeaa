"""The tus 1.0.0 endpoints at /api/v1/uploads; each upload is visible to its editor only."""
from __future__ import annotations

import asyncio
import functools
import logging
import os
import re
import uuid
from email.utils import formatdate

from aiohttp import web

from ..accounts.callers import USER, requires
from ..kernel.clock import CLOCK
from ..kernel.config import SETTINGS
from ..kernel.errors import ApiError, disk_full, disk_full_error
from ..kernel.i18n import N_
from ..ops import METRICS
from ..storage import STORE, uploads as db
from . import protocol
from .receive import Interrupted, receive

log = logging.getLogger(__name__)
BASE = "/api/v1/uploads"
BUSY = web.AppKey("uploads_busy", set)  # ids with a PATCH or POST body being received
_ID = re.compile(r"[0-9a-f]{32}")

routes = web.RouteTableDef()


def valid_id(upload_id: str) -> bool:
    return bool(_ID.fullmatch(upload_id))


def tus_endpoint(handler):
    """Adds Tus-Resumable to every answer, refusals included."""
    @functools.wraps(handler)
    async def wrapper(request: web.Request):
        try:
            response = await handler(request)
        except ApiError as exc:
            exc.headers.setdefault("Tus-Resumable", protocol.TUS_VERSION)
            exc.headers.setdefault("Cache-Control", "no-store")
            raise
        except Exception as exc:
            if not disk_full(exc):
                raise
            log.error("disk full on %s %s: %s", request.method, request.path, exc)
            error = disk_full_error()  # a tus client resumes after Retry-After
            error.headers.update({"Tus-Resumable": protocol.TUS_VERSION, "Cache-Control": "no-store"})
            raise error from exc
        response.headers["Tus-Resumable"] = protocol.TUS_VERSION
        response.headers.setdefault("Cache-Control", "no-store")
        return response
    return wrapper


@routes.route("OPTIONS", BASE)
@routes.route("OPTIONS", BASE + "/{upload_id}")
@tus_endpoint
@requires("editor")
async def capabilities(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    return web.Response(status=204, headers={
        "Tus-Version": protocol.TUS_VERSION,
        "Tus-Extension": protocol.EXTENSIONS,
        "Tus-Max-Size": str(settings.max_upload_bytes),
        "Tus-Checksum-Algorithm": protocol.CHECKSUM_ALGORITHMS,
    })


@routes.post(BASE)
@tus_endpoint
@requires("editor")
async def create(request: web.Request) -> web.Response:
    protocol.check_resumable(request)
    settings, store, user = request.app[SETTINGS], request.app[STORE], request[USER]
    length = protocol.header_int(request, "Upload-Length")
    if length is None:
        # TRANSLATORS: upload error for a wrong client program, max 100 chars
        raise ApiError(400, "missing_length", N_("The upload must announce its size (Upload-Length)."),
                       field="Upload-Length")
    if length > settings.max_upload_bytes:
        # TRANSLATORS: upload error, {max_gb} is a number of gigabytes, max 100 chars
        raise ApiError(413, "upload_too_large", N_("This file is too large. Files may be at most {max_gb} GB."),
                       field="Upload-Length", max_gb=f"{settings.max_upload_bytes / 1024**3:g}")
    pairs, raw_metadata = protocol.metadata(request.headers.get("Upload-Metadata"))
    with_body = protocol.has_body(request)
    if with_body:
        protocol.check_offset_body(request)
    digest = protocol.checksum(request) if with_body else None
    now = request.app[CLOCK]()
    if await store.read(db.open_upload_count, user["id"], now) >= settings.max_open_uploads_per_editor:
        # TRANSLATORS: upload error, {max} is a count, max 100 chars
        raise ApiError(429, "too_many_uploads", N_("You have {max} unfinished uploads. Finish or cancel some first."),
                       max=settings.max_open_uploads_per_editor)
    upload_id = uuid.uuid4().hex
    path = settings.root.upload_file(upload_id)
    path.touch(mode=0o640)
    await asyncio.get_running_loop().run_in_executor(None, _fsync_dir, path.parent)
    expires = now + settings.upload_expiry_seconds
    await store.write(db.add_upload, upload_id, user["id"], length, pairs["filename"], pairs["filetype"], raw_metadata, expires)
    request.app[METRICS].inc("legaltv_uploads_created_total")
    offset = 0
    if with_body:
        request.app[BUSY].add(upload_id)
        try:
            offset = await receive(request, path, 0, length, digest, _acknowledger(request, upload_id))
        except BaseException as exc:
            # the client never learnt this upload's address: keep nothing of it
            await asyncio.shield(store.write(remove_upload, settings.root, upload_id))
            if isinstance(exc, Interrupted):
                raise _interrupted()
            raise
        finally:
            request.app[BUSY].discard(upload_id)
        request.app[METRICS].inc("legaltv_upload_bytes_total", offset)
    headers = {"Location": f"{BASE}/{upload_id}", "Upload-Offset": str(offset)}
    if offset < length:
        headers["Upload-Expires"] = _http_date(_expiry(request))
    return web.Response(status=201, headers=headers)


@routes.head(BASE + "/{upload_id}")
@tus_endpoint
@requires("editor")
async def status(request: web.Request) -> web.Response:
    protocol.check_resumable(request)
    row = await _own_upload(request)
    headers = {"Upload-Offset": str(row["offset"]), "Upload-Length": str(row["length"])}
    if row["metadata"]:
        headers["Upload-Metadata"] = row["metadata"]
    if row["completed_at"] is None:
        headers["Upload-Expires"] = _http_date(row["expires_at"])
    return web.Response(status=200, headers=headers)


@routes.patch(BASE + "/{upload_id}")
@tus_endpoint
@requires("editor")
async def append(request: web.Request) -> web.Response:
    protocol.check_resumable(request)
    row = await _own_upload(request)
    protocol.check_offset_body(request)
    offset = protocol.header_int(request, "Upload-Offset")
    if offset is None:
        # TRANSLATORS: upload error for a wrong client program, max 100 chars
        raise ApiError(400, "missing_offset", N_("The upload must say where this piece starts (Upload-Offset)."),
                       field="Upload-Offset")
    busy = request.app[BUSY]
    _refuse_if_busy(busy, row["id"])
    busy.add(row["id"])
    try:
        # read again while this request holds the upload: no other request moves its offset now
        row = await _own_upload(request)
        if offset != row["offset"]:
            # TRANSLATORS: upload error; the upload program asks again and continues, max 100 chars
            raise ApiError(409, "offset_mismatch", N_("This piece does not continue where the upload stopped."),
                           field="Upload-Offset", headers={"Upload-Offset": str(row["offset"])})
        digest = protocol.checksum(request)
        path = request.app[SETTINGS].root.upload_file(row["id"])
        if _size(path) < row["offset"]:
            # acknowledged bytes are gone (a power cut before the disk wrote them): start afresh
            log.error("upload %s lost acknowledged bytes; removing it", row["id"])
            await _remove(request, row["id"])
            raise _not_found()
        new_offset = await receive(request, path, offset, row["length"] - offset, digest,
                                   _acknowledger(request, row["id"]))
    except Interrupted as exc:
        request.app[METRICS].inc("legaltv_upload_bytes_total", exc.offset - offset)
        raise _interrupted()
    finally:
        busy.discard(row["id"])
    request.app[METRICS].inc("legaltv_upload_bytes_total", new_offset - offset)
    headers = {"Upload-Offset": str(new_offset)}
    if new_offset < row["length"]:
        headers["Upload-Expires"] = _http_date(_expiry(request))
    return web.Response(status=204, headers=headers)


@routes.delete(BASE + "/{upload_id}")
@tus_endpoint
@requires("editor")
async def terminate(request: web.Request) -> web.Response:
    protocol.check_resumable(request)
    row = await _own_upload(request, allow_expired=True)
    _refuse_if_busy(request.app[BUSY], row["id"])
    await _remove(request, row["id"])
    return web.Response(status=204)


@routes.post(BASE + "/{upload_id}")
@tus_endpoint
@requires("editor")
async def overridden(request: web.Request) -> web.Response:
    """PATCH or DELETE sent as POST with X-HTTP-Method-Override, for proxies that block them."""
    handler = {"PATCH": append, "DELETE": terminate}.get(request.headers.get("X-HTTP-Method-Override", "").upper())
    if handler is None:
        raise web.HTTPMethodNotAllowed("POST", ["HEAD", "PATCH", "DELETE", "OPTIONS"])
    return await handler(request)


async def _own_upload(request: web.Request, allow_expired: bool = False):
    """The caller's upload named in the path; anyone else's is simply not found."""
    upload_id = request.match_info["upload_id"]
    row = await request.app[STORE].read(db.owned_upload, upload_id, request[USER]["id"]) \
        if valid_id(upload_id) else None
    if row is None:
        raise _not_found()
    if not allow_expired and row["completed_at"] is None and row["expires_at"] <= request.app[CLOCK]():
        # TRANSLATORS: upload error, max 100 chars
        raise ApiError(410, "upload_expired", N_("This upload was left unfinished for too long. Please upload the file again."))
    return row


def _not_found() -> ApiError:
    # TRANSLATORS: upload error, max 100 chars
    return ApiError(404, "unknown_upload", N_("This upload was not found. Please upload the file again."))


async def _remove(request: web.Request, upload_id: str) -> None:
    await request.app[STORE].write(remove_upload, request.app[SETTINGS].root, upload_id)


def remove_upload(store, root, upload_id: str) -> None:
    """A unit of work: frees the upload's file first, then forgets its row: on a full disk deleting
    the row needs the room the file gives back (a row without its file is harmless; it reads as
    incomplete)."""
    root.upload_file(upload_id).unlink(missing_ok=True)
    db.delete_upload(store, upload_id)


def _size(path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _fsync_dir(directory) -> None:
    """Makes a new file's name durable, not only its bytes."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _interrupted() -> ApiError:
    """The answer to a client that went away; nobody reads it, but it is not a crash."""
    # TRANSLATORS: upload error when the connection broke, max 100 chars
    return ApiError(400, "upload_interrupted", N_("The connection broke during the upload. It will continue where it stopped."))


def _refuse_if_busy(busy: set, upload_id: str) -> None:
    if upload_id in busy:
        # TRANSLATORS: upload error; the upload program waits and tries again, max 100 chars
        raise ApiError(423, "upload_busy", N_("This upload is still receiving data. Please try again in a moment."))


def _acknowledger(request: web.Request, upload_id: str):
    store = request.app[STORE]

    async def acknowledge(offset: int) -> None:
        await store.write(db.set_offset, upload_id, offset, _expiry(request))
    return acknowledge


def _expiry(request: web.Request) -> float:
    return request.app[CLOCK]() + request.app[SETTINGS].upload_expiry_seconds


def _http_date(timestamp: float) -> str:
    return formatdate(timestamp, usegmt=True)


def setup(app: web.Application) -> None:
    app[BUSY] = set()
    app.add_routes(routes)
    metrics = app[METRICS]
    metrics.describe("legaltv_upload_bytes_total", "counter", "Bytes received and acknowledged by tus uploads")
    metrics.describe("legaltv_uploads_created_total", "counter", "tus uploads created")
    metrics.describe("legaltv_uploads_expired_total", "counter", "Expired uploads and orphaned upload files removed")
    metrics.gauge("legaltv_uploads_open", "Unfinished uploads",
                         lambda: app[STORE].read(db.open_upload_total))
