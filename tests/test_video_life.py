"""A video's whole life after upload: an editor corrects it, withdraws and restores it, deletes it
(never while a channel still plays it) and later it is purged; every change is in its audit log.

Given real ready videos (real renditions on disk) on a real database (SQLite and PostgreSQL),
when an editor calls the API, then boxes see the change at once: the catalog, the guide and
XMLTV (new ETags), the media files (404 while withdrawn), the channel (filler in its slots).
"""
from __future__ import annotations

import time
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given as example, settings as hypothesis_settings, strategies as st

from content_server.catalog.publish_window import CHINA
from content_server.kernel.config import SETTINGS
from content_server.kernel.errors import ApiError
from content_server.app import create_app
from content_server.media.jobs import Transcoder
from content_server.media.generations import remove_superseded_generations
from content_server.media.life import check_edit, purge_deleted_videos
from content_server.schedule.document import validate_schedule
from content_server.storage import STORE, media as media_sql, schedule as schedule_sql

from . import given, media_samples as samples
from .ready_video import add_ready_video, ensure_category
from .test_transcode import fast, ingest
from .tus import tus_upload

pytestmark = pytest.mark.both_engines

MONGOLIAN_TITLE = "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ ᠤᠨ ᠬᠣᠬᠢᠷᠠᠯ"  # the corrected Mongolian title
REASON = {"zh": "新法已施行，内容过时", "mn": "ᠰᠢᠨ᠎ᠡ ᠬᠠᠤᠯᠢ ᠬᠡᠷᠡᠭᠵᠢᠵᠡᠢ"}


def files_of(vid: str) -> list[str]:
    return [f"/media/renditions/{vid}/master.m3u8", f"/media/renditions/{vid}/234p/index.m3u8",
            f"/media/renditions/{vid}/234p/seg_00000.ts", f"/media/posters/{vid}/poster.jpg"]


