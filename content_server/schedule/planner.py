"""The one schedule function: (schedule, library, window) → timed items.

Pure and deterministic: no clock, no database, no randomness beyond seeds derived from
the schedule and the date, so every server computes the same guide. The guide JSON, the
XMLTV guide and the live playlists are all built from `plan`.

Times are integer milliseconds since the epoch. Each local day (Asia/Shanghai, 00:00–24:00)
is planned on its own and nothing crosses midnight, so a day's plan never depends on
another day's; that keeps `plan` cheap for any window and lets live playlists number their
segments from the date alone.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..kernel.i18n import N_, bilingual

CHINA = ZoneInfo("Asia/Shanghai")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# TRANSLATORS: guide and XMLTV title while the channel shows its "back soon" picture, max 20 chars
OFF_AIR = N_("Off air")


@dataclass(frozen=True)
class Video:
    """A playable video as the planner sees it; publish bounds in ms (None: unbounded)."""
    id: str
    category: str
    title: dict
    duration_ms: int
    publish_from_ms: int | None = None
    publish_until_ms: int | None = None
    ready_ms: int | None = None  # when its renditions became ready: never planned before that
    summary: dict = field(default_factory=lambda: {"zh": "", "mn": ""}, compare=False, hash=False)

    def playable(self, start_ms: int, end_ms: int) -> bool:
        """Whether it is ready by `start_ms` and the whole showing lies inside the publish window."""
        return ((self.ready_ms is None or self.ready_ms <= start_ms)
                and (self.publish_from_ms is None or self.publish_from_ms <= start_ms)
                and (self.publish_until_ms is None or end_ms <= self.publish_until_ms))


@dataclass(frozen=True)
class Item:
    """One timed entry of a channel: a programme, a filler, or the offline slate (video_id None)."""
    start_ms: int
    end_ms: int
    kind: str  # "programme" | "filler" | "slate"
    video_id: str | None
    title: dict
    slot: str | None = None
    slot_title: dict | None = None


def local_day_bounds(day: date) -> tuple[int, int]:
    """[00:00, 24:00) of a local date in Asia/Shanghai, as epoch ms."""
    start = datetime.combine(day, time(0), CHINA)
    end = datetime.combine(day + timedelta(days=1), time(0), CHINA)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def local_date(epoch_ms: int) -> date:
    return datetime.fromtimestamp(epoch_ms / 1000, CHINA).date()


def clock_ms(text: str) -> int:
    """'HH:MM' (or '24:00') as ms after local midnight; the document is validated before."""
    hours, minutes = text.split(":")
    return (int(hours) * 60 + int(minutes)) * 60_000


def plan(schedule: dict, library: dict[str, Video], start_ms: int, end_ms: int,
         channel: str = "", earlier: list[tuple[int, dict]] = (), since_ms: int = 0) -> list[Item]:
    """Every item overlapping [start_ms, end_ms), in order, from a validated schedule document.

    `library` maps video id → Video for the ready videos; videos outside their publish window
    at the time they would play are never placed. Gaps are covered by slate items, so the items
    of a day tile it from 00:00 to 24:00 without holes. With `earlier` versions, `schedule` is
    in force from `since_ms` (see plan_day_versions).
    """
    versions = [*earlier, (since_ms, schedule)] if earlier else [(0, schedule)]
    items: list[Item] = []
    day = local_date(start_ms)
    while True:
        day_start, day_end = local_day_bounds(day)
        if day_start >= end_ms:
            break
        items.extend(i for i in plan_day_versions(versions, library, day, channel)
                     if i.end_ms > start_ms and i.start_ms < end_ms)
        day += timedelta(days=1)
    return items


def plan_day(schedule: dict, library: dict[str, Video], day: date, channel: str = "") -> list[Item]:
    """The items of one local day, tiling [00:00, 24:00)."""
    return plan_day_versions([(0, schedule)], library, day, channel)


def plan_day_versions(versions: list[tuple[int, dict]], library: dict[str, Video], day: date,
                      channel: str = "") -> list[Item]:
    """The items of one local day from a schedule's versions [(in force from ms, document)], oldest first.

    An edit never rewrites what already aired or cuts the slot on air: a slot running when a
    version took effect plays on as it was planned; slots that start later come from the new
    version (or, when nothing was on air, a new slot already under way starts at the edit).
    """
    day_start, day_end = local_day_bounds(day)
    out: list[Item] = []
    t = day_start
    for block in _versioned_blocks(versions, day, day_start, day_end):
        block_start, block_end = block["_start"], block["_end"]
        if t < block_start:
            out.append(_slate(t, block_start))
            t = block_start
        if t >= block_end:
            continue  # the previous block ran late past this whole block
        t = _fill_block(block["_doc"], library, block, day, channel, t, block_end, day_end, out)
    if t < day_end:
        out.append(_slate(t, day_end))
    return _merge_slates(out)


def _versioned_blocks(versions, day: date, day_start: int, day_end: int) -> list[dict]:
    ordered = sorted(versions, key=lambda v: v[0])
    taken: list[dict] = []
    for n, (since, document) in enumerate(ordered):
        until = ordered[n + 1][0] if n + 1 < len(ordered) else day_end
        window_start, window_end = max(since, day_start), min(until, day_end)
        if window_start >= window_end:
            continue
        for block in _blocks(document, day):
            start, end = day_start + clock_ms(block["start"]), day_start + clock_ms(block["end"])
            if window_start <= start < window_end:
                taken.append(dict(block, _start=start, _end=end, _doc=document))
            elif start < window_start < end and window_start > day_start and not any(
                    b["_start"] <= window_start < b["_end"] for b in taken):
                taken.append(dict(block, _start=window_start, _end=end, _doc=document))
    return sorted(taken, key=lambda b: b["_start"])


def _blocks(schedule: dict, day: date) -> list[dict]:
    """The slots of this weekday, with the date's overrides replacing any slot they overlap."""
    weekday = WEEKDAYS[day.weekday()]
    overrides = [dict(o, id=o.get("id") or f"override-{day.isoformat()}-{o['start']}")
                 for o in schedule.get("overrides", []) if o["date"] == day.isoformat()]
    slots = []
    for index, slot in enumerate(schedule.get("slots", [])):
        if weekday not in slot.get("days", WEEKDAYS):
            continue
        s, e = clock_ms(slot["start"]), clock_ms(slot["end"])
        if any(s < clock_ms(o["end"]) and clock_ms(o["start"]) < e for o in overrides):
            continue
        slots.append(dict(slot, id=slot.get("id") or f"slot-{index}"))
    return sorted(slots + overrides, key=lambda b: clock_ms(b["start"]))


