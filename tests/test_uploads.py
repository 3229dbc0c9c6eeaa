"""Editors upload large files over links that drop: tus 1.0.0 at /api/v1/uploads."""
from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
import resource
import socket
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from content_server.kernel import auth
from content_server.app import create_app
from content_server.kernel.config import SETTINGS, DataRoot
from content_server.kernel.errors import ApiError
from content_server.storage import STORE, Store, accounts
from content_server.storage import uploads as upload_sql
from content_server.uploads import cleanup, discard_upload, finished_upload, receive
from content_server.uploads.routes import BUSY

from .browser import CHROMIUM, CHROMIUM_ARGS, live_server, new_page, sign_in  # noqa: F401 (fixture)
from .conftest import METRICS, PASSWORD, add_account
from .console_session import post_login
from .tus import OFFSET_BODY, TUS, metadata_header, tus_upload, tus_upload_sync
from . import given

MONGOLIAN = re.compile("[\u1800-\u18af]")
DATA = bytes(range(256)) * 4096  # 1 MiB with a pattern that shows misplaced bytes


def sha1_header(data: bytes) -> str:
    return "sha1 " + base64.b64encode(hashlib.sha1(data).digest()).decode()


async def create(client, headers, length: int, **extra) -> str:
    resp = await client.post("/api/v1/uploads", headers={**headers, **TUS, "Upload-Length": str(length), **extra})
    assert resp.status == 201, await resp.text()
    return resp.headers["Location"]


async def patch(client, headers, location: str, offset: int, body: bytes, **extra):
    return await client.patch(location, data=body, headers={**headers, **TUS, **OFFSET_BODY,
                                                            "Upload-Offset": str(offset), **extra})


async def head(client, headers, location: str):
    return await client.head(location, headers={**headers, **TUS})


async def assert_bilingual(resp, status: int, error: str | None, field: str | None = None) -> dict:
    assert resp.status == status, await resp.text()
    body = await resp.json()
    if error is not None:
        assert body["error"] == error
    if field is not None:
        assert body["field"] == field
    assert body["message"]["zh"] and MONGOLIAN.search(body["message"]["mn"])
    return body


def upload_path(client, location: str):
    return client.server.app[SETTINGS].root.upload_file(location.rsplit("/", 1)[-1])


async def test_the_server_announces_what_it_supports(client, make_account):
    editor = make_account("saran", "editor")
    resp = await client.options("/api/v1/uploads", headers=editor)
    assert resp.status == 204
    assert resp.headers["Tus-Version"] == "1.0.0" and resp.headers["Tus-Resumable"] == "1.0.0"
    assert set(resp.headers["Tus-Extension"].split(",")) == {
        "creation", "creation-with-upload", "expiration", "checksum", "termination"}
    assert int(resp.headers["Tus-Max-Size"]) == client.server.app[SETTINGS].max_upload_bytes
    assert resp.headers["Tus-Checksum-Algorithm"] == "sha1"


async def test_an_editor_uploads_a_file_in_pieces_and_ingest_finds_it(client, make_account):
    editor = make_account("saran", "editor")
    meta = metadata_header(filename="案例 ᠬᠡᠷᠡᠭ.mp4", filetype="video/mp4")
    location = await create(client, editor, len(DATA), **{"Upload-Metadata": meta})
    assert re.fullmatch(r"/api/v1/uploads/[0-9a-f]{32}", location)
    resp = await head(client, editor, location)
    assert resp.status == 200 and resp.headers["Upload-Offset"] == "0"
    assert resp.headers["Upload-Length"] == str(len(DATA)) and resp.headers["Upload-Metadata"] == meta
    assert resp.headers["Cache-Control"] == "no-store" and "GMT" in resp.headers["Upload-Expires"]
    store, root = client.server.app[STORE], client.server.app[SETTINGS].root
    upload_id = location.rsplit("/", 1)[-1]
    with pytest.raises(ApiError) as refused:  # ingest before the upload is complete
        await store.read(finished_upload, root, upload_id, "upload_id")
    assert refused.value.status == 422 and refused.value.field == "upload_id"

    for offset in range(0, len(DATA), 300_000):
        resp = await patch(client, editor, location, offset, DATA[offset:offset + 300_000])
        assert resp.status == 204 and int(resp.headers["Upload-Offset"]) == min(offset + 300_000, len(DATA))
    assert "Upload-Expires" not in resp.headers  # a complete upload does not expire
    row = await store.read(given.row, "SELECT filename, filetype FROM uploads WHERE id = ?", (upload_id,))
    assert (row["filename"], row["filetype"]) == ("案例 ᠬᠡᠷᠡᠭ.mp4", "video/mp4")
    path = await store.read(finished_upload, root, upload_id, "upload_id")
    assert path.read_bytes() == DATA
    await store.write(discard_upload, root, upload_id)
    assert not path.exists() and (await head(client, editor, location)).status == 404