def schedule_now(store, video_id: str, slot: str = "now") -> None:
    """A channel `legal` playing the video in a one-minute slot starting this minute (every day)."""
    now = datetime.now(CHINA)
    start = f"{now.hour:02d}:{now.minute:02d}"
    end = "24:00" if (now.hour, now.minute) == (23, 59) else f"{(now.hour * 60 + now.minute + 1) // 60:02d}:" \
                                                              f"{(now.minute + 1) % 60:02d}"
    document = {"seed": 1, "playlists": {"cases": [video_id]},
                "slots": [{"id": slot, "title": {"zh": "本时段", "mn": "ᠡᠨᠡ ᠴᠠᠭ"}, "start": start, "end": end,
                           "source": {"type": "playlist", "playlist": "cases"}, "order": "in_order"}]}
    schedule = validate_schedule(document, given.read(store, schedule_sql.video_statuses),
                                 given.read(store, schedule_sql.ready_counts_by_category))
    given.write(store, schedule_sql.add_channel, "legal", {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, schedule)


async def etags(client) -> dict:
    out = {}
    for path in ("/api/v1/catalog", "/api/v1/channels/legal/guide?hours=48", "/api/v1/xmltv.xml"):
        resp = await client.get(path)
        assert resp.status == 200, path
        out[path] = resp.headers["ETag"]
    return out


async def catalog_items(client) -> dict:
    return {item["id"]: item for item in (await (await client.get("/api/v1/catalog")).json())["items"]}


async def guide_ids(client) -> set:
    return {i["item_id"] for i in await (await client.get("/api/v1/channels/legal/guide?hours=48")).json()}


async def test_an_editor_corrects_the_mongolian_title_and_boxes_see_it_at_once(client, make_account):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    vid = add_ready_video(store, settings)
    ensure_category(store, "labour", "劳动", "ᠬᠥᠳᠡᠯᠮᠦᠷᠢ")
    schedule_now(store, vid)
    editor = make_account("bayar", "editor")
    before = await etags(client)
    resp = await client.patch(f"/api/v1/videos/{vid}", headers=editor, json={
        "title": {"zh": "交通事故怎么赔", "mn": MONGOLIAN_TITLE}, "category": "labour",
        "publish_until": "2099-12-31T00:00:00+08:00"})
    assert resp.status == 200, await resp.text()
    video = await resp.json()
    assert video["title"]["mn"] == MONGOLIAN_TITLE and video["category"] == "labour"
    after = await etags(client)
    assert all(after[path] != before[path] for path in before), (before, after)
    item = (await catalog_items(client))[vid]
    assert item["title"]["mn"] == MONGOLIAN_TITLE and item["category"] == "labour"
    assert MONGOLIAN_TITLE in await (await client.get("/api/v1/xmltv.xml")).text()
    guide = await (await client.get("/api/v1/channels/legal/guide?hours=48")).json()
    assert any(i["item_id"] == vid and i["title"]["mn"] == MONGOLIAN_TITLE for i in guide)
    # who, when, before → after: only what changed
    log = await (await client.get(f"/api/v1/videos/{vid}/audit", headers=editor)).json()
    assert [entry["change"] for entry in log] == ["edit"]
    assert log[0]["who"] == "bayar" and log[0]["at"]
    assert log[0]["before"] == {"title_mn": "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ", "category": "traffic", "publish_until": None}
    assert log[0]["after"] == {"title_mn": MONGOLIAN_TITLE, "category": "labour",
                               "publish_until": "2099-12-30T16:00:00+00:00"}


async def test_a_withdrawn_video_leaves_the_air_and_a_restore_brings_it_back(client, make_account, device):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    vid = add_ready_video(store, settings)
    other = add_ready_video(store, settings, title_zh="劳动合同")
    schedule_now(store, vid)
    editor = make_account("bayar", "editor")
    for url in files_of(vid):
        assert (await client.get(url)).status == 200, url
    assert vid in await guide_ids(client)
    resp = await client.post(f"/api/v1/videos/{vid}/withdraw", headers=editor, json={"reason": REASON})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["withdrawn_at"]
    assert set(await catalog_items(client)) == {other}
    for url in files_of(vid):  # for boxes; the editor still previews it, uncached
        assert (await client.get(url, headers=device)).status == 404, url
        preview = await client.get(url, headers=editor)
        assert preview.status == 200 and preview.headers["Cache-Control"] == "private, no-store", url
    guide = await (await client.get("/api/v1/channels/legal/guide?hours=48")).json()
    assert vid not in {i["item_id"] for i in guide} and guide  # its slots are filled without it
    again = await client.post(f"/api/v1/videos/{vid}/withdraw", headers=editor, json={"reason": REASON})
    assert again.status == 409 and set((await again.json())["message"]) == {"zh", "mn"}

    resp = await client.post(f"/api/v1/videos/{vid}/restore", headers=editor,
                             json={"reason": {"zh": "已核对", "mn": "ᠬᠢᠨᠠᠪᠠ"}})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["withdrawn_at"] is None
    assert set(await catalog_items(client)) == {vid, other}
    for url in files_of(vid):
        assert (await client.get(url, headers=device)).status == 200, url
    assert vid in await guide_ids(client)
    assert (await client.post(f"/api/v1/videos/{vid}/restore", headers=editor, json={"reason": REASON})).status == 409
    log = await (await client.get(f"/api/v1/videos/{vid}/audit", headers=editor)).json()
    assert [(e["change"], e["who"]) for e in log] == [("withdraw", "bayar"), ("restore", "bayar")]
    assert log[0]["reason"] == REASON and log[1]["reason"]["mn"] == "ᠬᠢᠨᠠᠪᠠ"


async def test_a_withdrawal_needs_a_reason_in_both_languages(client, make_account):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    vid = add_ready_video(store, settings)
    editor = make_account("bayar", "editor")
    resp = await client.post(f"/api/v1/videos/{vid}/withdraw", headers=editor, json={"reason": {"zh": "过时"}})
    assert resp.status == 422
    body = await resp.json()
    assert body["field"] == "reason.mn" and set(body["message"]) == {"zh", "mn"}
    assert vid in await catalog_items(client)


async def test_only_editors_change_videos(client, make_account, device):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    vid = add_ready_video(store, settings)
    callers = {"staff": make_account("desk", "staff"), "supervisor": make_account("boss", "supervisor"),
               "admin": make_account("root", "admin"), "household": device, "anonymous": {}}
    calls = [("PATCH", f"/api/v1/videos/{vid}", {"title": {"zh": "x", "mn": "ᠠ"}}),
             ("POST", f"/api/v1/videos/{vid}/withdraw", {"reason": REASON}),
             ("POST", f"/api/v1/videos/{vid}/restore", {"reason": REASON}),
             ("DELETE", f"/api/v1/videos/{vid}", None), ("GET", f"/api/v1/videos/{vid}/audit", None)]
    for name, headers in callers.items():
        for method, path, body in calls:
            resp = await client.request(method, path, headers=headers, json=body)
            assert resp.status == (401 if name in ("household", "anonymous") else 403), (name, method, path)
            assert set((await resp.json())["message"]) == {"zh", "mn"}
    assert (await catalog_items(client))[vid]["title"]["zh"] == "交通事故怎么赔"
    assert given.read(store, media_sql.video, vid)["deleted_at"] is None


async def test_a_scheduled_video_cannot_be_deleted_and_a_deleted_one_is_purged_later(client, make_account):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    vid = add_ready_video(store, settings)
    schedule_now(store, vid, slot="evening-news")
    editor = make_account("bayar", "editor")
    resp = await client.delete(f"/api/v1/videos/{vid}", headers=editor)
    assert resp.status == 409
    body = await resp.json()
    assert body["error"] == "still_scheduled" and [s["slot"] for s in body["slots"]] == ["evening-news"]
    assert body["slots"][0]["channel"] == "legal"
    assert "legal / evening-news" in body["message"]["zh"] and "legal / evening-news" in body["message"]["mn"]
    assert vid in await catalog_items(client)

    # a playlist no slot plays yet counts too: the next save of the schedule would refuse a deleted video
    schedule = schedule_sql.schedule_of(given.read(store, schedule_sql.channel, "legal"))
    schedule["slots"] = []
    given.write(store, schedule_sql.replace_channel, "legal", {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, schedule, 0)
    resp = await client.delete(f"/api/v1/videos/{vid}", headers=editor)
    assert resp.status == 409 and (await resp.json())["slots"][0]["playlist"] == "cases"
    given.write(store, schedule_sql.delete_channel, "legal")
    resp = await client.delete(f"/api/v1/videos/{vid}", headers=editor)
    assert resp.status == 200, await resp.text()
    assert set(await resp.json()) == {"id", "deleted_at", "purge_after"}
    assert vid not in await catalog_items(client)
    assert (await client.get(f"/api/v1/videos/{vid}", headers=editor)).status == 404
    assert (await client.get(files_of(vid)[0], headers=editor)).status == 404  # not even a preview
    assert (await client.patch(f"/api/v1/videos/{vid}", headers=editor,
                               json={"title": {"zh": "x", "mn": "ᠠ"}})).status == 404
    # the files stay until the configured number of days has passed, then go with the row
    days = settings.deleted_video_days
    assert await purge_deleted_videos(store, settings, time.time() + (days - 1) * 86400) == 0
    assert settings.root.rendition_dir(vid).is_dir()
    assert await purge_deleted_videos(store, settings, time.time() + (days + 1) * 86400) == 1
    assert not settings.root.rendition_dir(vid).exists() and not settings.root.poster_dir(vid).exists()
    assert given.read(store, media_sql.video, vid) is None
    log = await (await client.get(f"/api/v1/videos/{vid}/audit", headers=editor)).json()
    assert [e["change"] for e in log] == ["delete", "purge"]


async def test_a_new_poster_from_a_frame_or_a_picture_gets_a_new_address(client, make_account):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    vid = add_ready_video(store, settings)
    editor = make_account("bayar", "editor")
    old = (await catalog_items(client))[vid]["poster"]
    old_bytes = await (await client.get(old)).read()
    resp = await client.patch(f"/api/v1/videos/{vid}", headers=editor, json={"poster_time": 1})
    assert resp.status == 200, await resp.text()
    framed = (await catalog_items(client))[vid]
    assert framed["poster"] != old and framed["thumb"].endswith(".jpg")
    picture = await client.get(framed["poster"])
    assert picture.status == 200 and await picture.read() != old_bytes  # a frame, not the red stand-in

    from PIL import Image
    import io
    buffer = io.BytesIO()
    Image.new("RGB", (800, 450), (20, 90, 160)).save(buffer, "PNG")
    upload = await tus_upload(client, editor, buffer.getvalue(), filename="poster.png")
    resp = await client.patch(f"/api/v1/videos/{vid}", headers=editor, json={"poster": upload})
    assert resp.status == 200, await resp.text()
    chosen = (await catalog_items(client))[vid]["poster"]
    assert chosen not in (old, framed["poster"])
    with Image.open(io.BytesIO(await (await client.get(chosen)).read())) as image:
        assert image.getpixel((480, 270))[2] > 120  # the editor's blue picture
    resp = await client.patch(f"/api/v1/videos/{vid}", headers=editor, json={"poster_time": 99})
    assert resp.status == 422 and (await resp.json())["field"] == "poster_time"
    log = await (await client.get(f"/api/v1/videos/{vid}/audit", headers=editor)).json()
    assert [list(e["after"]) for e in log] == [["pictures_version"], ["pictures_version"]]


# --- PATCH validation, for any body -----------------------------------------------------------

FIELDS = ["title", "summary", "category", "publish_from", "publish_until", "poster", "poster_time", "audio_languages",
          "status", "id"]
values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                          st.sampled_from(["zh", "mn", "x"]) | st.text(max_size=3), inner, max_size=3),
                      max_leaves=6)
