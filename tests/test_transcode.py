"""An editor's upload becomes a bilingual adaptive HLS ladder: checked with ffprobe on the files."""
from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time

import pytest

from content_server.media.ladder import LADDER, ladder_for
from content_server.media.probe import SourceLimits, probe_source
from content_server.media.transcode import Plan, ffmpeg_command
from content_server.storage import STORE, media as media_sql

from . import media_samples as samples
from .ready_video import ensure_category
from .tus import tus_upload

pytestmark = pytest.mark.slow


def fast(settings):
    settings.extra["x264_preset"] = "ultrafast"  # tiny test media; the default preset is for real videos


async def ingest(client, headers, source: bytes, **extra) -> str:
    ensure_category(client.server.app[STORE])
    upload_id = await tus_upload(client, headers, source, filename="case.mp4")
    body = {"upload_id": upload_id, "category": "traffic",
            "title": {"zh": "交通事故怎么赔", "mn": "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"},
            "summary": {"zh": "一分钟讲清楚", "mn": "ᠨᠢᠭᠡ ᠮᠢᠨᠦ᠋ᠲ"}, **extra}
    resp = await client.post("/api/v1/videos", json=body, headers=headers)
    assert resp.status == 202, await resp.text()
    answer = await resp.json()
    assert answer["status"] == "processing"
    return answer["id"]


