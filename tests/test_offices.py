"""Named offices: what each service point offers, its level down to the gacha, and a referral that
names the office, so the household reads its name, address, phone and hours."""
from __future__ import annotations

import re
import time
import uuid

import pytest
from hypothesis import given as hypothesis_given, settings, strategies as st

from content_server.guidance import imports, seed_data
from content_server.kernel import auth
from content_server.kernel.errors import ApiError
from content_server.questions.calendar import default_calendar
from content_server.questions.intake import submit
from content_server.storage import STORE

from . import given

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL

MONGOLIAN = re.compile(r"[\u1800-\u18af]")


def point(**changes) -> dict:
    base = {"id": "abag-test-office", "region": "152522", "level": "gacha",
            "name": {"zh": "测试嘎查法律顾问", "mn": "ᠭᠠᠴᠠᠭ\u202fᠤᠨ ᠬᠠᠤᠯᠢ\u202fᠶᠢᠨ ᠵᠥᠪᠯᠡᠭᠴᠢ"}, "phone": "0479-12348",
            "hours": {"zh": "每周二 9:00–12:00", "mn": "ᠭᠠᠷᠠᠭ\u202fᠤᠨ ᠬᠣᠶᠠᠷ 9:00–12:00"},
            "address": {"zh": "阿巴嘎旗", "mn": "ᠠᠪᠠᠭ\u180eᠠ"}, "services": ["village_legal_adviser", "mediation"]}
    return {**base, **changes}


def question(**changes) -> dict:
    return {"topic": "labour", "phrases": ["labour.1"], "text": "", "phone": "13812348000",
            "callback_window": "any", "language": "mn", **changes}


async def test_the_demo_offices_say_what_they_offer_and_reach_down_to_the_gacha(client):
    everywhere = await (await client.get("/api/v1/services")).json()
    abag = await (await client.get("/api/v1/services", params={"region": "152522"})).json()

    assert imports.services({"items": seed_data("services")}) == everywhere  # the seed passes the editors' checks
    assert all(p["services"] and set(p["services"]) <= set(imports.SERVICE_KINDS) for p in everywhere)
    assert {k for p in everywhere for k in p["services"]} == set(imports.SERVICE_KINDS)  # each kind somewhere
    assert len([p for p in everywhere if p["level"] == "gacha"]) >= 2
    village = next(p for p in abag if p["level"] == "gacha")
    assert "village_legal_adviser" in village["services"] and village["region"] == "152522"
    assert village["hours"]["zh"] and MONGOLIAN.search(village["hours"]["mn"])


async def test_an_editor_imports_a_gacha_point_with_its_services_and_households_see_them(client, make_account):
    editor = make_account("editor1", "editor")

    resp = await client.put("/api/v1/services", json={"items": [point(), point(id="no-services", services=[])]},
                            headers=editor)
    points = await (await client.get("/api/v1/services", params={"region": "152522"})).json()

    assert resp.status == 200
    assert [(p["id"], p["level"], p["services"]) for p in points] == [
        ("abag-test-office", "gacha", ["village_legal_adviser", "mediation"]), ("no-services", "gacha", [])]


@pytest.mark.parametrize("services,code,field", [
    ("legal_aid", "wrong_type", "items[0].services"),
    (["legal_aid", "bakery"], "invalid_choice", "items[0].services[1]"),
    (["notary", "notary"], "duplicate_id", "items[0].services[1]"),
    ([7], "invalid_choice", "items[0].services[0]"),
])
async def test_a_service_list_that_is_not_a_list_of_known_services_is_refused_naming_it(
        client, make_account, services, code, field):
    editor = make_account("editor1", "editor")
    before = await (await client.get("/api/v1/services")).json()

    resp = await client.put("/api/v1/services", json={"items": [point(services=services)]}, headers=editor)
    error = await resp.json()

    assert resp.status == 422 and (error["error"], error["field"]) == (code, field)
    assert error["message"]["zh"] and MONGOLIAN.search(error["message"]["mn"])
    assert await (await client.get("/api/v1/services")).json() == before


@settings(max_examples=150, deadline=None)
@hypothesis_given(st.lists(st.one_of(st.sampled_from(imports.SERVICE_KINDS), st.text(max_size=12), st.integers(),
                                     st.none()), max_size=8),
                  st.sampled_from((*imports.LEVELS, "village", "", "Gacha")))
def test_any_service_list_and_level_is_kept_exactly_when_known_and_unique_else_refused_naming_the_entry(
        services, level):
    known = all(isinstance(s, str) and s in imports.SERVICE_KINDS for s in services)
    unique = len(set(map(repr, services))) == len(services)
    try:
        checked = imports.services({"items": [point(services=services, level=level)]})
    except ApiError as refused:
        assert not (known and unique and level in imports.LEVELS)
        assert refused.field == "items[0].level" if level not in imports.LEVELS else \
            re.fullmatch(r"items\[0\]\.services\[\d+\]", refused.field)
        return
    assert known and unique and checked[0]["services"] == services and checked[0]["level"] == level


