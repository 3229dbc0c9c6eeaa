"""A full disk: the server says so (503, Retry-After, in both languages), keeps no half-done work
and acknowledges nothing it did not store; once space is freed everything works again.

A real server process keeps its data root on an 8 MB tmpfs the test mounts, which a file fills.
"""
from __future__ import annotations

import asyncio
import errno
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import aiohttp
import pytest

from content_server.kernel import auth, disk_space
from content_server.kernel.config import DataRoot, Settings
from content_server.kernel.errors import ApiError
from content_server.media import room
from content_server.questions import topics
from content_server.storage import STORE, Store, accounts, catalog as catalog_sql, media as media_sql

from .conftest import ServerProcess, add_account
from .media_samples import two_languages
from .ready_video import ensure_category
from .tus import TUS, metadata_header
from . import given

MIB = 1024 * 1024


@pytest.fixture
def small_disk(tmp_path):
    """An 8 MB filesystem of the test's own, unmounted afterwards."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(mount_point)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {done.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=True)


def fill(disk: Path) -> Path:
    """Writes to a file until the disk refuses another byte."""
    filler = disk / "filler.bin"
    with open(filler, "ab", buffering=0) as out:
        for size in (MIB, 4096, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    assert os.statvfs(disk).f_bavail == 0
    return filler


def empty_the_log(database: Path) -> None:
    """Copies the write-ahead log into the database and cuts it to nothing, so that the next
    commit must grow a file (the server's connections are idle; its log would otherwise be
    reused in place and a small commit could still fit)."""
    conn = sqlite3.connect(str(database), timeout=10)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0
    finally:
        conn.close()


def prepare(data: Path) -> tuple[dict, str]:
    """Topics, a category, an editor with an API token and a registered box, written before the server starts."""
    DataRoot(data).create()
    store = Store(DataRoot(data).database)
    try:
        given.write(store, topics.seed)
        given.write(store, catalog_sql.add_category, "traffic", "交通", "ᠵᠠᠮ")
        editor_id = add_account(store, "editor", "editor")
        token, token_hash = auth.new_token("ltv")
        given.write(store, accounts.add_api_token, editor_id, token_hash)
        box_token, box_hash = auth.new_token("dev")
        given.write(store, accounts.add_device, "box-1", box_hash, "152500", "mn")
    finally:
        store.close()
    return {"Authorization": f"Bearer {token}"}, box_token


async def assert_disk_full(resp: aiohttp.ClientResponse, status: int = 503) -> None:
    body = await resp.json()
    assert resp.status == status, body
    if status == 503:  # passing: come back later (507 waits for an administrator instead)
        assert int(resp.headers["Retry-After"]) > 0
    message = body["message"]
    assert set(message) == {"zh", "mn"} and all(message.values()) and message["zh"] != message["mn"]
    assert any("\u1800" <= ch <= "\u18af" for ch in message["mn"])


async def upload(session, base: str, editor: dict, data: bytes) -> str:
    """A whole tus upload (creation with upload); returns its id."""
    async with session.post(base + "/api/v1/uploads", data=data, headers={
            **editor, **TUS, "Upload-Length": str(len(data)), "Content-Type": "application/offset+octet-stream",
            "Upload-Metadata": metadata_header(filename="case.mp4")}) as resp:
        assert resp.status == 201, await resp.text()
        assert int(resp.headers["Upload-Offset"]) == len(data)
        return resp.headers["Location"].rsplit("/", 1)[-1]


def video_body(upload_id: str) -> dict:
    return {"upload_id": upload_id, "category": "traffic", "title": {"zh": "交通事故", "mn": "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"},
            "summary": {"zh": "", "mn": ""}, "audio_languages": ["zh", "mn"]}


def question(text: str, topic: str = "traffic", phone: str = "13800138000") -> dict:
    return {"topic": topic, "phrases": [], "text": text, "phone": phone,
            "callback_window": "any", "language": "mn"}


async def test_a_full_disk_is_told_plainly_and_everything_works_again_once_freed(small_disk, tmp_path):
    editor, box_token = prepare(small_disk)
    box = {"Authorization": f"Bearer {box_token}"}
    source = two_languages(2)
    server = ServerProcess(small_disk).start()
    try:
        base = server.url
        async with aiohttp.ClientSession() as session:
            async with session.get(base + "/healthz") as resp:
                assert resp.status == 200
            source_id = await upload(session, base, editor, source)
            junk_id = await upload(session, base, editor, os.urandom(MIB))  # an upload the editor gives up
            resumed = os.urandom(MIB)  # an upload still to be sent
            async with session.post(base + "/api/v1/uploads", headers={
                    **editor, **TUS, "Upload-Length": str(len(resumed)),
                    "Upload-Metadata": metadata_header(filename="c.mp4")}) as resp:
                resumed_url = base + resp.headers["Location"]
            async with session.post(base + "/api/v1/questions", json=question("工钱没给", "wages"),
                                    headers={**box, "Idempotency-Key": str(uuid.uuid4())}) as resp:
                assert resp.status == 201
                numbers = [(await resp.json())["number"]]
            empty_the_log(DataRoot(small_disk).database)
            filler = fill(small_disk)

            # when the disk is almost full (below the reserve of 5 % of this small disk)
            os.truncate(filler, filler.stat().st_size - 128 * 1024)
            async with session.get(base + "/healthz") as resp:
                await assert_disk_full(resp)
                health = await resp.json()
                assert health["reason"] == "low_disk_space" and 0 < health["free_bytes"] < health["min_free_bytes"]
            async with session.post(base + "/api/v1/videos", json=video_body(source_id), headers=editor) as resp:
                await assert_disk_full(resp, 507)  # its renditions would not fit: no job that must fail later
            assert not any(DataRoot(small_disk).work.iterdir())
            fill(small_disk)

            # when the disk is full
            async with session.get(base + "/healthz") as resp:
                await assert_disk_full(resp)
                assert (await resp.json())["free_bytes"] == 0
            key = str(uuid.uuid4())
            async with session.post(base + "/api/v1/questions", json=question("车被撞了"),
                                    headers={**box, "Idempotency-Key": key}) as resp:
                await assert_disk_full(resp)
            async with session.post(base + "/api/v1/devices", json={"region": "152500", "language": "zh"}) as resp:
                await assert_disk_full(resp)
            async with session.post(base + "/api/v1/uploads", headers={
                    **editor, **TUS, "Upload-Length": "100", "Upload-Metadata": metadata_header(filename="b.mp4")}) as resp:
                await assert_disk_full(resp)
                assert resp.headers["Tus-Resumable"] == "1.0.0"
            async with session.patch(resumed_url, data=resumed, headers={
                    **editor, **TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}) as resp:
                await assert_disk_full(resp, 507)
                assert int(resp.headers["Retry-After"]) > 0
            async with session.head(resumed_url, headers={**editor, **TUS}) as resp:
                assert resp.headers["Upload-Offset"] == "0"  # nothing acknowledged that is not on disk
            async with session.post(base + "/api/v1/videos", json=video_body(source_id), headers=editor) as resp:
                await assert_disk_full(resp, 507)  # refused before a transcode that cannot finish
            assert not any(DataRoot(small_disk).work.iterdir())
            async with session.get(base + "/api/v1/questions", headers=box) as resp:
                assert [q["number"] for q in await resp.json()] == numbers  # nothing was kept half-way
            # cancelling an upload frees its file even on a full disk
            async with session.delete(base + f"/api/v1/uploads/{junk_id}", headers={**editor, **TUS}) as resp:
                assert resp.status == 204, await resp.text()
            assert not DataRoot(small_disk).upload_file(junk_id).exists()
            async with session.head(base + f"/api/v1/uploads/{junk_id}", headers={**editor, **TUS}) as resp:
                assert resp.status == 404

            # when space is freed, the same requests succeed
            filler.unlink()
            async with session.get(base + "/healthz") as resp:
                assert resp.status == 200, await resp.text()
            async with session.post(base + "/api/v1/questions", json=question("车被撞了"),
                                    headers={**box, "Idempotency-Key": key}) as resp:
                assert resp.status == 201, await resp.text()  # new: the refused one was never stored
                numbers.append((await resp.json())["number"])
            async with session.post(base + "/api/v1/devices", json={"region": "152500", "language": "zh"}) as resp:
                assert resp.status == 201
            async with session.post(base + "/api/v1/uploads", headers={
                    **editor, **TUS, "Upload-Length": "100", "Upload-Metadata": metadata_header(filename="b.mp4")}) as resp:
                assert resp.status == 201
            async with session.patch(resumed_url, data=resumed, headers={
                    **editor, **TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}) as resp:
                assert resp.status == 204 and resp.headers["Upload-Offset"] == str(len(resumed))
            async with session.post(base + "/api/v1/videos", json=video_body(source_id), headers=editor) as resp:
                assert resp.status == 202, await resp.text()
        log = (tmp_path / f"server-{server.port}.log").read_text(errors="replace")
        assert "Traceback" not in log
        # every question acknowledged is there after a crash
        server.kill()
        server = ServerProcess(small_disk).start()
        async with aiohttp.ClientSession() as session:
            async with session.get(server.url + "/api/v1/questions", headers=box) as resp:
                assert sorted(q["number"] for q in await resp.json()) == sorted(numbers)
    finally:
        server.stop()


async def test_questions_refused_by_a_full_database_are_503_and_never_acknowledged(client):
    """SQLite itself says 'database or disk is full' (its page limit stands in for the disk) while
    batches of questions arrive: each box hears either 201 for a question that is stored, or 503
    with Retry-After for one that is not, never 500; the refused ones go through once there is room."""
    store = client.server.app[STORE]
    boxes = []
    for _ in range(4):
        resp = await client.post("/api/v1/devices", json={"region": "152500", "language": "mn"})
        boxes.append({"Authorization": f"Bearer {(await resp.json())['token']}"})
    asked = [(box, str(uuid.uuid4()), "ᠮᠢᠨᠦ ᠬᠣᠨᠢ ᠶᠢ ᠬᠦᠷᠢᠶᠡᠨ ᠬᠥᠮᠦᠨ ᠪᠠᠷᠢᠵᠠᠢ " * 12, topic, f"1390471000{n}")
             for n, box in enumerate(boxes) for topic in ("traffic", "wages", "land")]
    await store.write(_page_limit, None)  # the writer's connection: every write goes through it

    async def ask(box, key, text, topic, phone):
        return await client.post("/api/v1/questions", json=question(text[:500], topic, phone),
                                 headers={**box, "Idempotency-Key": key})
    replies = await asyncio.gather(*(ask(*one) for one in asked))
    refused = []
    for one, resp in zip(asked, replies):
        if resp.status != 201:
            await assert_disk_full(resp)
            refused.append(one)
    assert refused  # the limit was reached
    stored = [q for box in boxes for q in await (await client.get("/api/v1/questions", headers=box)).json()]
    assert len(stored) == len(asked) - len(refused)
    await store.write(_page_limit, 1073741823)
    for one in refused:
        assert (await ask(*one)).status == 201


def _page_limit(tx, pages: int | None) -> None:
    """The connection's file size limit: `pages`, or (None) the pages it has now."""
    pages = tx.one("PRAGMA page_count")[0] if pages is None else pages
    tx.one(f"PRAGMA max_page_count = {pages}")


