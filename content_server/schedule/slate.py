"""The offline slate: a still picture with silence, stored once as a small rendition.

Channels loop it whenever nothing is scheduled, so it is made once (at channel creation or
in the demo), never per viewer. Layout as a video's renditions (storage/media.py), in
DataRoot.slate, plus ladder.json describing the rung and the audio languages.
"""
from __future__ import annotations

import json
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Awaitable, Callable

from aiohttp import web
from PIL import Image, ImageDraw, ImageFont

from ..kernel.child_processes import run_child
from ..kernel.config import DataRoot
from ..kernel.i18n import N_, bilingual

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 640, 360
SEGMENT_SECONDS = 2
LOOP_SECONDS = 10
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_FACE_SC = 2  # face 0 of Debian's collection is Japanese
MONGOLIAN_FONT = Path("/usr/share/fonts/truetype/noto/NotoSansMongolian-Regular.ttf")
# TRANSLATORS: shown on the TV picture while a channel has no programme, max 30 chars
BACK_SOON = N_("The programme will be back soon")
LADDER = [{"name": "360p", "width": WIDTH, "height": HEIGHT, "bandwidth": 120000, "codecs": "avc1.42c01e"}]


def slate_picture(path: Path) -> None:
    """Draws the slate: Chinese across, Mongolian in its vertical column, on a calm blue."""
    text = bilingual(BACK_SOON)
    image = Image.new("RGB", (WIDTH, HEIGHT), (18, 52, 86))
    draw = ImageDraw.Draw(image)
    if CJK_FONT.exists():
        font = ImageFont.truetype(str(CJK_FONT), 34, index=CJK_FACE_SC)
        draw.text((60, HEIGHT // 2), text["zh"], font=font, fill=(240, 240, 240), anchor="lm")
    if MONGOLIAN_FONT.exists():
        for size in range(30, 12, -2):  # the column must fit the picture's height
            font = ImageFont.truetype(str(MONGOLIAN_FONT), size, layout_engine=ImageFont.Layout.RAQM)
            box = font.getbbox(text["mn"], direction="ltr")
            if box[2] + 10 <= HEIGHT - 30:
                break
        line = Image.new("RGBA", (box[2] + 10, box[3] + 10), (0, 0, 0, 0))
        ImageDraw.Draw(line).text((5, 5), text["mn"], font=font, fill=(240, 240, 240), direction="ltr")
        column = line.rotate(-90, expand=True)  # traditional Mongolian runs top to bottom
        image.paste(column, (WIDTH - 60 - column.width, max(10, (HEIGHT - column.height) // 2)), column)
    image.save(path)


def make_slate(root: DataRoot, force: bool = False) -> bool:
    """Makes the slate rendition if missing; False when ffmpeg is not available."""
    target = root.slate
    if (target / "ladder.json").exists() and not force:
        return True
    if shutil.which("ffmpeg") is None:
        log.warning("ffmpeg not found: channels show no slate between programmes")
        return False
    root.work.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="slate-", dir=root.work))
    try:
        slate_picture(work / "slate.png")
        for folder in ("360p", "audio_zh"):
            (work / folder).mkdir()
        common = ["-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_playlist_type", "vod",
                  "-hls_flags", "independent_segments"]
        run_child(
            ["ffmpeg", "-nostdin", "-v", "error", "-loop", "1", "-framerate", "25", "-i", str(work / "slate.png"),
             "-t", str(LOOP_SECONDS), "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage",
             "-pix_fmt", "yuv420p", "-profile:v", "baseline", "-g", "50", "-keyint_min", "50",
             "-sc_threshold", "0", "-an", *common,
             "-hls_segment_filename", str(work / "360p" / "seg_%05d.ts"), str(work / "360p" / "index.m3u8")],
            timeout=120).check_returncode()
        run_child(
            ["ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono",
             "-t", "9.984", "-c:a", "aac", "-b:a", "32k", *common,
             "-hls_segment_filename", str(work / "audio_zh" / "seg_%05d.ts"), str(work / "audio_zh" / "index.m3u8")],
            timeout=120).check_returncode()
        shutil.copytree(work / "audio_zh", work / "audio_mn")
        (work / "slate.png").unlink()
        (work / "ladder.json").write_text(json.dumps({"ladder": LADDER, "audio_languages": ["zh", "mn"]}))
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)  # appears whole or not at all
        return True
    except (subprocess.SubprocessError, OSError) as exc:
        log.error("could not make the offline slate: %s", exc)
        return False
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


MAKE_SLATE = web.AppKey("make_slate", Callable[[], Awaitable[bool]])  # makes the off-air slate once, off the event loop
