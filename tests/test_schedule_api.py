"""Editors manage channels as JSON; bad schedules are refused in both languages and nothing is written."""
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from content_server.kernel.config import SETTINGS
from content_server.kernel.clock import CLOCK
from content_server.storage import STORE, media

from .channel_media import install, install_slate
from .test_channel_live import MONDAY_DATE, SCHEDULE, moment, renditions  # noqa: F401  (session fixture)
from . import given

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL

MONGOLIAN = re.compile("[\u1800-\u18af]")
CHINA = ZoneInfo("Asia/Shanghai")
TITLE = {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}


@pytest.fixture
async def library(client, renditions):  # noqa: F811
    app = client.server.app
    root = app[SETTINGS].root
    install(app[STORE], root, renditions, "talk")
    install(app[STORE], root, renditions, "short")
    install_slate(root, renditions)
    await app[STORE].write(media.add_video_with_job, {"id": "pending", "category": "family", "title_zh": "处理中",
                                            "title_mn": "ᠪᠣᠯᠪᠠᠰᠤᠷᠠᠭᠤᠯᠵᠤ", "audio_languages": ["zh"],
                                            "subtitle_languages": [], "source": {}})
    return app


def with_slot(**changes):
    schedule = json.loads(json.dumps(SCHEDULE))
    schedule["slots"][0].update(changes)
    return schedule


BAD = [
    ("overlapping slots", {**SCHEDULE, "slots": SCHEDULE["slots"] + [dict(SCHEDULE["slots"][0], id="again",
                                                                         start="08:02", end="09:00")]},
     "overlapping_slots", "slots[2]"),
    ("an empty slot", with_slot(source={"type": "videos", "videos": []}), "empty_slot", "slots[0].source.videos"),
    ("a deleted video", with_slot(source={"type": "videos", "videos": ["gone"]}), "unknown_video",
     "slots[0].source.videos[0]"),
    ("an unready video", with_slot(source={"type": "videos", "videos": ["pending"]}), "video_not_ready",
     "slots[0].source.videos[0]"),
    ("an impossible time", with_slot(start="25:00"), "invalid_time", "slots[0].start"),
    ("an end before the start", with_slot(start="10:00", end="09:00"), "impossible_time", "slots[0].end"),
    ("a date that does not exist", {**SCHEDULE, "overrides": [dict(SCHEDULE["overrides"][0], date="2026-02-30")]},
     "invalid_date", "overrides[0].date"),
    ("an unknown playlist", with_slot(source={"type": "playlist", "playlist": "nope"}), "unknown_playlist",
     "slots[0].source.playlist"),
    ("a missing Mongolian title", with_slot(title={"zh": "早间"}), "missing_field", "slots[0].title.mn"),
]


@pytest.mark.parametrize("case", BAD, ids=[c[0] for c in BAD])
async def test_bad_schedules_are_refused_bilingually_and_nothing_is_written(client, make_account, library, case):
    _, schedule, code, field = case
    editor = make_account("saran", "editor")
    resp = await client.post("/api/v1/channels", headers=editor, json={"id": "legal", "title": TITLE,
                                                                       "schedule": schedule})
    body = await resp.json()
    assert resp.status == 422, body
    assert body["error"] == code and body["field"] == field
    assert body["message"]["zh"] and MONGOLIAN.search(body["message"]["mn"])
    assert await (await client.get("/api/v1/channels")).json() == []


async def test_malformed_json_import_is_refused(client, make_account, library):
    editor = make_account("saran", "editor")
    assert (await client.post("/api/v1/channels", headers=editor, json={"id": "legal", "title": TITLE})).status == 201
    resp = await client.put("/api/v1/channels/legal", headers={**editor, "Content-Type": "application/json"},
                            data=b'{"title": {"zh": "x", "mn": "y"}, "schedule": [')
    body = await resp.json()
    assert resp.status == 400 and body["error"] == "invalid_json" and MONGOLIAN.search(body["message"]["mn"])
    resp = await client.put("/api/v1/channels/legal", headers=editor, json={"title": TITLE, "schedule": "slots"})
    assert resp.status == 422 and (await resp.json())["error"] == "invalid_schedule"


