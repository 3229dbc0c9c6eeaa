"""What a channel can play: ready videos with their stored renditions, and the offline slate.

Durations come from the renditions' own playlists (sum of EXTINF of the lowest rung), so the
planner's times and the live playlists' segment times are the same numbers.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog.publish_window import parse_instant  # one reading of stored publish instants
from ..kernel.config import DataRoot
from ..kernel.media_files import generation_prefix
from ..storage import schedule as schedule_sql
from .planner import Video

SLATE_ID = "offline-slate"


@dataclass(frozen=True)
class Track:
    """One stored media playlist: segment URIs (relative to `prefix`) and durations in ms."""
    prefix: str
    uris: tuple[str, ...]
    durations: tuple[int, ...]
    offsets: tuple[int, ...]  # start of each segment from the track's start
    total_ms: int

    @classmethod
    def of(cls, prefix: str, segments: list[tuple[str, int]]) -> "Track":
        offsets, t = [], 0
        for _, ms in segments:
            offsets.append(t)
            t += ms
        return cls(prefix, tuple(u for u, _ in segments), tuple(ms for _, ms in segments), tuple(offsets), t)


@dataclass
class Media:
    """The renditions of one video (or the slate): rungs by name, audio and subtitles by language."""
    id: str
    rungs: dict[str, tuple[dict, Track]]
    audio: dict[str, Track]
    subtitles: dict[str, Track]
    audio_low: dict[str, Track] = field(default_factory=dict)  # the audio-only rung, per language

    def lowest(self) -> Track:
        return min(self.rungs.values(), key=lambda r: r[0].get("height", 0))[1]


@dataclass
class Library:
    videos: dict[str, Video] = field(default_factory=dict)
    media: dict[str, Media] = field(default_factory=dict)
    slate: Media | None = None
    fingerprint: str = ""

    def all_media(self) -> list[Media]:
        return list(self.media.values()) + ([self.slate] if self.slate else [])

    def has_audio_only(self) -> bool:
        return any(m.audio_low for m in self.all_media())

    def ladder(self) -> list[dict]:
        """Every rung any video has, lowest first, with the largest bandwidth seen for it."""
        rungs: dict[str, dict] = {}
        for media in self.all_media():
            for name, (rung, _) in media.rungs.items():
                known = rungs.get(name)
                if known is None or rung.get("bandwidth", 0) > known.get("bandwidth", 0):
                    rungs[name] = rung
        return sorted(rungs.values(), key=lambda r: (r.get("height", 0), r.get("bandwidth", 0)))


_parsed: dict[str, tuple[tuple[int, int], list[tuple[str, int]] | None]] = {}  # one entry per file, not per version


def read_media_playlist(path: Path) -> list[tuple[str, int]] | None:
    """(uri, duration ms) of each segment of a stored media playlist; None when unreadable."""
    try:
        stat = path.stat()
    except OSError:
        _parsed.pop(str(path), None)
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _parsed.get(str(path))
    if known is None or known[0] != stamp:
        segments, duration = [], None
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return None
        for line in lines:
            line = line.strip()
            if line.startswith("#EXTINF:"):
                try:
                    duration = round(float(line[8:].split(",")[0]) * 1000)
                except ValueError:
                    duration = None
            elif line and not line.startswith("#") and duration is not None:
                segments.append((line, duration))
                duration = None
        known = _parsed[str(path)] = (stamp, segments or None)
    return known[1]


def read_media(folder: Path, media_id: str, url_prefix: str, ladder: list[dict],
               audio_languages: list[str], subtitle_languages: list[str]) -> Media | None:
    """The stored renditions of one video under `folder`; None without a readable video rung."""
    rungs = {}
    for rung in ladder:
        name = rung.get("name")
        segments = read_media_playlist(folder / str(name) / "index.m3u8") if name else None
        if segments:
            rungs[name] = (rung, Track.of(f"{url_prefix}/{name}/", segments))
    if not rungs:
        return None
    audio, audio_low, subtitles = {}, {}, {}
    for lang in audio_languages:
        segments = read_media_playlist(folder / f"audio_{lang}" / "index.m3u8")
        if segments:
            audio[lang] = Track.of(f"{url_prefix}/audio_{lang}/", segments)
        segments = read_media_playlist(folder / f"audio_only_{lang}" / "index.m3u8")
        if segments:
            audio_low[lang] = Track.of(f"{url_prefix}/audio_only_{lang}/", segments)
    for lang in subtitle_languages:
        segments = read_media_playlist(folder / f"subs_{lang}" / "index.m3u8")
        if segments:
            subtitles[lang] = Track.of(f"{url_prefix}/subs_{lang}/", segments)
    return Media(media_id, rungs, audio, subtitles, audio_low)


def _ms(value) -> int | None:
    try:
        instant = parse_instant(value)
    except ValueError:
        return None
    return None if instant is None else round(instant * 1000)


def rows_key(rows) -> str:
    """A digest of the ready videos' rows: when it is unchanged, the library is too."""
    return hashlib.sha256(repr([tuple(row) for row in rows]).encode()).hexdigest()


def load_library(store, root: DataRoot, base_url: str = "", rows=None) -> Library:
    """The ready videos that have readable renditions, and the slate if it was made."""
    library = Library()
    digest = hashlib.sha256()
    for row in rows if rows is not None else schedule_sql.playable_videos(store):
        try:
            ladder = json.loads(row["ladder"])
            audio_languages = json.loads(row["audio_languages"])
            subtitle_languages = json.loads(row["subtitle_languages"])
        except (TypeError, ValueError):
            continue
        generation = generation_prefix(row["renditions_version"]).rstrip("/")  # the current one, after a replacement
        media = read_media(root.rendition_dir(row["id"]) / generation, row["id"],
                           f"{base_url}/media/renditions/{row['id']}" + (f"/{generation}" if generation else ""),
                           ladder, audio_languages, subtitle_languages)
        if media is None:
            continue
        video = Video(row["id"], row["category"], {"zh": row["title_zh"], "mn": row["title_mn"]},
                      media.lowest().total_ms, _ms(row["publish_from"]), _ms(row["publish_until"]),
                      round(row["ready_at"] * 1000) if row["ready_at"] else None,
                      {"zh": row["summary_zh"], "mn": row["summary_mn"]})
        library.videos[video.id] = video
        library.media[video.id] = media
        digest.update(repr((video, video.title, sorted(media.rungs), sorted(media.audio),
                            sorted(media.subtitles), sorted(media.audio_low))).encode())
    library.slate = read_slate(root, base_url)
    digest.update(b"slate" if library.slate else b"")
    library.fingerprint = digest.hexdigest()[:16]
    return library


def read_slate(root: DataRoot, base_url: str = "") -> Media | None:
    folder = root.slate
    try:
        meta = json.loads((folder / "ladder.json").read_text())
    except (OSError, ValueError):
        return None
    return read_media(folder, SLATE_ID, f"{base_url}/media/slate", meta.get("ladder", []),
                      meta.get("audio_languages", []), [])
