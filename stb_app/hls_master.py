"""A one-rung HLS master: only the chosen video variant and the chosen audio rendition.

FFmpeg's HLS demuxer opens every variant and every audio rendition of a master (playlist and
first segments) before the first frame; on a 512 kbit/s / 300 ms link that took ~8.5 s. Handing
it a master with one variant and one audio rendition (absolute URLs) cuts that to ~2.3 s.
"""
from __future__ import annotations

import re
import urllib.parse

_ATTR = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')
_KEEP = ("#EXTM3U", "#EXT-X-VERSION", "#EXT-X-INDEPENDENT-SEGMENTS")


def _attrs(line: str) -> dict[str, str]:
    return {k: v.strip('"') for k, v in _ATTR.findall(line.split(":", 1)[1])}


def _with_attr(line: str, name: str, raw: str | None) -> str:
    """The tag line with attribute `name` set to `raw` (quoted by the caller if needed) or removed."""
    tag, body = line.split(":", 1)
    parts = [f"{k}={v}" for k, v in _ATTR.findall(body) if k != name]
    if raw is not None:
        parts.append(f"{name}={raw}")
    return tag + ":" + ",".join(parts)


def lightest_audio_group(master: str) -> str | None:
    """The AUDIO group of the master's lowest-bandwidth variant (the audio-only rung's)."""
    variants = [_attrs(line) for line in master.splitlines() if line.startswith("#EXT-X-STREAM-INF:")]
    variants = [v for v in variants if v.get("AUDIO") and v.get("BANDWIDTH", "").isdigit()]
    return min(variants, key=lambda v: int(v["BANDWIDTH"]))["AUDIO"] if variants else None


def one_rung_master(master: str, master_url: str, variant_uri: str, audio_lang: str | None,
                    audio_group: str | None = None) -> str:
    """A master playlist holding only the variant whose URI is `variant_uri` and, of its AUDIO
    group (or `audio_group` when given and present), the rendition in `audio_lang` (else the
    group's DEFAULT=YES one, else its first); every URI absolute against `master_url`.
    Raises ValueError when the variant is not there."""
    lines = [line.strip() for line in master.splitlines()]
    absolute = lambda uri: urllib.parse.urljoin(master_url, uri)  # noqa: E731
    stream_inf = None
    for n, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF:"):
            uri = next((u for u in lines[n + 1:] if u and not u.startswith("#")), None)
            if uri == variant_uri:
                stream_inf = line
                break
    if stream_inf is None:
        raise ValueError(f"variant {variant_uri!r} not in the master")
    audio_lines = [line for line in lines if line.startswith("#EXT-X-MEDIA:") and _attrs(line).get("TYPE") == "AUDIO"]
    group = _attrs(stream_inf).get("AUDIO")
    if audio_group and any(_attrs(line).get("GROUP-ID") == audio_group for line in audio_lines):
        group = audio_group
        stream_inf = _with_attr(stream_inf, "AUDIO", f'"{group}"')
    renditions = [line for line in audio_lines if _attrs(line).get("GROUP-ID") == group]
    audio = (next((r for r in renditions if _attrs(r).get("LANGUAGE") == audio_lang), None)
             or next((r for r in renditions if _attrs(r).get("DEFAULT") == "YES"), None)
             or (renditions[0] if renditions else None))
    out = [line for line in lines if line.split(":", 1)[0] in _KEEP]
    if audio is not None and "URI" in _attrs(audio):
        audio = _with_attr(audio, "URI", '"' + absolute(_attrs(audio)["URI"]) + '"')
        out.append(_with_attr(audio, "DEFAULT", "YES"))
    else:
        stream_inf = _with_attr(stream_inf, "AUDIO", None)
    # the app draws subtitles itself from WebVTT: the demuxer need not know of them
    out += [_with_attr(stream_inf, "SUBTITLES", None), absolute(variant_uri)]
    return "\n".join(out) + "\n"


