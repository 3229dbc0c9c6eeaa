"""What a source file holds, from ffprobe, and whether its video really decodes."""
from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

from ..kernel.child_processes import run_child
from ..kernel.i18n import N_

# ISO 639 codes found in the wild for the two languages the service speaks
LANGUAGE_TAGS = {"zh": {"zh", "chi", "zho", "cmn", "chn"}, "mn": {"mn", "mon", "khk", "mvf"}}
TEXT_SUBTITLE_CODECS = {"subrip", "srt", "ass", "ssa", "webvtt", "mov_text", "text"}


# demuxers that read other files or devices named inside the upload are never used on uploads
_REFUSED_FORMATS = {"hls", "applehttp", "concat", "ffconcat", "lavfi", "sdp", "rtp", "rtsp", "dash",
                    "image2", "image2pipe", "ffmetadata", "tty", "mpjpeg", "srt", "webvtt", "ass"}


class NotAVideo(Exception):
    """The file is not a video this service can play; args[0] is a msgid for the editor, params
    fill its placeholders."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid)
        self.params = params


@dataclass(frozen=True)
class SourceLimits:
    """What a source may be, so that one upload cannot hold the CPU for hours or the memory for
    gigabytes. Pictures up to 4K (3840×2160 UHD, 4096×2160 DCI, upright or sideways; no side over
    4096) and up to 60 frames a second: what phones and cameras record; the ladder stops at 1080p."""
    seconds: float = 3 * 3600
    side: int = 4096
    pixels: int = 4096 * 2304
    fps: float = 60.0

    @classmethod
    def of(cls, settings) -> "SourceLimits":
        """The limits in force: `max_source_seconds` may be set in the settings."""
        return cls(seconds=settings.extra.get("max_source_seconds", cls.seconds))

    @property
    def minutes(self) -> int:
        return int(self.seconds // 60)

    @property
    def decoder_pixels(self) -> int:
        """ffmpeg's -max_pixels: decoders count whole macroblocks, a few rows more than shown."""
        return self.pixels + 64 * self.side


@dataclass
class Source:
    duration: float
    width: int           # upright display size: rotation and sample aspect ratio applied
    height: int
    fps: float
    audio: list[dict] = field(default_factory=list)      # [{"stream": n, "language": "zh"|"mn"|None}]
    subtitles: list[dict] = field(default_factory=list)  # embedded text streams, same shape

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Source":
        return cls(**data)


def language_of(tag: str | None) -> str | None:
    tag = (tag or "").lower().split("-")[0]
    return next((lang for lang, tags in LANGUAGE_TAGS.items() if tag in tags), None)


def ffprobe(path: Path) -> dict:
    proc = run_child(["ffprobe", "-v", "error", "-protocol_whitelist", "file", "-show_format", "-show_streams",
                      "-of", "json", str(path)], timeout=60)
    if proc.returncode != 0:
        return {}
    try:
        return json.loads(proc.stdout or b"{}")
    except json.JSONDecodeError:
        return {}


def probe_source(path: Path, limits: SourceLimits) -> Source:
    """The source's upright geometry, duration and streams; raises NotAVideo with a reason.

    The container's declared duration is not trusted: a frame that decodes at the allowed
    maximum means the source is longer than allowed, whatever its header says."""
    if not path.is_file() or path.stat().st_size == 0:
        # TRANSLATORS: ingest form error under the video file field (also below), max 100 chars
        raise NotAVideo(N_("The uploaded file is empty."))
    info = ffprobe(path)
    streams = info.get("streams", [])
    if _REFUSED_FORMATS & set(info.get("format", {}).get("format_name", "").split(",")):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise NotAVideo(N_("The uploaded file is not a video that can be played."))
    video = next((s for s in streams if s.get("codec_type") == "video"
                  and not s.get("disposition", {}).get("attached_pic")), None)
    if video is None:
        if any(s.get("codec_type") == "audio" for s in streams):
            # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 90 chars
            raise NotAVideo(N_("The uploaded file has sound but no picture. Please upload a video."))
        raise NotAVideo(N_("The uploaded file is not a video that can be played."))
    duration = _float(info.get("format", {}).get("duration")) or _float(video.get("duration"))
    if not duration or duration <= 0.1:
        raise NotAVideo(N_("The uploaded file is not a video that can be played."))
    if duration > limits.seconds:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise NotAVideo(N_("The video is too long (at most {minutes} minutes)."), minutes=limits.minutes)
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if width < 16 or height < 16:
        raise NotAVideo(N_("The uploaded file is not a video that can be played."))
    if max(width, height) > limits.side or width * height > limits.pixels:
        # TRANSLATORS: ingest form error under the video file field, max 120 chars
        raise NotAVideo(N_("The picture is too large ({width}×{height}). Please export the video at 4K or smaller."),
                        width=width, height=height)
    fps = float(_ratio(video.get("avg_frame_rate")) or _ratio(video.get("r_frame_rate")) or 25)
    if fps > limits.fps + 0.5:
        # TRANSLATORS: ingest form error under the video file field, max 120 chars
        raise NotAVideo(N_("The video has too many frames per second ({fps}). Please export it at {limit} or fewer."),
                        fps=round(fps), limit=round(limits.fps))
    sar = _ratio(video.get("sample_aspect_ratio")) or Fraction(1)
    width = round(width * sar) if sar >= 1 else width
    height = height if sar >= 1 else round(height / sar)
    if _rotation(video) % 180 == 90:
        width, height = height, width
    if not _decodes(path, duration):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise NotAVideo(N_("The uploaded file is damaged or incomplete."))
    if _frame_at(path, limits.seconds):
        raise NotAVideo(N_("The video is too long (at most {minutes} minutes)."), minutes=limits.minutes)
    audio = [{"stream": s["index"], "language": language_of(s.get("tags", {}).get("language"))}
             for s in streams if s.get("codec_type") == "audio"]
    subtitles = [{"stream": s["index"], "language": language_of(s.get("tags", {}).get("language"))}
                 for s in streams if s.get("codec_type") == "subtitle" and s.get("codec_name") in TEXT_SUBTITLE_CODECS]
    return Source(duration=duration, width=width, height=height, fps=min(max(fps, 1.0), 120.0),
                  audio=audio, subtitles=subtitles)


def _decodes(path: Path, duration: float) -> bool:
    """The first frame and a frame near the end both decode (catches truncated files)."""
    return all(_frame_at(path, seek) for seek in (None, max(duration - 1.5, 0)))


def _frame_at(path: Path, seconds: float | None) -> bool | None:
    """Whether a video frame decodes at `seconds` from the start (None: ffmpeg failed or hung)."""
    args = ["ffmpeg", "-nostdin", "-v", "error", "-xerror", "-protocol_whitelist", "file"]
    if seconds:
        args += ["-ss", f"{seconds:.3f}"]
    args += ["-i", str(path), "-map", "0:v:0", "-frames:v", "1", "-f", "framecrc", "-"]
    try:
        proc = run_child(args, timeout=120)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        return None
    return any(line and not line.startswith(b"#") for line in proc.stdout.splitlines())


def _rotation(stream: dict) -> int:
    for side in stream.get("side_data_list", []):
        if "rotation" in side:
            return int(round(float(side["rotation"]))) % 360
    return int(stream.get("tags", {}).get("rotate", 0) or 0) % 360


def _ratio(text: str | None) -> Fraction | None:
    try:
        num, den = (int(x) for x in str(text).replace(":", "/").split("/"))
        return Fraction(num, den) if num > 0 and den > 0 else None
    except (ValueError, ZeroDivisionError):
        return None


def _float(text) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None
