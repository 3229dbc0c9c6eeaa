"""POST /api/v1/videos: what editors may send, what is refused, and cancel / retry."""
from __future__ import annotations

import asyncio
import re
import time

import pytest

from content_server.media.jobs import TRANSCODER
from content_server.storage import STORE, media as media_sql

from . import media_samples as samples
from .conftest import METRICS
from .ready_video import ensure_category
from .test_transcode import fast, ingest, wait_for
from .tus import tus_upload
from . import given

MONGOLIAN = re.compile("[\u1800-\u18af]")


def body_for(upload_id: str, **extra) -> dict:
    return {"upload_id": upload_id, "category": "traffic",
            "title": {"zh": "交通事故怎么赔", "mn": "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"}, **extra}


def nothing_left_behind(client, settings) -> None:
    store = client.server.app[STORE]
    assert given.read(store, given.row, "SELECT COUNT(*) AS n FROM videos")["n"] == 0
    assert given.read(store, given.row, "SELECT COUNT(*) AS n FROM transcode_jobs")["n"] == 0
    for folder in (settings.root.work, settings.root.renditions, settings.root.posters):
        assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == []


@pytest.mark.parametrize("source, reason", [
    (samples.zero_bytes, "empty"),
    (samples.truncated_video, "damaged"),
    (samples.not_a_video, "not a video"),
    (samples.audio_only, "sound but no picture"),
    (samples.playlist_naming_local_files, "a playlist of other files"),
])
async def test_a_source_that_is_not_a_playable_video_is_refused_and_nothing_is_kept(
        client, make_account, settings, source, reason):
    editor = make_account("saren", "editor")
    ensure_category(client.server.app[STORE])
    upload_id = await tus_upload(client, editor, source(), filename="case.mp4")
    resp = await client.post("/api/v1/videos", json=body_for(upload_id), headers=editor)
    assert resp.status == 422
    error = await resp.json()
    assert error["error"] == "not_a_video" and error["field"] == "upload_id"
    assert MONGOLIAN.search(error["message"]["mn"]) and error["message"]["zh"]
    nothing_left_behind(client, settings)
    assert not list(settings.root.uploads.glob("*.bin"))  # the useless upload is gone too


async def test_an_over_long_source_is_refused(client, make_account, settings):
    settings.extra["max_source_seconds"] = 2
    editor = make_account("saren", "editor")
    ensure_category(client.server.app[STORE])
    upload_id = await tus_upload(client, editor, samples.two_languages())
    resp = await client.post("/api/v1/videos", json=body_for(upload_id), headers=editor)
    assert resp.status == 422
    assert "0" in (await resp.json())["message"]["zh"]  # "at most 0 minutes"
    nothing_left_behind(client, settings)


async def test_bad_fields_are_refused_with_the_field_named_and_the_upload_kept(client, make_account, settings):
    editor = make_account("saren", "editor")
    ensure_category(client.server.app[STORE])
    upload_id = await tus_upload(client, editor, samples.two_languages())
    cases = [
        (body_for(upload_id, category="no-such"), "category"),
        (body_for(upload_id, title={"zh": "只有中文"}), "title.mn"),
        (body_for(upload_id, title={"zh": "长" * 121, "mn": "ᠮ"}), "title.zh"),
        (body_for(upload_id, title="交通"), "title"),
        (body_for(upload_id, audio_languages=["en"]), "audio_languages"),
        (body_for(upload_id, audio_languages=["zh", "zh"]), "audio_languages"),
        (body_for(upload_id, publish_from="2026-12-01T08:00:00"), "publish_from"),
        (body_for(upload_id, publish_from="tomorrow"), "publish_from"),
        (body_for(upload_id, publish_from="2026-12-02T08:00:00+08:00",
                  publish_until="2026-12-01T08:00:00+08:00"), "publish_until"),
        (body_for("0" * 32), "upload_id"),
        (body_for(upload_id, subtitles={"en": upload_id}), "subtitles"),
        (body_for(upload_id, subtitles={"zh": "f" * 32}), "subtitles.zh"),
        (body_for(upload_id, poster="e" * 32), "poster"),
    ]
    for body, field in cases:
        resp = await client.post("/api/v1/videos", json=body, headers=editor)
        assert resp.status == 422, (field, await resp.text())
        assert (await resp.json())["field"] == field
    resp = await client.post("/api/v1/videos", data=b"{oops", headers={**editor, "Content-Type": "application/json"})
    assert resp.status == 400
    nothing_left_behind(client, settings)
    assert settings.root.upload_file(upload_id).is_file()  # the editor can fix the form and send again