async def test_export_then_import_round_trips_and_changes_the_guide(client, make_account, library):
    editor = make_account("saran", "editor")
    await client.post("/api/v1/channels", headers=editor, json={"id": "legal", "title": TITLE})
    client.server.app[CLOCK].fixed = moment(0, 8, 0, tzinfo=CHINA).timestamp()
    before = await (await client.get("/api/v1/channels/legal/guide?hours=1")).json()
    assert [g["item_id"] for g in before] == [None]  # nothing scheduled: off air
    exported = await (await client.get("/api/v1/channels/legal/export", headers=editor)).json()
    exported["schedule"] = SCHEDULE
    resp = await client.put("/api/v1/channels/legal", headers=editor, json=exported)
    assert resp.status == 200
    again = await (await client.get("/api/v1/channels/legal/export", headers=editor)).json()
    assert again["schedule"]["slots"][0]["source"] == SCHEDULE["slots"][0]["source"]
    after = await (await client.get("/api/v1/channels/legal/guide?hours=1")).json()
    assert {g["item_id"] for g in after} >= {"talk", "short"}


async def test_guide_follows_the_contract(client, make_account, library):
    editor = make_account("saran", "editor")
    await client.post("/api/v1/channels", headers=editor, json={"id": "legal", "title": TITLE, "schedule": SCHEDULE})
    client.server.app[CLOCK].fixed = moment(0, 7, 30, tzinfo=CHINA).timestamp()
    channels = await (await client.get("/api/v1/channels")).json()
    assert channels[0]["id"] == "legal" and channels[0]["title"] == TITLE
    resp = await client.get("/api/v1/channels/legal/guide?hours=48")
    assert resp.status == 200 and resp.headers["Cache-Control"] == "public, max-age=300" and resp.headers["ETag"]
    guide = await resp.json()
    assert {"start", "end", "item_id", "title"} <= set(guide[0])
    assert all(g["start"].endswith("+08:00") for g in guide)
    # from what is on at the top of the hour (the night's slate), so every box shares one response
    assert guide[0]["start"] == f"{MONDAY_DATE.isoformat()}T00:00:00+08:00" and guide[0]["item_id"] is None
    assert datetime.fromisoformat(guide[-1]["end"]) >= moment(2, 7, 0, tzinfo=CHINA)
    assert all(a["end"] == b["start"] for a, b in zip(guide, guide[1:]))
    assert (await client.get("/api/v1/channels/legal/guide", headers={"If-None-Match": resp.headers["ETag"]})).status == 304
    resp = await client.get("/api/v1/channels/legal/guide?hours=1000")
    assert resp.status == 422 and (await resp.json())["field"] == "hours"


async def test_a_video_outside_its_publish_window_is_not_in_the_guide(client, make_account, library, renditions):  # noqa: F811
    app = client.server.app
    install(app[STORE], app[SETTINGS].root, renditions, "talk", new_id="tomorrow",
            publish_from=moment(1, 8).astimezone(ZoneInfo("UTC")).isoformat())  # Tuesday 08:00 in Shanghai
    editor = make_account("saran", "editor")
    schedule = with_slot(source={"type": "videos", "videos": ["tomorrow", "short"]}, order="in_order")
    await client.post("/api/v1/channels", headers=editor, json={"id": "legal", "title": TITLE, "schedule": schedule})
    app[CLOCK].fixed = moment(0, 8, 0, tzinfo=CHINA).timestamp()
    today = await (await client.get("/api/v1/channels/legal/guide?hours=24")).json()
    assert "tomorrow" not in {g["item_id"] for g in today} and "short" in {g["item_id"] for g in today}
    app[CLOCK].fixed = moment(1, 8, 0, tzinfo=CHINA).timestamp()
    later = await (await client.get("/api/v1/channels/legal/guide?hours=1")).json()
    assert "tomorrow" in {g["item_id"] for g in later}


