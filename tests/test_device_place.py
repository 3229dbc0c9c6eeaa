"""A household that chooses another place on its box tells the server once; its later questions
carry the new region, so the desk and the reports see where it lives now."""
import uuid

import pytest

from content_server.storage import STORE, questions as db

from .test_questions import question_body

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL


async def ask(client, device, **changes) -> dict:
    resp = await client.post("/api/v1/questions", json=question_body(**changes),
                             headers={**device, "Idempotency-Key": str(uuid.uuid4())})
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def region_of(client, question: dict) -> str:
    return (await client.server.app[STORE].read(db.question, question["id"]))["region"]


async def test_a_box_that_moves_to_another_banner_asks_from_there(client, device):
    before = await ask(client, device)                       # registered in 152500
    resp = await client.put("/api/v1/devices/region", json={"region": "152522"}, headers=device)
    assert resp.status == 200 and (await resp.json()) == {"region": "152522"}
    after = await ask(client, device, topic="traffic", phrases=["traffic.2"], text="")
    assert (await region_of(client, before), await region_of(client, after)) == ("152500", "152522")


async def test_a_region_that_is_not_six_digits_is_refused_in_both_languages(client, device):
    resp = await client.put("/api/v1/devices/region", json={"region": "152522100"}, headers=device)
    body = await resp.json()
    assert resp.status == 422 and body["field"] == "region" and set(body["message"]) == {"zh", "mn"}


async def test_only_a_registered_box_changes_its_region(client):
    resp = await client.put("/api/v1/devices/region", json={"region": "152522"})
    assert resp.status == 401