def test_a_video_is_taken_only_if_its_renditions_fit_beside_the_unfinished_ones(small_disk):
    """The room rule of media/room.py on a real small disk: a video whose estimated renditions fit
    above the reserve is taken; the next is refused while the first is still to be transcoded
    (what it has written already shows in the free space; the rest is counted)."""
    settings = Settings(data=small_disk)
    settings.root.create()
    store = Store(settings.root.database)
    try:
        spec = {"probe": {"duration": 10.0, "width": 640, "height": 360}, "audio": [{"lang": "zh"}, {"lang": "mn"}]}
        estimate = room.rendition_bytes(spec)
        # leave room for one video and a half above the reserve
        ballast = disk_space.free_bytes(small_disk) - disk_space.reserve_bytes(settings, small_disk) - estimate * 3 // 2
        assert ballast > 0
        with open(small_disk / "ballast.bin", "wb") as out:
            out.write(b"\0" * ballast)
        ensure_category(store)
        given.write(store, media_sql.add_video_with_job, {"id": "first", "category": "traffic", "title_zh": "一",
                                             "title_mn": "ᠨᠢᠭᠡ", "audio_languages": ["zh", "mn"],
                                             "subtitle_languages": [], "source": spec})
        for video_id in ("first", "second"):
            settings.root.work.joinpath(video_id).mkdir()
        room.ensure_room(settings, "first", spec, [])
        with pytest.raises(ApiError) as refused:
            room.ensure_room(settings, "second", spec, given.read(store, media_sql.unfinished_transcodes))
        assert refused.value.status == 507 and refused.value.code == "no_room_for_video"
        assert not settings.root.work.joinpath("second").exists()  # nothing is left of the refused one
        assert set(refused.value.body()["message"]) == {"zh", "mn"}
        # a quarter through, the first has three quarters of its renditions still to write: no room
        given.write(store, media_sql.set_progress, "first", 0.25)
        with pytest.raises(ApiError):
            room.ensure_room(settings, "second", spec, given.read(store, media_sql.unfinished_transcodes))
        given.write(store, media_sql.finish_job, "first", 10.0, [])
        assert given.read(store, media_sql.unfinished_transcodes) == []
    finally:
        store.close()
