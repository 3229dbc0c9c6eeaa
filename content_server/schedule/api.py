"""HTTP: the channel list, guide, XMLTV and live playlists for boxes; channel editing for editors.

What boxes read is the same for every box, so it is public and carries Cache-Control and
an ETag: nginx or a CDN in front absorbs the fleet (a token in the cache key would defeat
that). Editing needs the editor role.
"""
from __future__ import annotations

import json
import math
from datetime import datetime

from aiohttp import web

from ..accounts import callers
from ..kernel.clock import CLOCK
from ..kernel.config import SETTINGS
from ..kernel.errors import ApiError
from ..kernel.http_cache import accepts_gzip, etag_matches
from ..kernel.i18n import N_
from ..kernel.media_files import IMMUTABLE, MEDIA_TYPES, safe_media_path
from ..kernel.validation import bilingual_text, read_json, whole_number
from ..ops import METRICS
from ..storage import STORE, schedule as schedule_sql
from . import live, xmltv
from .document import empty_schedule, validate_channel_id, validate_schedule
from .lineup import LINEUP, Lineup, Rendered
from .planner import CHINA, plan
from .slate import MAKE_SLATE

routes = web.RouteTableDef()

GUIDE_MAX_AGE = 300  # boxes poll every few minutes; one origin request per edge per 5 minutes
HOUR_MS = 3_600_000
LANGUAGE_NAMES = {"zh": "中文", "mn": "ᠮᠣᠩᠭᠣᠯ"}
IMPORT_MAX_BYTES = 512 * 1024


def _now_ms(request: web.Request) -> int:
    return int(request.app[CLOCK]() * 1000)


async def _lineup(request: web.Request) -> Lineup:
    """The lineup, brought up to the store's document versions."""
    return await request.app[LINEUP].refresh()


def _remember(request: web.Request, key: tuple, rendered: Rendered, what: str) -> Rendered:
    """Keeps a freshly rendered body and counts the render (requests minus renders = cache hits)."""
    request.app[METRICS].inc("legaltv_channel_renders_total", what=what)
    return request.app[LINEUP].remember(key, rendered)


def _respond(request: web.Request, rendered: Rendered, content_type: str, max_age: int) -> web.Response:
    headers = {"Cache-Control": f"public, max-age={max_age}", "ETag": rendered.etag,
               "Vary": "Accept-Encoding", "Access-Control-Allow-Origin": "*"}
    if etag_matches(request.headers.get("If-None-Match", ""), rendered.etag):
        return web.Response(status=304, headers=headers)
    body = rendered.body
    if rendered.gzipped is not None and accepts_gzip(request.headers.get("Accept-Encoding", "")):
        body, headers["Content-Encoding"] = rendered.gzipped, "gzip"
    return web.Response(body=body, headers=headers, content_type=content_type,
                        charset="utf-8" if content_type != "application/vnd.apple.mpegurl" else None)


async def _channel_or_404(request: web.Request):
    row = (await _lineup(request)).channel(request.match_info["channel_id"])
    if row is None:
        # TRANSLATORS: API error when a channel id is unknown, max 80 chars
        raise ApiError(404, "unknown_channel", N_("There is no such channel."))
    return row


def _iso(epoch_ms: int) -> str:
    moment = datetime.fromtimestamp(epoch_ms / 1000, CHINA)
    return moment.isoformat(timespec="seconds" if epoch_ms % 1000 == 0 else "milliseconds")


def guide_entries(items) -> list[dict]:
    """The contract's guide entries for planned items (plus kind and the slot's title)."""
    return [{"start": _iso(i.start_ms), "end": _iso(i.end_ms), "item_id": i.video_id, "title": i.title,
             "kind": i.kind, "slot_title": i.slot_title} for i in items]


# ---- households -------------------------------------------------------------------------

@routes.get("/api/v1/channels")
async def list_channels(request: web.Request) -> web.Response:
    lineup, now = await _lineup(request), _now_ms(request)
    key = ("channels", *lineup.documents())
    rendered = lineup.cached(key, now)
    if rendered is None:
        base = request.app[SETTINGS].public_url
        body = [{"id": c["id"], "title": {"zh": c["title_zh"], "mn": c["title_mn"]},
                 "live": f"{base}/api/v1/channels/{c['id']}/live.m3u8",
                 "guide": f"{base}/api/v1/channels/{c['id']}/guide?hours=48"} for c in lineup.channels()]
        rendered = _remember(request, key, Rendered.of(json.dumps(body, ensure_ascii=False).encode(), 0, 2**62, True),
                             "channels")
    return _respond(request, rendered, "application/json", GUIDE_MAX_AGE)


