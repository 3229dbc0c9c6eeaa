"""Boxes that poll politely, server side: one small `changes` document says which public document
moved; a box's own question list answers 304 from the token check alone; the intake refuses
with 503 Retry-After before it queues too much, never after acknowledging."""
from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid

from content_server.accounts.device_tokens import DEVICE_TOKENS
from content_server.catalog.api import CATALOG_CACHE
from content_server.changes import CHANGES_CACHE
from content_server.kernel.config import SETTINGS
from content_server.questions import workflow

from . import given
from .conftest import add_account
from .ready_video import add_ready_video
from .test_channel_live import moment, renditions  # noqa: F401  (fixtures)
from .test_channel_live import channel  # noqa: F401
from .test_storage_boundary import traced_statements  # noqa: F401  (fixture)
from content_server.questions.intake import INTAKE
from content_server.kernel.clock import CLOCK
from content_server.kernel.loop_lag import LOOP_LAG
from content_server.storage import STORE

QUESTION = {"topic": "labour", "phrases": ["labour.1"], "text": "", "phone": "13812348000",
            "callback_window": "any", "language": "mn"}
DOCUMENTS = {"catalog": "/api/v1/catalog", "channels": "/api/v1/channels", "topics": "/api/v1/topics",
             "services": "/api/v1/services?region=152500", "glossary": "/api/v1/glossary",
             "guides": "/api/v1/guides", "guide": "/api/v1/channels/legal/guide?hours=48"}


async def changes(client) -> dict:
    resp = await client.get("/api/v1/changes")
    assert resp.status == 200
    return await resp.json()


async def etags(client) -> dict:
    out = {}
    for name, path in DOCUMENTS.items():
        resp = await client.get(path)
        assert resp.status == 200, path
        out[name] = resp.headers["ETag"]
    return out


def moved(before: dict, after: dict) -> set:
    return {name for name in DOCUMENTS if before[name] != after[name]}


async def ask(client, device: dict, phone: str = "13812348000"):
    return await client.post("/api/v1/questions", json=dict(QUESTION, phone=phone),
                             headers={**device, "Idempotency-Key": str(uuid.uuid4())})


async def register(client) -> dict:
    resp = await client.post("/api/v1/devices", json={"region": "152500", "language": "mn"})
    assert resp.status == 201
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}


async def test_the_changes_document_moves_exactly_with_the_documents_a_box_reads(client, channel, make_account):
    app = channel
    app[CLOCK].fixed = moment(0, 8, 0, 1).timestamp()
    # given a box that read every document and the changes document
    before, seen = await etags(client), await changes(client)
    assert set(DOCUMENTS) <= set(seen)
    # when households ask and lawyers claim, nothing a box reads moves, nor does `changes`
    await ask(client, await register(client))
    await client.post("/api/v1/desk/claim", headers=make_account("wulan", "staff"))
    assert moved(before, await etags(client)) == set() and await changes(client) == seen
    # when an editor retitles a topic, the topics entry moves, and only it
    editor = make_account("altan", "editor")
    topic = (await (await client.get("/api/v1/topics?all=1", headers=editor)).json())[0]
    topic["title"]["zh"] += "（新）"
    assert (await client.put(f"/api/v1/topics/{topic['id']}", json=topic, headers=editor)).status == 200
    after, now_seen = await etags(client), await changes(client)
    assert moved(before, after) == {"topics"}
    assert {k for k in DOCUMENTS if seen[k] != now_seen[k]} == {"topics"}
    # when a video is published, the catalog moves (and what channels show from it may)
    before, seen = after, now_seen
    add_ready_video(app[STORE], app[SETTINGS])
    after, now_seen = await etags(client), await changes(client)
    assert "catalog" in moved(before, after) and seen["catalog"] != now_seen["catalog"]
    assert {k for k in DOCUMENTS if seen[k] != now_seen[k]} >= moved(before, after)
    # when the hour turns, the guide starts at the new hour: its entry moves with its ETag
    before, seen = after, now_seen
    app[CLOCK].fixed = moment(0, 8, 59, 59).timestamp()
    assert moved(before, await etags(client)) == set() and await changes(client) == seen
    app[CLOCK].fixed = moment(0, 9, 0, 1).timestamp()
    after, now_seen = await etags(client), await changes(client)
    assert moved(before, after) == {"guide"}
    assert {k for k in DOCUMENTS if seen[k] != now_seen[k]} == {"guide"}


async def test_a_publish_window_opening_moves_the_catalog_entry_at_that_instant(client):
    app = client.server.app
    opens = time.time() + 3600
    add_ready_video(app[STORE], app[SETTINGS], publish_from=str(opens))
    await app[STORE].refresh_versions()
    cache = app[CHANGES_CACHE]
    body, _, until = await cache.current(opens - 1, opens - 1)
    assert until <= 1  # no cache may keep it past the opening
    assert json.loads(body)["catalog"] == (await app[CATALOG_CACHE].current(opens - 1)).etag.strip('"')
    later, _, _ = await cache.current(opens, opens)
    assert json.loads(later)["catalog"] == (await app[CATALOG_CACHE].current(opens)).etag.strip('"')
    assert json.loads(body)["catalog"] != json.loads(later)["catalog"]


