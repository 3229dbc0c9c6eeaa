"""What households watch, over HTTP: boxes send anonymous play events in batches, counted once per
batch and at most one batch per box per 15 minutes; the counters by video, day, region and
language; the Popular ranking of a league, or of the province when the league has too few."""
from __future__ import annotations

import re
import uuid

import pytest
from hypothesis import given as example, settings as hypothesis_settings, strategies as st

from content_server.kernel.clock import CLOCK
from content_server.kernel.errors import ApiError
from content_server.plays import rules
from content_server.storage import STORE, plays as plays_sql

from . import given
from .ready_video import add_ready_video

pytestmark = pytest.mark.both_engines
MONGOLIAN = re.compile(r"[\u1800-\u18af]")
T0 = 1_796_000_000.0  # 2026-11-30 14:13 China time


def watched(video: str, at: float, audio: str = "mn", subtitles: str = "", to: int = 100) -> list[dict]:
    """The events of one play from its start to `to` per cent."""
    events = [{"video": video, "event": "start", "at": at, "audio": audio, "subtitles": subtitles}]
    events += [{"video": video, "event": "progress", "percent": p, "at": at + p, "audio": audio, "subtitles": subtitles}
               for p in (25, 50, 75, 100) if p <= to]
    return events


async def box_in(client, region: str) -> dict:
    resp = await client.post("/api/v1/devices", json={"region": region, "language": "mn"})
    assert resp.status == 201
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}


async def send(client, box: dict, events: list[dict], batch: str | None = None):
    return await client.post("/api/v1/plays", json={"batch": batch or str(uuid.uuid4()), "events": events},
                             headers=box)


def counters(client) -> list:
    return given.read(client.server.app[STORE], plays_sql.day_rows, "2026-01-01", "2027-12-31")


async def test_a_batch_counts_once_keeps_no_box_id_and_a_box_sends_one_batch_per_quarter_hour(client, settings):
    app = client.server.app
    app[CLOCK].fixed = T0
    video = add_ready_video(app[STORE], settings, files=False)
    box = await box_in(client, "152502")
    events = watched(video, T0 - 600, audio="mn", subtitles="zh") + [
        {"video": video, "event": "stall", "seconds": 2.5, "at": T0 - 500, "audio": "mn", "subtitles": "zh"},
        {"video": video, "event": "rung", "height": 360, "at": T0 - 490, "audio": "mn", "subtitles": "zh"}]
    # when a box sends a batch, then it is counted
    resp = await send(client, box, events, batch="batch-0001")
    assert resp.status == 200 and (await resp.json()) == {"batch": "batch-0001", "counted": True}
    # and when it sends the same batch again (its reply was lost), then nothing is counted twice
    again = await send(client, box, events, batch="batch-0001")
    assert again.status == 200 and (await again.json())["counted"] is False
    [row] = counters(client)
    assert (row["video_id"], row["day"], row["region"], row["audio"], row["subtitles"]) == (
        video, "2026-11-30", "152502", "mn", "zh")
    assert (row["starts"], row["quarter"], row["half"], row["three_quarters"], row["completes"]) == (1, 1, 1, 1, 1)
    assert (row["stalls"], row["stall_seconds"], row["rung_changes"]) == (1, 2.5, 1)
    # and no stored row names the box
    device_id = given.read(app[STORE], given.row, "SELECT id FROM devices")[0]
    stored = given.read(app[STORE], given.rows, "SELECT * FROM play_batches")
    assert stored and all(device_id not in str(tuple(r)) for r in stored)
    # when the box sends another batch within 15 minutes, then it is asked to wait
    soon = await send(client, box, watched(video, T0))
    assert soon.status == 429 and 0 < int(soon.headers["Retry-After"]) <= 15 * 60 + 1
    body = await soon.json()
    assert body["message"]["zh"] and MONGOLIAN.search(body["message"]["mn"])
    # and after 15 minutes it is counted
    app[CLOCK].fixed = T0 + 15 * 60 + 1
    assert (await (await send(client, box, watched(video, T0 + 60, audio="zh"))).json())["counted"] is True
    by_audio = {r["audio"]: r["starts"] for r in counters(client)}
    assert by_audio == {"mn": 1, "zh": 1}