async def test_creation_with_upload_sends_the_first_bytes_with_the_creation(client, make_account):
    editor = make_account("saran", "editor")
    first = DATA[:300_000]  # far more than the JSON body limit: upload bodies are streamed, not capped
    resp = await client.post("/api/v1/uploads", data=first, headers={
        **editor, **TUS, **OFFSET_BODY, "Upload-Length": str(len(DATA)), "Upload-Checksum": sha1_header(first)})
    assert resp.status == 201 and resp.headers["Upload-Offset"] == "300000"
    location = resp.headers["Location"]
    assert (await patch(client, editor, location, 300_000, DATA[300_000:])).status == 204
    assert upload_path(client, location).read_bytes() == DATA
    # a small subtitle file whole in the creation request is finished at once
    srt = "1\n00:00:01,000 --> 00:00:02,000\n法律援助 ᠬᠠᠭᠤᠯᠢ\n".encode()
    resp = await client.post("/api/v1/uploads", data=srt, headers={
        **editor, **TUS, **OFFSET_BODY, "Upload-Length": str(len(srt)),
        "Upload-Metadata": metadata_header(filename="zh.srt", filetype="application/x-subrip")})
    assert resp.status == 201 and resp.headers["Upload-Offset"] == str(len(srt))
    assert "Upload-Expires" not in resp.headers
    store, root = client.server.app[STORE], client.server.app[SETTINGS].root
    uid = resp.headers["Location"].rsplit("/", 1)[-1]
    assert (await store.read(finished_upload, root, uid, "subtitles.zh")).read_bytes() == srt
    # and an empty file is finished as soon as it is created
    empty = await tus_upload(client, editor, b"", filename="empty.srt")
    assert (await store.read(finished_upload, root, empty, "subtitles.mn")).stat().st_size == 0


async def test_a_dropped_connection_keeps_what_arrived_and_the_upload_resumes(client, make_account):
    editor = make_account("saran", "editor")
    location = await create(client, editor, len(DATA))
    path = upload_path(client, location)
    # given a PATCH whose connection drops after 600 kB of 1 MiB
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    head_lines = [f"PATCH {location} HTTP/1.1", f"Host: {client.server.host}",
                  f"Authorization: {editor['Authorization']}", "Tus-Resumable: 1.0.0",
                  "Content-Type: application/offset+octet-stream", "Upload-Offset: 0",
                  f"Content-Length: {len(DATA)}"]
    writer.write(("\r\n".join(head_lines) + "\r\n\r\n").encode() + DATA[:600_000])
    await writer.drain()
    for _ in range(200):  # until the server has written part of it
        if path.stat().st_size >= 300_000:
            break
        await asyncio.sleep(0.02)
    on_disk = path.stat().st_size
    assert on_disk >= 300_000
    writer.transport.abort()
    # then HEAD reports at least what was on disk, and the rest can be sent from there
    for _ in range(200):
        offset = int((await head(client, editor, location)).headers["Upload-Offset"])
        if offset >= on_disk:
            break
        await asyncio.sleep(0.02)
    assert on_disk <= offset <= 600_000
    for _ in range(200):  # the old request may still be finishing: 423 means try again shortly
        resp = await patch(client, editor, location, offset, DATA[offset:])
        if resp.status != 423:
            break
        await asyncio.sleep(0.02)
    assert resp.status == 204 and resp.headers["Upload-Offset"] == str(len(DATA))
    assert path.read_bytes() == DATA


