"""The programme guide inside the stream: EIT present/following from the same planner as the
guide JSON, XMLTV and live HLS (ETSI EN 300 468 §5.2.4). Event names are Chinese in GB2312
and Mongolian in UTF-8 (Annex A), one short event descriptor per language."""
from __future__ import annotations

import zlib
from typing import Callable

from ..schedule.planner import Item
from . import ts

SERVICE_ID = TRANSPORT_ID = NETWORK_ID = 1
PRESENT_FOLLOWING = 0x4E
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

    def sections(self, now_ms: int) -> list[bytes]:
        items, _ = self.plan(now_ms, now_ms + 1)
        present = next((i for i in items if i.start_ms <= now_ms < i.end_ms), None)
        following = None
        if present is not None:
            after, _ = self.plan(present.end_ms, present.end_ms + 1)
            following = next((i for i in after if i.start_ms <= present.end_ms < i.end_ms), None)
        return present_following(present, following)
