"""GET /api/v1/catalog: what every box may play, rendered once per change, served from memory.

The catalog is the same for every box, so it is public and cacheable by nginx or a CDN.
`build_catalog` is a pure function of (categories, ready videos, pictures, now); the cache
re-renders only when the catalog document's version changed (a published video, an edited
category: never a question or a claim) or the next publish-window boundary has passed,
so the catalog and its ETag change exactly at `publish_from` / `publish_until`.
"""
from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import logging
import math
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from aiohttp import web

from ..kernel.clock import CLOCK
from ..kernel.config import SETTINGS
from ..kernel.http_cache import accepts_gzip, etag_matches
from ..kernel.media_files import generation_prefix
from ..media import static
from ..ops import METRICS
from ..storage import STORE, Store, catalog as catalog_sql, documents
from .publish_window import iso, parse_instant

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

MAX_AGE = 60
STALE_WHILE_REVALIDATE = 30


def build_catalog(categories: Iterable[Mapping], videos: Iterable[Mapping], now: float,
                  pictures: Callable[[str], Mapping[str, str | None]], base_url: str = ""
                  ) -> tuple[dict, float | None]:
    """The catalog document at `now` and the next instant at which it will change by itself (or None).

    `videos` are ready videos, newest first; `pictures(video_id)` gives {"poster", "thumb"}
    file names under that video's poster folder (None when missing).
    """
    next_change: float | None = None
    items = []
    for video in videos:
        try:
            start, end = parse_instant(video["publish_from"]), parse_instant(video["publish_until"])
        except ValueError:  # an unreadable window never publishes a video by accident
            log.warning("video %s has an unreadable publish window; not listed", video["id"])
            continue
        if start is not None and now < start:
            next_change = start if next_change is None else min(next_change, start)
            continue
        if end is not None:
            if now >= end:
                continue
            next_change = end if next_change is None else min(next_change, end)
        items.append(_item(video, start, pictures(video["id"]), base_url))
    used = {item["category"] for item in items}
    document = {
        "version": "",
        "categories": [{"id": c["id"], "title": {"zh": c["title_zh"], "mn": c["title_mn"]}}
                       for c in categories if c["id"] in used],
        "items": items,
    }
    document["version"] = hashlib.sha256(_encode(document)).hexdigest()[:20]
    return document, next_change


def _item(video: Mapping, start: float | None, pictures: Mapping, base_url: str) -> dict:
    vid = video["id"]
    renditions = f"{base_url}/media/renditions/{vid}/{generation_prefix(video['renditions_version'])}".rstrip("/")
    posters = f"{base_url}/media/posters/{vid}"
    poster, thumb = pictures.get("poster"), pictures.get("thumb")
    ready_at = video["ready_at"] or 0
    return {
        "id": vid,
        "category": video["category"],
        "title": {"zh": video["title_zh"], "mn": video["title_mn"]},
        "summary": {"zh": video["summary_zh"], "mn": video["summary_mn"]},
        "duration": round(video["duration"] or 0, 2),
        "poster": f"{posters}/{poster}" if poster else None,
        "thumb": f"{posters}/{thumb}" if thumb else None,
        "hls": f"{renditions}/master.m3u8",
        "audio": json.loads(video["audio_languages"] or "[]"),
        "subtitles": [{"lang": lang, "url": f"{renditions}/{static.subtitle_file(lang)}"}
                      for lang in json.loads(video["subtitle_languages"] or "[]")],
        "published_at": iso(max(start or 0, ready_at)),
    }


def _encode(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class RenderedCatalog:
    """One rendering: the bytes as sent, their validators, and how long they stay right."""
    plain: bytes
    gzipped: bytes
    etag: str
    gzip_etag: str
    valid_until: float | None


def render_catalog(document: dict, valid_until: float | None) -> RenderedCatalog:
    plain = _encode(document)
    version = document["version"]
    return RenderedCatalog(plain=plain, gzipped=gzip.compress(plain, 9, mtime=0),
                           etag=f'"{version}"', gzip_etag=f'"{version}-gz"', valid_until=valid_until)


class CatalogCache:
    """Keeps the current rendering; renders again only after a catalog edit or a publish boundary.
    An unchanged catalog costs no database hop: the version comes from the store's memory."""

    def __init__(self, store: Store, settings, on_render: Callable[[], None] = lambda: None):
        self.store, self.settings, self.on_render = store, settings, on_render
        self._key: tuple | None = None
        self._current: RenderedCatalog | None = None
        self._rendering = asyncio.Lock()  # many requests after an edit share one rendering
        self.renders = 0  # how often the catalog was built, for metrics and tests

    def _fresh(self, key: tuple, now: float) -> RenderedCatalog | None:
        view = self._current
        if view is None or key != self._key or (view.valid_until is not None and now >= view.valid_until):
            return None
        return view

    async def current(self, now: float) -> RenderedCatalog:
        key = self.store.version_of(documents.Document.CATALOG)
        view = self._fresh(key, now)
        if view is not None:
            return view
        async with self._rendering:
            view = self._fresh(key, now)
            if view is None:
                categories, videos = await self.store.read(_categories_and_ready_videos)
                view = self._current = await asyncio.to_thread(self._render, categories, videos, now)
                self._key = key
                self.renders += 1
                self.on_render()
        return view

    def _render(self, categories, videos, now: float) -> RenderedCatalog:
        """Blocking (poster folders, gzip): runs in a worker thread."""
        root = self.settings.root
        versions = {video["id"]: video["pictures_version"] for video in videos}
        document, valid_until = build_catalog(categories, videos, now,
                                              lambda vid: static.picture_files(root, vid, versions[vid]),
                                              self.settings.public_url.rstrip("/"))
        return render_catalog(document, valid_until)


def _categories_and_ready_videos(tx) -> tuple[list, list]:
    return catalog_sql.catalog_categories(tx), catalog_sql.ready_videos(tx)




@routes.get("/api/v1/catalog")
async def get_catalog(request: web.Request) -> web.Response:
    now = request.app[CLOCK]()
    view: RenderedCatalog = await request.app[CATALOG_CACHE].current(now)
    max_age = MAX_AGE
    if view.valid_until is not None:  # a cache must not keep it past the next publish boundary
        max_age = max(0, min(MAX_AGE, math.floor(view.valid_until - now)))
    headers = {"Cache-Control": f"public, max-age={max_age}, stale-while-revalidate={STALE_WHILE_REVALIDATE}",
               "Vary": "Accept-Encoding"}
    use_gzip = accepts_gzip(request.headers.get("Accept-Encoding", ""))
    own_etag = view.gzip_etag if use_gzip else view.etag
    matched = etag_matches(request.headers.get("If-None-Match", ""), own_etag, view.etag, view.gzip_etag)
    if matched:
        headers["ETag"] = matched
        return web.Response(status=304, headers=headers)
    headers["ETag"] = own_etag
    if use_gzip:
        headers["Content-Encoding"] = "gzip"
    return web.Response(body=view.gzipped if use_gzip else view.plain, headers=headers,
                        content_type="application/json", charset="utf-8")


CATALOG_CACHE = web.AppKey("catalog_cache", CatalogCache)  # the rendered catalog, re-rendered only after a change


def setup(app: web.Application) -> None:
    metrics = app[METRICS]
    metrics.describe("legaltv_catalog_renders_total", "counter", "Catalog renderings (one per change)")
    app[CATALOG_CACHE] = CatalogCache(app[STORE], app[SETTINGS],
                                      on_render=lambda: metrics.inc("legaltv_catalog_renders_total"))
    app.add_routes(routes)