async def test_a_link_that_dies_silently_frees_the_upload_for_the_resumed_one(client, make_account, monkeypatch):
    monkeypatch.setattr(receive, "IDLE_SECONDS", 1.0)
    editor = make_account("saran", "editor")
    location = await create(client, editor, len(DATA))
    # given a PATCH whose link went quiet without closing (a pulled cable, a NAT that forgot it)
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(("\r\n".join([
        f"PATCH {location} HTTP/1.1", f"Host: {client.server.host}", f"Authorization: {editor['Authorization']}",
        "Tus-Resumable: 1.0.0", "Content-Type: application/offset+octet-stream", "Upload-Offset: 0",
        f"Content-Length: {len(DATA)}"]) + "\r\n\r\n").encode() + DATA[:100_000])
    await writer.drain()
    receiving = client.server.app[BUSY]
    for _ in range(500):  # the server reads that request's first bytes on its own time
        if location.rsplit("/", 1)[-1] in receiving:
            break
        await asyncio.sleep(0.01)
    assert location.rsplit("/", 1)[-1] in receiving
    # when the editor's client resumes, it is asked to wait while the old request holds the upload
    for _ in range(100):
        resp = await patch(client, editor, location, 0, DATA)
        if resp.status != 423:
            break
        assert (await resp.json())["error"] == "upload_busy"
        await asyncio.sleep(0.1)
    # then the quiet request is given up, its bytes kept, and the resumed one continues after them
    await assert_bilingual(resp, 409, "offset_mismatch")
    offset = int(resp.headers["Upload-Offset"])
    assert 0 < offset <= 100_000
    assert (await patch(client, editor, location, offset, DATA[offset:])).status == 204
    assert upload_path(client, location).read_bytes() == DATA
    writer.close()


def _editor_token(data_dir) -> dict:
    store = Store(DataRoot(data_dir).database)
    try:
        user_id = add_account(store, "saran", "editor")
        token, token_hash = auth.new_token("ltv")
        given.write(store, accounts.add_api_token, user_id, token_hash)
    finally:
        store.close()
    return {"Authorization": f"Bearer {token}"}


