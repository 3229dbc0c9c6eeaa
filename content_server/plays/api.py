"""HTTP routes of what households watch.

POST /api/v1/plays            household: {"batch": "<id>", "events": [{"video", "event", "at", "audio",
                              "subtitles", "percent"?, "seconds"?, "height"?}]} → 200 {"batch", "counted": bool}
                              (a batch sent again answers counted false); one batch per box per 15 minutes
GET  /api/v1/popular?region=  public, cacheable: {"region", "level": "league"|"province",
                              "items": [{"id", "completed"}]}, ranked by the last 14 days' completed plays
GET  /api/v1/plays/statistics[.csv]?from=YYYY-MM-DD&until=YYYY-MM-DD
                              editor: sums by video, day, region and language (the last 30 days unless
                              given), or every counter row as CSV
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json

from aiohttp import web

from ..accounts.callers import DEVICE, requires, requires_device
from ..kernel.clock import CHINA, CLOCK
from ..kernel.errors import ApiError
from ..kernel.http_cache import etag_of, public_json
from ..kernel.i18n import N_
from ..kernel.ratelimit import RateLimit
from ..kernel.validation import query_date, read_json
from ..storage import STORE, Store
from ..storage import plays as plays_sql
from ..storage.documents import Document
from . import rules, statistics

routes = web.RouteTableDef()
BATCH_SPACING_SECONDS = 15 * 60
BODY_MAX_BYTES = 256 * 1024
POPULAR_DAYS = 14
POPULAR_ITEMS = 10
LEAGUE_ENOUGH = 4  # fewer videos completed in the league than this: the province's ranking instead
MAX_AGE = 600      # the changes document tells boxes sooner when the ranking moved

STATISTICS_DAYS = 30
MAX_STATISTICS_DAYS = 366

PLAY_BATCHES = web.AppKey("play_batches", RateLimit)  # batches per box


def batch_limit() -> RateLimit:
    """One batch per box per BATCH_SPACING_SECONDS."""
    return RateLimit("box_play_batches", 1, BATCH_SPACING_SECONDS)


@routes.post("/api/v1/plays")
@requires_device
async def receive_plays(request: web.Request) -> web.Response:
    body = await read_json(request, BODY_MAX_BYTES)
    batch = rules.batch_id(body)
    device = request[DEVICE]
    now = request.app[CLOCK]()
    tallies = rules.tallies(body, device["region"], now)
    outcome, wait = await request.app[STORE].write(
        plays_sql.record_batch, rules.batch_key(device["id"], batch), tallies, request.app[PLAY_BATCHES],
        device["id"], now)
    if outcome == "later":
        # TRANSLATORS: error message from the server to a set-top box sending what households watched, max 80 chars
        raise ApiError(429, "rate_limited", N_("Too many requests. Please wait a moment and try again."),
                       headers={"Retry-After": str(wait)})
    return web.json_response({"batch": batch, "counted": outcome == "counted"},
                             headers={"Cache-Control": "no-store"})


class PopularCache:
    """Rendered rankings per league or province, dropped when the ranking moves or the day changes."""

    def __init__(self, store: Store):
        self.store = store
        self._key: tuple | None = None
        self._bodies: dict[str, bytes] = {}
        self._reading = asyncio.Lock()

    async def body(self, region: str, now: float) -> bytes:
        today = dt.datetime.fromtimestamp(now, CHINA).date()
        key = (self.store.version_of(Document.POPULAR)[0], today)
        if key != self._key:
            self._bodies, self._key = {}, key
        league = rules.league_of(region)
        if league not in self._bodies:
            async with self._reading:
                if league not in self._bodies:
                    since = (today - dt.timedelta(days=POPULAR_DAYS - 1)).isoformat()
                    self._bodies[league] = await self.store.read(_ranking, league, since)
        return self._bodies[league]


def _ranking(tx, league: str, since: str) -> bytes:
    """The league's ranking, or the province's when the league has too few completed videos."""
    rows = plays_sql.completed_by_video(tx, league[:4], since, POPULAR_ITEMS)
    level, code = "league", league
    if len(rows) < LEAGUE_ENOUGH:
        level, code = "province", rules.province_of(league)
        rows = plays_sql.completed_by_video(tx, code[:2], since, POPULAR_ITEMS)
    document = {"region": code, "level": level, "items": [{"id": r[0], "completed": int(r[1])} for r in rows]}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


POPULAR_CACHE = web.AppKey("popular_cache", PopularCache)


@routes.get("/api/v1/popular")
async def get_popular(request: web.Request) -> web.Response:
    region = request.query.get("region", "")
    if not (len(region) == 6 and region.isascii() and region.isdigit()):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "invalid_region", N_("The region code must be six digits."), field="region")
    body = await request.app[POPULAR_CACHE].body(region, request.app[CLOCK]())
    return public_json(request, body, etag_of(body, weak=True), MAX_AGE)


async def statistics_of(request: web.Request) -> tuple[dict, list]:
    """The summary and counter rows of the days the query asks for (the last 30 by default)."""
    today = dt.datetime.fromtimestamp(request.app[CLOCK](), CHINA).date()
    until = query_date(request, "until", today)
    first = query_date(request, "from", until - dt.timedelta(days=STATISTICS_DAYS - 1))
    if first > until or (until - first).days >= MAX_STATISTICS_DAYS:
        # TRANSLATORS: editor console and API error under the statistics' dates, max 80 chars
        raise ApiError(422, "invalid_period", N_("Please choose a start before the end, at most a year apart."),
                       field="from")
    rows = await request.app[STORE].read(plays_sql.day_rows, first.isoformat(), until.isoformat())
    return statistics.summary(rows, first.isoformat(), until.isoformat()), rows


@routes.get("/api/v1/plays/statistics")
@requires("editor")
async def get_statistics(request: web.Request) -> web.Response:
    summary, _ = await statistics_of(request)
    return web.json_response(summary, headers={"Cache-Control": "no-store"},
                             dumps=lambda d: json.dumps(d, ensure_ascii=False))


@routes.get("/api/v1/plays/statistics.csv")
@requires("editor")
async def get_statistics_csv(request: web.Request) -> web.Response:
    summary, rows = await statistics_of(request)
    return web.Response(text=statistics.as_csv(rows), content_type="text/csv", charset="utf-8",
                        headers={"Cache-Control": "no-store", "Content-Disposition":
                                 f'attachment; filename="legal-tv-plays-{summary["from"]}-{summary["until"]}.csv"'})