async def test_roles_other_than_editor_are_refused(client, make_account, device, library):
    editor = make_account("saran", "editor")
    await client.post("/api/v1/channels", headers=editor, json={"id": "legal", "title": TITLE})
    callers = {"anonymous": {}, "household": device, "staff": make_account("batu", "staff"),
               "supervisor": make_account("gerel", "supervisor"), "admin": make_account("admin1", "admin")}
    calls = [("POST", "/api/v1/channels", {"id": "other", "title": TITLE}),
             ("PUT", "/api/v1/channels/legal", {"title": TITLE}),
             ("GET", "/api/v1/channels/legal/export", None),
             ("DELETE", "/api/v1/channels/legal", None),
             ("POST", "/api/v1/channels/legal/overrides", {}),
             ("POST", "/api/v1/channels/legal/preview", {"schedule": SCHEDULE})]
    for who, headers in callers.items():
        for method, path, body in calls:
            resp = await client.request(method, path, headers=headers, json=body)
            assert resp.status == (401 if who in ("anonymous", "household") else 403), (who, method, path)
        page = await client.get("/console/editor/channels", headers=headers, allow_redirects=False)
        assert page.status in ((303,) if who in ("anonymous", "household") else (403,)), who
    assert len(await (await client.get("/api/v1/channels")).json()) == 1


async def test_console_page_shows_the_channel_editor(client, make_account, library):
    editor = make_account("saran", "editor")
    await client.post("/api/v1/channels", headers=editor, json={"id": "legal", "title": TITLE, "schedule": SCHEDULE})
    resp = await client.get("/console/editor/channels?lang=mn", headers=editor)
    html = await resp.text()
    assert resp.status == 200 and "channels.js" in html and 'id="slots"' in html and "ᠬᠠᠤᠯᠢ" in html
    assert "<script>" not in html  # strict CSP: no inline scripts


async def test_an_override_is_added_and_a_bad_one_refused(client, make_account, library):
    editor = make_account("saran", "editor")
    await client.post("/api/v1/channels", headers=editor, json={"id": "legal", "title": TITLE, "schedule": SCHEDULE})
    special = {"date": (MONDAY_DATE + timedelta(days=9)).isoformat(), "start": "21:00", "end": "21:30", "title": {"zh": "宪法日", "mn": "ᠦᠨᠳᠦᠰᠦᠨ"},
               "source": {"type": "videos", "videos": ["talk"]}}
    assert (await client.post("/api/v1/channels/legal/overrides", headers=editor, json=special)).status == 201
    clash = dict(special, start="21:10", end="21:20")
    resp = await client.post("/api/v1/channels/legal/overrides", headers=editor, json=clash)
    assert resp.status == 422 and (await resp.json())["error"] == "overlapping_slots"
    exported = await (await client.get("/api/v1/channels/legal/export", headers=editor)).json()
    assert len(exported["schedule"]["overrides"]) == 2


async def test_old_schedule_versions_are_pruned_but_recent_ones_kept(client, make_account, library):
    editor = make_account("saran", "editor")
    await client.post("/api/v1/channels", headers=editor, json={"id": "legal", "title": TITLE, "schedule": SCHEDULE})
    app = client.server.app
    for days in (0, 1, 5):
        app[CLOCK].fixed = moment(days, 9).timestamp()
        resp = await client.put("/api/v1/channels/legal", headers=editor, json={"title": TITLE, "schedule": SCHEDULE})
        assert resp.status == 200
    from content_server.storage import schedule as schedule_sql
    versions = await app[STORE].write(schedule_sql.schedule_versions, "legal")
    # the version in force two days before the last edit (Tuesday's, standing for all before) and the last
    assert [v[0] for v in versions] == [0, int(moment(5, 9).timestamp() * 1000)]
    assert (await app[STORE].read(given.row, "SELECT COUNT(*) AS n FROM channel_schedules"))["n"] == 2