def media_urls(master: str) -> list[str]:
    """The media playlists a master names: its audio renditions' URIs and its variants' lines."""
    urls = []
    for line in (line.strip() for line in master.splitlines()):
        if line.startswith("#EXT-X-MEDIA:") and "URI" in _attrs(line):
            urls.append(_attrs(line)["URI"])
        elif line and not line.startswith("#"):
            urls.append(line)
    return urls


def _vod_segments(playlist: str, playlist_url: str):
    """(header lines, media sequence, [(start second, segment lines ending in its absolute URI)]) of
    a finished VOD media playlist; None when the list is not finished."""
    lines = [line.strip() for line in playlist.splitlines() if line.strip()]
    if "#EXT-X-ENDLIST" not in lines:
        return None
    absolute = lambda uri: urllib.parse.urljoin(playlist_url, uri)  # noqa: E731
    header, segments, pending, start = [], [], [], 0.0
    sequence = 0
    for line in lines:
        tag = line.split(":", 1)[0]
        if tag == "#EXT-X-MEDIA-SEQUENCE":
            sequence = int(line.split(":", 1)[1])
        elif tag == "#EXT-X-MAP":
            header.append(_with_attr(line, "URI", '"' + absolute(_attrs(line)["URI"]) + '"'))
        elif tag == "#EXT-X-ENDLIST":
            continue
        elif tag == "#EXTINF":
            pending.append(line)
            length = float(line.split(":", 1)[1].split(",", 1)[0])
        elif not line.startswith("#"):
            segments.append((start, pending + [absolute(line)]))
            start, pending = start + length, []
        elif segments or pending:
            pending.append(line)  # a tag of the next segment
        else:
            header.append(line)
    return header, sequence, segments


def _segment_index(segments, position: float) -> int:
    return max((n for n, (begins, _) in enumerate(segments) if begins <= position), default=0)


def segments_from(playlist: str, playlist_url: str, position: float) -> list[str]:
    """The absolute URLs of a finished VOD media playlist's segments from the one holding `position` on."""
    parsed = _vod_segments(playlist, playlist_url)
    if parsed is None or not parsed[2]:
        return []
    return [lines[-1] for _, lines in parsed[2][_segment_index(parsed[2], position):]]


def segment_at(playlist: str, playlist_url: str, position: float) -> str | None:
    """The absolute URL of the segment holding `position` in a finished VOD media playlist."""
    return next(iter(segments_from(playlist, playlist_url, position)), None)


def trimmed_media(playlist: str, playlist_url: str, position: float, held=None) -> str | None:
    """The VOD media playlist from the segment holding `position` on, every URI absolute
    against `playlist_url` (None when that is the first segment and the box holds no copy of it,
    or the playlist is not a finished VOD list). FFmpeg reads the first listed segment of each playlist before it seeks:
    starting the list at the household's segment saves fetching the video's first one.
    `held(url)` gives the box's own copy of a segment (a local path) or None: the list names the
    copies of its first segments while the box holds them in a row. FFmpeg reads the segment it
    probes and then seeks in twice: from the box it costs nothing the second time. (Later ones
    stay the server's: a copy the box dropped before FFmpeg got there would be a hole.)"""
    parsed = _vod_segments(playlist, playlist_url)
    if parsed is None:
        return None
    header, sequence, segments = parsed
    first = _segment_index(segments, position)
    local = []
    for _begins, seg_lines in segments[first:]:
        copy = held(seg_lines[-1]) if held else None
        if copy is None:
            break
        local.append(str(copy))
    if first == 0 and not local:
        return None
    out = header + [f"#EXT-X-MEDIA-SEQUENCE:{sequence + first}"]
    for n, (_begins, seg_lines) in enumerate(segments[first:]):
        out += seg_lines[:-1] + [local[n] if n < len(local) else seg_lines[-1]]
    return "\n".join(out + ["#EXT-X-ENDLIST"]) + "\n"