def _request(url: str, method: str, headers: dict, body: bytes | None = None):
    """(status, headers, body) of one request to a `server_process`; a hung server fails it in 20 s."""
    req = urllib.request.Request(url, method=method, data=body, headers={**TUS, **headers})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_an_upload_resumes_after_the_server_is_killed(server_process, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    editor = _editor_token(data_dir)
    data = DATA * 3
    server = server_process()
    finished = tus_upload_sync(server.url, editor, b"subtitles", filename="zh.srt")
    status, headers, _ = _request(f"{server.url}/api/v1/uploads", "POST", {**editor, "Upload-Length": str(len(data))}, b"")
    assert status == 201
    location = headers["Location"]
    path = DataRoot(data_dir).upload_file(location.rsplit("/", 1)[-1])
    status, headers, _ = _request(server.url + location, "PATCH", {**editor, **OFFSET_BODY, "Upload-Offset": "0"},
                               data[:len(DATA)])
    assert status == 204 and headers["Upload-Offset"] == str(len(DATA))
    # given a second PATCH in flight, when the server is killed -9
    sock = socket.create_connection(("127.0.0.1", server.port))
    sock.sendall(("\r\n".join([
        f"PATCH {location} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: {editor['Authorization']}",
        "Tus-Resumable: 1.0.0", "Content-Type: application/offset+octet-stream", f"Upload-Offset: {len(DATA)}",
        f"Content-Length: {len(DATA)}"]) + "\r\n\r\n").encode() + data[len(DATA):len(DATA) + 700_000])
    deadline = time.monotonic() + 10
    while path.stat().st_size < len(DATA) + 200_000 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.kill()
    sock.close()
    # then after a restart the acknowledged offset is on disk, intact, and the upload completes
    server = server_process(server.port)
    status, headers, _ = _request(server.url + location, "HEAD", editor)
    offset = int(headers["Upload-Offset"])
    assert status == 200 and len(DATA) <= offset <= len(DATA) + 700_000
    assert path.stat().st_size >= offset and path.read_bytes()[:offset] == data[:offset]
    status, headers, _ = _request(server.url + location, "PATCH", {
        **editor, **OFFSET_BODY, "Upload-Offset": str(offset), "Upload-Checksum": sha1_header(data[offset:])},
        data[offset:])
    assert status == 204 and headers["Upload-Offset"] == str(len(data))
    assert hashlib.sha1(path.read_bytes()).digest() == hashlib.sha1(data).digest()
    status, headers, _ = _request(f"{server.url}/api/v1/uploads/{finished}", "HEAD", editor)
    assert status == 200 and headers["Upload-Offset"] == headers["Upload-Length"] == "9"


async def test_clients_behind_proxies_that_block_patch_can_override_the_method(client, make_account):
    editor = make_account("saran", "editor")
    location = await create(client, editor, 4)
    resp = await client.post(location, data=b"abcd", headers={
        **editor, **TUS, **OFFSET_BODY, "Upload-Offset": "0", "X-HTTP-Method-Override": "PATCH"})
    assert resp.status == 204 and resp.headers["Upload-Offset"] == "4"
    assert upload_path(client, location).read_bytes() == b"abcd"
    await assert_bilingual(await client.post(location, headers={**editor, **TUS}), 405, "method_not_allowed")
    resp = await client.post(location, headers={**editor, **TUS, "X-HTTP-Method-Override": "DELETE"})
    assert resp.status == 204 and not upload_path(client, location).exists()


async def test_a_piece_at_the_wrong_offset_is_refused_with_the_right_offset(client, make_account):
    editor = make_account("saran", "editor")
    location = await create(client, editor, 1000)
    assert (await patch(client, editor, location, 0, b"a" * 100)).status == 204
    resp = await patch(client, editor, location, 50, b"b" * 100)
    await assert_bilingual(resp, 409, "offset_mismatch", "Upload-Offset")
    assert resp.headers["Upload-Offset"] == "100"
    assert upload_path(client, location).read_bytes() == b"a" * 100


async def test_a_damaged_piece_is_refused_and_nothing_of_it_is_kept(client, make_account):
    editor = make_account("saran", "editor")
    location = await create(client, editor, 1000)
    resp = await patch(client, editor, location, 0, b"x" * 400, **{"Upload-Checksum": sha1_header(b"y" * 400)})
    await assert_bilingual(resp, 460, "checksum_mismatch", "Upload-Checksum")
    assert (await head(client, editor, location)).headers["Upload-Offset"] == "0"
    assert upload_path(client, location).stat().st_size == 0
    resp = await patch(client, editor, location, 0, b"x" * 400, **{"Upload-Checksum": sha1_header(b"x" * 400)})
    assert resp.status == 204 and resp.headers["Upload-Offset"] == "400"
    # a damaged creation-with-upload leaves no upload behind at all
    before = set(client.server.app[SETTINGS].root.uploads.iterdir())
    resp = await client.post("/api/v1/uploads", data=b"z" * 10, headers={
        **editor, **TUS, **OFFSET_BODY, "Upload-Length": "10", "Upload-Checksum": sha1_header(b"q" * 10)})
    await assert_bilingual(resp, 460, "checksum_mismatch")
    assert set(client.server.app[SETTINGS].root.uploads.iterdir()) == before
    for bad, error in (("md5 " + base64.b64encode(b"0" * 16).decode(), "checksum_algorithm"),
                       ("sha1 not-base64!", "invalid_checksum"), ("sha1", "checksum_algorithm")):
        resp = await patch(client, editor, location, 400, b"x", **{"Upload-Checksum": bad})
        await assert_bilingual(resp, 400, error, "Upload-Checksum")


async def test_files_over_the_size_limit_are_refused(aiohttp_client, settings):
    settings.max_upload_bytes = 5000
    client = await aiohttp_client(create_app(settings))
    user_id = add_account(client.server.app[STORE], "saran", "editor")
    token, token_hash = auth.new_token("ltv")
    await client.server.app[STORE].write(accounts.add_api_token, user_id, token_hash)
    editor = {"Authorization": f"Bearer {token}"}
    resp = await client.post("/api/v1/uploads", headers={**editor, **TUS, "Upload-Length": "5001"})
    await assert_bilingual(resp, 413, "upload_too_large", "Upload-Length")
    location = await create(client, editor, 1000)
    resp = await patch(client, editor, location, 0, b"a" * 1001)
    await assert_bilingual(resp, 413, "upload_too_large")
    # a chunked body that runs past the announced size keeps nothing of itself
    async def chunked():
        for _ in range(3):
            yield b"b" * 400
    resp = await patch(client, editor, location, 0, chunked())
    await assert_bilingual(resp, 413, "upload_too_large")
    assert (await head(client, editor, location)).headers["Upload-Offset"] == "0"
    assert upload_path(client, location).stat().st_size == 0


def test_a_full_disk_is_reported_and_the_upload_continues_once_there_is_room(server_process, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    editor = _editor_token(data_dir)
    data = DATA * 3
    server = server_process()
    status, headers, _ = _request(f"{server.url}/api/v1/uploads", "POST", {**editor, "Upload-Length": str(len(data))}, b"")
    assert status == 201
    location = headers["Location"]
    path = DataRoot(data_dir).upload_file(location.rsplit("/", 1)[-1])
    piece = {**editor, **OFFSET_BODY, "Upload-Offset": str(len(DATA))}
    assert _request(server.url + location, "PATCH", {**piece, "Upload-Offset": "0"}, DATA)[0] == 204
    # given a disk that takes no file larger than 2 MB (more than the database's files, less than this
    # upload): the kernel's file size limit stands in, set on the server's process alone (set here, it
    # would fail the files of every thread of pytest's process too); Python ignores SIGXFSZ: writes get EFBIG
    unlimited = resource.prlimit(server.proc.pid, resource.RLIMIT_FSIZE)
    resource.prlimit(server.proc.pid, resource.RLIMIT_FSIZE, (2_000_000, unlimited[1]))
    try:
        status, headers, body = _request(server.url + location, "PATCH", piece, data[len(DATA):])
    finally:
        resource.prlimit(server.proc.pid, resource.RLIMIT_FSIZE, unlimited)
    # then the editor is told, nothing unacknowledged is kept, and the upload goes on later
    refusal = json.loads(body)
    assert status == 507 and refusal["error"] == "storage_full" and int(headers["Retry-After"]) > 0
    assert refusal["message"]["zh"] and MONGOLIAN.search(refusal["message"]["mn"])
    assert _request(server.url + location, "HEAD", editor)[1]["Upload-Offset"] == str(len(DATA))
    assert path.stat().st_size == len(DATA)
    assert _request(server.url + location, "PATCH", piece, data[len(DATA):])[0] == 204
    assert path.read_bytes() == data


async def test_an_upload_whose_acknowledged_bytes_were_lost_starts_afresh(client, make_account):
    editor = make_account("saran", "editor")
    location = await create(client, editor, 100)
    assert (await patch(client, editor, location, 0, b"a" * 60)).status == 204
    upload_path(client, location).write_bytes(b"a" * 10)  # as after a power cut before the disk wrote them
    await assert_bilingual(await patch(client, editor, location, 60, b"b" * 40), 404, "unknown_upload")
    assert (await head(client, editor, location)).status == 404 and not upload_path(client, location).exists()
    # a finished upload with a damaged file is refused at ingest rather than transcoded short
    uid = await tus_upload(client, editor, b"x" * 50)
    store, root = client.server.app[STORE], client.server.app[SETTINGS].root
    root.upload_file(uid).write_bytes(b"x" * 20)
    with pytest.raises(ApiError) as refused:
        await store.read(finished_upload, root, uid, "upload_id")
    assert refused.value.status == 422 and refused.value.code == "upload_incomplete"


async def test_an_editor_cancels_an_upload_and_its_file_is_removed(client, make_account):
    editor = make_account("saran", "editor")
    location = await create(client, editor, 1000)
    assert (await patch(client, editor, location, 0, b"a" * 10)).status == 204
    path = upload_path(client, location)
    assert path.exists()
    resp = await client.delete(location, headers={**editor, **TUS})
    assert resp.status == 204 and not path.exists()
    await assert_bilingual(await client.delete(location, headers={**editor, **TUS}), 404, "unknown_upload")
    assert (await head(client, editor, location)).status == 404


async def test_abandoned_partial_uploads_expire_and_are_cleaned_up(aiohttp_client, settings, monkeypatch):
    settings.upload_expiry_seconds = 1
    monkeypatch.setattr(cleanup, "FINISHED_KEEP_PERIODS", 10_000)
    client = await aiohttp_client(create_app(settings))
    user_id = add_account(client.server.app[STORE], "saran", "editor")
    token, token_hash = auth.new_token("ltv")
    await client.server.app[STORE].write(accounts.add_api_token, user_id, token_hash)
    editor = {"Authorization": f"Bearer {token}"}
    abandoned = await create(client, editor, 1000)
    assert (await patch(client, editor, abandoned, 0, b"a" * 10)).status == 204
    finished = await tus_upload(client, editor, b"done")
    for _ in range(100):  # the periodic sweep runs every second here
        if not upload_path(client, abandoned).exists():
            break
        await asyncio.sleep(0.1)
    assert not upload_path(client, abandoned).exists()
    assert (await head(client, editor, abandoned)).status == 404
    # a finished upload waits for ingest and is not swept
    root = client.server.app[SETTINGS].root
    assert (await client.server.app[STORE].read(finished_upload, root, finished, "upload_id")).read_bytes() == b"done"


async def test_a_piece_sent_after_the_upload_expired_is_refused(client, make_account):
    editor = make_account("saran", "editor")
    location = await create(client, editor, 100)
    store = client.server.app[STORE]
    await store.write(given.run_sql, "UPDATE uploads SET expires_at = ?", (time.time() - 1,))  # left for a day
    await assert_bilingual(await patch(client, editor, location, 0, b"x" * 100), 410, "upload_expired")
    assert (await head(client, editor, location)).status == 410
    assert (await client.delete(location, headers={**editor, **TUS})).status == 204


async def test_uploads_show_in_the_metrics(client, make_account):
    await tus_upload(client, make_account("saran", "editor"), b"12345")
    text = await (await client.get("/metrics", headers=METRICS)).text()
    assert "legaltv_upload_bytes_total 5" in text and "legaltv_uploads_open 0" in text


async def test_leftovers_of_an_earlier_run_are_cleaned_up_at_start(aiohttp_client, settings):
    # given a data root with an upload that expired while the server was down, a finished upload
    # nobody ingested for weeks, a fresh finished one, and a file whose row was never written
    root = settings.root
    root.create()
    store = Store(root.database)
    owner = add_account(store, "saran", "editor")
    now = time.time()
    ids = {name: uuid.uuid4().hex for name in ("expired", "stale", "fresh", "orphan", "new_orphan")}
    await store.write(upload_sql.add_upload, ids["expired"], owner, 10, "", "", "", now - 5)
    for name, completed in (("stale", now - 30 * 86400), ("fresh", now - 60)):
        await store.write(upload_sql.add_upload, ids[name], owner, 1, "", "", "", now + 3600)
        await store.write(upload_sql.set_offset, ids[name], 1, now + 3600)
        await store.write(given.run_sql, "UPDATE uploads SET completed_at = ? WHERE id = ?", (completed, ids[name]))
    store.close()
    for name, upload_id in ids.items():
        root.upload_file(upload_id).write_bytes(b"x")
    old = now - 2 * cleanup.ORPHAN_GRACE_SECONDS
    os.utime(root.upload_file(ids["orphan"]), (old, old))
    # when the server starts
    client = await aiohttp_client(create_app(settings))
    for _ in range(100):
        if not root.upload_file(ids["orphan"]).exists():
            break
        await asyncio.sleep(0.05)
    # then only the fresh finished upload and the orphan too young to judge remain
    left = {name for name, upload_id in ids.items() if root.upload_file(upload_id).exists()}
    assert left == {"fresh", "new_orphan"}
    rows = {row["id"] for row in await client.server.app[STORE].read(given.rows, "SELECT id FROM uploads")}
    assert rows == {ids["fresh"]}


async def test_unknown_and_malformed_upload_ids_are_not_found(client, make_account):
    editor = make_account("saran", "editor")
    for path in ("/api/v1/uploads/" + "0" * 32, "/api/v1/uploads/..%2F..%2Flegal-tv.db",
                 "/api/v1/uploads/ABCDEF", "/api/v1/uploads/" + "a" * 33):
        await assert_bilingual(await client.patch(path, data=b"x", headers={
            **editor, **TUS, **OFFSET_BODY, "Upload-Offset": "0"}), 404, None)
        assert (await client.head(path, headers={**editor, **TUS})).status == 404
    store, root = client.server.app[STORE], client.server.app[SETTINGS].root
    for bad in ("0" * 32, "../legal-tv", "", 42):
        with pytest.raises(ApiError) as refused:
            await store.read(finished_upload, root, bad, "upload_id")
        assert refused.value.status == 422 and refused.value.field == "upload_id"


async def test_an_editor_cannot_see_another_editors_upload(client, make_account):
    saran, bolor = make_account("saran", "editor"), make_account("bolor", "editor")
    location = await create(client, saran, 100)
    assert (await head(client, bolor, location)).status == 404
    await assert_bilingual(await patch(client, bolor, location, 0, b"x" * 100), 404, "unknown_upload")
    await assert_bilingual(await client.delete(location, headers={**bolor, **TUS}), 404, "unknown_upload")
    assert (await patch(client, saran, location, 0, b"y" * 100)).status == 204
    store, root = client.server.app[STORE], client.server.app[SETTINGS].root
    bolor_id = (await store.read(given.row, "SELECT id FROM users WHERE name = 'bolor'"))["id"]
    with pytest.raises(ApiError) as refused:
        await store.read(finished_upload, root, location.rsplit("/", 1)[-1], "upload_id", owner_id=bolor_id)
    assert refused.value.status == 422


async def test_only_editors_may_upload(client, make_account, device):
    location = await create(client, make_account("saran", "editor"), 100)
    callers = {"anonymous": ({}, 401), "household box": (device, 401),
               "staff": (make_account("wulan", "staff"), 403),
               "supervisor": (make_account("altan", "supervisor"), 403)}
    for name, (headers, status) in callers.items():
        for method, path in (("OPTIONS", "/api/v1/uploads"), ("POST", "/api/v1/uploads"), ("HEAD", location),
                             ("PATCH", location), ("DELETE", location)):
            resp = await client.request(method, path, data=b"x" if method == "PATCH" else None, headers={
                **headers, **TUS, **OFFSET_BODY, "Upload-Length": "10", "Upload-Offset": "0"})
            assert resp.status == status, (name, method)
            if method != "HEAD":
                await assert_bilingual(resp, status, "unauthenticated" if status == 401 else "forbidden")


async def test_a_console_session_needs_its_csrf_token(client):
    store = client.server.app[STORE]
    add_account(store, "saran", "editor")
    await post_login(client, "saran", PASSWORD, allow_redirects=False)
    resp = await client.post("/api/v1/uploads", headers={**TUS, "Upload-Length": "10"})
    await assert_bilingual(resp, 403, "csrf")
    csrf = (await store.read(given.row, "SELECT csrf_token FROM sessions"))["csrf_token"]
    resp = await client.post("/api/v1/uploads", headers={**TUS, "Upload-Length": "10", "X-CSRF-Token": csrf})
    assert resp.status == 201


async def test_malformed_requests_get_bilingual_errors_naming_the_header(client, make_account):
    editor = make_account("saran", "editor")
    post = "/api/v1/uploads"
    resp = await client.post(post, headers={**editor, "Upload-Length": "10"})
    await assert_bilingual(resp, 412, "tus_version", "Tus-Resumable")
    assert resp.headers["Tus-Version"] == "1.0.0"
    resp = await client.post(post, headers={**editor, "Tus-Resumable": "0.2.2", "Upload-Length": "10"})
    await assert_bilingual(resp, 412, "tus_version")
    for length in ("ten", "-1", "1e3", "", "99999999999999999999"):
        resp = await client.post(post, headers={**editor, **TUS, "Upload-Length": length})
        await assert_bilingual(resp, 400, "invalid_header", "Upload-Length")
    await assert_bilingual(await client.post(post, headers={**editor, **TUS}), 400, "missing_length", "Upload-Length")
    for meta in ("filename !!!", "filename " + base64.b64encode(b"\xff\xfe").decode(),
                 "a b,a c", "x" * 5000):
        resp = await client.post(post, headers={**editor, **TUS, "Upload-Length": "10", "Upload-Metadata": meta})
        await assert_bilingual(resp, 400, "invalid_metadata", "Upload-Metadata")
    for name in ("a" * 256, "line\nbreak"):
        resp = await client.post(post, headers={**editor, **TUS, "Upload-Length": "10",
                                                "Upload-Metadata": metadata_header(filename=name)})
        await assert_bilingual(resp, 400, "invalid_filename", "filename")
    resp = await client.post(post, headers={**editor, **TUS, "Upload-Length": "10",
                                            "Upload-Metadata": metadata_header(filetype="not a type")})
    await assert_bilingual(resp, 400, "invalid_filetype", "filetype")
    location = await create(client, editor, 10, **{"Upload-Metadata": metadata_header(filename="C:\\clips\\a.mp4")})
    store = client.server.app[STORE]
    assert (await store.read(given.row, "SELECT filename FROM uploads"))["filename"] == "a.mp4"
    resp = await client.patch(location, data=b"x", headers={**editor, **TUS, "Upload-Offset": "0",
                                                             "Content-Type": "application/json"})
    await assert_bilingual(resp, 415, "wrong_content_type", "Content-Type")
    resp = await client.patch(location, data=b"x", headers={**editor, **TUS, **OFFSET_BODY})
    await assert_bilingual(resp, 400, "missing_offset", "Upload-Offset")
    resp = await patch(client, editor, location, 0, b"x", **{"Upload-Offset": "zero"})
    await assert_bilingual(resp, 400, "invalid_header", "Upload-Offset")
    assert upload_path(client, location).stat().st_size == 0


async def test_an_editor_may_keep_only_so_many_unfinished_uploads(client, make_account):
    editor = make_account("saran", "editor")
    client.server.app[SETTINGS].max_open_uploads_per_editor = 2
    first = await create(client, editor, 10)
    await create(client, editor, 10)
    resp = await client.post("/api/v1/uploads", headers={**editor, **TUS, "Upload-Length": "10"})
    await assert_bilingual(resp, 429, "too_many_uploads")
    assert (await patch(client, editor, first, 0, b"0123456789")).status == 204  # finishing one frees a place
    await create(client, editor, 10)
    assert (await client.post("/api/v1/uploads", headers={
        **make_account("bolor", "editor"), **TUS, "Upload-Length": "10"})).status == 201


# ---- the consoles' JavaScript client (content_server/consoles/static/tus-upload.js) in Chromium ----

MAKE_FILE = """(size) => {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = (i * 7) & 255;
    return new File([bytes], "案例.mp4", {type: "video/mp4", lastModified: 1700000000000});
}"""


def _pattern(size: int) -> bytes:
    period = bytes((i * 7) & 255 for i in range(256))  # the same bytes MAKE_FILE makes
    return (period * (size // 256 + 1))[:size]


def in_own_browser(work) -> None:
    """Runs work(browser) with its own Chromium in a thread: Playwright's sync API keeps an event
    loop marked as running in its thread, which would stop the asyncio tests that follow."""
    from playwright.sync_api import sync_playwright
    failure: list[BaseException] = []

    def run() -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    work(browser)
                finally:
                    browser.close()
        except BaseException as exc:  # handed to the test's thread
            failure.append(exc)
    thread = threading.Thread(target=run)
    thread.start()
    thread.join(180)
    assert not thread.is_alive(), "the browser did not finish"
    if failure:
        raise failure[0]


@pytest.mark.slow
def test_the_console_client_rides_out_dropped_connections_and_resumes_after_a_reload(live_server):
    live_server.add_user("saran", "editor")
    in_own_browser(lambda browser: _upload_through_a_bad_link(browser, live_server))


def _upload_through_a_bad_link(browser, live_server) -> None:
    page = new_page(browser)
    sign_in(page, live_server, "saran")
    page.add_script_tag(url="/console/static/tus-upload.js")
    drops = {"left": 2}
    checksums = []

    def drop_two_patches(route):
        if route.request.method == "PATCH":
            checksums.append(route.request.headers.get("upload-checksum", ""))
        if route.request.method == "PATCH" and drops["left"]:
            drops["left"] -= 1
            route.abort("connectionreset")
        else:
            route.continue_()
    page.route("**/api/v1/uploads/*", drop_two_patches)
    size = 3 * 1024 * 1024 + 123
    # given an editor's upload whose connection drops twice, then it completes by itself
    result = page.evaluate(f"""async () => {{
        const file = ({MAKE_FILE})({size});
        const notes = [];
        const id = await window.tusUpload(file, {{chunkSize: 1024 * 1024, retryDelays: [50, 100], checksum: true,
            retryingText: "retrying", onProgress: (f, note) => {{ if (note) notes.push(note); }}}});
        return {{id, notes}};
    }}""")
    assert result["notes"] == ["retrying", "retrying"] and drops["left"] == 0
    assert len(checksums) == 6 and all(value.startswith("sha1 ") for value in checksums)
    root = DataRoot(live_server.process.data)
    assert root.upload_file(result["id"]).read_bytes() == _pattern(size)

    # given an upload stopped after its first piece, when the page is reloaded and the same file chosen
    page.unroute("**/api/v1/uploads/*")
    first = page.evaluate(f"""async () => {{
        const stop = new AbortController();
        try {{
            await window.tusUpload(({MAKE_FILE})({size}), {{chunkSize: 1024 * 1024, signal: stop.signal,
                onProgress: (f) => {{ if (f >= 1 / 3) stop.abort(); }}}});
        }} catch (e) {{ return e.name; }}
    }}""")
    assert first == "AbortError"
    page.reload()
    page.add_script_tag(url="/console/static/tus-upload.js")
    resumed = page.evaluate(f"""async () => {{
        const seen = [];
        const id = await window.tusUpload(({MAKE_FILE})({size}), {{chunkSize: 1024 * 1024,
            onProgress: (f) => seen.push(f)}});
        return {{id, first: seen[0]}};
    }}""")
    # then it continues where it stopped instead of starting again
    assert resumed["first"] > 0
    assert root.upload_file(resumed["id"]).read_bytes() == _pattern(size)
    # and a refusal that retrying cannot fix comes back in the page language
    refused = page.evaluate("""async () => {
        try { await window.tusUpload(new File([new Uint8Array(10)], "a.srt"), {headers: {"Tus-Resumable": "0.1"}}); }
        catch (e) { return [e.name, e.status, e.message]; }
    }""")
    assert refused[0] == "TusError" and refused[1] == 412 and "协议" in refused[2]
    page.evaluate(f"() => window.tusUpload.terminate('{resumed['id']}')")
    assert not root.upload_file(resumed["id"]).exists()
    page.context.close()
