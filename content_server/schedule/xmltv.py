"""The XMLTV guide (xmltv.dtd) of every channel, from the planned items."""
from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

from .planner import CHINA, Item, Video

LANGUAGES = ("zh", "mn")


def _stamp(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms // 1000, CHINA).strftime("%Y%m%d%H%M%S %z")


def document(channels, programmes: dict[str, list[Item]], videos: dict[str, Video]) -> bytes:
    """<tv> with every <channel> first, then its <programme>s, each titled in zh and mn."""
    tv = ET.Element("tv", {"generator-info-name": "legal-tv", "source-info-name": "legal-tv"})
    for channel in channels:
        element = ET.SubElement(tv, "channel", {"id": f"{channel['id']}.legal-tv"})
        for lang in LANGUAGES:
            ET.SubElement(element, "display-name", {"lang": lang}).text = channel[f"title_{lang}"]
    for channel in channels:
        for item in programmes.get(channel["id"], []):
            element = ET.SubElement(tv, "programme", {"start": _stamp(item.start_ms), "stop": _stamp(item.end_ms),
                                                      "channel": f"{channel['id']}.legal-tv"})
            for lang in LANGUAGES:
                ET.SubElement(element, "title", {"lang": lang}).text = item.title.get(lang, "")
            video = videos.get(item.video_id) if item.video_id else None
            if video is not None:
                for lang in LANGUAGES:
                    if video.summary.get(lang):
                        ET.SubElement(element, "desc", {"lang": lang}).text = video.summary[lang]
            if item.slot_title:
                for lang in LANGUAGES:
                    ET.SubElement(element, "category", {"lang": lang}).text = item.slot_title.get(lang, "")
    body = ET.tostring(tv, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n' + body + "\n").encode()