texts = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=130)
labels = st.lists(st.sampled_from(["zh", "mn", "en", ""]), max_size=3)
bodies = st.dictionaries(st.sampled_from(FIELDS),
                         values | labels | st.fixed_dictionaries({"zh": texts, "mn": texts}), max_size=4)


@pytest.fixture
def video_row(settings):
    settings.root.create()
    from content_server.storage import Store
    store = Store(settings.database_url)
    vid = add_ready_video(store, settings)
    yield store, given.read(store, media_sql.video, vid)
    store.close()


@hypothesis_settings(max_examples=300, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(body=bodies)
def test_any_patch_body_is_either_a_clean_edit_or_a_bilingual_refusal(video_row, body):
    store, row = video_row
    try:
        edit = given.read(store, check_edit, row, body)
    except ApiError as exc:
        assert 400 <= exc.status < 500 and set(exc.body()["message"]) == {"zh", "mn"}
        assert exc.body()["message"]["mn"] and exc.body()["message"]["zh"]
        assert exc.field is None or exc.field.split(".")[0] in set(body) | {"publish_from", "publish_until"}
        return
    assert body and set(body) <= set(FIELDS) - {"status", "id"}
    for lang in ("zh", "mn"):
        if "title" in body:
            assert edit.changes[f"title_{lang}"] == body["title"][lang].strip()
            assert 0 < len(edit.changes[f"title_{lang}"]) <= 120
    for name in ("publish_from", "publish_until"):
        if name in body and body[name] not in (None, ""):
            assert edit.changes[name].endswith("+00:00")
    if "poster_time" in body:
        assert 0 <= edit.poster_time < row["duration"]
    if "audio_languages" in body:  # the same tracks, each named once, zh or mn
        assert sorted(body["audio_languages"]) == ["mn", "zh"]
        assert edit.audio_languages in (None, ["mn", "zh"])


# --- replacing a video with a new cut --------------------------------------------------------

@pytest.fixture
async def quiet_client(aiohttp_client, settings):
    """The app without its own transcode workers: the test runs each queued job itself, so what
    boxes see while a replacement waits is checked without racing the transcode."""
    settings.transcode = False
    fast(settings)
    return await aiohttp_client(create_app(settings))


async def run_queued_job(client) -> None:
    transcoder = Transcoder(client.server.app[STORE], client.server.app[SETTINGS])
    row = await transcoder.claim()
    assert row is not None
    await transcoder.run_job(row)


async def test_a_shorter_cut_replaces_a_video_while_the_old_one_plays_on(quiet_client, make_account):
    client = quiet_client
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    editor = make_account("bayar", "editor")
    vid = await ingest(client, editor, samples.two_languages(8, "320x240"))
    await run_queued_job(client)
    old = await (await client.get(f"/api/v1/videos/{vid}", headers=editor)).json()
    assert old["status"] == "ready" and old["duration"] > 7
    schedule_now(store, vid)
    rung = old["ladder"][0]["name"]
    old_files = [old["hls"], f"/media/renditions/{vid}/{rung}/index.m3u8", f"/media/renditions/{vid}/{rung}/seg_00000.ts"]
    guide_etag = (await client.get("/api/v1/channels/legal/guide?hours=48")).headers["ETag"]

    # a file that is not a video is refused, and the video stays as it was
    bad = await tus_upload(client, editor, samples.not_a_video(), filename="x.mp4")
    resp = await client.post(f"/api/v1/videos/{vid}/replace", headers=editor, json={"upload_id": bad})
    assert resp.status == 422 and (await resp.json())["field"] == "upload_id"
    staff = make_account("desk", "staff")
    assert (await client.post(f"/api/v1/videos/{vid}/replace", headers=staff, json={"upload_id": bad})).status == 403

    upload = await tus_upload(client, editor, samples.two_languages(4, "320x240"), filename="cut.mp4")
    subtitles = await tus_upload(client, editor, samples.ass(), filename="cut.ass")
    resp = await client.post(f"/api/v1/videos/{vid}/replace", headers=editor,
                             json={"upload_id": upload, "subtitles": {"mn": subtitles}})
    assert resp.status == 202, await resp.text()
    waiting = await resp.json()
    assert waiting["status"] == "ready" and waiting["replacing"] and waiting["hls"] == old["hls"]
    again = await tus_upload(client, editor, samples.two_languages(4, "320x240"), filename="cut2.mp4")
    busy = await client.post(f"/api/v1/videos/{vid}/replace", headers=editor, json={"upload_id": again})
    assert busy.status == 409 and set((await busy.json())["message"]) == {"zh", "mn"}
    # while the new cut is made, boxes get the old one, whole
    item = (await catalog_items(client))[vid]
    assert item["duration"] == old["duration"] and item["hls"] == old["hls"]
    for url in old_files:
        assert (await client.get(url)).status == 200, url

    await run_queued_job(client)
    new = await (await client.get(f"/api/v1/videos/{vid}", headers=editor)).json()
    assert new["id"] == vid and not new["replacing"] and new["status"] == "ready"
    assert 3 < new["duration"] < 5 and new["hls"] != old["hls"] and new["poster"] != old["poster"]
    item = (await catalog_items(client))[vid]
    assert item["duration"] == new["duration"] and item["hls"] == new["hls"]
    assert [s["lang"] for s in item["subtitles"]] == ["mn"] and "/g1/" in item["subtitles"][0]["url"]
    assert "ᠵᠠᠮ" in await (await client.get(item["subtitles"][0]["url"].replace("index.m3u8", "seg_00000.vtt"))).text()
    assert (await client.get(new["hls"])).status == 200
    # a box that began the old cut finishes it: its files are still there
    for url in old_files:
        assert (await client.get(url)).status == 200, url
    # the schedule keeps the video (same id), with the new length
    guide = await client.get("/api/v1/channels/legal/guide?hours=48")
    assert guide.headers["ETag"] != guide_etag and vid in {i["item_id"] for i in await guide.json()}
    log = await (await client.get(f"/api/v1/videos/{vid}/audit", headers=editor)).json()
    assert [(e["change"], e["who"]) for e in log] == [("replace", "bayar")]
    assert log[0]["before"]["renditions_version"] == 0 and log[0]["after"]["renditions_version"] == 1

    # a day later the old cut's files go; the new ones stay
    assert await remove_superseded_generations(store, settings, time.time() + 3600) == 0
    assert await remove_superseded_generations(store, settings, time.time() + 2 * 86400) == 1
    for url in old_files:
        assert (await client.get(url)).status == 404, url
    assert (await client.get(new["hls"])).status == 200
    assert (await client.get(item["poster"])).status == 200


async def test_swapped_sound_labels_are_corrected_without_touching_what_boxes_hold(quiet_client, make_account):
    client = quiet_client
    editor = make_account("bayar", "editor")
    vid = await ingest(client, editor, samples.two_languages(4, "320x240"), audio_languages=["zh", "mn"])
    await run_queued_job(client)
    old = await (await client.get(f"/api/v1/videos/{vid}", headers=editor)).json()
    base = old["hls"].rsplit("/", 1)[0]
    old_zh = await (await client.get(f"{base}/audio_zh/seg_00000.ts")).read()
    old_mn = await (await client.get(f"{base}/audio_mn/seg_00000.ts")).read()
    assert old_zh != old_mn
    wrong = await client.patch(f"/api/v1/videos/{vid}", headers=editor, json={"audio_languages": ["mn"]})
    assert wrong.status == 422 and (await wrong.json())["field"] == "audio_languages"

    resp = await client.patch(f"/api/v1/videos/{vid}", headers=editor, json={"audio_languages": ["mn", "zh"]})
    assert resp.status == 200, await resp.text()
    new = await resp.json()
    assert new["audio"] == ["mn", "zh"] and new["hls"] != old["hls"]
    item = (await catalog_items(client))[vid]
    assert item["audio"] == ["mn", "zh"] and item["hls"] == new["hls"]
    master = await (await client.get(new["hls"])).text()
    first = next(line for line in master.splitlines() if line.startswith("#EXT-X-MEDIA:TYPE=AUDIO"))
    assert 'LANGUAGE="mn"' in first and 'NAME="ᠮᠣᠩᠭᠣᠯ"' in first and 'URI="audio_mn/' in first
    new_base = new["hls"].rsplit("/", 1)[0]
    # the track that was called Chinese is now called Mongolian: the same sound under its right name
    assert await (await client.get(f"{new_base}/audio_mn/seg_00000.ts")).read() == old_zh
    assert await (await client.get(f"{new_base}/audio_zh/seg_00000.ts")).read() == old_mn
    # what a box or a cache already holds under the old addresses is unchanged
    assert await (await client.get(f"{base}/audio_zh/seg_00000.ts")).read() == old_zh
    log = await (await client.get(f"/api/v1/videos/{vid}/audit", headers=editor)).json()
    assert log[-1]["before"]["audio_languages"] == '["zh", "mn"]'
    assert log[-1]["after"]["audio_languages"] == '["mn", "zh"]'
