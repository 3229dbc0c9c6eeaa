"""Subtitles: SRT, WebVTT, ASS files or embedded text streams → segmented WebVTT for HLS.

Editors' files come in the encodings their tools write: UTF-8 (with or without BOM), UTF-16
with BOM, GB18030/GBK (Chinese tools, Windows Notepad) and Big5. The text is decoded here and
handed to ffmpeg as UTF-8, so the WebVTT is always UTF-8 whatever the upload was.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from ..kernel.child_processes import run_child
from ..kernel.i18n import N_

MAX_SUBTITLE_BYTES = 2 * 1024 * 1024
# legacy Chinese encodings the detector chooses between (gb18030 reads GBK and GB2312; cp950 is
# Windows Big5); UTF-8 and UTF-16 are recognised exactly before it is asked
LEGACY_CHINESE = ("gb18030", "cp950")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# control characters never found in subtitle text (tab, line feed and carriage return are)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TIMING = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}\.\d{3})")


class BadSubtitles(Exception):
    """The file is not a subtitle file ffmpeg can read, or holds no cues."""


class UnknownEncoding(BadSubtitles):
    """The file is not text in any encoding accepted for subtitles."""

    # TRANSLATORS: ingest form error under the subtitles field, max 120 chars
    msgid = N_("This subtitle file is not readable text. Please save it as UTF-8 and upload it again.")


def decode_subtitle_text(data: bytes) -> str:
    """The text of a subtitle file in UTF-8, UTF-16 (BOM), GB18030/GBK or Big5; raises UnknownEncoding."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError:
        if encoding:
            raise UnknownEncoding("broken UTF-16/UTF-8 after its BOM")
        best = charset_normalizer.from_bytes(data, cp_isolation=list(LEGACY_CHINESE)).best()
        if best is None:
            raise UnknownEncoding("none of the accepted encodings")
        text = str(best)
    if _CONTROL.search(text):
        raise UnknownEncoding("control characters: not text")
    return text


@dataclass
class Cue:
    start: float
    end: float
    text: str


def to_webvtt(source: Path, target: Path, stream: int | None = None) -> int:
    """Converts a subtitle file (or stream `stream` of a media file) to WebVTT; returns the cue count."""
    if stream is not None:
        _convert(source, target, [], f"0:{stream}")
    else:
        if not source.is_file() or not 0 < source.stat().st_size <= MAX_SUBTITLE_BYTES:
            raise BadSubtitles(source)
        text = decode_subtitle_text(source.read_bytes())
        as_utf8 = target.with_name(target.name + ".utf8")
        as_utf8.write_text(text, encoding="utf-8")
        try:
            # an uploaded file is read only with a subtitle demuxer: never as a playlist naming other files
            _convert(as_utf8, target, ["-f", _subtitle_format(text)], "0:s:0")
        finally:
            as_utf8.unlink(missing_ok=True)
    cues = read_cues(target.read_text(encoding="utf-8", errors="replace"))
    if not cues:
        target.unlink(missing_ok=True)
        raise BadSubtitles("no cues")
    return len(cues)


def _convert(source: Path, target: Path, demuxer: list[str], select: str) -> None:
    proc = run_child(["ffmpeg", "-nostdin", "-v", "error", "-y", "-protocol_whitelist", "file", *demuxer,
                      "-i", str(source), "-map", select,
                      "-c:s", "webvtt", "-f", "webvtt", str(target)], timeout=120)
    if proc.returncode != 0 or not target.is_file():
        target.unlink(missing_ok=True)
        raise BadSubtitles(proc.stderr.decode(errors="replace")[-300:])


def _subtitle_format(text: str) -> str:
    head = text[:4096].lstrip("\ufeff").lstrip()
    if head.startswith("WEBVTT"):
        return "webvtt"
    if head.lower().startswith("[script info]"):
        return "ass"
    return "srt"


def read_cues(vtt: str) -> list[Cue]:
    """The cues of a WebVTT text (ids, notes and styles are dropped)."""
    cues = []
    for block in re.split(r"\n\s*\n", vtt.replace("\r\n", "\n")):
        lines = block.strip("\n").split("\n")
        for i, line in enumerate(lines):
            match = _TIMING.match(line)
            if match:
                text = "\n".join(lines[i + 1:]).strip()
                start, end = _seconds(match.group(1)), _seconds(match.group(2))
                if text and end > start:
                    cues.append(Cue(start, end, text))
                break
    return cues


def write_segmented(cues: list[Cue], folder: Path, durations: list[float], mpegts_start: int) -> None:
    """Writes seg_NNNNN.vtt files on the given segment boundaries and their index.m3u8.

    Each segment carries X-TIMESTAMP-MAP so cue times (from 0) line up with the video's MPEG-TS
    timestamps; a cue spanning a boundary appears in both segments, as HLS expects.
    """
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{max(round(d) for d in durations)}",
             "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD"]
    start = 0.0
    for n, duration in enumerate(durations):
        end = start + duration
        body = [f"WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:{mpegts_start},LOCAL:00:00:00.000\n"]
        for cue in cues:
            if cue.start < end and cue.end > start:
                body.append(f"{_stamp(cue.start)} --> {_stamp(cue.end)}\n{cue.text}\n")
        (folder / f"seg_{n:05d}.vtt").write_text("\n".join(body), encoding="utf-8")
        lines += [f"#EXTINF:{duration:.6f},", f"seg_{n:05d}.vtt"]
        start = end
    lines.append("#EXT-X-ENDLIST")
    (folder / "index.m3u8").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0.0)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


def _stamp(seconds: float) -> str:
    millis = int(round(seconds * 1000))
    hours, millis = divmod(millis, 3600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"
