"""Tiny real sources made with ffmpeg, the kinds editors upload: phone video shot sideways,
anamorphic video, two language tracks, audio only, broken files, SRT and ASS subtitles.

Each sample is made once per test session (cached) and returned as bytes.
"""
from __future__ import annotations

import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

_DIR = Path(tempfile.mkdtemp(prefix="ltv-media-samples-"))


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True, timeout=120)


def _tones(seconds: float) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=660:duration={seconds}"]


@lru_cache(maxsize=None)
def two_languages(seconds: float = 4, size: str = "320x240", tags: tuple = ("chi", "mon")) -> bytes:
    """A 25 fps video with a Chinese and a Mongolian sound track (language-tagged unless tags is ())."""
    path = _DIR / f"two-{seconds}-{size}-{'-'.join(tags) or 'untagged'}.mp4"
    meta = [arg for n, tag in enumerate(tags) for arg in (f"-metadata:s:a:{n}", f"language={tag}")]
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size}:rate=25:duration={seconds}", *_tones(seconds),
            "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "48k", *meta, str(path))
    return path.read_bytes()


@lru_cache(maxsize=None)
def rotated_phone_video(seconds: float = 3) -> bytes:
    """A phone held upright: 320×240 pixels stored sideways with a 90° display matrix."""
    flat = _DIR / "flat.mp4"
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=30:duration={seconds}", *_tones(seconds)[:4],
            "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "48k", str(flat))
    path = _DIR / "rotated.mp4"
    _ffmpeg("-i", str(flat), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(path))
    return path.read_bytes()


@lru_cache(maxsize=None)
def anamorphic_video(seconds: float = 3) -> bytes:
    """240×240 stored pixels with a 4:3 sample aspect ratio: shown as 320×240 (4:3)."""
    path = _DIR / "anamorphic.mp4"
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=240x240:rate=25:duration={seconds}", *_tones(seconds)[:4],
            "-map", "0:v", "-map", "1:a", "-vf", "setsar=4/3", "-c:v", "libx264", "-preset", "ultrafast",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "48k", str(path))
    return path.read_bytes()


@lru_cache(maxsize=None)
def embedded_subtitles(seconds: float = 4) -> bytes:
    """A Matroska video carrying a Mongolian-tagged SRT subtitle stream."""
    subs = _DIR / "embedded.srt"
    subs.write_bytes(srt(("ᠰᠠᠢᠨ ᠪᠠᠢᠨ᠎ᠠ ᠤᠤ", "12348")))
    path = _DIR / "embedded.mkv"
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=25:duration={seconds}", *_tones(seconds)[:4],
            "-i", str(subs), "-map", "0:v", "-map", "1:a", "-map", "2:s", "-c:v", "libx264", "-preset", "ultrafast",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "48k", "-c:s", "srt", "-metadata:s:s:0", "language=mon",
            "-metadata:s:a:0", "language=chi", str(path))
    return path.read_bytes()


@lru_cache(maxsize=None)
def audio_only(seconds: float = 3) -> bytes:
    path = _DIR / "audio-only.m4a"
    _ffmpeg(*_tones(seconds)[:4], "-c:a", "aac", "-b:a", "48k", str(path))
    return path.read_bytes()


@lru_cache(maxsize=None)
def truncated_video() -> bytes:
    """The first half of an mp4 whose index sits at the end (an upload cut short)."""
    whole = two_languages()
    return whole[: len(whole) // 2]


def not_a_video() -> bytes:
    return "这不是视频 — 只是一段文字。\n".encode() * 200


def playlist_naming_local_files() -> bytes:
    """An HLS playlist pointing at a real video on the server: must never be read as a source."""
    rotated_phone_video()
    return f"#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\n{_DIR / 'rotated.mp4'}\n#EXT-X-ENDLIST\n".encode()


def zero_bytes() -> bytes:
    return b""


def srt(lines: tuple = ("交通事故怎么赔偿", "请拨打12348")) -> bytes:
    cues = [f"{n + 1}\n00:00:{n * 2:02d},000 --> 00:00:{n * 2 + 1:02d},500\n{text}\n" for n, text in enumerate(lines)]
    return "\n".join(cues).encode("utf-8")


def ass(lines: tuple = ("ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ", "12348")) -> bytes:
    events = "\n".join(f"Dialogue: 0,0:00:0{n * 2}.00,0:00:0{n * 2 + 1}.50,Default,,0,0,0,,{text}"
                       for n, text in enumerate(lines))
    return ("[Script Info]\nScriptType: v4.00+\nPlayResX: 320\nPlayResY: 240\n\n"
            "[V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, "
            "BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, "
            "Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n"
            "Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,1,0,2,"
            "10,10,10,1\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, "
            f"Text\n{events}\n").encode("utf-8")


def png(size: tuple = (800, 450)) -> bytes:
    from io import BytesIO

    from PIL import Image
    out = BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


def ffprobe(path: Path, *entries: str) -> dict:
    """ffprobe's JSON for one file (streams and format)."""
    import json
    proc = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", *entries, "-of", "json",
                           str(path)], capture_output=True, check=True, timeout=60)
    return json.loads(proc.stdout)
