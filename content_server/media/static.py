"""Renditions and posters as plain files under /media/…, for one machine or as an edge's origin.

Only files of ready videos inside their publish window (signed-in editors may preview any
ready video), only known media types, never a path outside the video's own folder (no `..`,
no hidden names, no symlinks leading out). aiohttp's FileResponse gives ETag, Last-Modified,
conditional requests and Range; this module adds the types and caching.

Caching: a shared cache (nginx, a CDN) may keep a file at most EDGE_MAX_AGE seconds
(`s-maxage`) and never past the video's `publish_until`, then revalidates with the origin,
which answers 404 once the video has left its window: an edge stops serving a video at its
window's end. A video's playlists are revalidated on every request (`no-cache`: nginx passes
them through, a box's cache asks with its ETag), so a withdrawn or deleted video stops at once
for every new play, at the edge too: without its playlists its cached segments are never found.
"""
from __future__ import annotations

import math
import re
from pathlib import Path

from aiohttp import web

from ..accounts.callers import current_user
from ..catalog.publish_window import parse_instant
from ..kernel.clock import CLOCK
from ..kernel.config import SETTINGS, DataRoot
from ..kernel.media_files import MEDIA_TYPES, safe_media_path
from ..storage import STORE, catalog as catalog_sql, documents

routes = web.RouteTableDef()

EDGE_MAX_AGE = 300  # the longest a shared cache keeps serving a video after it leaves the catalog
PREVIEW = "private, no-store"  # an editor's look at an unpublished video is never cached
VIDEO_PLAYLIST = "public, no-cache"  # asked again on every play, so a withdrawal is seen at once


def subtitle_file(lang: str) -> str:
    """Where a video's subtitles in `lang` are, relative to its rendition folder."""
    return f"subs_{lang}/index.m3u8"


def picture_name(kind: str, version: int) -> str:
    """The file of a video's poster or thumb (`kind`) in its `pictures_version` (storage/media.py)."""
    return f"{kind}.jpg" if not version else f"{kind}-{version}.jpg"


def picture_files(root: DataRoot, video_id: str, version: int = 0) -> dict[str, str | None]:
    """The poster and thumbnail names in a video's poster folder (layout in storage/media.py); None if missing."""
    folder = root.poster_dir(video_id)
    return {kind: name if (folder / name).is_file() else None
            for kind, name in ((kind, picture_name(kind, version)) for kind in ("poster", "thumb"))}


class ReadyVideos:
    """Ids of ready videos, re-read only after the catalog changed."""

    def __init__(self, store):
        self.store = store
        self._key: tuple | None = None
        self._ids: set[str] = set()

    async def contains(self, video_id: str) -> bool:
        key = self.store.version_of(documents.Document.CATALOG)
        if key != self._key:
            self._ids, self._key = await self.store.read(catalog_sql.ready_video_ids), key
        return video_id in self._ids


class ServableVideos:
    """Ids of the ready videos inside their publish window, kept in memory.

    Re-read only when the catalog's document version changes (the store knows it from memory: its
    own writes at once, other processes' within a second) or the next publish boundary passes, so
    a segment request costs a set lookup, not a query.
    """

    def __init__(self, store):
        self.store = store
        self._catalog_version: tuple | None = None
        self._valid_until: float | None = None
        self._windows: dict[str, float | None] = {}  # servable id → its publish_until (None: open)

    async def seconds_left(self, video_id: str, now: float) -> float | None:
        """Seconds until `video_id` leaves its window (inf: open-ended), or None when it is not servable."""
        version = self.store.version_of(documents.Document.CATALOG)
        if version != self._catalog_version or (self._valid_until is not None and now >= self._valid_until):
            videos = await self.store.read(catalog_sql.ready_videos)
            self._windows, self._valid_until = servable_windows(videos, now)
            self._catalog_version = version
        if video_id not in self._windows:
            return None
        until = self._windows[video_id]
        return math.inf if until is None else until - now


def servable_windows(videos, now: float) -> tuple[dict[str, float | None], float | None]:
    """({id: publish_until} of the videos inside their window at `now`, the next boundary or None).

    The same rule as the catalog (`catalog.build_catalog`): from inclusive, until exclusive, an
    unreadable window never publishes.
    """
    windows: dict[str, float | None] = {}
    boundaries: list[float] = []
    for video in videos:
        try:
            start, end = parse_instant(video["publish_from"]), parse_instant(video["publish_until"])
        except ValueError:
            continue
        if start is not None and now < start:
            boundaries.append(start)
        elif end is None or now < end:
            windows[video["id"]] = end
            if end is not None:
                boundaries.append(end)
    return windows, min(boundaries, default=None)


def _edge_caching(cache_control: str, seconds_left: float) -> str:
    """The file's caching, never past the window's end, and at most EDGE_MAX_AGE for shared caches."""
    if math.isinf(seconds_left):
        return f"{cache_control}, s-maxage={EDGE_MAX_AGE}"
    left = max(0, math.floor(seconds_left))
    capped = re.sub(r"max-age=(\d+)", lambda m: f"max-age={min(int(m.group(1)), left)}", cache_control)
    return f"{capped}, s-maxage={min(EDGE_MAX_AGE, left)}"


async def _may_preview(request: web.Request) -> bool:
    """Whether a signed-in editor asks (only looked up for videos outside their window)."""
    user = await current_user(request)
    return user is not None and user["role"] == "editor"


async def _serve(request: web.Request, base: Path) -> web.StreamResponse:
    video_id, tail = request.match_info["video_id"], request.match_info["tail"]
    path = safe_media_path(base, video_id, tail)
    if path is None:
        raise web.HTTPNotFound()
    content_type, cache_control = MEDIA_TYPES[path.suffix.lower()]
    seconds_left = await request.app[SERVABLE_VIDEOS].seconds_left(video_id, request.app[CLOCK]())
    if seconds_left is not None:
        playlist = path.suffix.lower() == ".m3u8"
        cache_control = VIDEO_PLAYLIST if playlist else _edge_caching(cache_control, seconds_left)
    elif await request.app[READY_VIDEOS].contains(video_id) and await _may_preview(request):
        cache_control = PREVIEW
    else:
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Content-Type": content_type, "Cache-Control": cache_control,
                                           "Access-Control-Allow-Origin": "*"})


@routes.get("/media/renditions/{video_id}/{tail:.*}")
async def rendition_file(request: web.Request) -> web.StreamResponse:
    return await _serve(request, request.app[SETTINGS].root.renditions)


@routes.get("/media/posters/{video_id}/{tail:.*}")
async def poster_file(request: web.Request) -> web.StreamResponse:
    return await _serve(request, request.app[SETTINGS].root.posters)


SERVABLE_VIDEOS = web.AppKey("servable_videos", ServableVideos)  # videos whose files an edge may serve now
READY_VIDEOS = web.AppKey("ready_videos", ReadyVideos)  # videos an editor may preview


def setup(app: web.Application) -> None:
    app[READY_VIDEOS] = ReadyVideos(app[STORE])  # what editors may preview
    app[SERVABLE_VIDEOS] = ServableVideos(app[STORE])
    app.add_routes(routes)
