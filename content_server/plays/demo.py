"""Sample plays for `content-server demo`: two weeks of watching by boxes in the demo's leagues.

Each sample box sends one batch of play events, checked and folded by the same functions as
`POST /api/v1/plays` (`rules.tallies`, `storage.plays.record_batch`), so the editors' statistics
and the households' Popular row start with believable figures. Seeded with a fixed number: the
same demo gives the same figures.
"""
from __future__ import annotations

import logging
import random
import time

from ..kernel.config import Settings
from ..storage import Store, catalog as catalog_sql, plays as plays_sql
from . import api, rules

log = logging.getLogger(__name__)

DAYS = 14
# banner-level places of the demo's leagues (Xilin Gol, Hohhot), and how often their boxes choose Mongolian sound
REGIONS = {"152502": 0.5, "152522": 0.8, "152523": 0.8, "150102": 0.2}
BOXES_PER_REGION = 3
HOUR = 3600.0


def fill_demo(store: Store, settings: Settings, now: float | None = None) -> int:
    """Sends the sample boxes' batches unless some play was counted already (or
    settings.extra["demo_plays"] is false: a test of a box's own first plays); returns how many."""
    if not settings.extra.get("demo_plays", True) or store.read_blocking(plays_sql.has_counters):
        return 0
    videos = [row["id"] for row in store.read_blocking(catalog_sql.ready_videos)]
    if not videos:
        return 0
    now = time.time() if now is None else now
    chance = random.Random(12348)
    appeal = {video: 1.0 / (rank + 1) for rank, video in enumerate(sorted(videos))}  # some cases draw more
    limit = api.batch_limit()
    sent = 0
    for region, mongolian in REGIONS.items():
        for n in range(1, BOXES_PER_REGION + 1):
            box = f"demo-viewer-{region}-{n}"
            events = _two_weeks_of(chance, appeal, mongolian, now)
            tallies = rules.tallies({"events": events}, region, now)
            outcome, _ = store.write_blocking(plays_sql.record_batch, rules.batch_key(box, "demo-two-weeks"),
                                              tallies, limit, box, now)
            sent += outcome == "counted"
    log.info("demo plays: %d boxes' batches counted", sent)
    return sent


def _two_weeks_of(chance: random.Random, appeal: dict[str, float], mongolian: float, now: float) -> list[dict]:
    """One box's evenings: a video or two most days, watched to the end more often than not."""
    events = []
    videos, weights = list(appeal), list(appeal.values())
    for day in range(DAYS):
        for _ in range(chance.choice((0, 1, 1, 2, 3))):
            video = chance.choices(videos, weights)[0]
            at = now - day * 24 * HOUR - chance.uniform(0.5, 20) * HOUR
            audio = "mn" if chance.random() < mongolian else "zh"
            subtitles = chance.choice(("", audio, "zh" if audio == "mn" else "mn"))
            play = {"video": video, "audio": audio, "subtitles": subtitles}
            events.append({**play, "event": "start", "at": at})
            if chance.random() < 0.15:
                events.append({**play, "event": "stall", "at": at + 30, "seconds": round(chance.uniform(1, 8), 1)})
            for percent in (25, 50, 75, 100):
                if chance.random() < 0.12:  # left before this mark
                    break
                events.append({**play, "event": "progress", "percent": percent, "at": at + percent * 3})
    return events
