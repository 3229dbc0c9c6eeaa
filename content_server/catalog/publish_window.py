"""Publish windows: when a video is in the catalog. Stored instants are read one way everywhere
(the catalog, the media files an edge may serve, the channel's library)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Mapping

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST: a fixed offset is exact


def parse_instant(value) -> float | None:
    """A stored publish instant as epoch seconds: ISO 8601 (naive means Asia/Shanghai) or a number."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except ValueError:
        pass
    moment = datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    return moment.timestamp()


def iso(epoch: float) -> str:
    """Epoch seconds as ISO 8601 in China time, e.g. 2026-11-26T09:00:00+08:00."""
    return datetime.fromtimestamp(int(epoch), CHINA).isoformat()


def visible(video: Mapping, now: float) -> bool:
    """Whether a ready video is inside its publish window at `now` (from inclusive, until exclusive)."""
    start, end = parse_instant(video["publish_from"]), parse_instant(video["publish_until"])
    return (start is None or start <= now) and (end is None or now < end)