async def _claimed(client, device, staff) -> dict:
    """A question of this box, put into the queue by the intake itself (over HTTP a loaded machine
    may answer 503 busy, as it should), then claimed by the lawyer."""
    store = client.server.app[STORE]
    token = device["Authorization"].removeprefix("Bearer ")
    box = given.read(store, given.row, "SELECT * FROM devices WHERE token_hash = ?", (auth.token_hash(token),))
    status, _ = given.write(store, submit, box, str(uuid.uuid4()), question(), time.time(), default_calendar())
    assert status == 201
    claimed = await (await client.post("/api/v1/desk/claim", headers=staff)).json()
    assert "id" in claimed, claimed
    return claimed


async def test_a_referral_names_the_office_and_the_household_reads_its_name_address_phone_and_hours(
        client, make_account, device):
    staff = make_account("wulan", "staff")
    editor = make_account("editor1", "editor")
    claimed = await _claimed(client, device, staff)
    url = f"/api/v1/desk/questions/{claimed['id']}/refer"
    office = next(p for p in seed_data("services") if p["id"] == "abag-belgutei-office")

    unknown = await client.post(url, headers=staff, json={"version": claimed["version"], "to": "mediation",
                                                          "office": "no-such-office", "summary": {"zh": "x"}})
    referred = await client.post(url, headers=staff, json={"version": claimed["version"], "to": "mediation",
                                                           "office": office["id"],
                                                           "summary": {"zh": "请到司法所调解。", "mn": ""}})
    # the editors later replace the service points: the household still reads what it was told
    await client.put("/api/v1/services", json={"items": [point()]}, headers=editor)
    household = (await (await client.get("/api/v1/questions", headers=device)).json())[0]

    error = await unknown.json()
    assert unknown.status == 422 and (error["error"], error["field"]) == ("unknown_office", "office")
    assert MONGOLIAN.search(error["message"]["mn"])
    assert referred.status == 200 and (await referred.json())["office"]["id"] == office["id"]
    assert household["status"] == "referred" and household["referral"] == "mediation"
    assert household["office"] == {k: office[k] for k in ("id", "name", "address", "phone", "hours")}


async def test_a_referral_without_an_office_still_works_and_names_none(client, make_account, device):
    staff = make_account("wulan", "staff")
    claimed = await _claimed(client, device, staff)

    resp = await client.post(f"/api/v1/desk/questions/{claimed['id']}/refer", headers=staff,
                             json={"version": claimed["version"], "to": "court", "summary": {"zh": "请到法院。"}})
    household = (await (await client.get("/api/v1/questions", headers=device)).json())[0]

    assert resp.status == 200 and household["referral"] == "court" and household["office"] is None


async def test_the_referral_is_audited_with_its_office(client, make_account, device):
    staff = make_account("wulan", "staff")
    claimed = await _claimed(client, device, staff)
    await client.post(f"/api/v1/desk/questions/{claimed['id']}/refer", headers=staff,
                      json={"version": claimed["version"], "to": "notary", "office": "xilinhot-notary",
                            "summary": {"zh": "请到公证处。"}})

    detail = await (await client.get(f"/api/v1/desk/questions/{claimed['id']}", headers=staff)).json()

    assert detail["office"]["name"]["zh"] == "锡林浩特市公证处"
    assert any(a["action"] == "refer" and a["detail"] == {"to": "notary", "office": "xilinhot-notary"}
               for a in detail["audit"])


def test_a_server_seeded_before_offices_said_what_they_offer_gets_the_new_seed_unless_an_editor_changed_it(
        settings):
    from content_server.guidance import seed
    from content_server.storage import Store, guidance as guidance_sql
    settings.root.create()
    old_seed = [{k: v for k, v in p.items() if k != "services"} for p in seed_data("services") if p["level"] != "gacha"]
    untouched, edited = Store(settings.root.database), None
    try:
        given.write(untouched, guidance_sql.replace_services, old_seed, "seed")
        given.write(untouched, seed)
        refreshed = given.read(untouched, guidance_sql.services_near, None)
        given.write(untouched, guidance_sql.replace_services, old_seed, "editor1")   # an editor's own set
        given.write(untouched, seed)
        edited = given.read(untouched, guidance_sql.services_near, None)
    finally:
        untouched.close()

    assert [p["id"] for p in refreshed] == [p["id"] for p in seed_data("services")]
    assert all(p["services"] for p in refreshed)
    assert [p["id"] for p in edited] == [p["id"] for p in old_seed] and not any(p["services"] for p in edited)
