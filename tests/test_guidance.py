"""Guidance for households: service points near them, the legal glossary, step-by-step guides."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from content_server.guidance import seed_data
from content_server.media.demo import CATEGORIES
from content_server.questions.topics import SEED_TOPICS
from tests.conftest import add_account
from . import given

MONGOLIAN = re.compile(r"[\u1800-\u18af]")


def bilingual_ok(value: dict) -> bool:
    return set(value) == {"zh", "mn"} and value["zh"].strip() and MONGOLIAN.search(value["mn"])


def one_point(**changes) -> dict:
    point = {"id": "abag-test-office", "region": "152522", "level": "sumu",
             "name": {"zh": "测试司法所", "mn": "ᠰᠢᠭᠦᠨ ᠲᠠᠰᠤᠯᠬᠤ ᠭᠠᠵᠠᠷ"}, "phone": "0479-12348",
             "hours": {"zh": "周一至周五", "mn": "ᠭᠠᠷᠠᠭ ᠤᠨ ᠨᠢᠭᠡᠨ"}, "address": {"zh": "阿巴嘎旗", "mn": "ᠠᠪᠠᠭ᠎ᠠ"}}
    point.update(changes)
    return point


async def test_a_fresh_server_already_shows_bilingual_services_glossary_and_guides(client):
    services = await (await client.get("/api/v1/services")).json()
    glossary = await (await client.get("/api/v1/glossary")).json()
    guides = await (await client.get("/api/v1/guides")).json()

    assert len(services) >= 20 and len(glossary) >= 30
    for point in services:
        assert {"id", "name", "level", "phone", "hours", "address"} <= set(point)
        assert all(bilingual_ok(point[f]) for f in ("name", "hours", "address"))
        assert re.fullmatch(r"[0-9-]+", point["phone"])
    assert any(p["phone"] == "12348" for p in services)
    for term in glossary:
        assert bilingual_ok(term["term"]) and bilingual_ok(term["definition"])
    terms_zh = {t["term"]["zh"] for t in glossary}
    assert {"劳动合同", "工伤认定", "法律援助", "调解", "诉讼时效", "土地承包经营权", "继承", "借条",
            "交通事故责任认定"} <= terms_zh
    assert [g["topic"] for g in guides] == [t["id"] for t in SEED_TOPICS]   # one guide per question topic
    ids = {t["id"] for t in glossary}
    for guide in guides:
        assert 3 <= len(guide["steps"]) <= 6 and all(bilingual_ok(s) for s in guide["steps"])
        assert bilingual_ok(guide["title"]) and guide["glossary"] and set(guide["glossary"]) <= ids
        assert guide["category"] in {c[0] for c in CATEGORIES} | {None}


async def test_a_household_in_abag_banner_sees_its_own_offices_first_then_league_then_province(client):
    resp = await client.get("/api/v1/services", params={"region": "152522"})
    points = await resp.json()
    regions = [p["region"] for p in points]

    assert resp.status == 200
    assert regions[:4] == ["152522"] * 4                      # Abag Banner, its towns and their gacha
    assert regions[4] == "152500"                             # then Xilin Gol League
    league_end = max(i for i, r in enumerate(regions) if r.startswith("1525"))
    assert all(r.startswith("1525") for r in regions[:league_end + 1])
    assert regions[league_end + 1] == "150000"                # then the autonomous region
    assert regions[-1] == "000000" and points[-1]["phone"] == "12348"
    assert "150702" in regions and regions.index("150702") > regions.index("150000")


async def test_a_household_outside_inner_mongolia_still_gets_the_12348_hotline(client):
    points = await (await client.get("/api/v1/services", params={"region": "110101"})).json()
    assert [p["id"] for p in points] == ["hotline-12348"]


@pytest.mark.parametrize("region", ["15252", "1525222", "abcdef", "１５２５２２", ""])
async def test_a_malformed_region_is_refused_in_both_languages(client, region):
    resp = await client.get("/api/v1/services", params={"region": region})
    body = await resp.json()
    assert resp.status == 422 and body["error"] == "invalid_region" and body["field"] == "region"
    assert body["message"]["zh"] and MONGOLIAN.search(body["message"]["mn"])


@pytest.mark.parametrize("path", ["/api/v1/services?region=150725", "/api/v1/glossary", "/api/v1/guides"])
async def test_boxes_revalidate_cheaply_and_get_gzip(client, path):
    first = await client.get(path, headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    again = await client.get(path, headers={"If-None-Match": etag})

    assert first.status == 200 and first.headers["Content-Encoding"] == "gzip"
    assert first.headers["Cache-Control"] == "public, max-age=3600"
    assert again.status == 304 and again.headers["ETag"] == etag and await again.read() == b""


async def test_an_editor_replaces_the_service_points_and_households_see_the_new_set(client, make_account):
    editor = make_account("editor1", "editor")
    old_etag = (await client.get("/api/v1/services")).headers["ETag"]

    resp = await client.put("/api/v1/services", json={"items": [one_point()]}, headers=editor)
    after = await client.get("/api/v1/services", headers={"If-None-Match": old_etag})

    assert resp.status == 200
    assert after.status == 200 and [p["id"] for p in await after.json()] == ["abag-test-office"]


async def test_an_editor_replaces_glossary_and_guides_and_guides_only_name_existing_terms(client, make_account):
    editor = make_account("editor1", "editor")
    glossary = seed_data("glossary")[:3]
    guide = dict(seed_data("guides")[0], glossary=[glossary[0]["id"], "no-such-term"])

    refused = await client.put("/api/v1/guides", json={"items": [guide]}, headers=editor)
    assert (await client.put("/api/v1/glossary", json={"items": glossary}, headers=editor)).status == 200
    guide["glossary"] = [glossary[0]["id"], glossary[1]["id"]]
    accepted = await client.put("/api/v1/guides", json={"items": [guide]}, headers=editor)
    removed = await client.put("/api/v1/glossary", json={"items": glossary[:1]}, headers=editor)
    guides = await (await client.get("/api/v1/guides")).json()

    assert refused.status == 422 and (await refused.json())["error"] == "unknown_term"
    assert accepted.status == 200 and removed.status == 200
    assert len(await (await client.get("/api/v1/glossary")).json()) == 1
    assert guides[0]["glossary"] == [glossary[0]["id"]]      # a removed term is no longer linked


BAD_SERVICE_IMPORTS = [
    ({}, "missing_field", "items"),
    ({"items": []}, "missing_field", "items"),
    ({"items": {"a": 1}}, "wrong_type", "items"),
    ({"items": ["x"]}, "wrong_type", "items[0]"),
    ({"items": [one_point(id="Bad Id")]}, "invalid_id", "items[0].id"),
    ({"items": [one_point(), one_point()]}, "duplicate_id", "items[1].id"),
    ({"items": [one_point(region="1525")]}, "invalid_region", "items[0].region"),
    ({"items": [one_point(level="village")]}, "invalid_choice", "items[0].level"),
    ({"items": [one_point(phone="call me")]}, "invalid_phone", "items[0].phone"),
    ({"items": [one_point(name={"zh": "只有中文"})]}, "missing_field", "items[0].name.mn"),
    ({"items": [one_point(name="只有中文")]}, "wrong_type", "items[0].name"),
    ({"items": [one_point(name={"zh": "司法所", "mn": "Mongol in Latin"})]}, "not_mongolian", "items[0].name.mn"),
    ({"items": [one_point(address={"zh": "x" * 201, "mn": "ᠠ"})]}, "too_long", "items[0].address.zh"),
]


@pytest.mark.parametrize("body,code,field", BAD_SERVICE_IMPORTS)
async def test_a_broken_import_is_refused_with_the_field_named_and_nothing_changes(client, make_account,
                                                                                    body, code, field):
    editor = make_account("editor1", "editor")
    before = await (await client.get("/api/v1/services")).json()

    resp = await client.put("/api/v1/services", json=body, headers=editor)
    error = await resp.json()

    assert resp.status == 422 and (error["error"], error["field"]) == (code, field)
    assert error["message"]["zh"] and MONGOLIAN.search(error["message"]["mn"])
    assert await (await client.get("/api/v1/services")).json() == before


async def test_an_import_that_is_not_json_or_too_large_is_refused(client, make_account):
    editor = make_account("editor1", "editor")
    not_json = await client.put("/api/v1/glossary", data=b"{items: [", headers=editor)
    huge = await client.put("/api/v1/glossary", data=b"[" + b" " * (3 * 1024 * 1024) + b"]", headers=editor)
    assert not_json.status == 400 and (await not_json.json())["error"] == "invalid_json"
    assert huge.status == 413 and (await huge.json())["error"] == "too_large"


@pytest.mark.parametrize("path", ["/api/v1/services", "/api/v1/glossary", "/api/v1/guides"])
async def test_only_editors_may_import(client, make_account, device, path):
    body = {"items": [one_point()]}
    anonymous = await client.put(path, json=body)
    household = await client.put(path, json=body, headers=device)
    assert anonymous.status == 401 and household.status == 401
    for role in ("staff", "supervisor", "admin"):
        resp = await client.put(path, json=body, headers=make_account(f"{role}1", role))
        assert resp.status == 403 and (await resp.json())["error"] == "forbidden"
    assert len(await (await client.get("/api/v1/services")).json()) > 1


def _http(method: str, url: str, body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return resp.status, json.loads(resp.read())


def test_an_acknowledged_import_survives_kill_9_and_is_not_overwritten_by_the_seed(server_process, tmp_path):
    from content_server.kernel import auth
    from content_server.storage import Store, accounts
    server = server_process()
    store = Store(server.data / "legal-tv.db")
    user_id = add_account(store, "editor1", "editor")
    token, token_hash = auth.new_token("ltv")
    given.write(store, accounts.add_api_token, user_id, token_hash)
    store.close()

    status, _ = _http("PUT", server.url + "/api/v1/services", {"items": [one_point()]},
                      {"Authorization": f"Bearer {token}"})
    server.kill()
    restarted = server_process(server.port)
    _, points = _http("GET", restarted.url + "/api/v1/services?region=152522")

    assert status == 200 and [p["id"] for p in points] == ["abag-test-office"]


def test_demo_fill_runs_twice_without_duplicates(settings):
    from content_server.guidance import fill_demo
    from content_server.storage import Store
    from content_server.storage import guidance as guidance_sql
    settings.root.create()
    store = Store(settings.root.database)
    fill_demo(store, settings)
    fill_demo(store, settings)
    assert len(given.read(store, guidance_sql.services_near, None)) == len(seed_data("services"))
    assert given.read(store, guidance_sql.set_version, "services") == 1
    store.close()


def test_a_seed_from_before_documents_gains_them_and_an_editors_guides_are_kept(settings):
    from content_server import guidance
    from content_server.storage import Store
    from content_server.storage import guidance as guidance_sql
    settings.root.create()
    store = Store(settings.root.database)
    try:
        # given guides seeded before guides said what to bring
        given.write(store, guidance.seed)
        given.write(store, given.run_sql, "UPDATE guides SET documents = '[]'")
        # when the server starts again, the untouched seed gains the lists
        given.write(store, guidance.seed)
        wages = next(g for g in given.read(store, guidance_sql.guides) if g["topic"] == "wages")
        assert wages["documents"] == next(g for g in seed_data("guides") if g["topic"] == "wages")["documents"]
        # and an editor's guides without lists stay as the editor left them
        mine = [dict(g, documents=[]) for g in seed_data("guides")]
        given.write(store, guidance_sql.replace_guides, mine, "naran")
        given.write(store, guidance.seed)
        assert all(g["documents"] == [] for g in given.read(store, guidance_sql.guides))
    finally:
        store.close()
