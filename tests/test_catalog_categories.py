"""Editors name and order the categories households browse; nobody else may."""
from __future__ import annotations

from content_server.kernel.config import SETTINGS
from content_server.storage import STORE

from .console_session import sign_in
from .ready_video import add_ready_video
from . import given


async def test_an_editor_creates_renames_and_reorders_categories_and_boxes_see_it(client, make_account):
    editor = make_account("saran", "editor")
    store, settings = client.server.app[STORE], client.server.app[SETTINGS]
    # given two categories made by an editor, each with a ready video
    for cid, zh, mn in (("traffic", "交通事故", "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"), ("wages", "劳动工资", "ᠴᠠᠯᠢᠩ")):
        resp = await client.post("/api/v1/categories", json={"id": cid, "title": {"zh": zh, "mn": mn}},
                                 headers=editor)
        assert resp.status == 201, await resp.text()
        add_ready_video(store, settings, category=cid)
    assert [c["id"] for c in (await (await client.get("/api/v1/catalog")).json())["categories"]] == \
        ["traffic", "wages"]
    # when the editor renames one and puts wages first
    resp = await client.patch("/api/v1/categories/wages", json={"title": {"zh": "讨薪", "mn": "ᠴᠠᠯᠢᠩ ᠨᠡᠬᠡᠵᠡᠯᠡᠬᠦ"}},
                              headers=editor)
    assert resp.status == 200 and (await resp.json())["title"]["zh"] == "讨薪"
    resp = await client.put("/api/v1/categories/order", json={"order": ["wages", "traffic"]}, headers=editor)
    assert resp.status == 200 and [c["id"] for c in await resp.json()] == ["wages", "traffic"]
    # then the catalog shows the new name and the new order at once
    catalog = await (await client.get("/api/v1/catalog")).json()
    assert [c["id"] for c in catalog["categories"]] == ["wages", "traffic"]
    assert catalog["categories"][0]["title"] == {"zh": "讨薪", "mn": "ᠴᠠᠯᠢᠩ ᠨᠡᠬᠡᠵᠡᠯᠡᠬᠦ"}
    listed = await (await client.get("/api/v1/categories", headers=editor)).json()
    assert [(c["id"], c["position"]) for c in listed] == [("wages", 0), ("traffic", 1)]


async def test_bad_category_input_is_refused_with_the_field_named_and_nothing_changes(client, make_account):
    editor = make_account("saran", "editor")
    ok = {"id": "land", "title": {"zh": "土地承包", "mn": "ᠭᠠᠵᠠᠷ"}}
    assert (await client.post("/api/v1/categories", json=ok, headers=editor)).status == 201
    cases = [
        ({"id": "Land Contracts", "title": ok["title"]}, 422, "id"),
        ({"id": "../x", "title": ok["title"]}, 422, "id"),
        ({"id": "order", "title": ok["title"]}, 422, "id"),
        ({"id": "family", "title": {"zh": "婚姻"}}, 422, "title.mn"),  # names the missing language
        ({"id": "family", "title": {"zh": "婚姻", "mn": "ᠭᠡᠷ" * 30}}, 422, "title.mn"),
        ({"id": "family", "title": "婚姻"}, 422, "title"),
        ({"id": "land", "title": ok["title"]}, 409, "id"),
    ]
    for body, status, field in cases:
        resp = await client.post("/api/v1/categories", json=body, headers=editor)
        assert resp.status == status, body
        error = await resp.json()
        assert error["field"] == field and set(error["message"]) == {"zh", "mn"}
    resp = await client.post("/api/v1/categories", data=b"[1,", headers={**editor, "Content-Type": "application/json"})
    assert resp.status == 400
    resp = await client.put("/api/v1/categories/order", json={"order": ["land", "land"]}, headers=editor)
    assert resp.status == 422 and (await resp.json())["field"] == "order"
    resp = await client.put("/api/v1/categories/order", json={"order": []}, headers=editor)
    assert resp.status == 422
    resp = await client.patch("/api/v1/categories/nothing", json={"title": ok["title"]}, headers=editor)
    assert resp.status == 404
    listed = await (await client.get("/api/v1/categories", headers=editor)).json()
    assert [c["id"] for c in listed] == ["land"]


async def test_every_role_but_editor_is_refused(client, make_account, device):
    body = {"id": "land", "title": {"zh": "土地", "mn": "ᠭᠠᠵᠠᠷ"}}
    callers = {"anonymous": ({}, 401), "box": (device, 401)}
    for role in ("staff", "supervisor", "admin"):
        callers[role] = (make_account(f"someone-{role}", role), 403)
    for name, (headers, status) in callers.items():
        for method, path, payload in (("GET", "/api/v1/categories", None), ("POST", "/api/v1/categories", body),
                                      ("PATCH", "/api/v1/categories/land", body),
                                      ("PUT", "/api/v1/categories/order", {"order": ["land"]})):
            resp = await client.request(method, path, json=payload, headers=headers)
            assert resp.status == status, (name, method, path)
    store = client.server.app[STORE]
    assert (await store.read(given.row, "SELECT COUNT(*) AS n FROM categories"))["n"] == 0


async def test_a_signed_in_editor_needs_the_csrf_token(client):
    csrf = await sign_in(client, "saran", "editor")
    body = {"id": "land", "title": {"zh": "土地", "mn": "ᠭᠠᠵᠠᠷ"}}
    assert (await client.post("/api/v1/categories", json=body)).status == 403
    assert (await client.post("/api/v1/categories", json=body, headers={"X-CSRF-Token": csrf})).status == 201


async def test_the_editor_console_is_for_editors_only(client, make_account):
    # anonymous visitors are sent to sign in; other roles are refused
    resp = await client.get("/console/editor", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/console/login")
    for role in ("staff", "supervisor", "admin"):
        headers = make_account(f"someone-{role}", role)
        for path in ("/console/editor", "/console/editor/videos.json"):
            assert (await client.get(path, headers=headers)).status == 403, (role, path)
    editor = make_account("saran", "editor")
    listed = await client.get("/console/editor/videos.json?lang=mn", headers=editor)
    assert listed.status == 200 and (await listed.json()) == {"videos": []}
