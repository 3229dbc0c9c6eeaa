"""Plans, guides and playlists of the stored channels, computed once and kept in memory.

Everything here derives from `planner.plan_day`. The caches hold one generation: the plans of
the current library (its fingerprint) and the current channel schedules (the `channels`
document version). When either changes, the whole generation is dropped at once, so a newly
ready video or an edited schedule shows at once and memory never grows with uploads; within a
generation, plans of days long past and responses past their validity are dropped too.
Thousands of boxes asking for the same playlist cost a dictionary lookup.
"""
from __future__ import annotations

import asyncio
import gzip
from dataclasses import dataclass
from datetime import date, timedelta

from aiohttp import web

from ..kernel.config import Settings
from ..kernel.http_cache import etag_of
from ..storage import schedule as schedule_sql
from ..storage.documents import Document
from .library import Library, load_library, rows_key as library_rows_key
from .live import DayTable
from .planner import Item, local_date, local_day_bounds, plan_day_versions

MAX_CACHED = 512
KEEP_DAYS = timedelta(days=8)  # a guide reaches 7 days ahead: older days are no longer asked for
KEEP_RESPONSES = 64  # past this many bodies, the expired ones are dropped before adding one


@dataclass(frozen=True)
class Rendered:
    """A response body computed once: served to every box until it changes."""
    body: bytes
    etag: str
    valid_from_ms: int
    valid_until_ms: int
    gzipped: bytes | None = None

    @classmethod
    def of(cls, body: bytes, valid_from_ms: int, valid_until_ms: int, gzip_it: bool = False) -> "Rendered":
        etag = etag_of(body, weak=gzip_it)  # one tag for the plain and the gzipped bytes
        return cls(body, etag, valid_from_ms, valid_until_ms, gzip.compress(body, 6) if gzip_it else None)


class Lineup:
    def __init__(self, store, settings: Settings):
        self.store, self.settings = store, settings
        self._library: Library | None = None
        self._library_key = None
        self._rows_key = None
        self._generation: tuple | None = None
        self._documents: tuple[int, int] = (0, 0)
        self._channels: list = []
        self._channels_version: tuple | None = None
        self._schedules: dict[str, list[tuple[int, dict]]] = {}  # channel id → its schedule versions
        self._refreshing = asyncio.Lock()
        self._slate_made = settings.root.slate / "ladder.json"  # the slate appears once, after start
        self._days: dict[tuple, list[Item]] = {}
        self._tables: dict[tuple, DayTable] = {}
        self.responses: dict[tuple, Rendered] = {}

    async def refresh(self) -> "Lineup":
        """Brings the channels and the library up to the store's document versions: the database
        is read (on the store's threads) and the renditions scanned (in a worker thread) only when
        the catalog or the channels changed. Every request awaits this, then reads from memory."""
        versions = self.store.version_of(Document.CATALOG, Document.CHANNELS)
        library_key = (versions[0], self._slate_made.exists())
        if library_key == self._library_key and versions == self._channels_version:
            self._documents = versions
            return self
        async with self._refreshing:
            if versions != self._channels_version:
                self._channels, self._schedules = await self.store.read(_channels_with_schedules)
                self._channels_version = versions
            if library_key != self._library_key:
                rows = await self.store.read(schedule_sql.playable_videos)
                rows_key = library_rows_key(rows) + str(library_key[1])
                if rows_key != self._rows_key:
                    self._library = await asyncio.to_thread(load_library, None, self.settings.root,
                                                            self.settings.public_url, rows)
                    self._rows_key = rows_key
                self._library_key = library_key
            self._documents = versions
        return self

    def documents(self) -> tuple[int, int]:
        """(catalog version, channels version): what every cached body here derives from."""
        self.library()
        return self._documents

    def library(self) -> Library:
        """The library as of the last `refresh` (re-read only when the catalog changed: a question
        or a transcode's progress is written often and must not cost a scan of the renditions);
        a new library or new schedules drop every plan, table and body of the old ones."""
        versions = self._documents
        generation = (self._library.fingerprint, versions[1])
        if generation != self._generation:
            self.forget()
            self._generation = generation
        return self._library

    def forget(self) -> None:
        """Drops every plan, day table and rendered body (they are cheap to compute again)."""
        self._days.clear()
        self._tables.clear()
        self.responses.clear()

    def cache_entries(self) -> dict[str, int]:
        """How many plans, day tables and bodies are kept (memory follows these counts)."""
        return {"plans": len(self._days), "tables": len(self._tables), "responses": len(self.responses)}

    def channels(self):
        return self._channels

    def channel(self, channel_id: str):
        return next((row for row in self._channels if row["id"] == channel_id), None)

    def day(self, channel, day: date) -> list[Item]:
        library = self.library()
        key = (channel["id"], channel["version"], day)
        items = self._days.get(key)
        if items is None:
            _trim(self._days, day)
            versions = self.versions(channel)
            items = self._days[key] = plan_day_versions(versions, library.videos, day, channel["id"])
        return items

    def versions(self, channel) -> list[tuple[int, dict]]:
        """The channel's schedule versions [(in force from ms, document)], oldest first."""
        return self._schedules.get(channel["id"], [])

    def items(self, channel, start_ms: int, end_ms: int) -> list[Item]:
        """The channel's items overlapping [start_ms, end_ms), day by day from the cache."""
        out, day = [], local_date(start_ms)
        while local_day_bounds(day)[0] < end_ms:
            out.extend(i for i in self.day(channel, day) if i.end_ms > start_ms and i.start_ms < end_ms)
            day += timedelta(days=1)
        return out

    def table(self, channel, day: date, variant: str) -> DayTable:
        library = self.library()
        key = (channel["id"], channel["version"], variant, day)
        table = self._tables.get(key)
        if table is None:
            _trim(self._tables, day)
            blank = f"{self.settings.public_url}/api/v1/channels/blank.vtt"
            table = self._tables[key] = DayTable(day, self.day(channel, day), library, variant, blank)
        return table

    def cached(self, key: tuple, now_ms: int) -> Rendered | None:
        """A response rendered before for this key, if still valid for this library and instant."""
        hit = self.responses.get(key)
        if hit is not None and hit.valid_from_ms <= now_ms < hit.valid_until_ms:
            return hit
        return None

    def remember(self, key: tuple, rendered: Rendered) -> Rendered:
        if len(self.responses) >= KEEP_RESPONSES:  # bodies that ended before this one began are dead
            for old in [k for k, r in self.responses.items() if r.valid_until_ms <= rendered.valid_from_ms]:
                del self.responses[old]
        _trim(self.responses)
        self.responses[key] = rendered
        return rendered

    def version_key(self, channel) -> tuple:
        return channel["id"], channel["version"], self.library().fingerprint


def _channels_with_schedules(tx) -> tuple[list, dict]:
    channels = schedule_sql.channels(tx)
    return channels, {row["id"]: schedule_sql.schedule_versions(tx, row["id"]) for row in channels}


def _trim(cache: dict, day: date | None = None) -> None:
    """Drops the plans of days more than a guide's reach before `day`; clears a cache at MAX_CACHED."""
    if day is not None:
        for key in [k for k in cache if k[-1] < day - KEEP_DAYS]:
            del cache[key]
    if len(cache) >= MAX_CACHED:
        cache.clear()  # plans are cheap to redo; memory stays bounded


LINEUP = web.AppKey("lineup", Lineup)  # the channels' plans, day tables and bodies kept in memory
