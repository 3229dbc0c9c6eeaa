"""A box reports at registration which text path draws Mongolian joined on it ("raqm", "sdl2"), or
that none does ("none"); the server keeps it, refuses anything else, and /metrics counts the boxes
that cannot show Mongolian."""
import pytest

from content_server.storage import STORE, accounts

from . import given
from .conftest import METRICS

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL


async def register(client, **fields):
    return await client.post("/api/v1/devices", json={"region": "152500", "language": "zh", **fields})


async def test_the_server_keeps_what_each_box_says_of_its_mongolian(client):
    stored = {}
    for path in ("raqm", "sdl2", "none", None):
        resp = await register(client, **({"shaping": path} if path else {}))
        assert resp.status == 201
        device = given.read(client.server.app[STORE], accounts.device_by_id, (await resp.json())["device_id"])
        stored[path] = device["shaping"]
    assert stored == {"raqm": "raqm", "sdl2": "sdl2", "none": "none", None: None}  # an older box says nothing


@pytest.mark.parametrize("shaping", ["harfbuzz", "", 1, ["raqm"]])
async def test_a_shaping_the_box_cannot_have_is_refused_by_its_field(client, shaping):
    resp = await register(client, shaping=shaping)
    assert resp.status == 422
    body = await resp.json()
    assert body["field"] == "shaping" and body["message"]["zh"] and body["message"]["mn"]


async def test_staff_see_in_the_metrics_how_many_boxes_cannot_show_mongolian(client):
    metrics = await (await client.get("/metrics", headers=METRICS)).text()
    assert 'legaltv_devices_by_shaping{shaping="none"} 0' in metrics  # a series to alert on from the start
    for path in ("none", "none", "raqm", None):
        assert (await register(client, **({"shaping": path} if path else {}))).status == 201
    metrics = await (await client.get("/metrics", headers=METRICS)).text()
    assert 'legaltv_devices_by_shaping{shaping="none"} 2' in metrics
    assert 'legaltv_devices_by_shaping{shaping="raqm"} 1' in metrics
    assert 'legaltv_devices_by_shaping{shaping="unknown"} 1' in metrics
