"""Ready videos for tests without waiting on a transcode: one tiny real rendition set, copied.

The set follows the layout at the top of content_server/storage/media.py (master.m3u8, one
video rung, audio_zh / audio_mn, subs_zh / subs_mn, poster.jpg / thumb.jpg) and is made once
per test session by a single ffmpeg command; each video gets its own copy, and its rows are
written through the storage functions the transcode path uses.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import uuid
from functools import lru_cache
from pathlib import Path

from PIL import Image

from content_server.kernel.config import Settings
from content_server.storage import Store, catalog as catalog_sql, media as media_sql

from . import given

SECONDS = 2


@lru_cache(maxsize=None)
def rendition_template() -> tuple[Path, Path]:
    """(renditions folder, posters folder) of one 2 s, 320×180 video with zh and mn audio and subtitles."""
    base = Path(tempfile.mkdtemp(prefix="ltv-ready-video-"))
    out, posters = base / "renditions", base / "posters"
    out.mkdir()
    posters.mkdir()
    subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin",
         "-f", "lavfi", "-i", f"testsrc=size=320x180:rate=25:duration={SECONDS}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={SECONDS}",
         "-f", "lavfi", "-i", f"sine=frequency=330:duration={SECONDS}",
         "-map", "0:v", "-map", "1:a", "-map", "2:a",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "32k", "-ac", "1",
         "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
         "-hls_segment_filename", str(out / "%v" / "seg_%05d.ts"), "-master_pl_name", "master.m3u8",
         "-var_stream_map", "v:0,agroup:aud,name:234p a:0,agroup:aud,language:zh,name:audio_zh,default:yes "
                            "a:1,agroup:aud,language:mn,name:audio_mn",
         str(out / "%v" / "index.m3u8")], check=True, timeout=120)
    for lang, line in (("zh", "交通事故"), ("mn", "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ")):
        subs = out / f"subs_{lang}"
        subs.mkdir()
        (subs / "seg_00000.vtt").write_text(
            "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n\n"
            f"00:00:00.000 --> 00:00:01.500\n{line}\n", encoding="utf-8")
        (subs / "index.m3u8").write_text(
            f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{SECONDS}\n#EXT-X-PLAYLIST-TYPE:VOD\n"
            f"#EXTINF:{SECONDS}.0,\nseg_00000.vtt\n#EXT-X-ENDLIST\n", encoding="utf-8")
    _list_subtitles_in_master(out / "master.m3u8", ("zh", "mn"))
    Image.new("RGB", (960, 540), (138, 28, 28)).save(posters / "poster.jpg", quality=80, progressive=True)
    Image.new("RGB", (480, 270), (138, 28, 28)).save(posters / "thumb.jpg", quality=80, progressive=True)
    return out, posters


def _list_subtitles_in_master(master: Path, languages: tuple[str, ...]) -> None:
    """Names the subtitle playlists in the master as the transcoder's write_master does, so players find them."""
    lines = []
    for line in master.read_text(encoding="utf-8").splitlines():
        if line.startswith("#EXT-X-STREAM-INF:"):
            lines += [f'#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="{lang}",NAME="{lang}",'
                      f'DEFAULT=NO,AUTOSELECT=YES,URI="subs_{lang}/index.m3u8"' for lang in languages]
            line += ',SUBTITLES="subs"'
        lines.append(line)
    master.write_text("\n".join(lines) + "\n", encoding="utf-8")


def ensure_category(store: Store, category_id: str = "traffic", zh: str = "交通", mn: str = "ᠵᠠᠮ") -> str:
    if given.read(store, catalog_sql.category, category_id) is None:
        given.write(store, catalog_sql.add_category, category_id, zh, mn)
    return category_id


def add_ready_video(store: Store, settings: Settings, title_zh: str = "交通事故怎么赔",
                    title_mn: str = "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ", category: str = "traffic",
                    publish_from: str | None = None, publish_until: str | None = None,
                    files: bool = True) -> str:
    """A ready video with real renditions and pictures on disk; returns its id."""
    ensure_category(store, category)
    video_id = uuid.uuid4().hex
    given.write(store, media_sql.add_video_with_job, {
        "id": video_id, "category": category, "title_zh": title_zh, "title_mn": title_mn,
        "summary_zh": "一分钟讲清楚", "summary_mn": "ᠨᠢᠭᠡ ᠮᠢᠨᠦ᠋ᠲ", "audio_languages": ["zh", "mn"],
        "subtitle_languages": ["zh", "mn"], "publish_from": publish_from, "publish_until": publish_until,
        "source": {}})
    if files:
        renditions, posters = rendition_template()
        shutil.copytree(renditions, settings.root.rendition_dir(video_id))
        shutil.copytree(posters, settings.root.poster_dir(video_id))
    given.write(store, media_sql.finish_job, video_id, float(SECONDS), [{"name": "234p", "width": 320, "height": 180, "bandwidth": 200000, "codecs": ""}])
    return video_id
