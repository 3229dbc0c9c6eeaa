"""A source is held to the allowed length, picture size and frame rate, whatever its container
declares: refused at POST /api/v1/videos where ffprobe and a seek can tell, and as a failed
transcode (bilingual error, nothing published) where only decoding it tells."""
from __future__ import annotations

import re
import struct
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest

from content_server.media.ladder import ladder_for
from content_server.media.probe import SourceLimits, probe_source
from content_server.media.transcode import OVERRUN_SECONDS, Plan, ffmpeg_command, read_playlist
from content_server.storage import STORE

from . import media_samples as samples
from .ready_video import ensure_category
from .test_ingest import body_for, nothing_left_behind
from .test_transcode import fast, ingest, wait_for
from .tus import tus_upload

pytestmark = pytest.mark.slow

_DIR = Path(tempfile.mkdtemp(prefix="ltv-source-limits-"))
MONGOLIAN = re.compile("[\u1800-\u18af]")


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True, timeout=120)


def _video(name: str, seconds: float, size: str = "160x90", rate: float = 5, container: list[str] = ()) -> Path:
    path = _DIR / name
    _ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size}:rate={rate}:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast",
            "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "32k", *container, str(path))
    return path


@lru_cache(maxsize=None)
def mkv_declaring_less_than_it_holds(real: float = 12, declared: float = 4) -> bytes:
    """A Matroska file whose Segment Duration element is patched to say `declared` seconds."""
    data = bytearray(_video("long.mkv", real).read_bytes())
    at = data.find(b"\x44\x89\x88")  # Duration element: ID 0x4489, 8-byte float, in milliseconds
    assert at > 0 and data.find(b"\x44\x89\x88", at + 1) == -1
    assert struct.unpack(">d", data[at + 3:at + 11])[0] == pytest.approx(real * 1000, abs=100)
    data[at + 3:at + 11] = struct.pack(">d", declared * 1000)
    return bytes(data)


@lru_cache(maxsize=None)
def ts_whose_clock_restarts(parts: int = 3, seconds: float = 4) -> bytes:
    """MPEG-TS pieces glued end to end, each with timestamps from zero: probing and seeking see
    one `seconds`-long piece, decoding plays all of them. The packets' continuity counters are
    renumbered across the joins, so the file reads as one clean stream."""
    data = bytearray(_video("piece.ts", seconds, container=["-f", "mpegts"]).read_bytes() * parts)
    following: dict[int, int] = {}
    for at in range(0, len(data), 188):
        pid = ((data[at + 1] & 0x1F) << 8) | data[at + 2]
        counter = following.get(pid, data[at + 3] & 0x0F)
        if data[at + 3] & 0x10:  # carries a payload: the counter advances
            following[pid] = (counter + 1) % 16
        else:
            counter = (counter - 1) % 16
        data[at + 3] = (data[at + 3] & 0xF0) | counter
    return bytes(data)


def probed_duration(data: bytes, suffix: str) -> float:
    path = _DIR / f"probe{suffix}"
    path.write_bytes(data)
    return float(samples.ffprobe(path)["format"]["duration"])


async def refusal(client, editor, source: bytes) -> dict:
    ensure_category(client.server.app[STORE])
    upload_id = await tus_upload(client, editor, source, filename="case.mp4")
    resp = await client.post("/api/v1/videos", json=body_for(upload_id), headers=editor)
    assert resp.status == 422, await resp.text()
    body = await resp.json()
    assert body["error"] == "not_a_video" and body["field"] == "upload_id"
    assert body["message"]["zh"] and MONGOLIAN.search(body["message"]["mn"])
    return body


async def test_a_file_whose_header_understates_its_length_is_refused(client, make_account, settings):
    # given a 12 s video whose container says 4 s, and an 8 s limit
    settings.extra["max_source_seconds"] = 8
    source = mkv_declaring_less_than_it_holds()
    assert probed_duration(source, ".mkv") == pytest.approx(4)
    # then it is refused as too long, the limit named, and nothing is kept
    body = await refusal(client, make_account("saren", "editor"), source)
    assert "0" in body["message"]["zh"]  # "at most 0 minutes"
    nothing_left_behind(client, settings)


@pytest.mark.parametrize("size, rate, what", [
    ("4096x2320", 2, "more pixels than 4K"),
    ("4112x64", 2, "a side over 4096"),
    ("160x90", 120, "over 60 frames a second"),
])
async def test_pictures_beyond_4k_and_frame_rates_beyond_60_are_refused(client, make_account, settings, size, rate, what):
    source = _video(f"big-{size}-{rate}.mp4", 1, size=size, rate=rate).read_bytes()
    body = await refusal(client, make_account("saren", "editor"), source)
    shown = size.replace("x", "×") if rate <= 60 else str(rate)
    assert shown in body["message"]["zh"], what
    nothing_left_behind(client, settings)


async def test_the_largest_picture_allowed_at_60_frames_is_converted(client, make_account, settings):
    # (the decoder's own pixel cap counts padded macroblock rows: 4096×2304 must still decode)
    fast(settings)
    editor = make_account("saren", "editor")
    video_id = await ingest(client, editor, _video("largest.mp4", 0.25, size="4096x2304", rate=60).read_bytes())
    assert (await wait_for(client, editor, video_id, seconds=240))["status"] == "ready"


async def test_a_source_that_only_decoding_shows_too_long_fails_bilingually_and_publishes_nothing(
        client, make_account, settings):
    # given 12 s of video that probing and seeking take for 4 s, and an 8 s limit
    fast(settings)
    settings.extra["max_source_seconds"] = 8
    source = ts_whose_clock_restarts()
    assert probed_duration(source, ".ts") < 5
    editor = make_account("saren", "editor")
    # when it is accepted and converted
    video_id = await ingest(client, editor, source)
    body = await wait_for(client, editor, video_id)
    # then decoding stops near the limit and the editor reads why it failed, in both languages
    assert body["status"] == "failed"
    assert "剪短" in body["error"]["zh"] and MONGOLIAN.search(body["error"]["mn"])
    assert not settings.root.rendition_dir(video_id).exists()
    assert not settings.root.poster_dir(video_id).exists()


def test_the_transcode_decodes_no_more_than_the_allowed_length(tmp_path):
    # given 40 s of video that probing takes for 4 s, and an 8 s limit
    source = tmp_path / "source.ts"
    source.write_bytes(ts_whose_clock_restarts(parts=10))
    limits = SourceLimits(seconds=8)
    plan = Plan(source=source, info=probe_source(source, limits), outputs=ladder_for(160, 90),
                audio=[{"lang": "zh", "stream": 1}], out_dir=tmp_path / "out", frames_dir=tmp_path / "frames",
                preset="ultrafast", limits=limits)
    for folder in ("234p", "audio_zh", "audio_only_zh"):
        (plan.out_dir / folder).mkdir(parents=True)
    plan.frames_dir.mkdir()
    # when the server's ffmpeg command runs on it
    subprocess.run(ffmpeg_command(plan), check=True, timeout=120, capture_output=True)
    # then what was decoded and encoded stops just past the limit, not at 40 s
    made = sum(read_playlist(plan.out_dir / "234p" / "index.m3u8").durations)
    assert 8 < made < 8 + OVERRUN_SECONDS + 0.5  # (a last frame and the audio run a little past the cut)
