"""What the topic forms rely on: editors set the order households see, a list that misses or repeats a
topic is refused, and a sentence's refused text is named by its place, so the form marks that box."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL


async def test_an_editor_reorders_the_topics_and_households_get_the_new_order(client, make_account):
    editor = make_account("altan", "editor")
    ids = [t["id"] for t in await (await client.get("/api/v1/topics")).json()]
    order = [ids[1], ids[0], *ids[2:]]
    resp = await client.put("/api/v1/topics/order", json={"order": order}, headers=editor)
    assert resp.status == 200
    assert [t["id"] for t in await (await client.get("/api/v1/topics")).json()] == order


async def test_an_order_that_misses_a_topic_is_refused_in_both_languages(client, make_account):
    editor = make_account("altan", "editor")
    ids = [t["id"] for t in await (await client.get("/api/v1/topics")).json()]
    resp = await client.put("/api/v1/topics/order", json={"order": ids[1:]}, headers=editor)
    body = await resp.json()
    assert resp.status == 422 and body["field"] == "order" and body["message"]["zh"] and body["message"]["mn"]
    assert [t["id"] for t in await (await client.get("/api/v1/topics")).json()] == ids


async def test_no_topic_can_be_named_order(client, make_account):
    editor = make_account("altan", "editor")
    resp = await client.post("/api/v1/topics", headers=editor, json={
        "id": "order", "title": {"zh": "顺序", "mn": "ᠳᠠᠷᠠᠭᠠᠯᠠᠯ"}, "phrases": [{"text": {"zh": "一", "mn": "ᠨᠢᠭᠡ"}}]})
    assert resp.status == 422 and (await resp.json())["field"] == "id"


async def test_a_sentence_without_mongolian_is_named_by_its_place(client, make_account):
    editor = make_account("altan", "editor")
    resp = await client.post("/api/v1/topics", headers=editor, json={
        "id": "pasture", "title": {"zh": "草场", "mn": "ᠪᠡᠯᠴᠢᠭᠡᠷ"},
        "phrases": [{"text": {"zh": "一", "mn": "ᠨᠢᠭᠡ"}}, {"text": {"zh": "二", "mn": ""}}]})
    body = await resp.json()
    assert resp.status == 422 and body["field"] == "phrases[1].text.mn" and body["message"]["mn"]
