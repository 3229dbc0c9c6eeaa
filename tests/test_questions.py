"""Households ask from the TV: topics, intake by the contract, their own list, ratings; bad input refused."""
import re
import time
import uuid

import pytest

from content_server.questions import intake, workflow
from content_server.storage import STORE

from .conftest import add_account
from . import given

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL

MONGOLIAN = re.compile("[\u1800-\u18af]")


def question_body(**changes) -> dict:
    body = {"topic": "wages", "phrases": ["wages.1", "wages.2"], "text": "老板说下个月再给。",
            "phone": "138 1234 8000", "callback_window": "morning", "language": "mn"}
    body.update(changes)
    return body


async def ask(client, device, body=None, key=None, **changes):
    headers = {**device, "Idempotency-Key": key or str(uuid.uuid4())}
    return await client.post("/api/v1/questions", json=body or question_body(**changes), headers=headers)


async def register(client, language="zh") -> dict:
    resp = await client.post("/api/v1/devices", json={"region": "150100", "language": language})
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}


def counts(client) -> tuple:
    store = client.server.app[STORE]
    return tuple(given.read(store, given.row, f"SELECT COUNT(*) AS n FROM {table}")["n"]
                 for table in ("questions", "question_submissions", "question_audit", "call_attempts"))


async def test_a_fresh_server_offers_nine_topics_with_bilingual_phrases(client):
    resp = await client.get("/api/v1/topics")
    assert resp.status == 200
    topics = await resp.json()
    assert [t["id"] for t in topics] == ["traffic", "labour", "wages", "family", "lending", "land", "housing",
                                         "consumer", "other"]
    for topic in topics:
        assert topic["title"]["zh"] and MONGOLIAN.search(topic["title"]["mn"])
        assert 4 <= len(topic["phrases"]) <= 8
        for phrase in topic["phrases"]:
            assert phrase["text"]["zh"] and MONGOLIAN.search(phrase["text"]["mn"])
    again = await client.get("/api/v1/topics", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status == 304


async def test_an_editor_adds_and_rewords_a_topic_and_households_see_it(client, make_account, device):
    editor = make_account("gerel", "editor")
    new = {"id": "pension", "title": {"zh": "养老金", "mn": "ᠲᠡᠳᠬᠦᠯᠭᠡ"},
           "phrases": [{"text": {"zh": "养老金没有发", "mn": "ᠲᠡᠳᠬᠦᠯᠭᠡ ᠥᠭᠭᠦᠭᠰᠡᠨ ᠦᠭᠡᠢ"}}]}
    resp = await client.post("/api/v1/topics", json=new, headers=editor)
    assert resp.status == 201 and (await resp.json())["phrases"][0]["id"] == "pension.1"
    assert (await client.post("/api/v1/topics", json=new, headers=editor)).status == 409
    # a household can ask about it at once
    assert (await ask(client, device, topic="pension", phrases=["pension.1"])).status == 201
    # rewording replaces the phrases; the retired one is refused from now on
    new["phrases"] = [{"id": "pension.late", "text": {"zh": "养老金晚发", "mn": "ᠲᠡᠳᠬᠦᠯᠭᠡ ᠬᠣᠵᠢᠳᠠᠪᠠ"}}]
    resp = await client.put("/api/v1/topics/pension", json=new, headers=editor)
    assert resp.status == 200
    topics = {t["id"]: t for t in await (await client.get("/api/v1/topics")).json()}
    assert [p["id"] for p in topics["pension"]["phrases"]] == ["pension.late"]
    resp = await ask(client, device, topic="pension", phrases=["pension.1"], phone="13912340000")
    assert resp.status == 422 and (await resp.json())["error"] == "unknown_phrase"
    # another topic's phrase id cannot be stolen, and bad bodies are refused with the field named
    new["phrases"] = [{"id": "wages.1", "text": {"zh": "x", "mn": "ᠬ"}}]
    resp = await client.put("/api/v1/topics/pension", json=new, headers=editor)
    assert resp.status == 422 and (await resp.json())["field"] == "phrases"
    for bad, field in (({**new, "title": "养老金"}, "title"), ({**new, "phrases": []}, "phrases"),
                       ({**new, "id": "Pension!"}, "id")):
        resp = await client.post("/api/v1/topics", json=bad, headers=editor)
        assert resp.status == 422 and (await resp.json())["field"] == field
    assert (await client.put("/api/v1/topics/nothing", json=new, headers=editor)).status == 404


async def test_a_household_asks_and_gets_a_ticket_number_to_read_aloud(client, device):
    resp = await ask(client, device)
    assert resp.status == 201
    reply = await resp.json()
    assert reply["status"] == "queued" and reply["merged"] is False
    assert re.fullmatch(r"[1-9]\d{5}", reply["number"]) and intake.readable_number(reply["number"])
    assert reply["callback_from"].endswith("+08:00")
    store = client.server.app[STORE]
    row = await store.read(given.row, "SELECT phone_e164, phone_masked, language, region FROM questions WHERE id = ?", (reply["id"],))
    assert tuple(row) == ("+8613812348000", "138****8000", "mn", "152500")
    listing = await (await client.get("/api/v1/questions", headers=device)).json()
    assert [(q["id"], q["number"], q["status"], q["can_rate"], q["answer_summary"]) for q in listing] == \
        [(reply["id"], reply["number"], "queued", False, None)]
    assert set(listing[0]) >= {"id", "number", "topic", "status", "created_at", "answer_summary", "can_rate"}
    assert "phone" not in listing[0] and "13812348000" not in await (await client.get(
        "/api/v1/questions", headers=device)).text()


def test_ticket_numbers_avoid_patterns_that_are_hard_to_read_aloud():
    for bad in ("012345", "111234", "123456", "987650", "121212", "555123"):
        assert not intake.readable_number(bad), bad
    for good in ("382615", "704139", "258147"):
        assert intake.readable_number(good), good


async def test_the_outbox_resends_with_the_same_key_and_gets_the_same_question(client, device):
    key = str(uuid.uuid4())
    first = await ask(client, device, key=key)
    again = await ask(client, device, key=key)
    assert (first.status, again.status) == (201, 200)
    assert await first.json() == await again.json()
    # the same key with other words is a client bug, refused without touching anything
    before = counts(client)
    other = await ask(client, device, key=key, text="另一件事")
    assert other.status == 422 and (await other.json())["error"] == "idempotency_conflict"
    assert counts(client) == before == (1, 1, 1, 0)


async def test_the_same_box_asking_again_within_a_day_joins_its_open_question(client, device):
    first = await (await ask(client, device)).json()
    resp = await ask(client, device, phone="+86 13812348000", phrases=["wages.3"], text="")
    assert resp.status == 200
    joined = await resp.json()
    assert (joined["id"], joined["number"], joined["merged"]) == (first["id"], first["number"], True)
    assert (await client.server.app[STORE].read(given.row, "SELECT COUNT(*) AS n FROM questions"))["n"] == 1
    # the box follows the one question; another topic is another question
    assert [q["id"] for q in await (await client.get("/api/v1/questions", headers=device)).json()] == [first["id"]]
    assert (await ask(client, device, topic="land", phrases=["land.1"])).status == 201


async def test_a_box_has_at_most_three_open_questions(client, device):
    for n, topic in enumerate(("traffic", "labour", "family")):
        assert (await ask(client, device, topic=topic, phrases=[f"{topic}.1"])).status == 201
    resp = await ask(client, device, topic="land", phrases=["land.1"])
    assert resp.status == 429
    body = await resp.json()
    assert body["error"] == "too_many_open_questions" and MONGOLIAN.search(body["message"]["mn"])
    assert (await client.server.app[STORE].read(given.row, "SELECT COUNT(*) AS n FROM questions"))["n"] == 3


def too_long() -> str:
    return "字" * (intake.TEXT_MAX + 1)


BAD_QUESTIONS = [
    (dict(topic="weather"), 422, "unknown_topic", "topic"),
    (dict(topic=7), 422, "wrong_type", "topic"),
    (dict(phrases=["traffic.1"]), 422, "phrase_of_other_topic", "phrases"),
    (dict(phrases=["wages.99"]), 422, "unknown_phrase", "phrases"),
    (dict(phrases="wages.1"), 422, "wrong_type", "phrases"),
    (dict(phrases=[1, 2]), 422, "wrong_type", "phrases"),
    (dict(phrases=[], text=""), 422, "empty_question", "phrases"),
    (dict(text=too_long()), 422, "too_long", "text"),
    (dict(text=12), 422, "wrong_type", "text"),
    (dict(text="a\x00b"), 422, "invalid_text", "text"),
    (dict(phone="12812348000"), 422, "invalid_phone", "phone"),   # no mobile starts 12
    (dict(phone="1381234800"), 422, "invalid_phone", "phone"),    # ten digits
    (dict(phone="0471 555123"), 422, "invalid_phone", "phone"),   # landline with six digits
    (dict(phone="0215551234"), 422, "invalid_phone", "phone"),    # Shanghai needs eight digits
    (dict(phone="+1 415 555 0100"), 422, "invalid_phone", "phone"),
    (dict(phone="１３８１２３４８０００"), 422, "invalid_phone", "phone"),  # full-width digits
    (dict(phone=13812348000), 422, "wrong_type", "phone"),
    (dict(phone=""), 422, "missing_field", "phone"),
    (dict(callback_window="night"), 422, "invalid_choice", "callback_window"),
    (dict(language="en"), 422, "invalid_choice", "language"),
]


@pytest.mark.parametrize("changes, status, code, field", BAD_QUESTIONS)
async def test_bad_questions_are_refused_with_the_field_named_and_nothing_written(client, device, changes, status,
                                                                               code, field):
    resp = await ask(client, device, **changes)
    assert resp.status == status
    body = await resp.json()
    assert (body["error"], body["field"]) == (code, field)
    assert body["message"]["zh"] and body["message"]["mn"]
    assert counts(client) == (0, 0, 0, 0)


async def test_broken_requests_and_missing_keys_are_refused(client, device):
    url = "/api/v1/questions"
    cases = [
        (dict(data=b"{not json", headers={**device, "Idempotency-Key": str(uuid.uuid4()),
                                          "Content-Type": "application/json"}), 400, "invalid_json"),
        (dict(json=[question_body()], headers={**device, "Idempotency-Key": str(uuid.uuid4())}), 400,
         "invalid_json"),
        (dict(json=question_body(), headers=device), 400, "missing_idempotency_key"),
        (dict(json=question_body(), headers={**device, "Idempotency-Key": "yesterday-1"}), 400,
         "invalid_idempotency_key"),
        (dict(data=b'{"text": "' + b"x" * 70_000 + b'"}',
              headers={**device, "Idempotency-Key": str(uuid.uuid4()), "Content-Type": "application/json"}),
         413, "too_large"),
    ]
    for kwargs, status, code in cases:
        resp = await client.post(url, **kwargs)
        assert resp.status == status, code
        body = await resp.json()
        assert body["error"] == code and MONGOLIAN.search(body["message"]["mn"])
    assert counts(client) == (0, 0, 0, 0)


async def answer_directly(client, question_id: str) -> None:
    """The desk answers (as the callback staff would) so that the household may rate."""
    store = client.server.app[STORE]
    user_id = add_account(store, f"lawyer-{question_id[:6]}", "staff")
    user = await store.read(given.row, "SELECT * FROM users WHERE id = ?", (user_id,))
    row = await store.write(workflow.claim, user, time.time(), 900, question_id)
    await store.write(workflow.answer, user, question_id, row["version"], {"zh": "可以申请劳动仲裁。", "mn": ""}, time.time())


async def test_a_household_rates_an_answered_call_once(client, device):
    reply = await (await ask(client, device)).json()
    url = f"/api/v1/questions/{reply['id']}/rating"
    resp = await client.post(url, json={"score": 5}, headers=device)
    assert resp.status == 409 and (await resp.json())["error"] == "not_answered"
    await answer_directly(client, reply["id"])
    listing = await (await client.get("/api/v1/questions", headers=device)).json()
    assert listing[0]["status"] == "resolved" and listing[0]["can_rate"] is True
    assert listing[0]["answer_summary"] == {"zh": "可以申请劳动仲裁。", "mn": ""}
    for bad in (0, 6, "5", 4.5, True, None):
        resp = await client.post(url, json={"score": bad}, headers=device)
        assert resp.status == 422 and (await resp.json())["field"] == "score"
    resp = await client.post(url, json={"score": 4}, headers=device)
    assert resp.status == 200 and (await resp.json())["rating"] == 4
    resp = await client.post(url, json={"score": 1}, headers=device)
    assert resp.status == 409 and (await resp.json())["error"] == "already_rated"
    listing = await (await client.get("/api/v1/questions", headers=device)).json()
    assert (listing[0]["rating"], listing[0]["can_rate"]) == (4, False)


async def test_another_box_cannot_see_or_rate_a_question(client, device):
    reply = await (await ask(client, device)).json()
    await answer_directly(client, reply["id"])
    stranger = await register(client)
    assert await (await client.get("/api/v1/questions", headers=stranger)).json() == []
    for question_id in (reply["id"], "0" * 32):  # someone else's and nobody's look the same
        resp = await client.post(f"/api/v1/questions/{question_id}/rating", json={"score": 1}, headers=stranger)
        assert resp.status == 404 and (await resp.json())["error"] == "not_found"
    assert (await client.server.app[STORE].read(given.row, "SELECT rating FROM questions"))["rating"] is None


async def test_logs_never_contain_phone_numbers(client, device, caplog):
    caplog.set_level("DEBUG")
    await ask(client, device)
    await ask(client, device, phone="0471 555123")
    await ask(client, device, phone="13812348000", topic="land", phrases=["land.1"])
    assert not re.search(r"1381234|8000\b|555123", caplog.text)


def test_the_demo_fills_the_queue_once(settings):
    from content_server import questions
    from content_server.app import create_app
    from content_server.storage import Store
    create_app(settings)[STORE].close()  # an app that never serves: its store is not closed for it
    store = Store(settings.database_url)
    questions.fill_demo(store, settings)
    questions.fill_demo(store, settings)
    rows = given.read(store, given.rows, "SELECT language, phone_masked, kind FROM questions")
    assert len(rows) == len(questions.DEMO_QUESTIONS) + len(questions.DEMO_REQUESTS)
    assert {r["language"] for r in rows} == {"zh", "mn"}
    assert sorted(r["kind"] for r in rows).count("request") == len(questions.DEMO_REQUESTS)
    assert given.read(store, given.row, "SELECT COUNT(*) AS n FROM topics")["n"] == 9
    store.close()


async def test_a_retired_topic_disappears_from_the_tv_and_is_refused(client, make_account, device):
    editor = make_account("gerel", "editor")
    topics = {t["id"]: t for t in await (await client.get("/api/v1/topics")).json()}
    retired = {**topics["lending"], "active": False}
    assert (await client.put("/api/v1/topics/lending", json=retired, headers=editor)).status == 200
    assert "lending" not in [t["id"] for t in await (await client.get("/api/v1/topics")).json()]
    every = await (await client.get("/api/v1/topics?all=1", headers=editor)).json()
    assert {t["id"]: t["active"] for t in every}["lending"] is False
    assert (await client.get("/api/v1/topics?all=1", headers=device)).status == 401
    resp = await ask(client, device, topic="lending", phrases=["lending.1"])
    assert resp.status == 422 and (await resp.json())["error"] == "unknown_topic"
    resp = await client.put("/api/v1/topics/lending", json={**retired, "active": "no"}, headers=editor)
    assert resp.status == 422 and (await resp.json())["field"] == "active"
