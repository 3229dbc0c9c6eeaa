"""Notices to households over HTTP: an editor writes, corrects and withdraws them; a box asks
for its region's current ones, as any cache may keep them; every change is audited."""
from __future__ import annotations

import json
import re
import time

import pytest
from hypothesis import given as example, settings as hypothesis_settings, strategies as st

from content_server.kernel.clock import CLOCK
from content_server.kernel.errors import ApiError
from content_server.notices import rules

pytestmark = pytest.mark.both_engines
MONGOLIAN = re.compile(r"[\u1800-\u18af]")
T0 = 1_796_000_000.0  # a fixed "now" (2026-11-30, China time)
FLOOD = {"kind": "urgent", "regions": ["1525"],
         "title": {"zh": "洪水预警", "mn": "ᠦᠶᠡᠷ ᠤᠨ ᠰᠡᠷᠡᠮᠵᠢᠯᠡᠯᠭᠡ"},
         "body": {"zh": "河水上涨，请远离河道。需要法律帮助请拨打12348。",
                  "mn": "ᠭᠣᠣᠯ ᠤᠨ ᠤᠰᠤ ᠨᠡᠮᠡᠭ᠍ᠳᠡᠵᠡᠢ᠃ 12348"},
         "publish_from": "2026-11-30T08:00:00+08:00", "publish_until": "2026-12-02T08:00:00+08:00"}
CLINIC = {**FLOOD, "kind": "banner", "regions": ["152522"], "title": {"zh": "法律门诊周二开诊", "mn": "ᠬᠠᠤᠯᠢ ᠵᠦᠢ"},
          "body": {"zh": "苏木司法所，上午九点。", "mn": "ᠰᠤᠮᠤ ᠶᠢᠨ ᠰᠢᠭᠦᠬᠦ ᠶᠢᠨ ᠭᠠᠵᠠᠷ"}}


def at(iso: str) -> float:
    from datetime import datetime
    return datetime.fromisoformat(iso).timestamp()


async def current(client, region: str) -> list[dict]:
    resp = await client.get("/api/v1/notices", params={"region": region})
    assert resp.status == 200
    return (await resp.json())["notices"]


async def changes_entry(client) -> str:
    return (await (await client.get("/api/v1/changes")).json())["notices"]


async def test_an_urgent_notice_reaches_its_league_in_its_window_and_nowhere_else(client, make_account):
    app = client.server.app
    app[CLOCK].fixed = at("2026-11-30T07:00:00+08:00")
    editor = make_account("altan", "editor")
    before = await changes_entry(client)
    # when an editor posts a flood warning for the league 1525, an hour before it starts
    resp = await client.post("/api/v1/notices", json=FLOOD, headers=editor)
    assert resp.status == 201
    posted = await resp.json()
    assert posted["kind"] == "urgent" and posted["title"] == FLOOD["title"] and posted["regions"] == ["1525"]
    # then the changes document moved, but no box shows it before its window opens
    waiting = await changes_entry(client)
    assert waiting != before
    assert await current(client, "152522") == []
    resp = await client.get("/api/v1/notices", params={"region": "152522"})
    assert int(resp.headers["Cache-Control"].rsplit("=", 1)[1]) <= 3600  # not kept past the opening
    # when the window opens, the changes entry moves by itself, and boxes of the league see it
    app[CLOCK].fixed = at("2026-11-30T08:00:00+08:00")
    opened = await changes_entry(client)
    assert opened != waiting
    for region in ("152522", "152500", "152502"):
        assert [n["id"] for n in await current(client, region)] == [posted["id"]]
    # a box in another league, or one asking with no region, never gets it
    assert await current(client, "150102") == []
    assert await current(client, "152622") == []
    missing = await client.get("/api/v1/notices")
    assert missing.status == 422 and (await missing.json())["field"] == "region"
    # when the window closes, it is gone again
    app[CLOCK].fixed = at("2026-12-02T08:00:00+08:00")
    assert await current(client, "152522") == [] and await changes_entry(client) != opened


