"""A newcomer sees the consoles at once: the demo makes one account per role with a one-time
password, and whoever signs in with it must choose their own before anything else.

Given a real app on a real database, when the demo's accounts are made and each signs in through
the real form, then every page and API call leads to choosing a password until one is chosen.
"""
from __future__ import annotations

import asyncio

import pytest

from content_server.accounts import demo as demo_accounts
from content_server.kernel import auth
from content_server.media import demo as media_demo
from content_server.storage import STORE

from . import given
from .console_session import csrf_of, post_login

pytestmark = pytest.mark.both_engines

HOMES = {"editor": "/console/editor", "staff": "/console/staff", "supervisor": "/console/supervisor",
         "admin": "/console/admin"}
OWN = "a quiet river under birch trees"


async def test_each_role_signs_in_once_with_its_one_time_password_then_chooses_its_own(client):
    store = client.server.app[STORE]
    # the demo's videos come first and belong to demo-editor, made with a password nobody saw
    given.write(store, media_demo._demo_editor, auth.hash_password("never shown to anyone"))
    made = await asyncio.to_thread(demo_accounts.fill_demo, store)
    assert sorted(role for _, role, _ in made) == sorted(HOMES)
    assert all(password and len(password) >= 12 for _, _, password in made)
    printed = demo_accounts.accounts_text(made)
    for name, role, password in made:
        assert name in printed and password in printed and role in printed

    for name, role, password in made:
        client.session.cookie_jar.clear()
        resp = await post_login(client, name, password, allow_redirects=False)
        assert resp.status == 303 and resp.headers["Location"] == "/console/password"
        home = await client.get(HOMES[role], allow_redirects=False)  # every page leads to the password page
        assert home.status == 303 and home.headers["Location"] == f"/console/password?next={HOMES[role]}"
        api = await client.get("/api/v1/videos/x")  # and every API call is refused, in both languages
        assert api.status == 403 and (await api.json())["error"] == "choose_password"
        page = await client.get("/console/password")
        assert page.status == 200
        csrf = csrf_of(await page.text())
        weak = await client.post("/console/password", data={"csrf_token": csrf, "password": "short",
                                                             "again": "short"})
        assert weak.status == 422 and 'data-field="password"' in await weak.text()
        differ = await client.post("/console/password", data={"csrf_token": csrf, "password": OWN,
                                                               "again": OWN + "!"})
        assert differ.status == 422 and 'data-field="again"' in await differ.text()
        without_csrf = await client.post("/console/password", data={"password": OWN, "again": OWN})
        assert without_csrf.status == 403
        chosen = await client.post("/console/password", data={"csrf_token": csrf, "password": OWN, "again": OWN,
                                                               "next": HOMES[role]}, allow_redirects=False)
        assert chosen.status == 303 and chosen.headers["Location"] == HOMES[role]
        assert (await client.get(HOMES[role])).status == 200
        client.session.cookie_jar.clear()
        assert (await post_login(client, name, password, allow_redirects=False)).status == 401  # one time only
        again = await post_login(client, name, OWN, allow_redirects=False)
        assert again.status == 303 and again.headers["Location"] == HOMES[role]


async def test_running_the_demo_again_keeps_chosen_passwords_and_renews_unused_ones(client):
    store = client.server.app[STORE]
    first = {name: password for name, _, password in await asyncio.to_thread(demo_accounts.fill_demo, store)}
    client.session.cookie_jar.clear()
    await post_login(client, "demo-editor", first["demo-editor"])
    csrf = csrf_of(await (await client.get("/console/password")).text())
    assert (await client.post("/console/password", data={"csrf_token": csrf, "password": OWN, "again": OWN},
                              allow_redirects=False)).status == 303
    second = {name: password for name, _, password in await asyncio.to_thread(demo_accounts.fill_demo, store)}
    assert second["demo-editor"] is None and "(its holder chose a password)" in demo_accounts.accounts_text(
        [("demo-editor", "editor", None)])
    assert second["demo-staff"] and second["demo-staff"] != first["demo-staff"]
    client.session.cookie_jar.clear()
    assert (await post_login(client, "demo-staff", first["demo-staff"], allow_redirects=False)).status == 401
    fresh = await post_login(client, "demo-staff", second["demo-staff"], allow_redirects=False)
    assert fresh.status == 303 and fresh.headers["Location"] == "/console/password"
    client.session.cookie_jar.clear()
    assert (await post_login(client, "demo-editor", OWN, allow_redirects=False)).headers["Location"] == "/console/editor"