async def test_only_a_registered_box_sends_plays(client, make_account):
    editor = make_account("altan", "editor")
    for headers in ({}, editor, {"Authorization": "Bearer dev_nonsense"}):
        resp = await client.post("/api/v1/plays", json={"batch": "batch-0001", "events": []}, headers=headers)
        assert resp.status == 401


async def test_popular_ranks_the_leagues_completed_plays_and_falls_back_to_the_province(client, settings):
    app = client.server.app
    app[CLOCK].fixed = T0
    store = app[STORE]
    videos = [add_ready_video(store, settings, title_zh=f"案例{i}", files=False) for i in range(5)]
    before = (await (await client.get("/api/v1/changes")).json())["popular"]
    # a box in the Xilingol league (1525) finishes video 1 twice and video 0 once, starts video 2 only
    xilingol = await box_in(client, "152502")
    events = (watched(videos[1], T0 - 900) + watched(videos[1], T0 - 600) + watched(videos[0], T0 - 300)
              + watched(videos[2], T0 - 200, to=75))
    assert (await send(client, xilingol, events)).status == 200
    # a box in Hohhot (1501) finishes video 3 three times, 15 days ago video 4 many times
    hohhot = await box_in(client, "150102")
    events = watched(videos[3], T0 - 100) * 3 + watched(videos[4], T0 - 15 * 86400) * 5
    assert (await send(client, hohhot, events)).status == 200
    # then the changes document told boxes the ranking moved
    assert (await (await client.get("/api/v1/changes")).json())["popular"] != before
    # and a league with too few completed videos gets the province's ranking, last 14 days only
    resp = await client.get("/api/v1/popular", params={"region": "152522"})
    assert resp.status == 200 and resp.headers["Cache-Control"].startswith("public, max-age=")
    document = await resp.json()
    assert document["level"] == "province" and document["region"] == "150000"
    assert [(i["id"], i["completed"]) for i in document["items"]] == [(videos[3], 3), (videos[1], 2), (videos[0], 1)]
    # and it revalidates to 304
    again = await client.get("/api/v1/popular", params={"region": "152522"},
                             headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status == 304
    # when the league has enough completed videos of its own, then it gets its own ranking
    app[CLOCK].fixed = T0 + 3600
    more = watched(videos[2], T0 + 3000) + watched(videos[4], T0 + 3100)
    assert (await send(client, xilingol, more)).status == 200
    league = await (await client.get("/api/v1/popular", params={"region": "152522"})).json()
    assert league["level"] == "league" and league["region"] == "152500"
    assert [i["id"] for i in league["items"]] == [videos[1], *sorted([videos[0], videos[2], videos[4]])]
    assert (await client.get("/api/v1/popular", params={"region": "15"})).status == 422


# --- any body: counted or a bilingual refusal -------------------------------------------------

values = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**12), st.floats(allow_nan=True),
                   st.text(max_size=12), st.sampled_from(["zh", "mn", "", "start", "progress", "stall", "v1"]))
events = st.one_of(values, st.dictionaries(
    st.sampled_from(["video", "event", "at", "audio", "subtitles", "percent", "seconds", "height", "x"]),
    st.one_of(values, st.sampled_from([25, 50, 75, 100, 33, T0])), max_size=8))
bodies = st.one_of(values, st.lists(events, max_size=3), st.dictionaries(
    st.sampled_from(["batch", "events", "x"]),
    st.one_of(values, st.just("batch-0001"), st.lists(events, max_size=5)), max_size=3))


@hypothesis_settings(max_examples=400, deadline=None, database=None)
@example(body=bodies)
def test_any_plays_body_is_either_counted_or_refused_in_both_scripts(body):
    try:
        rules.batch_id(body)
        counted = rules.tallies(body, "152502", T0)
    except ApiError as exc:
        message = exc.body()["message"]
        assert exc.status == 422 and message["zh"] and MONGOLIAN.search(message["mn"])
        assert exc.field.split("[")[0].split(".")[0] in ("batch", "events")
        return
    assert sum(sum(v for k, v in t.items() if k != "stall_seconds") for t in counted.values()) <= len(body["events"])
    for key, tally in counted.items():
        assert key.region == "152502" and key.audio in ("zh", "mn") and key.subtitles in ("", "zh", "mn")
        assert key.day <= "2026-11-30" and set(tally) <= {*plays_sql.COUNTERS, "stall_seconds"}
