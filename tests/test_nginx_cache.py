"""Serving a province: nginx on loopback as a caching proxy absorbs a fleet of boxes.

Given a real `content-server serve` behind Debian's nginx with proxy_cache, when a fleet of
boxes polls the catalog, the guide and the live playlists, then the origin sees about one
request per URL per max-age (not one per box), and live playlists at most one per segment.
"""
import asyncio
import os
import shutil
import subprocess
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from content_server.kernel import auth
from content_server.kernel.config import DataRoot, Settings
from content_server.catalog.publish_window import iso
from content_server.schedule.document import validate_schedule
from content_server.storage import Store, accounts, schedule as schedule_sql

from .channel_media import SEGMENT, install, install_slate
from .conftest import METRICS, add_account, free_port
from .ready_video import add_ready_video
from .test_channel_live import renditions  # noqa: F401  (session fixture)
from . import given

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")

BOXES = 40
ROUNDS = 4  # each box polls four times, a second apart (its minutes, compressed)


def this_hour_schedule() -> dict:
    """The two short videos for the hour now running in Shanghai (a day of 5-second clips would
    make a guide of megabytes), the slate the rest of the day."""
    hour = datetime.now(ZoneInfo("Asia/Shanghai")).hour
    return {"seed": 1, "playlists": {"mix": ["talk", "short"]},
            "slots": [{"id": "now", "title": {"zh": "本时段", "mn": "ᠡᠨᠡ ᠴᠠᠭ"}, "start": f"{hour:02d}:00",
                       "end": f"{hour + 1:02d}:00", "source": {"type": "playlist", "playlist": "mix"},
                       "order": "shuffle"}]}
# what a box polls: the slowly changing documents (max-age 60 s or more) …
DOCUMENTS = {"/api/v1/catalog": "/api/v1/catalog", "/api/v1/services?region=152500": "/api/v1/services",
             "/api/v1/glossary": "/api/v1/glossary", "/api/v1/topics": "/api/v1/topics",
             "/api/v1/guides": "/api/v1/guides", "/api/v1/channels": "/api/v1/channels",
             "/api/v1/channels/legal/guide?hours=48": "/api/v1/channels/{channel_id}/guide",
             "/api/v1/xmltv.xml": "/api/v1/xmltv.xml", "/api/v1/channels/legal/live.m3u8":
             "/api/v1/channels/{channel_id}/live.m3u8",
             "/media/renditions/talk/144p/seg_00000.ts": "/media/renditions/{video_id}/{tail}",
             "/media/slate/360p/seg_00000.ts": "/media/slate/{tail}"}
# … the changes document that tells which of them moved (max-age 30 s) …
CHANGES = "/api/v1/changes"
# … and the live variant playlists, which move on every segment
LIVE = ["/api/v1/channels/legal/live/144p.m3u8", "/api/v1/channels/legal/live/audio_zh.m3u8"]
PATHS = list(DOCUMENTS) + [CHANGES] + LIVE

NGINX_CONF = """
{user}
worker_processes 1;
pid {dir}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fcgi;
    uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
    proxy_cache_path {dir}/cache levels=1:2 keys_zone=legaltv:10m max_size=100m inactive=1h use_temp_path=off;
    upstream origin {{ server 127.0.0.1:{origin}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port};
        # What one box or one account alone may read is never kept, and is kept out of the cache
        # altogether: every box asks the same path for its own questions, so under proxy_cache they
        # would share one cache key and its lock would hold each box back behind the one before.
        location ~ ^/(api/v1/(questions|desk/|devices|uploads|videos)|console/) {{
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            client_max_body_size 0;
        }}
        location / {{
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache legaltv;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 30s;
            proxy_cache_lock_age 30s;
            proxy_cache_use_stale updating error timeout;
            proxy_cache_background_update on;
            proxy_cache_revalidate on;
            add_header X-Cache-Status $upstream_cache_status;
        }}
        # Renditions and posters: kept only as long as the origin says (s-maxage: at most 5 min and
        # never past the video's publish window), then revalidated; never served stale while
        # updating, so once a video leaves its window the origin's 404 reaches every box.
        location /media/ {{
            proxy_pass http://origin;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache legaltv;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 30s;
            proxy_cache_use_stale error timeout;
            proxy_cache_revalidate on;
            add_header X-Cache-Status $upstream_cache_status;
        }}
    }}
}}
"""


@pytest.fixture
def nginx(tmp_path):
    """Starts nginx in front of an origin port; stops it afterwards."""
    started = []

    def start(origin: int) -> str:
        folder = tmp_path / "nginx"
        folder.mkdir()
        port = free_port()
        user = "user root;" if os.geteuid() == 0 else ""  # workers must reach the cache in tmp
        (folder / "nginx.conf").write_text(NGINX_CONF.format(user=user, dir=folder, origin=origin, port=port))
        proc = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
                                 str(folder / "error.log"), "-g", "daemon off;"])
        started.append(proc)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                import socket
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return f"http://127.0.0.1:{port}"
            except OSError:
                assert proc.poll() is None, (folder / "error.log").read_text()
                time.sleep(0.05)
        raise TimeoutError("nginx did not start")
    yield start
    for proc in started:
        proc.terminate()
        proc.wait(10)


