"""The planner's items as one timeline of access units and audio frames, in decode order.

The stream's clock is the schedule's: a unit shown at epoch millisecond `t` carries PTS
`t × 90` (mod 2^33), so joins, restarts and edits never make the timestamps jump, and a
receiver's clock reads the schedule. Each item's stored segments are copied from the item's
start (looping the slate), cut at its end; a join starts at the key frame at or before the
instant on air. Video is never decoded or encoded; audio is copied (or, for mp2, re-encoded
segment by segment by `audio_encoder`).
"""
from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ..kernel.config import DataRoot
from ..schedule.library import SLATE_ID, Library, Media, Track
from ..schedule.live import LANGUAGES, track_for
from ..schedule.planner import Item
from . import subtitles
from .segments import Unit, read_segment

log = logging.getLogger(__name__)

VIDEO = "video"
GAP = "gap"  # an instant with nothing to copy: the multiplexer sends padding until it
FRAME_90K = 3600  # one frame at 25 fps: the least step between two items' decode times


@dataclass
class Timed:
    """A unit placed on the stream's timeline (absolute 90 kHz ticks, not yet wrapped)."""
    track: str  # "video" or a language
    pts: int
    dts: int
    data: bytes
    key: bool


@dataclass
class Placement:
    """What the feed knows of the item it is copying: for the state and the counters."""
    item: Item | None = None
    media_id: str | None = None
    substituted: bool = False  # a segment was missing: the slate took the item's place


