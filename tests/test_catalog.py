"""The boxes' catalog: only ready videos inside their publish window, cacheable by any proxy."""
from __future__ import annotations

import asyncio
import gzip
import json
import time
import urllib.request
from datetime import datetime, timezone

import pytest

from content_server.catalog.api import build_catalog
from content_server.catalog.publish_window import iso, visible
from content_server.kernel.config import SETTINGS
from content_server.kernel.http_cache import accepts_gzip, etag_matches
from content_server.ops import METRICS
from content_server.storage import STORE, Store, media as media_sql

from .ready_video import add_ready_video, ensure_category

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL

NO_PICTURES = lambda vid: {"poster": "poster.jpg", "thumb": "thumb.jpg"}  # noqa: E731


def utc(epoch: float) -> str:
    """The stored form of a publish instant (UTC ISO 8601)."""
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat()


def video_row(vid: str, publish_from=None, publish_until=None) -> dict:
    return {"id": vid, "category": "traffic", "title_zh": "标题", "title_mn": "ᠭᠠᠷᠴᠠᠭ", "summary_zh": "",
            "summary_mn": "", "duration": 12.5, "audio_languages": '["zh","mn"]',
            "subtitle_languages": '["mn"]', "publish_from": publish_from, "publish_until": publish_until,
            "ready_at": 1_000.0, "pictures_version": 0, "renditions_version": 0}


CATEGORIES = [{"id": "traffic", "title_zh": "交通", "title_mn": "ᠵᠠᠮ"},
              {"id": "empty", "title_zh": "空", "title_mn": "ᠬᠣᠭᠣᠰᠣᠨ"}]


def test_publish_windows_decide_what_is_shown_at_each_instant():
    # given a video always shown, one from t=2000, one until t=3000, one whose window is over
    now_items = [video_row("always"), video_row("later", publish_from=utc(2000)),
                 video_row("until", publish_until=utc(3000)),
                 video_row("over", publish_from=utc(100), publish_until=utc(500))]
    # when the catalog is built before, between and after those instants
    before, change1 = build_catalog(CATEGORIES, now_items, 1500, NO_PICTURES)
    during, change2 = build_catalog(CATEGORIES, now_items, 2000, NO_PICTURES)
    after, change3 = build_catalog(CATEGORIES, now_items, 3000, NO_PICTURES)
    # then each shows exactly the videos inside their windows, and says when it will change next
    assert [i["id"] for i in before["items"]] == ["always", "until"] and change1 == 2000
    assert [i["id"] for i in during["items"]] == ["always", "later", "until"] and change2 == 3000
    assert [i["id"] for i in after["items"]] == ["always", "later"] and change3 is None
    assert len({before["version"], during["version"], after["version"]}) == 3
    # and an empty category is not offered to households
    assert [c["id"] for c in during["categories"]] == ["traffic"]
    assert visible(now_items[1], 2000) and not visible(now_items[1], 1999.9)
    # the item published later shows when it was published, in China time
    later = during["items"][1]
    assert later["published_at"] == iso(2000) and later["published_at"].endswith("+08:00")


def test_a_video_with_an_unreadable_window_is_not_published():
    document, _ = build_catalog(CATEGORIES, [video_row("bad", publish_from="next tuesday"), video_row("ok")],
                                5000, NO_PICTURES)
    assert [i["id"] for i in document["items"]] == ["ok"]


def test_the_same_inputs_give_the_same_bytes_on_every_server():
    first, _ = build_catalog(CATEGORIES, [video_row("a")], 5000, NO_PICTURES, "https://tv.example")
    second, _ = build_catalog(CATEGORIES, [video_row("a")], 5000, NO_PICTURES, "https://tv.example")
    assert first == second
    item = first["items"][0]
    assert item["hls"] == "https://tv.example/media/renditions/a/master.m3u8"
    assert item["subtitles"] == [{"lang": "mn", "url": "https://tv.example/media/renditions/a/subs_mn/index.m3u8"}]


def test_header_parsing_follows_http():
    assert accepts_gzip("gzip, deflate, br") and accepts_gzip("br;q=1.0, gzip;q=0.5")
    assert not accepts_gzip("gzip;q=0") and not accepts_gzip("identity") and not accepts_gzip("")
    assert etag_matches('W/"abc", "def"', '"abc"') == '"abc"'
    assert etag_matches("*", '"x"') == '"x"' and etag_matches('"nope"', '"x"') is None