async def wait_for(client, headers, video_id: str, statuses=("ready", "failed"), seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = await (await client.get(f"/api/v1/videos/{video_id}", headers=headers)).json()
        if body["status"] in statuses:
            return body
        await asyncio.sleep(0.2)
    raise AssertionError(f"video {video_id} still {body['status']} after {seconds} s")


def playlist_segments(path):
    lines = path.read_text().splitlines()
    return [(float(lines[i][8:].split(",")[0]), lines[i + 1]) for i, line in enumerate(lines)
            if line.startswith("#EXTINF:")]


def keyframe_times(path) -> list[float]:
    probe = samples.ffprobe(path, "-select_streams", "v", "-show_frames", "-show_entries",
                            "frame=pts_time,key_frame,pict_type")
    return [round(float(f["pts_time"]), 2) for f in probe["frames"] if f.get("pict_type") == "I"]


def test_the_ladder_never_upscales_and_keeps_dimensions_even():
    names = [o.name for o in ladder_for(1920, 1080)]
    assert names == [r.name for r in LADDER]
    small = ladder_for(640, 360)
    assert [o.name for o in small] == ["234p", "360p"] and (small[-1].width, small[-1].height) == (640, 360)
    tiny = ladder_for(176, 144)  # smaller than the lowest rung: one rung at its own size
    assert [(o.width, o.height) for o in tiny] == [(176, 144)]
    for out in ladder_for(1080, 1920) + ladder_for(1000, 562) + ladder_for(333, 251):
        assert out.width % 2 == 0 and out.height % 2 == 0


async def test_two_language_upload_becomes_a_ladder_with_audio_and_subtitle_renditions(
        client, make_account, settings):
    fast(settings)
    editor = make_account("saren", "editor")
    subs = {"zh": await tus_upload(client, editor, samples.srt(), filename="zh.srt"),
            "mn": await tus_upload(client, editor, samples.ass(), filename="mn.ass")}
    video_id = await ingest(client, editor, samples.two_languages(8, "640x360"), subtitles=subs)
    body = await wait_for(client, editor, video_id)
    assert body["status"] == "ready" and body["progress"] == 1 and body["error"] is None
    assert body["audio"] == ["zh", "mn"] and [s["lang"] for s in body["subtitles"]] == ["zh", "mn"]
    out = settings.root.rendition_dir(video_id)
    master = (out / "master.m3u8").read_text()

    # the lowest video rung comes first, every rung is made, none bigger than the source
    variants = re.findall(r"#EXT-X-STREAM-INF:(.*)\n(.*)", master)
    assert [uri for _, uri in variants] == ["234p/index.m3u8", "360p/index.m3u8", "audio_only_zh/index.m3u8"]
    for attrs, uri in variants[:2]:
        width, height = map(int, re.search(r"RESOLUTION=(\d+)x(\d+)", attrs).groups())
        stream = samples.ffprobe(out / uri.replace("index.m3u8", "seg_00000.ts"))["streams"][0]
        assert (stream["width"], stream["height"]) == (width, height) and height <= 360
        assert 'AUDIO="audio"' in attrs and 'SUBTITLES="subs"' in attrs and "avc1." in attrs
    # the audio-only rung for the thinnest links stays under 64 kbit/s
    assert int(re.search(r"BANDWIDTH=(\d+)", variants[2][0]).group(1)) <= 64_000

    # both languages are separate audio renditions; each really is sound with its language
    media = re.findall(r"#EXT-X-MEDIA:(.*)", master)
    audio = [m for m in media if 'GROUP-ID="audio"' in m]
    assert ['LANGUAGE="zh"' in audio[0], 'LANGUAGE="mn"' in audio[1]] == [True, True]
    for lang in ("zh", "mn"):
        streams = samples.ffprobe(out / f"audio_{lang}" / "seg_00000.ts")["streams"]
        assert [s["codec_type"] for s in streams] == ["audio"]

    # subtitles are WebVTT renditions whose cues line up with the video's timestamps
    subtitle_media = [m for m in media if "TYPE=SUBTITLES" in m]
    assert len(subtitle_media) == 2 and 'LANGUAGE="mn"' in subtitle_media[1]
    zh_first = (out / "subs_zh" / "seg_00000.vtt").read_text(encoding="utf-8")
    assert zh_first.startswith("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:") and "交通事故怎么赔偿" in zh_first
    assert "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ" in (out / "subs_mn" / "seg_00000.vtt").read_text(encoding="utf-8")

    # 6 s segments, the same in every rendition, with keyframes every 2 s in every rung
    low, high = playlist_segments(out / "234p" / "index.m3u8"), playlist_segments(out / "360p" / "index.m3u8")
    assert [round(d, 1) for d, _ in low] == [6.0, 2.0] == [round(d, 1) for d, _ in high]
    assert len(playlist_segments(out / "subs_zh" / "index.m3u8")) == 2
    assert len(playlist_segments(out / "audio_mn" / "index.m3u8")) == 2
    first_low = keyframe_times(out / "234p" / "seg_00000.ts")
    assert first_low == keyframe_times(out / "360p" / "seg_00000.ts")
    assert [round(t - first_low[0], 1) for t in first_low] == [0.0, 2.0, 4.0]

    # the ladder is recorded for the channel scheduler
    ladder = json.loads((await client.server.app[STORE].read(media_sql.video, video_id))["ladder"])
    assert [r["name"] for r in ladder] == ["234p", "360p", "audio_only"]


async def test_pictures_are_small_progressive_jpegs_with_seek_tiles(client, make_account, settings):
    from PIL import Image
    fast(settings)
    editor = make_account("saren", "editor")
    video_id = await ingest(client, editor, samples.two_languages(4, "320x240"))
    assert (await wait_for(client, editor, video_id))["status"] == "ready"
    folder = settings.root.poster_dir(video_id)
    for name, size in (("poster.jpg", (960, 540)), ("thumb.jpg", (480, 270))):
        with Image.open(folder / name) as image:
            assert image.size == size and image.info.get("progressive")
        assert (folder / name).stat().st_size < 120_000
    index = json.loads((folder / "tiles.json").read_text())
    assert index["interval"] == 10 and index["tile_width"] == 320 and index["count"] == 1
    with Image.open(folder / index["sheets"][0]) as sheet:
        assert sheet.size == (320, index["tile_height"])
    assert "tiles_000.jpg#xywh=0,0,320," in (folder / "tiles.vtt").read_text()
    # the picture chosen is not a flat or black frame
    with Image.open(folder / "thumb.jpg") as thumb:
        from PIL import ImageStat
        assert ImageStat.Stat(thumb.convert("L")).stddev[0] > 20


async def test_editor_poster_is_used_when_given(client, make_account, settings):
    from PIL import Image
    fast(settings)
    editor = make_account("saren", "editor")
    poster = await tus_upload(client, editor, samples.png(), filename="poster.png")
    video_id = await ingest(client, editor, samples.two_languages(4, "320x240"), poster=poster)
    assert (await wait_for(client, editor, video_id))["status"] == "ready"
    with Image.open(settings.root.poster_dir(video_id) / "poster.jpg") as image:
        assert image.convert("RGB").getpixel((480, 270)) == pytest.approx((30, 90, 160), abs=6)


async def test_a_phone_video_shot_sideways_comes_out_upright(client, make_account, settings):
    fast(settings)
    editor = make_account("saren", "editor")
    video_id = await ingest(client, editor, samples.rotated_phone_video(), audio_languages=["zh"])
    assert (await wait_for(client, editor, video_id))["status"] == "ready"
    stream = samples.ffprobe(settings.root.rendition_dir(video_id) / "234p" / "seg_00000.ts")["streams"][0]
    # the source is 320×240 stored sideways: upright it is portrait, fitted into the 234p rung
    assert stream["height"] > stream["width"] and stream["height"] == 234 and stream["width"] % 2 == 0
    assert not stream.get("side_data_list")


async def test_anamorphic_video_keeps_its_display_shape(client, make_account, settings):
    fast(settings)
    editor = make_account("saren", "editor")
    video_id = await ingest(client, editor, samples.anamorphic_video(), audio_languages=["mn"])
    assert (await wait_for(client, editor, video_id))["status"] == "ready"
    stream = samples.ffprobe(settings.root.rendition_dir(video_id) / "234p" / "seg_00000.ts")["streams"][0]
    assert stream["sample_aspect_ratio"] in ("1:1", "0:1", None)
    assert stream["width"] / stream["height"] == pytest.approx(4 / 3, abs=0.02)


async def test_subtitles_inside_the_video_file_become_a_webvtt_rendition(client, make_account, settings):
    fast(settings)
    editor = make_account("saren", "editor")
    video_id = await ingest(client, editor, samples.embedded_subtitles())
    body = await wait_for(client, editor, video_id)
    assert body["status"] == "ready" and body["audio"] == ["zh"]
    assert [s["lang"] for s in body["subtitles"]] == ["mn"]
    out = settings.root.rendition_dir(video_id)
    assert 'TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="mn"' in (out / "master.m3u8").read_text()
    first = (out / "subs_mn" / "seg_00000.vtt").read_text(encoding="utf-8")
    assert "X-TIMESTAMP-MAP=MPEGTS:" in first and "ᠰᠠᠢᠨ ᠪᠠᠢᠨ᠎ᠠ ᠤᠤ" in first


def test_the_default_ladder_keeps_its_promises_with_every_rungs_tuning(tmp_path):
    # given a 720p source and the ladder as real videos get it: `veryfast`, each rung's own x264
    # options, every rung scaled from the next larger one
    source = tmp_path / "source.mp4"
    source.write_bytes(samples.two_languages(7, "1280x720"))
    info = probe_source(source, SourceLimits())
    plan = Plan(source=source, info=info, outputs=ladder_for(info.width, info.height),
                audio=[{"lang": "zh", "stream": 1}], out_dir=tmp_path / "out", frames_dir=tmp_path / "frames")
    assert [o.name for o in plan.outputs] == ["234p", "360p", "540p", "720p"]
    for folder in [o.name for o in plan.outputs] + ["audio_zh", "audio_only_zh"]:
        (plan.out_dir / folder).mkdir(parents=True)
    plan.frames_dir.mkdir()
    command = ffmpeg_command(plan)
    assert sum(arg.startswith("-x264-params") for arg in command) == 4
    # when it is transcoded
    subprocess.run(command, check=True, timeout=300, capture_output=True)
    # then every rung has its size, 6 s segments and keyframes at the same 2 s times as the others
    keyframes = []
    for out in plan.outputs:
        segments = playlist_segments(plan.out_dir / out.name / "index.m3u8")
        assert [round(d, 1) for d, _ in segments] == [6.0, 1.0]
        stream = samples.ffprobe(plan.out_dir / out.name / "seg_00000.ts")["streams"][0]
        assert (stream["width"], stream["height"]) == (out.width, out.height)
        keyframes.append(keyframe_times(plan.out_dir / out.name / "seg_00000.ts"))
    assert all(times == keyframes[0] for times in keyframes)
    assert [round(t - keyframes[0][0], 1) for t in keyframes[0]] == [0.0, 2.0, 4.0]
