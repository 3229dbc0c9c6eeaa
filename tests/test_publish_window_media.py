"""A video plays only inside its publish window: outside it, its playlists, segments and
posters answer 404 like anything that does not exist; a signed-in editor may still preview it."""
from __future__ import annotations

import asyncio
import time

from content_server.catalog.publish_window import iso
from content_server.kernel.config import SETTINGS
from content_server.media.static import EDGE_MAX_AGE, ServableVideos
from content_server.storage import STORE, Store, documents

from .ready_video import add_ready_video

HOUR = 3600


def files_of(vid: str) -> list[str]:
    """What a box fetches to play a video: master, a media playlist, a segment, the poster."""
    return [f"/media/renditions/{vid}/master.m3u8", f"/media/renditions/{vid}/234p/index.m3u8",
            f"/media/renditions/{vid}/234p/seg_00000.ts", f"/media/posters/{vid}/poster.jpg"]


async def test_outside_its_window_a_video_cannot_be_fetched(client, make_account):
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    now = time.time()
    coming = add_ready_video(store, settings, publish_from=iso(now + HOUR))
    ended = add_ready_video(store, settings, publish_until=iso(now - HOUR))
    showing = add_ready_video(store, settings, publish_from=iso(now - HOUR), publish_until=iso(now + HOUR))
    for vid in (coming, ended):
        for url in files_of(vid):
            resp = await client.get(url)
            assert resp.status == 404, url
            assert set((await resp.json())["message"]) == {"zh", "mn"}
    for url in files_of(showing):
        resp = await client.get(url)
        assert resp.status == 200, url
        if url.endswith(".m3u8"):  # asked again on every play: a withdrawal stops new plays at once
            assert resp.headers["Cache-Control"] == "public, no-cache", url
            continue
        # no cache may keep it past the window's end, and an edge keeps it at most EDGE_MAX_AGE
        caching = dict(part.strip().partition("=")[::2] for part in resp.headers["Cache-Control"].split(","))
        assert 0 < int(caching["max-age"]) <= HOUR and 0 < int(caching["s-maxage"]) <= EDGE_MAX_AGE, url
    # a box (device token) or staff account gets nothing more; an editor previews, uncached
    box = await client.post("/api/v1/devices", json={"region": "152500", "language": "mn"})
    households = {"Authorization": f"Bearer {(await box.json())['token']}"}
    for headers in (households, make_account("desk", "staff")):
        assert (await client.get(files_of(coming)[0], headers=headers)).status == 404
    editor = make_account("ed", "editor")
    for url in files_of(coming) + files_of(ended):
        resp = await client.get(url, headers=editor)
        assert resp.status == 200, url
        assert resp.headers["Cache-Control"] == "private, no-store"


async def test_the_servable_set_follows_the_window_boundaries_and_other_processes(settings):
    settings.root.create()
    store = Store(settings.root.database)
    try:
        now = time.time()
        vid = add_ready_video(store, settings, publish_from=iso(now + 10), publish_until=iso(now + 20))
        servable = ServableVideos(store)
        # the boundaries pass with no write at all
        assert await servable.seconds_left(vid, now) is None
        assert await servable.seconds_left(vid, now + 12) == iso_seconds(now + 20) - (now + 12)
        assert await servable.seconds_left(vid, now + 21) is None
        assert await servable.seconds_left("other", now + 12) is None
        # another process (a worker, the command line) closes the window: seen once this process
        # re-reads the document versions, which it does by itself at least once a second
        other = Store(settings.root.database)
        await other.write(_close_window, vid, iso(now + 13))
        await asyncio.to_thread(other.close)
        await store.refresh_versions()
        assert await servable.seconds_left(vid, now + 14) is None
    finally:
        await asyncio.to_thread(store.close)


def _close_window(tx, video_id: str, until: str) -> None:
    tx.execute("UPDATE videos SET publish_until = ? WHERE id = ?", (until, video_id))
    documents.bump(tx, documents.Document.CATALOG)


def iso_seconds(epoch: float) -> float:
    """An instant as stored (whole seconds)."""
    return float(int(epoch))