async def test_the_region_list_is_cacheable_and_revalidates_to_304(client, make_account):
    client.server.app[CLOCK].fixed = at("2026-12-01T08:00:00+08:00")
    editor = make_account("altan", "editor")
    assert (await client.post("/api/v1/notices", json=CLINIC, headers=editor)).status == 201
    first = await client.get("/api/v1/notices", params={"region": "152522"})
    assert first.headers["Cache-Control"].startswith("public, max-age=") and first.headers["ETag"]
    again = await client.get("/api/v1/notices", params={"region": "152522"},
                             headers={"If-None-Match": first.headers["ETag"]})
    assert again.status == 304
    # a banner for one banner (152522) is not shown in its neighbour (152523)
    assert await current(client, "152523") == []


async def test_an_editor_corrects_then_withdraws_a_notice_and_the_audit_keeps_both(client, make_account):
    client.server.app[CLOCK].fixed = at("2026-12-01T08:00:00+08:00")
    editor = make_account("altan", "editor")
    notice = await (await client.post("/api/v1/notices", json=CLINIC, headers=editor)).json()
    entry = await changes_entry(client)
    # when the editor corrects the Mongolian title
    title = {"zh": CLINIC["title"]["zh"], "mn": "ᠬᠠᠤᠯᠢ ᠵᠦᠢ ᠶᠢᠨ ᠡᠮᠨᠡᠯᠭᠡ"}
    resp = await client.patch(f"/api/v1/notices/{notice['id']}", json={"title": title}, headers=editor)
    assert resp.status == 200 and (await resp.json())["title"] == title
    assert (await current(client, "152522"))[0]["title"] == title
    corrected = await changes_entry(client)
    assert corrected != entry
    # when they withdraw it, boxes no longer get it and it cannot be edited any more
    resp = await client.delete(f"/api/v1/notices/{notice['id']}", headers=editor)
    assert resp.status == 200
    assert await current(client, "152522") == [] and await changes_entry(client) != corrected
    told = await (await client.get("/api/v1/notices", params={"region": "152522"})).json()
    assert told["withdrawn"] == [notice["id"]]  # boxes that kept it drop it from their past notices
    assert (await (await client.get("/api/v1/notices", params={"region": "152523"})).json())["withdrawn"] == []
    resp = await client.patch(f"/api/v1/notices/{notice['id']}", json={"title": title}, headers=editor)
    assert resp.status == 409 and MONGOLIAN.search((await resp.json())["message"]["mn"])
    assert (await client.delete(f"/api/v1/notices/{notice['id']}", headers=editor)).status == 409
    # the audit says who did what, before → after
    log = await (await client.get(f"/api/v1/notices/{notice['id']}/audit", headers=editor)).json()
    assert [e["change"] for e in log] == ["create", "edit", "withdraw"] and {e["who"] for e in log} == {"altan"}
    assert log[1]["before"] == {"title_mn": CLINIC["title"]["mn"]} and log[1]["after"] == {"title_mn": title["mn"]}
    # the editors' list still shows it, as withdrawn
    listed = await (await client.get("/api/v1/notices?all=1", headers=editor)).json()
    assert listed["notices"][0]["withdrawn_at"] and not listed["notices"][0]["current"]


async def test_only_editors_write_notices(client, make_account, device):
    for headers in ({}, device, make_account("wulan", "staff"), make_account("bayar", "supervisor")):
        resp = await client.post("/api/v1/notices", json=CLINIC, headers=headers)
        assert resp.status in (401, 403) and set((await resp.json())["message"]) == {"zh", "mn"}
    assert (await client.get("/api/v1/notices?all=1", headers=device)).status in (401, 403)