def _hours(request: web.Request) -> int:
    return whole_number(request.query.get("hours", "48"), "hours", 1, 168)


@routes.get("/api/v1/channels/{channel_id}/guide")
async def guide(request: web.Request) -> web.Response:
    """Items from the start of the current hour for `hours` hours; the body changes hourly."""
    hours, now = _hours(request), _now_ms(request)
    lineup = await _lineup(request)
    channel = await _channel_or_404(request)
    hour = now - now % HOUR_MS
    key = ("guide", *lineup.version_key(channel), hour, hours)
    rendered = lineup.cached(key, now)
    if rendered is None:
        items = lineup.items(channel, hour, hour + hours * HOUR_MS)
        body = json.dumps(guide_entries(items), ensure_ascii=False, separators=(",", ":")).encode()
        rendered = _remember(request, key, Rendered.of(body, hour, hour + HOUR_MS, True), "guide")
    return _respond(request, rendered, "application/json", GUIDE_MAX_AGE)


@routes.get("/api/v1/xmltv.xml")
async def xmltv_guide(request: web.Request) -> web.Response:
    now, lineup = _now_ms(request), await _lineup(request)
    hour = now - now % HOUR_MS
    channels = lineup.channels()
    key = ("xmltv", hour, tuple((c["id"], c["version"]) for c in channels), lineup.library().fingerprint)
    rendered = lineup.cached(key, now)
    if rendered is None:
        programmes = {c["id"]: lineup.items(c, hour, hour + 48 * HOUR_MS) for c in channels}
        body = xmltv.document(channels, programmes, lineup.library().videos)
        rendered = _remember(request, key, Rendered.of(body, hour, hour + HOUR_MS, True), "xmltv")
    return _respond(request, rendered, "application/xml", GUIDE_MAX_AGE)


@routes.get("/api/v1/channels/{channel_id}/live.m3u8")
async def live_master(request: web.Request) -> web.Response:
    lineup, now = await _lineup(request), _now_ms(request)
    channel = await _channel_or_404(request)
    key = ("master", *lineup.version_key(channel))
    rendered = lineup.cached(key, now)
    if rendered is None:
        body = live.master_playlist(lineup.library(), LANGUAGE_NAMES).encode()
        rendered = _remember(request, key, Rendered.of(body, 0, 2**62), "master")
    return _respond(request, rendered, "application/vnd.apple.mpegurl", GUIDE_MAX_AGE)


@routes.get("/api/v1/channels/{channel_id}/live/{variant}.m3u8")
async def live_variant(request: web.Request) -> web.Response:
    """A sliding window of stored segments; cacheable until the next segment starts."""
    lineup, now = await _lineup(request), _now_ms(request)
    channel_id, variant = request.match_info["channel_id"], request.match_info["variant"]
    fast_key = ("variant", channel_id, variant, *lineup.documents())
    rendered = lineup.cached(fast_key, now)
    if rendered is None:
        channel = await _channel_or_404(request)
        if variant not in live.variant_names(lineup.library()):
            raise web.HTTPNotFound()
        day = datetime.fromtimestamp(now / 1000, CHINA).date()
        table = lineup.table(channel, day, variant)
        body = live.media_playlist(table, now).encode()
        rendered = _remember(request, fast_key, Rendered.of(body, live.current_start_ms(table, now),
                                                            live.next_change_ms(table, now)), "variant")
    max_age = max(1, math.ceil((rendered.valid_until_ms - now) / 1000))
    return _respond(request, rendered, "application/vnd.apple.mpegurl", max_age)


@routes.get("/api/v1/channels/blank.vtt")
async def blank_subtitles(request: web.Request) -> web.Response:
    """The empty subtitle segment standing in for programmes without subtitles in a language."""
    return web.Response(text=live.BLANK_VTT, content_type="text/vtt", charset="utf-8",
                        headers={"Cache-Control": IMMUTABLE, "Access-Control-Allow-Origin": "*"})


@routes.get("/media/slate/{tail:.*}")
async def slate_file(request: web.Request) -> web.StreamResponse:
    root = request.app[SETTINGS].root
    path = safe_media_path(root.slate.parent, root.slate.name, request.match_info["tail"])
    if path is None:
        raise web.HTTPNotFound()
    content_type, cache_control = MEDIA_TYPES[path.suffix.lower()]
    return web.FileResponse(path, headers={"Content-Type": content_type, "Cache-Control": cache_control,
                                           "Access-Control-Allow-Origin": "*"})