class Feed:
    """Items from `next_item(at_ms)` one after another, each as its copied units."""

    def __init__(self, root: DataRoot, next_item: Callable[[int], tuple[Item | None, Library]], rung: str,
                 audio_encoder: Callable[[Path], list[Unit]] | None = None,
                 on_item: Callable[[Placement], None] = lambda p: None):
        self.root, self.next_item, self.rung = root, next_item, rung
        self.audio_encoder = audio_encoder
        self.on_item = on_item
        self.last_video_dts: int | None = None
        self.last_audio_pts: dict[str, int] = {}
        self.subtitle_versions: dict[str, int] = {}
        self._origins: dict[Path, int] = {}

    def units(self, from_ms: int) -> Iterator[Timed]:
        """Every unit from the item on air at `from_ms` onwards, for as long as it is read."""
        at = from_ms
        while True:
            item, library = self.next_item(at)
            if item is None:  # no such channel (any more): the slate, asking again each second
                item = Item(at, at + 1000, "slate", None, {})
            copied = False
            for unit in self._item_units(item, library, at):
                copied = True
                yield unit
            if not copied:  # not even a slate to copy: the stream goes on with its tables and padding
                yield Timed(GAP, item.end_ms * 90, item.end_ms * 90, b"", False)
            at = item.end_ms

    def _item_units(self, item: Item, library: Library, from_ms: int) -> Iterator[Timed]:
        media = library.slate if item.video_id is None else library.media.get(item.video_id)
        placement = Placement(item, media.id if media else None)
        tracks = self._tracks(media) if media else None
        if tracks is None or not self._files_present(media, tracks):
            if media is not None and media is not library.slate:
                log.error("a segment of %s is missing: the slate plays in its place", item.video_id)
                placement.substituted = True
            media = library.slate
            tracks = self._tracks(media) if media else None
            placement.media_id = media.id if media else None
            if tracks is None or not self._files_present(media, tracks):
                self.on_item(placement)
                return  # not even a slate: the stream carries its tables and padding only
        self.on_item(placement)
        loops = media.id == SLATE_ID
        start_90, end_90 = item.start_ms * 90, item.end_ms * 90
        video = self._track_units(media, VIDEO, tracks[VIDEO], start_90, end_90, from_ms * 90, loops)
        first = next(video, None)
        if first is None:
            return
        shift = 0
        if self.last_video_dts is not None and first.dts <= self.last_video_dts:
            shift = self.last_video_dts + FRAME_90K - first.dts  # decode times never step back
        first.pts += shift
        first.dts += shift
        self.last_video_dts = first.dts
        streams = [_chain(first, _shifted(video, shift))]
        for lang in LANGUAGES:
            if tracks.get(lang):
                streams.append(_shifted(self._track_units(media, lang, tracks[lang], start_90, end_90,
                                                          first.pts - shift, loops), shift))
        for lang, track in media.subtitles.items():
            if lang in LANGUAGES:
                streams.append(self._subtitle_units(media, lang, track, start_90 + shift, end_90, first.pts))
        for unit in heapq.merge(*streams, key=lambda u: u.dts):
            if unit.track == VIDEO:
                if unit.dts <= self.last_video_dts and unit is not first:
                    continue
                self.last_video_dts = unit.dts
            elif unit.track.startswith("subs_"):
                pass
            elif unit.pts <= self.last_audio_pts.get(unit.track, -1):
                continue  # a frame overlapping the one before (segment seams of encoded audio)
            else:
                self.last_audio_pts[unit.track] = unit.pts
            yield unit

    def _subtitle_units(self, media: Media, lang: str, track: Track, start_90: int, end_90: int,
                        from_90: int) -> Iterator[Timed]:
        """A display set at each cue's start and an empty page at its end (unless the next cue
        has begun), from the stored WebVTT cues (timed from the video's start)."""
        try:
            cues = subtitles.read_track_cues(self._folder(media, track), track.uris)
        except (OSError, UnicodeDecodeError) as exc:
            log.error("could not read the %s subtitles of %s: %s", lang, media.id, exc)
            return
        name = f"subs_{lang}"
        for n, cue in enumerate(cues):
            show = max(start_90 + round(cue.start * 90000), from_90)
            hide = min(start_90 + round(cue.end * 90000), end_90)
            if show >= end_90:
                return
            if hide <= show:
                continue
            image, x, y = subtitles.picture(cue.text, lang)
            seconds = (hide - show) // 90000 + 1
            yield Timed(name, show, show, subtitles.display_set(image, x, y, self._page_version(name), seconds), True)
            following = cues[n + 1].start if n + 1 < len(cues) else None
            if following is None or start_90 + round(following * 90000) > hide:
                yield Timed(name, hide, hide, subtitles.clear_set(self._page_version(name)), True)

    def _page_version(self, name: str) -> int:
        """A new page version for each display set: receivers skip a page whose version they have."""
        version = self.subtitle_versions[name] = (self.subtitle_versions.get(name, -1) + 1) & 0x0F
        return version

    def _tracks(self, media: Media) -> dict[str, Track] | None:
        video = track_for(media, self.rung, "")
        if video is None or not video.uris:
            return None
        tracks = {VIDEO: video}
        for lang in LANGUAGES:
            tracks[lang] = track_for(media, f"audio_{lang}", "")
        return tracks

    def _folder(self, media: Media, track: Track) -> Path:
        base = self.root.slate if media.id == SLATE_ID else self.root.rendition_dir(media.id)
        return base / track.prefix.rstrip("/").rsplit("/", 1)[-1]

    def _files_present(self, media: Media, tracks: dict[str, Track | None]) -> bool:
        return all((self._folder(media, t) / uri).is_file() for t in tracks.values() if t for uri in t.uris)

    def _origin(self, path: Path) -> int:
        origin = self._origins.get(path)
        if origin is None:
            _, units = read_segment(path)
            origin = self._origins[path] = min((u.pts for u in units[:8]), default=0)
        return origin

    def _track_units(self, media: Media, name: str, track: Track, start_90: int, end_90: int,
                     from_90: int, loops: bool) -> Iterator[Timed]:
        """One track's units from the key frame at or before `from_90` (video) or from `from_90`
        (audio), placed from the item's start and cut at its end."""
        folder = self._folder(media, track)
        origin = self._origin(folder / track.uris[0])
        total_90 = track.total_ms * 90
        elapsed = max(0, from_90 - start_90)
        loop = elapsed // total_90 if loops and total_90 else 0
        rest_ms = (elapsed - loop * total_90) // 90
        j = max(0, max((i for i, off in enumerate(track.offsets) if off <= rest_ms), default=0))
        started = False
        while True:
            if j >= len(track.uris):
                if not loops:
                    return
                loop, j = loop + 1, 0
            base = start_90 + loop * total_90 - origin
            if base >= end_90:
                return
            path = folder / track.uris[j]
            try:
                if name != VIDEO and self.audio_encoder is not None:
                    units = self.audio_encoder(path)
                else:
                    _, units = read_segment(path)
            except OSError as exc:
                log.error("could not read %s: %s", path, exc)
                return
            for n, unit in enumerate(units):
                pts, dts = _unwrap(unit.pts, origin) + base, _unwrap(unit.dts, origin) + base
                if not started:
                    if name == VIDEO:
                        later_key = next((u for u in units[n + 1:] if u.key
                                          and _unwrap(u.pts, origin) + base <= from_90), None)
                        if not unit.key or later_key is not None:
                            continue
                    elif pts < from_90:
                        continue
                    started = True
                if pts >= end_90 - (unit.duration // 2 if name != VIDEO else 0):
                    return
                yield Timed(name, pts, dts, unit.data, unit.key)
            j += 1


def _unwrap(value: int, origin: int) -> int:
    """`value` as ticks from a track's origin, across a 2^33 wrap inside the stored track."""
    return value if value >= origin - (1 << 32) else value + (1 << 33)


def _shifted(units: Iterator[Timed], shift: int) -> Iterator[Timed]:
    for unit in units:
        if shift:
            unit.pts += shift
            unit.dts += shift
        yield unit


def _chain(first: Timed, rest: Iterator[Timed]) -> Iterator[Timed]:
    yield first
    yield from rest
