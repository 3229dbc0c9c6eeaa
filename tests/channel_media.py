"""Tiny real renditions for channel tests, made once per session with ffmpeg in the documented layout.

Layout (content_server/storage/media.py): <rung>/index.m3u8 + seg_*.ts, audio_<lang>/…,
subs_<lang>/… with the video's segment boundaries. Two videos with different ladders:
"talk" has 180p and 144p, zh+mn audio and zh subtitles; "short" has only 144p and zh audio.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from content_server.kernel.config import DataRoot
from content_server.schedule.slate import make_slate
from content_server.storage import media

from . import given

SEGMENT = 2
RUNGS = {"180p": (320, 180, 200000), "144p": (256, 144, 120000)}
VIDEOS = {
    "talk": {"seconds": 6, "rungs": ["144p", "180p"], "audio": ["zh", "mn"], "subs": ["zh"]},
    "short": {"seconds": 4, "rungs": ["144p"], "audio": ["zh"], "subs": []},
}


def _hls(args: list[str], folder: Path) -> None:
    folder.mkdir(parents=True)
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", *args, "-f", "hls", "-hls_time", str(SEGMENT),
                    "-hls_playlist_type", "vod", "-hls_segment_filename", str(folder / "seg_%05d.ts"),
                    str(folder / "index.m3u8")], check=True, timeout=60)


def make_renditions(cache: Path) -> Path:
    """Writes every test video's folder and the slate under `cache` (once)."""
    for video_id, spec in VIDEOS.items():
        folder = cache / "renditions" / video_id
        if folder.exists():
            continue
        seconds = spec["seconds"]
        for rung in spec["rungs"]:
            w, h, _ = RUNGS[rung]
            _hls(["-f", "lavfi", "-i", f"testsrc=size={w}x{h}:rate=25:duration={seconds}", "-c:v", "libx264",
                  "-preset", "ultrafast", "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-an"],
                 folder / rung)
        for n, lang in enumerate(spec["audio"]):
            _hls(["-f", "lavfi", "-i", f"sine=frequency={440 + 220 * n}:duration={seconds}", "-c:a", "aac",
                  "-b:a", "32k"], folder / f"audio_{lang}")
        for lang in spec["subs"]:
            subs = folder / f"subs_{lang}"
            subs.mkdir()
            lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{SEGMENT}", "#EXT-X-PLAYLIST-TYPE:VOD"]
            for i in range(seconds // SEGMENT):
                (subs / f"seg_{i:05d}.vtt").write_text(
                    "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n\n"
                    f"00:00:{i * SEGMENT:02d}.000 --> 00:00:{i * SEGMENT + 1:02d}.500\n字幕 {i}\n")
                lines += [f"#EXTINF:{SEGMENT}.000000,", f"seg_{i:05d}.vtt"]
            (subs / "index.m3u8").write_text("\n".join(lines + ["#EXT-X-ENDLIST"]) + "\n")
    make_slate(DataRoot(cache))
    return cache


def install(store, root: DataRoot, cache: Path, video_id: str, new_id: str | None = None,
            category: str = "family", publish_from: str | None = None, publish_until: str | None = None,
            title: dict | None = None) -> str:
    """Copies a test video's renditions into `root` and records it as ready, through media storage."""
    new_id = new_id or video_id
    spec = VIDEOS[video_id]
    shutil.copytree(cache / "renditions" / video_id, root.rendition_dir(new_id))
    given.write(store, media.add_category, category, f"{category}-zh", f"{category}-mn")
    title = title or {"zh": f"{new_id} 节目", "mn": f"{new_id} ᠨᠡᠪᠲᠡᠷᠡᠭᠦᠯᠭᠡ"}
    given.write(store, media.add_video_with_job, {
        "id": new_id, "category": category, "title_zh": title["zh"], "title_mn": title["mn"],
        "audio_languages": spec["audio"], "subtitle_languages": spec["subs"], "source": {},
        "publish_from": publish_from, "publish_until": publish_until})
    ladder = [{"name": r, "width": RUNGS[r][0], "height": RUNGS[r][1], "bandwidth": RUNGS[r][2],
               "codecs": "avc1.42c00d"} for r in spec["rungs"]]
    given.write(store, media.finish_job, new_id, float(spec["seconds"]), ladder)
    return new_id


def install_slate(root: DataRoot, cache: Path) -> None:
    if not root.slate.exists():
        shutil.copytree(cache / "slate", root.slate)
