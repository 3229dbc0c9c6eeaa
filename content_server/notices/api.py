"""HTTP routes of the notices feature.

GET    /api/v1/notices?region=152522  public, cacheable: {"notices": [current notices for that region],
                                      "withdrawn": [ids of its notices withdrawn in the last 90 days]}
GET    /api/v1/notices?all=1          role editor: {"notices": [every notice, with "withdrawn_at"]}
POST   /api/v1/notices                role editor: {"kind", "title", "body", "regions", "publish_from"?,
                                                    "publish_until"?}
PATCH  /api/v1/notices/{id}           role editor: any of those fields
DELETE /api/v1/notices/{id}           role editor: withdrawn from every box at once
GET    /api/v1/notices/{id}/audit     role editor: who changed what, when
Live notices are kept in memory per version of the notices document; the `notices` entry of
/api/v1/changes also moves at each window edge, so boxes learn when one starts or ends.
"""
from __future__ import annotations

import asyncio
import json
import math

from aiohttp import web

from ..accounts.callers import actor_of, requires
from ..catalog.publish_window import iso
from ..kernel.clock import CLOCK
from ..kernel.errors import ApiError
from ..kernel.http_cache import etag_of, public_json
from ..kernel.i18n import N_
from ..kernel.validation import path_id, read_json
from ..storage import STORE, Store
from ..storage import notices as notices_sql
from ..storage.documents import Document
from . import rules

routes = web.RouteTableDef()
MAX_AGE = 300  # an edit reaches boxes within minutes; the changes document tells them sooner
BODY_MAX_BYTES = 64 * 1024


class NoticesCache:
    """The notices boxes may hear of (live, or withdrawn lately), read again only after the notices
    document moved."""

    def __init__(self, store: Store):
        self.store = store
        self._version: int | None = None
        self._rows: list = []
        self._edges: list[float] = []
        self._reading = asyncio.Lock()

    async def current(self, now: float) -> tuple[int, list, list[float]]:
        """(version, rows, the window edges of those not withdrawn)."""
        version = self.store.version_of(Document.NOTICES)[0]
        if version != self._version:
            async with self._reading:
                if version != self._version:
                    since = now - rules.WITHDRAWN_KEPT_SECONDS
                    rows = [dict(row) for row in await self.store.read(notices_sql.notices_for_boxes, since)]
                    self._rows, self._edges, self._version = rows, rules.window_edges(rows), version
        return self._version, self._rows, self._edges

    async def entry(self, now: float) -> tuple[str, float | None]:
        """The changes document's `notices` entry at `now`, and the next instant it moves by itself."""
        version, _, edges = await self.current(now)
        passed, next_edge = rules.edges_passed(edges, now)
        return f"{version}.{passed}", next_edge


NOTICES_CACHE = web.AppKey("notices_cache", NoticesCache)


def _region(request: web.Request) -> str:
    value = request.query.get("region", "")
    if not (len(value) == 6 and value.isascii() and value.isdigit()):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "invalid_region", N_("The region code must be six digits."), field="region")
    return value


@routes.get("/api/v1/notices")
async def list_notices(request: web.Request) -> web.Response:
    if request.query.get("all") == "1":
        return await _all_notices(request)
    region = _region(request)
    now = request.app[CLOCK]()
    _, rows, edges = await request.app[NOTICES_CACHE].current(now)
    body = json.dumps({"notices": rules.current_for(rows, region, now),
                       "withdrawn": rules.withdrawn_for(rows, region, now)},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    _, next_edge = rules.edges_passed(edges, now)
    # a cache must not keep it past the moment a notice starts or ends
    max_age = MAX_AGE if next_edge is None else max(0, min(MAX_AGE, math.floor(next_edge - now)))
    return public_json(request, body, etag_of(body, weak=True), max_age)

list_notices.query_roles = {"all=1": ("editor",)}  # a public route with one protected query: the role tests read this


@requires("editor")
async def _all_notices(request: web.Request) -> web.Response:
    rows = await request.app[STORE].read(notices_sql.all_notices)
    now = request.app[CLOCK]()
    notices = [{**rules.notice_json(row), "current": rules.is_current(row, now) and row["withdrawn_at"] is None,
                "withdrawn_at": iso(row["withdrawn_at"]) if row["withdrawn_at"] is not None else None}
               for row in rows]
    return web.json_response({"notices": notices}, headers={"Cache-Control": "no-store"},
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))


def _answer(row, status: int = 200) -> web.Response:
    return web.json_response(rules.notice_json(row), status=status, dumps=lambda d: json.dumps(d, ensure_ascii=False))


@routes.post("/api/v1/notices")
@requires("editor")
async def create_notice(request: web.Request) -> web.Response:
    now = request.app[CLOCK]()
    columns = rules.check_notice(await read_json(request, BODY_MAX_BYTES), now)
    store = request.app[STORE]
    notice_id = await store.write(notices_sql.add_notice, columns, actor_of(request), now)
    return _answer(await store.read(notices_sql.notice, notice_id), 201)


async def _living(request: web.Request):
    row = await request.app[STORE].read(notices_sql.notice, path_id(request, "notice_id"))
    if row is None:
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    if row["withdrawn_at"] is not None:
        # TRANSLATORS: editor API and console error, max 80 chars
        raise ApiError(409, "withdrawn", N_("This notice was withdrawn. Please write a new one."))
    return row


@routes.patch("/api/v1/notices/{notice_id}")
@requires("editor")
async def patch_notice(request: web.Request) -> web.Response:
    row = await _living(request)
    now = request.app[CLOCK]()
    columns = rules.check_notice(await read_json(request, BODY_MAX_BYTES), now, current=row)
    store = request.app[STORE]
    if await store.write(notices_sql.edit_notice, row["id"], columns, actor_of(request), now) is None:
        await _living(request)  # withdrawn meanwhile: say so
    return _answer(await store.read(notices_sql.notice, row["id"]))


@routes.delete("/api/v1/notices/{notice_id}")
@requires("editor")
async def withdraw_notice(request: web.Request) -> web.Response:
    row = await _living(request)
    now = request.app[CLOCK]()
    if not await request.app[STORE].write(notices_sql.withdraw_notice, row["id"], actor_of(request), now):
        await _living(request)
    return web.json_response({"id": row["id"], "withdrawn_at": iso(now)})


@routes.get("/api/v1/notices/{notice_id}/audit")
@requires("editor")
async def notice_audit(request: web.Request) -> web.Response:
    notice_id = path_id(request, "notice_id")
    entries = await request.app[STORE].read(notices_sql.audit_log, notice_id)
    if not entries:
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    return web.json_response([{"at": iso(e["at"]), "who": e["actor_name"], "change": e["change"],
                               "before": json.loads(e["before"]), "after": json.loads(e["after"])}
                              for e in entries], dumps=lambda d: json.dumps(d, ensure_ascii=False))
