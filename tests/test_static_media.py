"""Playlists, segments, subtitles and posters as files: right types, long caching, Range, no escape."""
from __future__ import annotations

import asyncio

from content_server.kernel.config import SETTINGS
from content_server.storage import STORE, media as media_sql

from .ready_video import add_ready_video, rendition_template


async def raw_get(client, target: str) -> tuple[int, bytes]:
    """Sends a request line exactly as written (no client-side normalising of `..` or `%2e`)."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    status = int(data.split(b" ", 2)[1])
    return status, data


async def test_media_files_have_their_types_and_cache_for_long(client):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    vid = add_ready_video(store, settings)
    expected = {
        # playlists are asked again on every play (with their ETag): a withdrawal stops new plays at once
        f"/media/renditions/{vid}/master.m3u8": ("application/vnd.apple.mpegurl", "no-cache"),
        f"/media/renditions/{vid}/234p/index.m3u8": ("application/vnd.apple.mpegurl", "no-cache"),
        f"/media/renditions/{vid}/234p/seg_00000.ts": ("video/mp2t", "immutable"),
        f"/media/renditions/{vid}/audio_mn/seg_00000.ts": ("video/mp2t", "immutable"),
        f"/media/renditions/{vid}/subs_mn/seg_00000.vtt": ("text/vtt", "immutable"),
        f"/media/posters/{vid}/poster.jpg": ("image/jpeg", "immutable"),
        f"/media/posters/{vid}/thumb.jpg": ("image/jpeg", "immutable"),
    }
    for url, (content_type, caching) in expected.items():
        resp = await client.get(url)
        assert resp.status == 200, url
        assert resp.content_type == content_type, url
        assert caching in resp.headers["Cache-Control"] and "public" in resp.headers["Cache-Control"]
        assert resp.headers["ETag"] and resp.headers["Last-Modified"]
    vtt = await (await client.get(f"/media/renditions/{vid}/subs_mn/seg_00000.vtt")).text()
    assert "ᠵᠠᠮ" in vtt


async def test_revalidation_and_range_requests_work_like_a_file_server(client):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    vid = add_ready_video(store, settings)
    url = f"/media/renditions/{vid}/234p/seg_00000.ts"
    whole = await client.get(url)
    body = await whole.read()
    # a player seeking inside a segment asks for a byte range
    part = await client.get(url, headers={"Range": "bytes=188-375"})
    assert part.status == 206 and await part.read() == body[188:376]
    assert part.headers["Content-Range"] == f"bytes 188-375/{len(body)}"
    # a cache revalidating gets 304 by ETag and by date
    assert (await client.get(url, headers={"If-None-Match": whole.headers["ETag"]})).status == 304
    assert (await client.get(url, headers={"If-Modified-Since": whole.headers["Last-Modified"]})).status == 304
    assert (await client.get(url, headers={"Range": "bytes=999999999-"})).status == 416


async def test_only_files_of_ready_videos_are_served(client):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    # given a video whose files are on disk but which is not ready (e.g. cancelled)
    vid = add_ready_video(store, settings)
    await store.write(media_sql.add_video_with_job, {
        "id": "notready", "category": "traffic", "title_zh": "未完成", "title_mn": "ᠳᠠᠭᠤᠰᠤᠭᠠᠳᠦᠢ",
        "audio_languages": ["zh"], "subtitle_languages": [], "source": {}})
    renditions, _ = rendition_template()
    (settings.root.rendition_dir("notready")).mkdir(parents=True)
    (settings.root.rendition_dir("notready") / "master.m3u8").write_bytes((renditions / "master.m3u8").read_bytes())
    assert (await client.get(f"/media/renditions/{vid}/master.m3u8")).status == 200
    resp = await client.get("/media/renditions/notready/master.m3u8")
    assert resp.status == 404 and set((await resp.json())["message"]) == {"zh", "mn"}
    # and unknown kinds of files, folders and missing files are not served either
    (settings.root.rendition_dir(vid) / "notes.txt").write_text("private")
    for url in (f"/media/renditions/{vid}/notes.txt", f"/media/renditions/{vid}/", f"/media/renditions/{vid}/234p",
                f"/media/renditions/{vid}/nothing.ts", f"/media/posters/{vid}/missing.jpg"):
        assert (await client.get(url)).status == 404, url


async def test_no_path_leads_out_of_a_video_folder(client, tmp_path):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    vid = add_ready_video(store, settings)
    secret = tmp_path / "secret.m3u8"
    secret.write_text("#EXTM3U secret")
    # a symlink inside a ready video's folder pointing out of the data root
    (settings.root.rendition_dir(vid) / "escape.m3u8").symlink_to(secret)
    (settings.root.rendition_dir(vid) / "up").symlink_to(settings.root.root)
    attempts = [
        f"/media/renditions/{vid}/../../legal-tv.db",
        f"/media/renditions/{vid}/%2e%2e/%2e%2e/legal-tv.db",
        f"/media/renditions/{vid}/%2E%2E%2F%2E%2E%2Flegal-tv.db",
        f"/media/renditions/{vid}/..%2f..%2f..%2fsecret.m3u8",
        f"/media/renditions/{vid}/234p/..%5c..%5cmaster.m3u8",
        f"/media/renditions/{vid}//etc/passwd",
        f"/media/renditions/{vid}/%2fetc%2fpasswd",
        "/media/renditions/..%2f..%2f/etc/passwd",
        f"/media/renditions/{vid}/escape.m3u8",
        f"/media/renditions/{vid}/up/legal-tv.db",
        f"/media/renditions/{vid}/master.m3u8%00.jpg",
        f"/media/posters/{vid}/..%2f..%2frenditions/{vid}/master.m3u8",
    ]
    for target in attempts:
        status, data = await raw_get(client, target)
        assert status in (400, 404), (target, status)
        assert b"secret" not in data and b"SQLite" not in data and b"root:" not in data, target
    status, data = await raw_get(client, f"/media/renditions/{vid}/master.m3u8")
    assert status == 200 and b"#EXTM3U" in data
