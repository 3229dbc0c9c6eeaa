"""`content-server demo` leaves a legal channel that plays its demo videos across programme joins."""
import asyncio
import re
import shutil
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from content_server import media, schedule
from content_server.kernel.clock import CLOCK
from content_server.kernel.config import SETTINGS, Settings
from content_server.storage import STORE, Store

from .test_channel_live import on_air, parse_playlist, video_of
from . import given

CHINA = ZoneInfo("Asia/Shanghai")
MONGOLIAN = re.compile("[\u1800-\u18af]")


@pytest.fixture
def settings(tmp_path):
    return Settings(data=tmp_path / "data", extra={"demo_seconds": 4, "demo_count": 2})


@pytest.mark.slow
async def test_demo_channel_plays_the_demo_videos_continuously(client):
    app = client.server.app
    store, settings = app[STORE], app[SETTINGS]
    # given the media demo, then the channel demo, run twice (as `content-server demo` does, off the loop)
    def demo():
        own = Store(settings.root.database)
        try:
            media.fill_demo(own, settings)
            schedule.fill_demo(own, settings)
            schedule.fill_demo(own, settings)
        finally:
            own.close()
    await asyncio.to_thread(demo)
    channels = await (await client.get("/api/v1/channels")).json()
    assert [c["id"] for c in channels] == ["legal"]
    assert channels[0]["title"]["zh"] == "法治频道" and MONGOLIAN.search(channels[0]["title"]["mn"])

    # when a box tunes in at 08:00:01 tomorrow, Shanghai time, the clock running from there
    tomorrow = datetime.now(CHINA).date() + timedelta(days=1)
    eight = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 8, 0, 1, tzinfo=CHINA).timestamp()
    app[CLOCK].offset = eight - time.time()
    guide = await (await client.get("/api/v1/channels/legal/guide?hours=48")).json()
    ready = {row["id"] for row in await store.read(given.rows, "SELECT id FROM videos WHERE status = 'ready'")}
    assert {g["item_id"] for g in guide if g["item_id"]} == ready
    assert on_air(guide, eight)["item_id"] in ready

    # then every playlist the master names, and every segment they list, is served
    master = await (await client.get("/api/v1/channels/legal/live.m3u8")).text()
    uris = re.findall(r'URI="(live/[^"]+)"', master) + re.findall(r"^(live/.+)$", master, re.M)
    assert "live/audio_only_zh.m3u8" in uris  # the thin-link rung of the on-demand ladder, live too
    for uri in set(uris):
        text = await (await client.get(f"/api/v1/channels/legal/{uri}")).text()
        for segment in parse_playlist(text)["segments"]:
            assert (await client.get(segment["url"])).status == 200, segment["url"]
    lowest = re.findall(r"^live/(.+)\.m3u8$", master, re.M)[0]
    before = app[CLOCK]()
    playlist = parse_playlist(await (await client.get(f"/api/v1/channels/legal/live/{lowest}.m3u8")).text())
    after = app[CLOCK]()
    joining = playlist["segments"][-3]  # where a player starts: the segment on air during the request
    assert joining["start"] - 0.01 <= after and before < joining["start"] + joining["duration"] + 0.01
    assert video_of(joining["url"]) == on_air(guide, joining["start"] + 0.01)["item_id"]

    # and a real player decodes across programme joins without an error
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is not installed")
    url = f"http://127.0.0.1:{client.server.port}/api/v1/channels/legal/live/{lowest}.m3u8"
    proc = await asyncio.create_subprocess_exec(
        "ffmpeg", "-nostdin", "-v", "error", "-i", url, "-t", "10", "-f", "null", "-",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, errors = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, errors.decode()
    played = [g for g in guide if g["item_id"] and datetime.fromisoformat(g["start"]).timestamp() < eight + 10
              and datetime.fromisoformat(g["end"]).timestamp() > eight]
    assert len(played) >= 2  # at least one programme join fell inside what was decoded
