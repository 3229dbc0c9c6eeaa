"""GET /api/v1/changes: one version per public document, the only thing a box polls every minute.

A box revalidates a document only when its entry here changed. Each entry changes whenever that
document's ETag may change: the catalog's is its rendering's version (which also moves at a
publish boundary); the channel list follows the channels and catalog documents; the guide
(every channel's) also moves at each hour, since it starts at the current hour; guides follow
the guides and glossary documents; notices also move at each edge of a notice's publish window;
every other document (and any added later to `Document`) is its version number. Built from the
store's in-memory versions and the catalog and notices caches, never by rendering the documents:
the body is kept until one of them changes.
"""
from __future__ import annotations

import json
import math

from aiohttp import web

from .catalog.api import CATALOG_CACHE
from .kernel.clock import CLOCK
from .kernel.http_cache import etag_of, public_json
from .notices.api import NOTICES_CACHE
from .storage import STORE
from .storage.documents import Document

routes = web.RouteTableDef()
MAX_AGE = 30  # an edge asks the origin twice a minute at most, whatever the fleet
HOUR = 3600
DAY = 24 * HOUR
CHINA_OFFSET = 8 * HOUR  # China keeps UTC+8 all year


def changes_document(versions: dict[str, int], catalog_version: str, guide_now: float,
                     notices_entry: str = "") -> dict[str, str]:
    """The entries of the changes document (pure: versions in, strings out); `guide_now` is the
    channels' clock, `notices_entry` the notices' version and window edges passed."""
    def v(document: Document) -> int:
        return versions.get(str(document), 0)
    entries = {str(d): str(v(d)) for d in Document}
    hour = int(guide_now // HOUR * HOUR)
    entries[Document.CATALOG] = catalog_version
    entries[Document.CHANNELS] = f"{v(Document.CATALOG)}.{v(Document.CHANNELS)}"
    entries["guide"] = f"{v(Document.CATALOG)}.{v(Document.CHANNELS)}.{hour}"
    entries[Document.GUIDES] = f"{v(Document.GUIDES)}.{v(Document.GLOSSARY)}"
    entries[Document.NOTICES] = notices_entry or f"{v(Document.NOTICES)}.0"
    # the Popular ranking counts the last 14 days: it also moves at midnight in China
    entries[Document.POPULAR] = f"{v(Document.POPULAR)}.{int((guide_now + CHINA_OFFSET) // DAY)}"
    return dict(sorted(entries.items()))


class ChangesCache:
    """The body as sent, kept until a document version, the catalog or the hour changes."""

    def __init__(self, store, catalog_cache, notices_cache):
        self.store, self.catalog_cache, self.notices_cache = store, catalog_cache, notices_cache
        self._key: tuple | None = None
        self._body: tuple[bytes, str] | None = None

    async def current(self, now: float, guide_now: float) -> tuple[bytes, str, float]:
        """(body, weak ETag, seconds it stays right at most) at `now`; `guide_now` is the channels' clock."""
        catalog = await self.catalog_cache.current(now)
        notices, next_edge = await self.notices_cache.entry(now)
        versions = self.store.versions()  # kept in memory by the store: no database hop
        key = (tuple(sorted(versions.items())), catalog.etag, int(guide_now // HOUR), notices)
        if key != self._key or self._body is None:
            document = changes_document(versions, catalog.etag.strip('"'), guide_now, notices)
            body = json.dumps(document, separators=(",", ":")).encode()
            self._body, self._key = (body, etag_of(body, weak=True)), key
        until = HOUR - guide_now % HOUR
        if catalog.valid_until is not None:
            until = min(until, catalog.valid_until - now)
        if next_edge is not None:
            until = min(until, next_edge - now)
        return *self._body, until


@routes.get("/api/v1/changes")
async def get_changes(request: web.Request) -> web.Response:
    now = request.app[CLOCK]()
    body, etag, until = await request.app[CHANGES_CACHE].current(now, now)
    # a cache must not keep it past a publish boundary or the hour the guide moves on
    max_age = max(0, min(MAX_AGE, math.floor(until)))
    return public_json(request, body, etag, max_age)


CHANGES_CACHE = web.AppKey("changes_cache", ChangesCache)  # the rendered /api/v1/changes document


def setup(app: web.Application) -> None:
    app[CHANGES_CACHE] = ChangesCache(app[STORE], app[CATALOG_CACHE], app[NOTICES_CACHE])
    app.add_routes(routes)