def prepare_origin(data: Path, cache: Path) -> None:
    """Two ready videos and an all-day channel, written before the server starts."""
    root = DataRoot(data)
    root.create()
    store = Store(root.database)
    try:
        install(store, root, cache, "talk")
        install(store, root, cache, "short")
        install_slate(root, cache)
        schedule = validate_schedule(this_hour_schedule(), given.read(store, schedule_sql.video_statuses),
                                     given.read(store, schedule_sql.ready_counts_by_category))
        given.write(store, schedule_sql.add_channel, "legal", {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, schedule)
    finally:
        store.close()


def children(pid: int) -> list[str]:
    """Names of the processes whose parent is `pid` (an ffmpeg per viewer would show here)."""
    names = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text.split("(", 1)[1].rsplit(")", 1)
        if int(rest.split()[1]) == pid:
            names.append(name)
    return names


def origin_hits(metrics: str) -> dict[str, float]:
    """Requests the origin answered, by route, whatever the status (200 and 304 alike)."""
    hits: dict[str, float] = {}
    for line in metrics.splitlines():
        if line.startswith("legaltv_http_requests_total{"):
            labels, value = line.rsplit(" ", 1)
            path = labels.split('path="', 1)[1].split('"', 1)[0]
            hits[path] = hits.get(path, 0) + float(value)
    return hits


async def box(session: aiohttp.ClientSession, edge: str, token: str, seen: list) -> None:
    """One box: polls everything it shows, ROUNDS times, a second apart."""
    headers = {"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"}
    for _ in range(ROUNDS):
        for path in PATHS:
            async with session.get(edge + path, headers=headers) as resp:
                assert resp.status == 200, (path, resp.status)
                await resp.read()
                seen.append(resp.headers.get("X-Cache-Status"))
        await asyncio.sleep(1)


async def test_nginx_absorbs_a_fleet_of_boxes(server_process, nginx, tmp_path, renditions):  # noqa: F811
    prepare_origin(tmp_path / "data", renditions)
    origin = server_process()
    edge = nginx(origin.port)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=BOXES)) as session:
        async with session.post(origin.url + "/api/v1/devices", json={"region": "152500", "language": "mn"}) as resp:
            token = (await resp.json())["token"]
        async with session.get(origin.url + "/metrics", headers=METRICS) as resp:
            before = origin_hits(await resp.text())
        seen: list = []
        started = time.monotonic()
        await asyncio.gather(*(box(session, edge, token, seen) for _ in range(BOXES)))
        elapsed = time.monotonic() - started
        assert children(origin.proc.pid) == []  # the whole fleet watched the channel: no encoder ran
        async with session.get(origin.url + "/metrics", headers=METRICS) as resp:
            after = origin_hits(await resp.text())
    hits = {path: after.get(path, 0) - before.get(path, 0) for path in after}
    assert len(seen) == BOXES * ROUNDS * len(PATHS)
    # catalog, guide and the rest (max-age >= 60 s): one origin request per max-age for the whole fleet
    for path, route in DOCUMENTS.items():
        assert hits.get(route, 0) <= 1 + elapsed // 60, (path, hits.get(route))
    assert hits.get(CHANGES, 0) <= 1 + elapsed // 30  # what every box asks every minute: twice a minute at most
    # live variants change once per segment: at most one origin request per segment per variant
    allowed = 2 * (elapsed / SEGMENT + 2)
    assert hits.get("/api/v1/channels/{channel_id}/live/{variant}.m3u8", 0) <= allowed
    assert seen.count("HIT") + seen.count("UPDATING") > 0.9 * len(seen)


async def test_the_edge_stops_serving_a_video_when_its_window_ends(server_process, nginx, tmp_path):
    """Given a video that ends in a few seconds, cached by the edge, one that already ended and
    one that starts when the first ends, then through the edge the ended and the coming one are
    404, and once the boundary passes the first is 404 and the coming one plays."""
    now = time.time()
    settings = Settings(data=tmp_path / "data")
    settings.root.create()
    store = Store(settings.root.database)
    try:
        ended = add_ready_video(store, settings, publish_until=iso(now - 60))
        ending_at = int(now) + 10  # room for starting the server and the edge on a loaded machine
        ending = add_ready_video(store, settings, publish_until=iso(ending_at))
        coming = add_ready_video(store, settings, publish_from=iso(ending_at))
    finally:
        store.close()
    edge = nginx(server_process().port)
    files = lambda vid: [f"/media/renditions/{vid}/master.m3u8", f"/media/renditions/{vid}/234p/index.m3u8",  # noqa: E731
                         f"/media/renditions/{vid}/234p/seg_00000.ts", f"/media/posters/{vid}/poster.jpg"]
    async with aiohttp.ClientSession() as session:
        for url in files(ended) + files(coming):
            async with session.get(edge + url) as resp:
                assert resp.status == 404, url
        for _ in range(2):  # the second time from the edge's cache
            for url in files(ending):
                async with session.get(edge + url) as resp:
                    assert resp.status == 200, url
                    await resp.read()
        async with session.get(edge + files(ending)[2]) as resp:
            assert resp.headers["X-Cache-Status"] == "HIT"
        # the edge counts whole seconds: wait until the window's end is past for it too
        await asyncio.sleep(max(0.0, ending_at + 1.5 - time.time()))
        for url in files(ending):
            async with session.get(edge + url) as resp:
                assert resp.status == 404, url
        for url in files(coming):  # the edge kept no 404 past the start
            async with session.get(edge + url) as resp:
                assert resp.status == 200, url