@pytest.mark.parametrize("change, field", [
    ({"regions": ["1"]}, "regions"), ({"regions": []}, "regions"), ({"regions": "1525"}, "regions"),
    ({"regions": ["15250a"]}, "regions"), ({"kind": "popup"}, "kind"), ({"title": {"zh": "只有中文"}}, "title.mn"),
    ({"publish_until": "2026-11-30T08:00:00+08:00"}, "publish_until"),
    ({"publish_from": "tomorrow"}, "publish_from"), ({"colour": "red"}, "colour"),
])
async def test_a_bad_notice_is_refused_in_both_scripts_naming_the_field(client, make_account, change, field):
    client.server.app[CLOCK].fixed = at("2026-12-01T08:00:00+08:00")
    editor = make_account("altan", "editor")
    resp = await client.post("/api/v1/notices", json={**CLINIC, **change}, headers=editor)
    body = await resp.json()
    assert resp.status == 422 and body["field"] == field
    assert body["message"]["zh"] and MONGOLIAN.search(body["message"]["mn"])
    assert (await client.get("/api/v1/notices?all=1", headers=editor)).status == 200
    assert (await (await client.get("/api/v1/notices?all=1", headers=editor)).json())["notices"] == []


# --- any body: a clean notice or a bilingual refusal ------------------------------------------

texts = st.one_of(st.none(), st.integers(), st.text(max_size=90),
                  st.sampled_from(["", "  ", "洪水", "ᠦᠶᠡᠷ", "a\x07b", "x" * 81]))
bilingual = st.one_of(texts, st.fixed_dictionaries({"zh": texts, "mn": texts}),
                      st.dictionaries(st.sampled_from(["zh", "mn", "en"]), texts, max_size=3))
instants = st.one_of(st.none(), st.just(""), st.just("2026-12-01T08:00:00+08:00"),
                     st.just("2026-11-01T08:00:00+08:00"), st.just("2026-12-01T08:00:00"),
                     st.just("9999-01-01T00:00:00+00:00"), st.integers(), st.text(max_size=30))
prefixes = st.one_of(st.text(alphabet="0123456789a²", min_size=0, max_size=7), st.integers())
bodies = st.dictionaries(
    st.sampled_from([*rules.FIELDS, "id", "colour"]),
    st.one_of(st.sampled_from(["banner", "urgent", "popup"]), bilingual, instants,
              st.lists(prefixes, max_size=4), prefixes),
    max_size=7)


@hypothesis_settings(max_examples=400, deadline=None, database=None)
@example(body=bodies, editing=st.booleans())
def test_any_notice_body_is_either_a_clean_notice_or_a_bilingual_refusal(body, editing):
    now = at("2026-11-30T12:00:00+08:00")
    existing = {"publish_from": now - 3600, "publish_until": None} if editing else None
    try:
        columns = rules.check_notice(body, now, current=existing)
    except ApiError as exc:
        message = exc.body()["message"]
        assert 400 <= exc.status < 500 and message["zh"] and MONGOLIAN.search(message["mn"])
        assert exc.field is None or exc.field.split(".")[0] in set(body) | set(rules.FIELDS)
        return
    assert set(body) <= set(rules.FIELDS)
    if not editing:
        assert {"kind", "title_zh", "title_mn", "body_zh", "body_mn", "regions", "publish_from"} <= set(columns)
    if "kind" in columns:
        assert columns["kind"] in ("banner", "urgent")
    for name in ("title_zh", "title_mn", "body_zh", "body_mn"):
        if name in columns:
            assert columns[name].strip() == columns[name] and columns[name]
            assert len(columns[name]) <= (rules.MAX_TITLE if name.startswith("title") else rules.MAX_BODY)
    if "regions" in columns:
        regions = json.loads(columns["regions"])
        assert regions and all(p.isdigit() and p.isascii() and len(p) in (2, 4, 6) for p in regions)
    start = columns.get("publish_from", existing and existing["publish_from"])
    end = columns.get("publish_until", existing and existing["publish_until"])
    assert end is None or (end > start and (end > now or "publish_until" not in body))
