"""The storage boundary: no SQL statement runs on the event loop, and the writer group-commits.

Every SQLite connection opened while the app runs is traced (`set_trace_callback` records the
thread each statement runs on); a realistic day goes through the real app: boxes register and
ask, staff claim and answer, boxes read the catalog, channels and guidance, an editor uploads and
ingests a video that is transcoded to ready, the consoles and /healthz and /metrics are polled.
"""
from __future__ import annotations

import asyncio
import sqlite3
import threading
import uuid

import pytest

from content_server.app import create_app
from content_server.kernel import auth
from content_server.kernel.errors import ApiError
from content_server.storage import STORE, Store, accounts, catalog as catalog_sql
from content_server.storage.documents import Document

from . import given, media_samples as samples
from .conftest import METRICS, add_account
from .console_session import sign_in
from .ready_video import ensure_category
from .test_ingest import body_for
from .test_transcode import wait_for
from .tus import tus_upload

QUESTION = {"topic": "wages", "phrases": ["wages.1"], "text": "", "callback_window": "any"}


@pytest.fixture
def traced_statements(monkeypatch) -> list[tuple[int, str]]:
    """(thread ident, SQL) of every statement on every SQLite connection opened from now on."""
    statements: list[tuple[int, str]] = []
    real_connect = sqlite3.connect

    def traced_connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(lambda sql: statements.append((threading.get_ident(), sql)))
        return conn
    monkeypatch.setattr(sqlite3, "connect", traced_connect)
    return statements


async def test_a_day_of_requests_runs_no_sql_statement_on_the_event_loop(aiohttp_client, settings, traced_statements):
    client = await aiohttp_client(create_app(settings))
    loop_thread = threading.get_ident()  # the test and the app share this loop
    store = client.server.app[STORE]

    boxes = []
    for n in range(3):
        resp = await client.post("/api/v1/devices", json={"region": "152500", "language": "mn"})
        boxes.append({"Authorization": f"Bearer {(await resp.json())['token']}"})
    assert (await client.get("/api/v1/topics")).status == 200
    for n, box in enumerate(boxes):
        resp = await client.post("/api/v1/questions", json={**QUESTION, "phone": f"1391234{n:04d}"},
                                 headers={**box, "Idempotency-Key": str(uuid.uuid4())})
        assert resp.status == 201, await resp.text()

    lawyer = add_account(store, "lawyer", "staff")
    token, token_hash = auth.new_token("ltv")
    given.write(store, accounts.add_api_token, lawyer, token_hash)
    staff = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/desk/queue", headers=staff)).status == 200
    claimed = await (await client.post("/api/v1/desk/claim", headers=staff, json={})).json()
    resp = await client.post(f"/api/v1/desk/questions/{claimed['id']}/answer", headers=staff,
                             json={"version": claimed["version"], "summary": {"zh": "可以申请调解", "mn": ""}})
    assert resp.status == 200, await resp.text()
    assert (await client.get("/api/v1/questions", headers=boxes[0])).status == 200

    editor_id = add_account(store, "editor", "editor")
    editor_token, editor_hash = auth.new_token("ltv")
    given.write(store, accounts.add_api_token, editor_id, editor_hash)
    editor = {"Authorization": f"Bearer {editor_token}"}
    ensure_category(store)
    upload_id = await tus_upload(client, editor, samples.two_languages(), filename="case.mp4")
    resp = await client.post("/api/v1/videos", json=body_for(upload_id), headers=editor)
    assert resp.status == 202, await resp.text()
    video = await wait_for(client, editor, (await resp.json())["id"])
    assert video["status"] == "ready"

    for path in ("/api/v1/catalog", "/api/v1/catalog", "/api/v1/channels", "/api/v1/services",
                 "/api/v1/glossary", "/api/v1/guides", "/healthz"):
        assert (await client.get(path)).status == 200, path
    assert (await client.get("/metrics", headers=METRICS)).status == 200
    await sign_in(client, "desk", "supervisor")
    for path in ("/console/staff", "/console/staff/queue", "/console/supervisor", "/console/supervisor/board"):
        assert (await client.get(path)).status == 200, path

    on_loop = [sql for thread, sql in traced_statements if thread == loop_thread]
    assert len(traced_statements) > 100  # the trace saw the day's work
    assert on_loop == []


async def test_units_queued_together_commit_together_and_a_refused_one_rolls_back_alone(tmp_path):
    store = Store(tmp_path / "legal-tv.db")
    try:
        changes = store.changes
        writes = [store.write(accounts.add_user, f"user-{n}", "staff", "hash") for n in range(20)]
        writes.insert(7, store.write(_refuse_after_writing))
        results = await asyncio.gather(*writes, return_exceptions=True)
        assert isinstance(results[7], ApiError)  # its caller gets its refusal
        assert all(isinstance(r, int) for r in results[:7] + results[8:])
        names = {row["name"] for row in await store.read(accounts.users)}
        assert names == {f"user-{n}" for n in range(20)}  # the refused unit's row is gone, the others kept
        assert store.changes - changes < 20  # fewer COMMITs than units: queued units shared them
    finally:
        await asyncio.to_thread(store.close)


def _refuse_after_writing(tx) -> None:
    accounts.add_user(tx, "refused", "staff", "hash")
    raise ApiError(409, "exists", "refused")


def test_the_blocking_helpers_refuse_to_run_on_the_event_loop(tmp_path):
    store = Store(tmp_path / "legal-tv.db")

    async def from_a_coroutine():
        with pytest.raises(AssertionError):
            store.read_blocking(accounts.users)
        with pytest.raises(AssertionError):
            store.write_blocking(accounts.add_user, "x", "staff", "hash")
    try:
        asyncio.run(from_a_coroutine())
        assert store.read_blocking(accounts.users) == []  # outside any loop they wait for the result
    finally:
        store.close()


async def test_an_edit_by_another_process_reaches_this_ones_document_versions_by_itself(tmp_path):
    store, other = Store(tmp_path / "legal-tv.db"), Store(tmp_path / "legal-tv.db")
    try:
        before = store.version_of(Document.CATALOG)
        await other.write(catalog_sql.add_category, "traffic", "交通", "ᠵᠠᠮ")  # a worker, another node
        for _ in range(200):  # no request, no write here: the store's own watch brings it in
            if store.version_of(Document.CATALOG) != before:
                break
            await asyncio.sleep(0.05)
        assert store.version_of(Document.CATALOG) == (before[0] + 1,)
    finally:
        await asyncio.to_thread(other.close)
        await asyncio.to_thread(store.close)
