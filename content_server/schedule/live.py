"""Live HLS stitched from stored segments: no encoding, numbers derived from the clock.

A variant playlist lists, for the planned items of one local day, the segments of each
item's stored rendition placed from the item's start (the slate loops to cover its item).
Sequence numbers are `day number × 2^20 + index of the segment within the day`, and
discontinuity sequence numbers likewise, so any server computes the same numbers from the
date and the day's plan alone, and they only grow. A window never spans midnight: at 00:00
the numbers jump forward and a player simply continues with the new day's first segment.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass
from datetime import date, datetime

from .library import Library, Media, Track
from .planner import CHINA, Item

DAY_SPAN = 2 ** 20  # more segments than any day can hold
PAST_SEGMENTS = 3
AHEAD_SEGMENTS = 2  # players start 3 from the end: listing 2 ahead starts them on the current one
LANGUAGES = ("zh", "mn")
BLANK_VTT = "WEBVTT\n\n"


def variant_names(library: Library) -> list[str]:
    names = [r["name"] for r in library.ladder()] + [f"audio_{l}" for l in LANGUAGES] + [f"subs_{l}" for l in LANGUAGES]
    return names + ([f"audio_only_{l}" for l in LANGUAGES] if library.has_audio_only() else [])


def track_for(media: Media, variant: str, blank_url: str) -> Track | None:
    """The stored playlist of `media` that plays in `variant`: nearest rung, other audio, blank subtitles."""
    if variant.startswith("audio_only_"):
        lang = variant[11:]
        low = media.audio_low.get(lang) or next(iter(media.audio_low.values()), None)
        return low or track_for(media, f"audio_{lang}", blank_url)
    if variant.startswith("audio_"):
        lang = variant[6:]
        if lang in media.audio:
            return media.audio[lang]
        return next(iter(media.audio.values()), None)
    if variant.startswith("subs_"):
        lang = variant[5:]
        if lang in media.subtitles:
            return media.subtitles[lang]
        lowest = media.lowest()  # keep the subtitle timeline whole with empty cues
        return Track("", tuple(blank_url for _ in lowest.uris), lowest.durations, lowest.offsets, lowest.total_ms)
    if variant in media.rungs:
        return media.rungs[variant][1]
    target = _height(variant)
    rung = min(media.rungs.values(), key=lambda r: (abs(r[0].get("height", 0) - target), r[0].get("height", 0)))
    return rung[1]


def _height(variant: str) -> int:
    digits = "".join(c for c in variant if c.isdigit())
    return int(digits) if digits else 0


def segment_count(track: Track, duration_ms: int, loops: bool) -> int:
    """How many of the track's segments an item of `duration_ms` lists (a segment counts when
    more than half of it fits); the slate loops, a video does not."""
    m, total = len(track.durations), track.total_ms
    if not m or total <= 0:
        return 0
    q = int(duration_ms // total) if loops else 0
    rest = duration_ms - q * total
    k = q * m + sum(1 for off, d in zip(track.offsets, track.durations) if off + d / 2 < rest)
    if not loops:
        k = min(k, m)
    return max(1, k)


@dataclass
class Segment:
    url: str
    duration_ms: int
    start_ms: int
    discontinuity: bool  # first segment of an item, or a slate loop seam
    item: Item


class DayTable:
    """One variant's segments for one local day, indexable by number or by instant."""

    def __init__(self, day: date, items: list[Item], library: Library, variant: str, blank_url: str):
        self.day, self.items, self.variant = day, items, variant
        self.tracks: list[Track | None] = []
        self.counts, self.first_index, self.first_mark = [], [], []
        index = marks = 0
        for item in items:
            media = library.slate if item.video_id is None else library.media.get(item.video_id)
            track = track_for(media, variant, blank_url) if media is not None else None
            count = segment_count(track, item.end_ms - item.start_ms, item.video_id is None) if track else 0
            self.tracks.append(track)
            self.counts.append(count)
            self.first_index.append(index)
            self.first_mark.append(marks)
            index += count
            marks += math.ceil(count / len(track.durations)) if count else 0
        self.total = index
        self.starts = [i.start_ms for i in items]
        self.day_number = day.toordinal() - date(1970, 1, 1).toordinal()
        tracks = [t for t in self.tracks if t]
        self.target_duration = max((math.ceil(max(t.durations) / 1000) for t in tracks), default=1)

    def segment(self, index: int) -> Segment:
        i = bisect.bisect_right(self.first_index, index) - 1
        while self.counts[i] == 0:
            i -= 1  # unreachable for valid indices; guards items without segments
        item, track = self.items[i], self.tracks[i]
        j = index - self.first_index[i]
        m = len(track.durations)
        offset = (j // m) * track.total_ms + track.offsets[j % m]
        return Segment(track.prefix + track.uris[j % m], track.durations[j % m], item.start_ms + offset,
                       j % m == 0, item)

    def index_at(self, now_ms: int) -> int | None:
        """The number (within the day) of the last segment starting at or before `now_ms`."""
        i = bisect.bisect_right(self.starts, now_ms) - 1
        while i >= 0 and self.counts[i] == 0:
            i -= 1
        if i < 0:
            return None
        track, item = self.tracks[i], self.items[i]
        elapsed = now_ms - item.start_ms
        m = len(track.durations)
        loop, rest = divmod(elapsed, track.total_ms)
        j = loop * m + bisect.bisect_right(track.offsets, rest) - 1
        return self.first_index[i] + min(j, self.counts[i] - 1)

    def marks_through(self, index: int) -> int:
        """Discontinuities in the day up to and including segment `index` (the day's first counts)."""
        i = bisect.bisect_right(self.first_index, index) - 1
        while self.counts[i] == 0:
            i -= 1
        m = len(self.tracks[i].durations)
        return self.first_mark[i] + (index - self.first_index[i]) // m + 1


def window(table: DayTable, now_ms: int) -> tuple[list[Segment], int, int]:
    """The segments listed at `now_ms`, the media sequence and discontinuity sequence numbers."""
    current = table.index_at(now_ms)
    if current is None or table.total == 0:
        return [], table.day_number * DAY_SPAN, table.day_number * DAY_SPAN
    first = max(0, current - PAST_SEGMENTS)
    last = min(table.total - 1, current + AHEAD_SEGMENTS)
    segments = [table.segment(i) for i in range(first, last + 1)]
    base = table.day_number * DAY_SPAN
    return segments, base + first, base + table.marks_through(first)


def next_change_ms(table: DayTable, now_ms: int) -> int:
    """When the window moves on: the start of the segment after the current one (or midnight)."""
    current = table.index_at(now_ms)
    if current is None or current + 1 >= table.total:
        return table.items[-1].end_ms if table.items else now_ms + 1000
    return table.segment(current + 1).start_ms


def current_start_ms(table: DayTable, now_ms: int) -> int:
    """When the window took its present shape: the start of the current segment (or the day)."""
    current = table.index_at(now_ms)
    return table.segment(current).start_ms if current is not None else (table.starts[0] if table.starts else 0)


def iso_ms(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, CHINA).isoformat(timespec="milliseconds")


def media_playlist(table: DayTable, now_ms: int) -> str:
    """The variant media playlist at `now_ms`."""
    segments, sequence, discontinuity = window(table, now_ms)
    lines = ["#EXTM3U", "#EXT-X-VERSION:6", f"#EXT-X-TARGETDURATION:{table.target_duration}",
             f"#EXT-X-MEDIA-SEQUENCE:{sequence}", f"#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuity}"]
    if segments:
        current = [s for s in segments if s.start_ms <= now_ms][-1]
        from_current = sum(s.duration_ms for s in segments if s.start_ms >= current.start_ms)
        lines.append(f"#EXT-X-START:TIME-OFFSET=-{from_current / 1000:.3f},PRECISE=YES")
    for n, segment in enumerate(segments):
        if segment.discontinuity and n:
            lines.append("#EXT-X-DISCONTINUITY")
        lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{iso_ms(segment.start_ms)}")
        lines.append(f"#EXTINF:{segment.duration_ms / 1000:.3f},")
        lines.append(segment.url)
    return "\n".join(lines) + "\n"


def master_playlist(library: Library, language_names: dict[str, str]) -> str:
    """The channel's master playlist, laid out as the on-demand masters: every video rung any
    video has (lowest first), zh/mn audio and subtitles, and the audio-only rung last."""
    audio_only = library.has_audio_only()
    lines = ["#EXTM3U", "#EXT-X-VERSION:6", "#EXT-X-INDEPENDENT-SEGMENTS"]
    groups = [("AUDIO", "audio", "audio_"), ("SUBTITLES", "subs", "subs_")]
    if audio_only:
        groups.insert(1, ("AUDIO", "audio_low", "audio_only_"))
    for kind, group, prefix in groups:
        for n, lang in enumerate(LANGUAGES):
            default = "YES" if n == 0 and kind == "AUDIO" else "NO"
            lines.append(f'#EXT-X-MEDIA:TYPE={kind},GROUP-ID="{group}",LANGUAGE="{lang}",'
                         f'NAME="{language_names[lang]}",DEFAULT={default},AUTOSELECT=YES,'
                         f'URI="live/{prefix}{lang}.m3u8"')
    for rung in library.ladder():
        codecs = str(rung.get("codecs") or "avc1.42c01e")
        bandwidth = int(rung.get("bandwidth") or 500000)
        if "mp4a" not in codecs:
            codecs, bandwidth = codecs + ",mp4a.40.2", bandwidth + 128000
        attributes = [f"BANDWIDTH={bandwidth}"]
        if rung.get("width") and rung.get("height"):
            attributes.append(f"RESOLUTION={rung['width']}x{rung['height']}")
        attributes += [f'CODECS="{codecs}"', 'AUDIO="audio"', 'SUBTITLES="subs"']
        lines += ["#EXT-X-STREAM-INF:" + ",".join(attributes), f"live/{rung['name']}.m3u8"]
    if audio_only:
        lines += ['#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2",AUDIO="audio_low",SUBTITLES="subs"',
                  f"live/audio_only_{LANGUAGES[0]}.m3u8"]
    return "\n".join(lines) + "\n"