# ---- editors ----------------------------------------------------------------------------

async def _checked(request: web.Request, body: dict) -> tuple[dict, dict]:
    """The bilingual title and the validated schedule of an import or edit body."""
    title = bilingual_text(body, "title", 40)
    return title, await _validated(request, body.get("schedule", empty_schedule()))


async def _validated(request: web.Request, schedule) -> dict:
    """The schedule checked against the videos and categories it names."""
    statuses, ready = await request.app[STORE].read(_videos_and_ready_counts)
    return validate_schedule(schedule, statuses, ready)


def _videos_and_ready_counts(tx) -> tuple:
    return schedule_sql.video_statuses(tx), schedule_sql.ready_counts_by_category(tx)


def export_document(row) -> dict:
    return {"id": row["id"], "title": {"zh": row["title_zh"], "mn": row["title_mn"]},
            "schedule": schedule_sql.schedule_of(row)}


@routes.post("/api/v1/channels")
@callers.requires("editor")
async def create_channel(request: web.Request) -> web.Response:
    body = await read_json(request, IMPORT_MAX_BYTES)
    channel_id = validate_channel_id(body.get("id"))
    title, schedule = await _checked(request, body)
    await request.app[MAKE_SLATE]()
    if not await request.app[STORE].write(schedule_sql.add_channel, channel_id, title, schedule):
        # TRANSLATORS: editor API and console error, max 120 chars
        raise ApiError(409, "channel_exists", N_("A channel with this id already exists."), field="id")
    return web.json_response(export_document((await _lineup(request)).channel(channel_id)), status=201)


@routes.get("/api/v1/channels/{channel_id}/export")
@callers.requires("editor")
async def export_channel(request: web.Request) -> web.Response:
    row = await _channel_or_404(request)
    return web.json_response(export_document(row), dumps=lambda o: json.dumps(o, ensure_ascii=False, indent=2),
                             headers={"Cache-Control": "no-store",
                                      "Content-Disposition": f'attachment; filename="channel-{row["id"]}.json"'})


@routes.put("/api/v1/channels/{channel_id}")
@callers.requires("editor")
async def import_channel(request: web.Request) -> web.Response:
    """Replaces title and schedule from an exported document (its id must match, if given)."""
    body = await read_json(request, IMPORT_MAX_BYTES)
    channel_id = request.match_info["channel_id"]
    if body.get("id") not in (None, channel_id):
        # TRANSLATORS: editor API and console error, max 120 chars
        raise ApiError(422, "id_mismatch", N_("This file belongs to another channel."), field="id")
    await _channel_or_404(request)
    title, schedule = await _checked(request, body)
    await request.app[STORE].write(schedule_sql.replace_channel, channel_id, title, schedule, _now_ms(request))
    return web.json_response(export_document((await _lineup(request)).channel(channel_id)))


@routes.delete("/api/v1/channels/{channel_id}")
@callers.requires("editor")
async def delete_channel(request: web.Request) -> web.Response:
    await _channel_or_404(request)
    await request.app[STORE].write(schedule_sql.delete_channel, request.match_info["channel_id"])
    return web.Response(status=204)


@routes.post("/api/v1/channels/{channel_id}/overrides")
@callers.requires("editor")
async def add_override(request: web.Request) -> web.Response:
    """Adds a one-off programme on a date; it replaces the regular slots it overlaps."""
    body = await read_json(request)
    row = await _channel_or_404(request)
    schedule = schedule_sql.schedule_of(row)
    schedule.setdefault("overrides", []).append(body)
    clean = await _validated(request, schedule)
    await request.app[STORE].write(schedule_sql.add_override, row["id"], clean["overrides"][-1], _now_ms(request))
    return web.json_response(clean["overrides"][-1], status=201)


@routes.post("/api/v1/channels/{channel_id}/preview")
@callers.requires("editor")
async def preview(request: web.Request) -> web.Response:
    """The guide this channel would have, from now, for `hours` hours (default 24), were an
    unsaved schedule saved now."""
    body = await read_json(request, IMPORT_MAX_BYTES)
    channel = await _channel_or_404(request)
    schedule = await _validated(request, body.get("schedule"))
    hours = _hours(request) if "hours" in request.query else 24
    now = _now_ms(request)
    lineup = await _lineup(request)
    items = plan(schedule, lineup.library().videos, now, now + hours * HOUR_MS, channel["id"],
                 earlier=lineup.versions(channel), since_ms=now)
    return web.json_response(guide_entries(items), dumps=lambda o: json.dumps(o, ensure_ascii=False),
                             headers={"Cache-Control": "no-store"})
