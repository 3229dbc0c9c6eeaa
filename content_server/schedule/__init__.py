"""The schedule feature: channels, their guide, XMLTV and live playlists (the editors' channel console is in consoles/)."""
from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from ..kernel.config import SETTINGS, Settings
from ..ops import METRICS
from ..storage import STORE, Store, schedule as schedule_sql
from . import api, slate
from .document import validate_schedule
from .lineup import LINEUP, Lineup
from .slate import MAKE_SLATE

log = logging.getLogger(__name__)

DEMO_CHANNEL = "legal"
DEMO_TITLE = {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠵᠠᠰᠠᠭ ᠤᠨ ᠰᠤᠪᠠᠭ"}


def setup(app: web.Application) -> None:
    """Adds this feature's routes and background tasks to the app."""
    settings = app[SETTINGS]
    lineup = app[LINEUP] = Lineup(app[STORE], settings)

    async def make_slate() -> bool:
        if (settings.root.slate / "ladder.json").exists():
            return True
        return await asyncio.get_running_loop().run_in_executor(None, slate.make_slate, settings.root)

    app[MAKE_SLATE] = make_slate
    app[METRICS].describe("legaltv_channel_renders_total", "counter",
                          "Channel responses computed (the rest were served from memory)")
    app[METRICS].gauge("legaltv_channel_cache_entries", "Plans, day tables and bodies the channels keep in memory",
                       lambda: {(("cache", name),): count for name, count in lineup.cache_entries().items()})
    app.add_routes(api.routes)


def demo_schedule(store: Store) -> dict:
    """A day of the demo videos around the clock: lessons in order, the first category after noon,
    shuffled evenings and night replays, so a newcomer finds the channel on at any hour."""
    videos = schedule_sql.playable_videos(store)
    ids = [row["id"] for row in videos]
    categories = sorted({row["category"] for row in videos})
    everything = {"type": "playlist", "playlist": "all"}
    slots = [
        {"id": "night", "title": {"zh": "夜间重播", "mn": "ᠰᠦᠨᠢ ᠶᠢᠨ ᠳᠠᠪᠲᠠᠨ ᠨᠡᠪᠲᠡᠷᠡᠭᠦᠯᠭᠡ"},
         "start": "00:00", "end": "06:00", "source": everything, "order": "shuffle"},
        {"id": "morning", "title": {"zh": "早间法治课堂", "mn": "ᠦᠭᠡᠯᠡᠭᠡ ᠶᠢᠨ ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠬᠢᠴᠢᠶᠡᠯ"},
         "start": "06:00", "end": "12:00", "lateness": 5, "flex": "spread", "source": everything,
         "order": "in_order"},
        {"id": "afternoon", "title": {"zh": "午后普法", "mn": "ᠦᠳᠡ ᠶᠢᠨ ᠬᠣᠶᠢᠨᠠᠬᠢ ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠰᠤᠷᠭᠠᠯ"},
         "start": "12:00", "end": "18:00", "lateness": 5,
         "source": {"type": "category", "category": categories[0]} if categories else everything,
         "order": "shuffle", "filler": everything},
        {"id": "evening", "title": {"zh": "晚间法治", "mn": "ᠦᠳᠡᠰᠢ ᠶᠢᠨ ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠨᠡᠪᠲᠡᠷᠡᠭᠦᠯᠭᠡ"},
         "start": "18:00", "end": "24:00", "source": everything, "order": "shuffle"},
    ]
    return {"seed": 12348, "playlists": {"all": ids} if ids else {}, "slots": slots if ids else [],
            "overrides": []}


def fill_demo(store: Store, settings: Settings) -> None:
    """Adds the legal channel built from the demo videos and the slate; adds nothing twice."""
    slate.make_slate(settings.root)
    schedule = store.write_blocking(_add_demo_channel)
    if schedule is not None:
        log.info("demo channel %s: %d slots", DEMO_CHANNEL, len(schedule["slots"]))


def _add_demo_channel(tx) -> dict | None:
    if schedule_sql.channel(tx, DEMO_CHANNEL) is not None:
        return None
    schedule = validate_schedule(demo_schedule(tx), schedule_sql.video_statuses(tx),
                                 schedule_sql.ready_counts_by_category(tx))
    schedule_sql.add_channel(tx, DEMO_CHANNEL, DEMO_TITLE, schedule)
    return schedule