def _fill_block(schedule, library, block, day, channel, t, block_end, day_end, out) -> int:
    lateness = int(block.get("lateness", 0)) * 60_000
    limit = min(block_end + lateness, day_end)
    seed = f"{schedule.get('seed', 0)}|{channel}|{block['id']}|{day.isoformat()}"
    candidates = _candidates(schedule, library, block.get("source", {}))
    picker = _Picker(candidates, block.get("order", "in_order"), seed)
    entries: list[tuple[Video | None, int]] = []  # a programme and its start, or a wait and its end
    cursor = t
    while candidates:
        video = picker.next_fitting(cursor, limit)
        if video is not None:
            entries.append((video, cursor))
            cursor += video.duration_ms
            continue
        wake = _next_availability(candidates, cursor)
        if wake is None or wake >= block_end:
            break
        entries.append((None, wake))  # nothing may play yet: the slate until a video is published
        cursor = wake
    slot, title = block["id"], block.get("title")
    filler = _candidates(schedule, library, block.get("filler") or schedule.get("filler") or {})
    fill_picker = _Picker(filler, "shuffle", seed + "|filler")
    count = sum(1 for video, _ in entries if video is not None)
    if not count:
        return _pad(t, block_end, fill_picker, slot, title, out)
    room = max(0, block_end - cursor)
    spread = block.get("flex", "end") == "spread" and all(video for video, _ in entries)
    gaps = [room // count + (room % count if i == count - 1 else 0) for i in range(count)] if spread else \
        [0] * (count - 1) + [room]
    n = 0
    for video, planned in entries:
        if video is None:
            t = _pad(t, planned, fill_picker, slot, title, out)
            continue
        if video.playable(t, t + video.duration_ms):
            out.append(Item(t, t + video.duration_ms, "programme", video.id, dict(video.title), slot, title))
            t += video.duration_ms
        else:  # spreading moved it past its publish window: the slate takes its place
            t = _pad(t, t + video.duration_ms, fill_picker, slot, title, out)
        if gaps[n]:
            t = _pad(t, t + gaps[n], fill_picker, slot, title, out)
        n += 1
    return t


def _next_availability(candidates: list[Video], t: int) -> int | None:
    """The first instant after `t` at which one more candidate becomes ready or published."""
    moments = [m for v in candidates for m in (v.ready_ms, v.publish_from_ms) if m is not None and m > t]
    return min(moments, default=None)


def _pad(t: int, until: int, picker: "_Picker", slot: str, slot_title, out: list[Item]) -> int:
    """Filler videos that fit, then the slate for what is left; returns `until`."""
    while picker.candidates and t < until:
        video = picker.next_fitting(t, until)
        if video is None:
            break
        out.append(Item(t, t + video.duration_ms, "filler", video.id, dict(video.title), slot, slot_title))
        t += video.duration_ms
    if t < until:
        out.append(_slate(t, until))
    return until


def _slate(start: int, end: int) -> Item:
    return Item(start, end, "slate", None, bilingual(OFF_AIR))


def _merge_slates(items: list[Item]) -> list[Item]:
    merged: list[Item] = []
    for item in items:
        if merged and item.kind == "slate" and merged[-1].kind == "slate" and merged[-1].end_ms == item.start_ms:
            merged[-1] = Item(merged[-1].start_ms, item.end_ms, "slate", None, item.title)
        elif item.end_ms > item.start_ms:
            merged.append(item)
    return merged


def _candidates(schedule: dict, library: dict[str, Video], source: dict) -> list[Video]:
    """The videos a source names, in its order; unknown or unready videos are left out."""
    kind = source.get("type")
    if kind == "category":
        return sorted((v for v in library.values() if v.category == source.get("category")),
                      key=lambda v: (v.title.get("zh", ""), v.id))
    if kind == "playlist":
        ids = schedule.get("playlists", {}).get(source.get("playlist"), [])
    elif kind == "videos":
        ids = source.get("videos", [])
    else:
        return []
    return [library[i] for i in ids if i in library]


class _Picker:
    """Walks candidates in the editor's order from the first, or in seeded shuffles without repeats.

    A shuffle orders each cycle by a hash of (seed, cycle, video id), so a video that becomes
    ready or published later changes nothing that was planned before that moment.
    """

    def __init__(self, candidates: list[Video], order: str, seed: str):
        self.candidates = candidates
        self.shuffle = order == "shuffle"
        self.seed = seed
        self.cycle = 0
        self.queue: list[Video] = []
        self.last: Video | None = None

    def _refill(self) -> None:
        batch = list(self.candidates)
        if self.shuffle:
            batch.sort(key=lambda v: hashlib.sha256(f"{self.seed}|{self.cycle}|{v.id}".encode()).digest())
        self.cycle += 1
        self.queue = batch

    def next_fitting(self, t: int, limit: int) -> Video | None:
        """The next candidate that fits in [t, limit) and is published all that time, or None.

        In order, a published video that does not fit ends the run (the rest is padding); in a
        shuffle the next one that fits plays. Videos outside their publish window are passed over;
        when this cycle has nothing left that can play, a fresh cycle is tried once.
        """
        if not self.queue:
            self._refill()
        for attempt in range(2):
            for n, video in enumerate(self.queue):
                playable = video.playable(t, t + video.duration_ms)
                if self.shuffle and video == self.last and len(self.candidates) > 1:
                    continue  # never the same video twice in a row
                if playable and t + video.duration_ms <= limit:
                    del self.queue[n]
                    self.last = video
                    return video
                if playable and not self.shuffle:
                    return None
            if attempt == 0:
                self._refill()  # what is left of this cycle cannot play now; it comes again in the next
        return None


def current_item(items: list[Item], now_ms: int) -> Item | None:
    """The item on air at `now_ms`."""
    for item in items:
        if item.start_ms <= now_ms < item.end_ms:
            return item
    return None