async def test_a_box_sees_a_ready_video_with_everything_it_needs_to_play_it(client, device):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    # given a ready video and a video still being transcoded
    vid = add_ready_video(store, settings)
    await store.write(media_sql.add_video_with_job, {
        "id": "stillprocessing", "category": "traffic", "title_zh": "处理中", "title_mn": "ᠪᠣᠯᠪᠠᠰᠤᠷᠠᠭᠤᠯᠵᠤ",
        "audio_languages": ["zh"], "subtitle_languages": [], "source": {}})
    # when a box (or anybody: it is public) asks for the catalog
    resp = await client.get("/api/v1/catalog", headers=device)
    anonymous = await client.get("/api/v1/catalog")
    # then only the ready video is listed, bilingual, with URLs that really serve its files
    assert resp.status == 200 and anonymous.status == 200
    body = await resp.json()
    assert body == await anonymous.json()
    assert [c["id"] for c in body["categories"]] == ["traffic"]
    assert body["categories"][0]["title"] == {"zh": "交通", "mn": "ᠵᠠᠮ"}
    [item] = body["items"]
    assert item["id"] == vid and item["title"]["mn"] == "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ" and item["summary"]["zh"]
    assert item["audio"] == ["zh", "mn"] and item["duration"] == 2.0 and item["category"] == "traffic"
    assert {s["lang"] for s in item["subtitles"]} == {"zh", "mn"}
    for url in (item["hls"], item["poster"], item["thumb"], item["subtitles"][0]["url"]):
        media = await client.get(url)
        assert media.status == 200, url
    master = await (await client.get(item["hls"])).text()
    assert 'LANGUAGE="mn"' in master and "234p/index.m3u8" in master
    assert isinstance(body["version"], str) and body["version"]


async def test_revalidation_gets_304_and_gzip_is_sent_to_those_who_accept_it(client):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    add_ready_video(store, settings)
    # given a first full response, plain and gzipped
    plain = await client.get("/api/v1/catalog", headers={"Accept-Encoding": "identity"}, auto_decompress=False)
    zipped = await client.get("/api/v1/catalog", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    plain_bytes, zipped_bytes = await plain.read(), await zipped.read()
    assert "Content-Encoding" not in plain.headers and zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped_bytes) == plain_bytes and len(zipped_bytes) < len(plain_bytes)
    for resp in (plain, zipped):
        assert resp.headers["Vary"] == "Accept-Encoding"
        assert resp.headers["Cache-Control"].startswith("public, max-age=60")
        assert "stale-while-revalidate" in resp.headers["Cache-Control"]
    assert plain.headers["ETag"] != zipped.headers["ETag"]
    assert json.loads(plain_bytes)["version"] in plain.headers["ETag"]
    # when the box asks again with its ETag (also as a weak tag, as nginx's gzip makes it)
    for etag in (zipped.headers["ETag"], "W/" + zipped.headers["ETag"], f'"x", {plain.headers["ETag"]}'):
        again = await client.get("/api/v1/catalog", headers={"If-None-Match": etag, "Accept-Encoding": "gzip"})
        # then nothing is sent again
        assert again.status == 304 and await again.read() == b""
        assert again.headers["Cache-Control"].startswith("public")
    stale = await client.get("/api/v1/catalog", headers={"If-None-Match": '"old"'})
    assert stale.status == 200


async def test_the_catalog_is_rendered_once_per_change_not_per_request(client):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    metrics = client.server.app[METRICS]
    renders = lambda: metrics.counters[("legaltv_catalog_renders_total", ())]  # noqa: E731
    add_ready_video(store, settings)
    first = await client.get("/api/v1/catalog")
    count = renders()
    for _ in range(20):
        assert (await client.get("/api/v1/catalog")).headers["ETag"] == first.headers["ETag"]
    assert renders() == count
    # when an editor publishes another video, the next request renders once, with a new ETag
    add_ready_video(store, settings, title_zh="拖欠工资怎么办", title_mn="ᠴᠠᠯᠢᠩ", category="wages")
    second = await client.get("/api/v1/catalog")
    await client.get("/api/v1/catalog")
    assert renders() == count + 1 and second.headers["ETag"] != first.headers["ETag"]
    assert len((await second.json())["items"]) == 2


async def test_a_video_appears_when_its_publish_window_opens_without_a_restart(client):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    # given a ready video whose window opens 2 s from now and one whose window closes then
    opens_at = time.time() + 2
    later = add_ready_video(store, settings, publish_from=utc(opens_at))
    ending = add_ready_video(store, settings, title_zh="土地承包", publish_until=utc(opens_at))
    before = await client.get("/api/v1/catalog")
    assert [i["id"] for i in (await before.json())["items"]] == [ending]
    # then a cache may keep the answer only until the window opens
    assert int(before.headers["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 2
    # when the instant passes (bounded wait), the catalog changes by itself, with a new ETag
    deadline = time.monotonic() + 10
    while time.time() < opens_at and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    after = await client.get("/api/v1/catalog", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert [i["id"] for i in (await after.json())["items"]] == [later]


def test_two_servers_on_the_same_data_give_the_same_etag(settings, server_process):
    # given ready videos on a data root
    settings.root.create()
    store = Store(settings.database_url)
    try:
        add_ready_video(store, settings)
        add_ready_video(store, settings, title_zh="拖欠工资", category="wages")
    finally:
        store.close()
    # when two server processes (two origins behind one CDN, or a restart) serve the catalog
    etags, bodies = [], []
    for server in (server_process(), server_process()):
        request = urllib.request.Request(f"{server.url}/api/v1/catalog", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as resp:
            etags.append(resp.headers["ETag"])
            bodies.append(resp.read())
    # then caches see one representation, byte for byte
    assert etags[0] == etags[1] and bodies[0] == bodies[1]