async def test_bad_subtitles_and_bad_posters_are_refused(client, make_account, settings):
    editor = make_account("saren", "editor")
    ensure_category(client.server.app[STORE])
    source = await tus_upload(client, editor, samples.two_languages())
    not_subtitles = await tus_upload(client, editor, samples.png(), filename="zh.srt")
    resp = await client.post("/api/v1/videos", json=body_for(source, subtitles={"zh": not_subtitles}),
                             headers=editor)
    assert resp.status == 422 and (await resp.json())["field"] == "subtitles.zh"
    for picture in (samples.srt(), samples.not_a_video()):
        poster = await tus_upload(client, editor, picture, filename="poster.png")
        resp = await client.post("/api/v1/videos", json=body_for(source, poster=poster), headers=editor)
        assert resp.status == 422 and (await resp.json())["error"] == "bad_image"
    nothing_left_behind(client, settings)


async def test_a_decompression_bomb_poster_is_refused(client, make_account, settings):
    import zlib
    # a PNG that claims 30000×30000 pixels in a few hundred bytes
    editor = make_account("saren", "editor")
    ensure_category(client.server.app[STORE])
    source = await tus_upload(client, editor, samples.two_languages())

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    width = height = 30000
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    rows = zlib.compress(b"\x00" + b"\x00" * (width // 8), 9) * 1
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    poster = await tus_upload(client, editor, bomb, filename="poster.png")
    resp = await client.post("/api/v1/videos", json=body_for(source, poster=poster), headers=editor)
    assert resp.status == 422 and (await resp.json())["field"] == "poster"


async def test_fewer_sound_tracks_than_languages_is_refused(client, make_account, settings):
    editor = make_account("saren", "editor")
    ensure_category(client.server.app[STORE])
    upload_id = await tus_upload(client, editor, samples.anamorphic_video())  # one sound track
    resp = await client.post("/api/v1/videos", json=body_for(upload_id, audio_languages=["zh", "mn"]),
                             headers=editor)
    assert resp.status == 422 and (await resp.json())["field"] == "audio_languages"
    nothing_left_behind(client, settings)


async def test_an_upload_of_another_editor_cannot_be_used(client, make_account, settings):
    saren, bayar = make_account("saren", "editor"), make_account("bayar", "editor")
    ensure_category(client.server.app[STORE])
    upload_id = await tus_upload(client, saren, samples.two_languages())
    resp = await client.post("/api/v1/videos", json=body_for(upload_id), headers=bayar)
    assert resp.status == 422 and (await resp.json())["field"] == "upload_id"


async def test_only_editors_may_ingest_or_see_videos(client, make_account, device, settings):
    editor = make_account("saren", "editor")
    ensure_category(client.server.app[STORE])
    upload_id = await tus_upload(client, editor, samples.two_languages())
    callers = {"anonymous": ({}, 401), "box": (device, 401)}
    for role in ("staff", "supervisor", "admin"):
        callers[role] = (make_account(f"someone-{role}", role), 403)
    for name, (headers, status) in callers.items():
        for method, path, body in (("POST", "/api/v1/videos", body_for(upload_id)),
                                   ("GET", "/api/v1/videos/x", None),
                                   ("POST", "/api/v1/videos/x/cancel", None),
                                   ("POST", "/api/v1/videos/x/retry", None)):
            resp = await client.request(method, path, json=body, headers=headers)
            assert resp.status == status, (name, method, path)
            assert set((await resp.json())["message"]) == {"zh", "mn"}
    nothing_left_behind(client, settings)


async def test_unknown_video_is_404(client, make_account):
    editor = make_account("saren", "editor")
    for method, path in (("GET", "/api/v1/videos/nope"), ("POST", "/api/v1/videos/nope/cancel"),
                         ("POST", "/api/v1/videos/nope/retry")):
        resp = await client.request(method, path, headers=editor)
        assert resp.status == 404 and (await resp.json())["error"] == "not_found"


async def test_untagged_tracks_follow_the_requested_languages_and_the_upload_is_consumed(
        client, make_account, settings):
    fast(settings)
    editor = make_account("saren", "editor")
    video_id = await ingest(client, editor, samples.two_languages(4, "320x240", tags=()),
                            audio_languages=["mn", "zh"], publish_from="2026-12-01T08:00:00+08:00")
    body = await wait_for(client, editor, video_id)
    assert body["status"] == "ready" and body["audio"] == ["mn", "zh"]
    assert body["publish_from"] == "2026-12-01T00:00:00+00:00"
    assert body["hls"] == f"/media/renditions/{video_id}/master.m3u8"
    master = (settings.root.rendition_dir(video_id) / "master.m3u8").read_text()
    assert master.index('LANGUAGE="mn"') < master.index('LANGUAGE="zh"')
    # the work folder goes once the job's task ends, just after the video turns ready
    task = client.server.app[TRANSCODER].running.get(video_id)
    if task is not None:
        await asyncio.wait({task})
    assert not list(settings.root.uploads.glob("*.bin")) and not any(settings.root.work.iterdir())
    metrics = await (await client.get("/metrics", headers=METRICS)).text()
    assert "legaltv_transcode_jobs_queued 0" in metrics and "legaltv_transcode_seconds_total" in metrics


async def test_cancel_stops_the_transcode_and_retry_makes_it_ready(client, make_account, settings):
    fast(settings)
    editor = make_account("saren", "editor")
    video_id = await ingest(client, editor, samples.two_languages(8, "640x360"))
    resp = await client.post(f"/api/v1/videos/{video_id}/cancel", headers=editor)
    assert resp.status == 200 and (await resp.json())["status"] == "cancelled"
    deadline = time.monotonic() + 10
    transcoder = client.server.app[TRANSCODER]
    while transcoder.running and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not transcoder.running  # its ffmpeg was stopped
    assert not settings.root.rendition_dir(video_id).exists()
    assert (await client.post(f"/api/v1/videos/{video_id}/cancel", headers=editor)).status == 409

    resp = await client.post(f"/api/v1/videos/{video_id}/retry", headers=editor)
    assert resp.status == 202 and (await resp.json())["status"] == "processing"
    assert (await wait_for(client, editor, video_id))["status"] == "ready"
    assert (settings.root.rendition_dir(video_id) / "master.m3u8").is_file()
    assert (await client.post(f"/api/v1/videos/{video_id}/retry", headers=editor)).status == 409


async def test_a_failed_transcode_shows_a_bilingual_error_and_can_be_retried(client, make_account, settings):
    fast(settings)
    editor = make_account("saren", "editor")
    settings.extra["x264_preset"] = "no-such-preset"  # the encoder refuses to start
    video_id = await ingest(client, editor, samples.two_languages(4, "320x240"))
    body = await wait_for(client, editor, video_id)
    assert body["status"] == "failed" and MONGOLIAN.search(body["error"]["mn"]) and body["error"]["zh"]
    assert not settings.root.rendition_dir(video_id).exists()
    metrics = await (await client.get("/metrics", headers=METRICS)).text()
    assert "legaltv_transcode_jobs_failed 1" in metrics
    fast(settings)
    assert (await client.post(f"/api/v1/videos/{video_id}/retry", headers=editor)).status == 202
    assert (await wait_for(client, editor, video_id))["status"] == "ready"
    assert await client.server.app[STORE].read(media_sql.job_state, video_id) is None
