"""The programme guide inside the stream: EIT present/following and schedule from the same
planner as the guide JSON, XMLTV and live HLS (ETSI EN 300 468 §5.2.4). Event names are
Chinese in GB2312 and Mongolian in UTF-8 (Annex A), one short event descriptor per language.

The schedule (table 0x50) covers SCHEDULE_DAYS from UTC midnight in 3-hour segments of at most
8 sections each (TR 101 211); a segment with more events than that lists its first ones."""
from __future__ import annotations

import zlib
from typing import Callable

from ..schedule.planner import Item
from . import ts

SERVICE_ID = TRANSPORT_ID = NETWORK_ID = 1
PRESENT_FOLLOWING = 0x4E
SCHEDULE = 0x50
SCHEDULE_DAYS = 2
SEGMENT_MS = 3 * 3600 * 1000
SECTIONS_PER_SEGMENT = 8
EVENTS_ROOM = 4096 - 14 - 4  # a section's bytes less its header and CRC
DAY_MS = 86_400_000
LANGUAGES = (("zh", "chi"), ("mn", "mon"))
RUNNING, NOT_RUNNING = 4, 1


def event_id(item: Item) -> int:
    """Stable across restarts and servers: from the item's start second."""
    return (item.start_ms // 1000) & 0xFFFF


def _fitted(text: str, language: str, limit: int) -> bytes:
    """The text in its DVB table, cut by whole characters to `limit` bytes."""
    while True:
        data = ts.dvb_text(text, language)
        if len(data) <= limit:
            return data
        text = text[:-1]


def short_event(language: str, iso639: str, name: str, text: str) -> bytes:
    name_bytes = _fitted(name, language, 120)
    text_bytes = _fitted(text, language, 250 - 5 - len(name_bytes))
    return ts.descriptor(0x4D, iso639.encode() + bytes([len(name_bytes)]) + name_bytes + bytes([len(text_bytes)]) + text_bytes)


def event(item: Item, running: int) -> bytes:
    descriptors = b"".join(short_event(lang, iso, (item.title or {}).get(lang, ""),
                                       (item.slot_title or {}).get(lang, "")) for lang, iso in LANGUAGES)
    return (event_id(item).to_bytes(2, "big") + ts.mjd_utc(item.start_ms) + ts.bcd_duration(item.end_ms - item.start_ms)
            + ((running << 13) | len(descriptors)).to_bytes(2, "big") + descriptors)


def present_following(present: Item | None, following: Item | None) -> list[bytes]:
    """The two sections of EIT actual p/f; the version follows their content."""
    bodies = [event(present, RUNNING) if present else b"", event(following, NOT_RUNNING) if following else b""]
    version = zlib.crc32(b"".join(bodies)) & 0x1F
    head = TRANSPORT_ID.to_bytes(2, "big") + NETWORK_ID.to_bytes(2, "big") + bytes([1, PRESENT_FOLLOWING])
    return [ts.section(PRESENT_FOLLOWING, SERVICE_ID, head + body, version=version, number=n, last=1)
            for n, body in enumerate(bodies)]


class Guide:
    """EIT sections for the instant a receiver shows, from `plan(from_ms, to_ms)`."""

    def __init__(self, plan: Callable):
        self.plan = plan

    def present_following(self, now_ms: int) -> list[bytes]:
        items, _ = self.plan(now_ms, now_ms + 1)
        present = next((i for i in items if i.start_ms <= now_ms < i.end_ms), None)
        following = None
        if present is not None:
            after, _ = self.plan(present.end_ms, present.end_ms + 1)
            following = next((i for i in after if i.start_ms <= present.end_ms < i.end_ms), None)
        return present_following(present, following)

    def schedule(self, now_ms: int) -> list[bytes]:
        day = now_ms // DAY_MS * DAY_MS
        items, _ = self.plan(day, day + SCHEDULE_DAYS * DAY_MS)
        return schedule_sections([i for i in items if i.end_ms > now_ms], day)


def schedule_sections(items: list[Item], day_ms: int) -> list[bytes]:
    """EIT actual schedule sections of `items` from UTC midnight `day_ms`."""
    segments: list[list[bytes]] = []
    at = 0
    for n in range(SCHEDULE_DAYS * 24 // 3):
        end = day_ms + (n + 1) * SEGMENT_MS
        sections, body = [], b""
        while at < len(items) and items[at].start_ms < end:
            at += 1
            if len(sections) == SECTIONS_PER_SEGMENT:
                continue  # the segment is full: its later events are left out
            data = event(items[at - 1], 0)  # running status undefined in a schedule
            if len(body) + len(data) > EVENTS_ROOM:
                sections.append(body)
                body = b""
                if len(sections) == SECTIONS_PER_SEGMENT:
                    continue
            body += data
        if body or not sections:
            if len(sections) < SECTIONS_PER_SEGMENT:
                sections.append(body)
        segments.append(sections)
    version = zlib.crc32(b"".join(b for segment in segments for b in segment)) & 0x1F
    last = (len(segments) - 1) * SECTIONS_PER_SEGMENT + len(segments[-1]) - 1
    out = []
    for n, sections in enumerate(segments):
        segment_last = n * SECTIONS_PER_SEGMENT + len(sections) - 1
        head = TRANSPORT_ID.to_bytes(2, "big") + NETWORK_ID.to_bytes(2, "big") + bytes([segment_last, SCHEDULE])
        for k, body in enumerate(sections):
            out.append(ts.section(SCHEDULE, SERVICE_ID, head + body, version=version,
                                  number=n * SECTIONS_PER_SEGMENT + k, last=last))
    return out