async def test_a_withdrawn_video_stops_at_the_edge_at_once(server_process, nginx, settings):
    """Given a video the edge has cached, when an editor withdraws it, then a box starting it through
    the edge gets 404 for its playlists at once (they pass through to the origin on every play;
    without them its cached segments are never found), and after a restore it plays again."""
    settings.root.create()
    store = Store(settings.database_url)
    try:
        vid = add_ready_video(store, settings)
        user_id = add_account(store, "bayar", "editor")
        token, token_hash = auth.new_token("ltv")
        given.write(store, accounts.add_api_token, user_id, token_hash)
    finally:
        store.close()
    origin = server_process()
    edge = nginx(origin.port)
    editor = {"Authorization": f"Bearer {token}"}
    playlists = [f"/media/renditions/{vid}/master.m3u8", f"/media/renditions/{vid}/234p/index.m3u8"]
    segment = f"/media/renditions/{vid}/234p/seg_00000.ts"
    reason = {"zh": "内容过时", "mn": "ᠬᠠᠭᠤᠴᠢᠨ"}
    async with aiohttp.ClientSession() as session:
        for _ in range(2):  # the second time the segment comes from the edge's cache
            for url in playlists + [segment]:
                async with session.get(edge + url) as resp:
                    assert resp.status == 200, url
                    await resp.read()
        async with session.get(edge + segment) as resp:
            assert resp.headers["X-Cache-Status"] == "HIT"
            assert "s-maxage" in resp.headers["Cache-Control"]  # kept at most EDGE_MAX_AGE after a withdrawal
        async with session.post(edge + f"/api/v1/videos/{vid}/withdraw", headers=editor,
                                json={"reason": reason}) as resp:
            assert resp.status == 200, await resp.text()
        for url in playlists:
            async with session.get(edge + url) as resp:
                assert resp.status == 404, url
        async with session.post(edge + f"/api/v1/videos/{vid}/restore", headers=editor,
                                json={"reason": reason}) as resp:
            assert resp.status == 200, await resp.text()
        for url in playlists:
            async with session.get(edge + url) as resp:
                assert resp.status == 200, url


async def test_boxes_asking_for_their_own_questions_at_once_pass_the_edge_each_on_its_own(
        server_process, nginx, monkeypatch):
    """Given many boxes, each with a question of its own, asking for their lists through the edge
    in the same moment, then each gets its own list at once, passed through: the edge neither
    keeps a box's list nor holds one box's request back behind another's under its cache lock
    (all boxes ask the same path, so they share one cache key)."""
    monkeypatch.setenv("LEGAL_TV_DEVICE_REGISTRATIONS_PER_MINUTE", str(2 * BOXES))
    origin = server_process()
    edge = nginx(origin.port)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=BOXES)) as session:
        boxes = []
        for n in range(BOXES):
            async with session.post(origin.url + "/api/v1/devices", json={"region": "152500", "language": "mn"}) as resp:
                headers = {"Authorization": f"Bearer {(await resp.json())['token']}"}
            async with session.post(origin.url + "/api/v1/questions", headers={
                    **headers, "Idempotency-Key": str(uuid.uuid4())}, json={
                    "topic": "labour", "phrases": ["labour.1"], "text": f"box {n}", "phone": f"1380000{n:04d}",
                    "callback_window": "any", "language": "mn"}) as resp:
                assert resp.status == 201, await resp.text()
                boxes.append((headers, (await resp.json())["id"]))

        async def own_list(headers: dict) -> tuple[list, str | None]:
            async with session.get(edge + "/api/v1/questions", headers=headers) as resp:
                assert resp.status == 200
                return [q["id"] for q in await resp.json()], resp.headers.get("X-Cache-Status")
        answers = await asyncio.gather(*(own_list(headers) for headers, _ in boxes))
    assert [ids for ids, _ in answers] == [[question] for _, question in boxes]
    assert {status for _, status in answers} == {None}  # never looked up in the cache, never locked