async def test_the_changes_document_is_small_public_cacheable_and_revalidates_to_304(client):
    first = await client.get("/api/v1/changes", headers={"Accept-Encoding": "gzip"})
    assert first.status == 200 and first.headers["Content-Encoding"] == "gzip"
    cache_control = first.headers["Cache-Control"]
    assert cache_control.startswith("public, max-age=")
    assert 0 <= int(cache_control.split("=")[1]) <= 30
    assert len(await first.read()) < 1024
    again = await client.get("/api/v1/changes", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304


async def test_an_unchanged_question_list_is_a_304_that_reads_no_question(traced_statements, client, device):
    app = client.server.app
    store = app[STORE]
    assert (await ask(client, device)).status == 201
    # given a box that fetched its list right after asking (it shows the new question)
    listing = await client.get("/api/v1/questions", headers=device)
    assert listing.status == 200 and len(await listing.json()) == 1
    etag = listing.headers["ETag"]
    # when it asks again with nothing changed, the answer is 304 and no statement reads a question
    before = len(traced_statements)
    again = await client.get("/api/v1/questions", headers={**device, "If-None-Match": etag})
    statements = [sql for _, sql in traced_statements[before:]]
    assert again.status == 304
    assert not [s for s in statements if "questions" in s.split("FROM", 1)[-1]]
    # when a lawyer answers it, the very next fetch shows it (the remembered token check does not hide it)
    question = (await listing.json())[0]
    lawyer_id = add_account(store, "lawyer-bao", "staff")
    lawyer = await store.read(given.row, "SELECT * FROM users WHERE id = ?", (lawyer_id,))
    row = await store.write(workflow.claim, lawyer, time.time(), 900, question["id"])
    await store.write(workflow.answer, lawyer, question["id"], row["version"], {"zh": "可以申请劳动仲裁。", "mn": ""},
                      time.time())
    answered = await client.get("/api/v1/questions", headers={**device, "If-None-Match": etag})
    assert answered.status == 200 and (await answered.json())[0]["can_rate"] is True
    # when the household rates it, the very next fetch shows the rating
    rated = await client.post(f"/api/v1/questions/{question['id']}/rating", json={"score": 5}, headers=device)
    assert rated.status == 200
    after = await client.get("/api/v1/questions", headers={**device, "If-None-Match": answered.headers["ETag"]})
    assert after.status == 200 and (await after.json())[0]["rating"] == 5


async def test_a_box_asking_every_half_hour_gets_its_304_from_one_statement(traced_statements, client, device):
    # given a box that saw its list, then asked nothing for longer than the token check remembers
    tokens = client.server.app[DEVICE_TOKENS]
    clock = [1000.0]
    tokens.clock = lambda: clock[0]
    assert (await ask(client, device)).status == 201
    etag = (await client.get("/api/v1/questions", headers=device)).headers["ETag"]
    clock[0] += 30 * 60
    # when it asks again, the row the token check reads answers the revalidation: one read of its box
    before = len(traced_statements)
    again = await client.get("/api/v1/questions", headers={**device, "If-None-Match": etag})
    assert again.status == 304
    assert len([sql for _, sql in traced_statements[before:] if "FROM devices" in sql]) == 1


async def test_another_box_never_gets_a_304_for_a_list_it_has_not_seen(client, device):
    assert (await ask(client, device)).status == 201
    mine = await client.get("/api/v1/questions", headers=device)
    other = await register(client)
    theirs = await client.get("/api/v1/questions", headers={**other, "If-None-Match": mine.headers["ETag"]})
    assert theirs.status == 200 and await theirs.json() == []


async def test_the_token_check_is_remembered_briefly_and_unknown_tokens_are_always_refused(client, device):
    tokens = client.server.app[DEVICE_TOKENS]
    clock = [1000.0]
    tokens.clock = lambda: clock[0]
    for _ in range(5):
        assert (await client.get("/api/v1/questions", headers=device)).status == 200
    assert tokens.lookups == 1
    stranger = {"Authorization": "Bearer dev_not-a-registered-box"}
    for n in range(3):
        assert (await client.get("/api/v1/questions", headers=stranger)).status == 401
    assert tokens.lookups == 4
    # a device removed from the database is refused once the remembered row expires
    await client.server.app[STORE].write(given.run_sql, "DELETE FROM devices")
    assert (await client.get("/api/v1/questions", headers=device)).status == 200
    clock[0] += tokens.ttl
    assert (await client.get("/api/v1/questions", headers=device)).status == 401


async def test_a_full_intake_refuses_with_503_before_acknowledging_and_keeps_every_acknowledged_question(client):
    app = client.server.app
    intake = app[INTAKE]
    intake.max_waiting = 4
    boxes = [await register(client) for _ in range(6)]
    # given a store whose disk is slow: the writer is held by a commit that waits
    disk = threading.Event()
    held = asyncio.ensure_future(app[STORE].write(lambda tx: disk.wait()))
    tasks = [asyncio.ensure_future(ask(client, box, f"1381234{n:04d}")) for n, box in enumerate(boxes)]
    done, waiting = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    while len(done) < 2:
        more, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        done |= more
    # then the two beyond the bound are refused at once, kindly, with Retry-After; nothing of them is kept
    refused = [t.result() for t in done]
    for resp in refused:
        assert resp.status == 503 and int(resp.headers["Retry-After"]) > 0
        body = await resp.json()
        assert body["error"] == "busy" and body["message"]["zh"] and body["message"]["mn"]
    assert len(waiting) == 4
    disk.set()
    # and the four that waited are acknowledged and stored
    accepted = await asyncio.gather(*waiting)
    await held
    assert sorted(r.status for r in accepted) == [201] * 4
    assert (await app[STORE].read(given.row, "SELECT COUNT(*) FROM questions"))[0] == 4
    # the refused boxes send again after Retry-After and are taken
    again = [await ask(client, boxes[n], f"1381234{n:04d}") for n, task in enumerate(tasks) if task in done]
    assert [r.status for r in again] == [201, 201]
    assert (await app[STORE].read(given.row, "SELECT COUNT(*) FROM questions"))[0] == 6


async def busy_refusal(resp) -> None:
    assert resp.status == 503 and int(resp.headers["Retry-After"]) > 0
    body = await resp.json()
    assert body["error"] == "busy" and body["message"]["zh"] and body["message"]["mn"]


async def test_intake_refuses_new_questions_once_the_oldest_has_waited_too_long_for_its_commit(client):
    app = client.server.app
    intake = app[INTAKE]
    clock = [1000.0]
    intake.clock = lambda: clock[0]
    boxes = [await register(client) for _ in range(2)]
    # given one question waiting for a commit held by a slow disk, longer than the intake's bound
    disk = threading.Event()
    held = asyncio.ensure_future(app[STORE].write(lambda tx: disk.wait()))
    first = asyncio.ensure_future(ask(client, boxes[0], "13812340000"))
    for _ in range(1000):
        if intake.waiting or first.done():
            break
        await asyncio.sleep(0.01)
    assert intake.waiting == 1
    clock[0] += intake.max_wait + 1
    # then a new question is refused at once, kindly, with Retry-After, and nothing of it is kept
    await busy_refusal(await ask(client, boxes[1], "13812340001"))
    # and the one that waited is acknowledged and stored; once caught up, the refused one is taken
    disk.set()
    assert (await first).status == 201
    await held
    assert (await ask(client, boxes[1], "13812340001")).status == 201
    assert (await app[STORE].read(given.row, "SELECT COUNT(*) FROM questions"))[0] == 2


async def test_intake_refuses_new_questions_while_the_node_is_short_of_cpu(client):
    app = client.server.app
    box = await register(client)
    lag = app[LOOP_LAG]
    # given a node whose event loop is late for everything it does (a callback hogging it again and again)
    loop = asyncio.get_running_loop()
    hogging = [True]

    def hog():
        time.sleep(0.3)
        if hogging[0]:
            loop.call_soon(hog)
    loop.call_soon(hog)
    for _ in range(100):  # each turn of the loop takes 0.3 s
        if lag.behind():
            break
        await asyncio.sleep(0)
    # then a household's question is refused with Retry-After before anything of it is stored
    try:
        await busy_refusal(await ask(client, box))
    finally:
        hogging[0] = False
    assert (await app[STORE].read(given.row, "SELECT COUNT(*) FROM questions"))[0] == 0
    # and once the loop keeps time again, it is taken
    for _ in range(500):
        if not lag.behind():
            break
        await asyncio.sleep(0.01)
    assert (await ask(client, box)).status == 201


async def test_one_long_stall_of_the_server_is_not_taken_for_a_node_short_of_cpu(client):
    """A single long pause (a slow disk write, the process descheduled on a loaded machine) makes
    one late wake-up; the questions that queued behind it are taken, not refused as busy."""
    app = client.server.app
    box = await register(client)
    lag = app[LOOP_LAG]
    while not lag.samples or lag.samples[-1][0] - lag.samples[0][0] < 1.5:  # measured for a while
        await asyncio.sleep(0.05)
    # given the loop held up once, for longer than the span the lag is judged over
    time.sleep(1.5)
    # then a household's question sent right after is taken
    resp = await ask(client, box)
    assert resp.status == 201, await resp.text()
