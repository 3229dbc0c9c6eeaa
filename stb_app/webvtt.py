"""WebVTT subtitles, including HLS segments carrying X-TIMESTAMP-MAP.

In HLS, each .vtt segment maps its local cue times onto the MPEG-TS clock:
media time = cue time - LOCAL + MPEGTS / 90000. Cues are returned on that media timeline,
shifted by `origin` (the media time the player calls 0).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def parse_timestamp(value: str) -> float:
    m = _TIME.fullmatch(value.strip())
    if not m:
        raise ValueError(f"not a WebVTT timestamp: {value!r}")
    hours, minutes, seconds, millis = m.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _timestamp_map(line: str) -> float:
    """Seconds to add to cue times from an X-TIMESTAMP-MAP header line."""
    fields = dict(part.split(":", 1) for part in line.split("=", 1)[1].split(",") if ":" in part)
    mpegts = int(fields.get("MPEGTS", "0")) / 90000
    local = parse_timestamp(fields.get("LOCAL", "00:00.000"))
    return mpegts - local


def parse(text: str, origin: float = 0.0) -> list[Cue]:
    """The cues of one WebVTT document in start order; malformed cue blocks are skipped."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    if not blocks or not blocks[0].startswith("WEBVTT"):
        raise ValueError("not a WebVTT document")
    offset = -origin
    for line in blocks[0].split("\n")[1:]:
        if line.startswith("X-TIMESTAMP-MAP="):
            offset += _timestamp_map(line)
    cues = []
    for block in blocks[1:]:
        lines = block.split("\n")
        if lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        if "-->" not in lines[0]:
            lines = lines[1:]  # a cue identifier
        if not lines or "-->" not in lines[0]:
            continue
        start_s, _, rest = lines[0].partition("-->")
        try:
            start, end = parse_timestamp(start_s), parse_timestamp(rest.strip().split()[0])
        except (ValueError, IndexError):
            continue
        body = "\n".join(_TAG.sub("", line) for line in lines[1:]).strip()
        if body and end > start:
            cues.append(Cue(start + offset, end + offset, body))
    return sorted(cues, key=lambda c: c.start)


def cue_at(cues: list[Cue], position: float) -> Cue | None:
    """The cue showing at `position` (the latest started one), or None."""
    showing = None
    for cue in cues:
        if cue.start > position:
            break
        if cue.end > position:
            showing = cue
    return showing


def segment_urls(playlist: str) -> list[str]:
    """The segment URIs of an HLS subtitle media playlist, in order."""
    return [line.strip() for line in playlist.splitlines() if line.strip() and not line.startswith("#")]
