"""Accounts: passwords that resist guessing, and API tokens an administrator can see, limit in
time and take back, which also die with a password reset or a deactivation."""
import os
import subprocess
import sys
import time

import pytest

from content_server.accounts import callers
from content_server.kernel import auth
from content_server.storage import STORE, Store, accounts

from .conftest import PASSWORD, add_account
from .console_session import sign_in
from . import given

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL

WEAK = {
    "eleven char": "too short",
    "zzzzzzzzzzzzzzzz": "repeated key",
    "1234567890123": "row of keys",
    "qwertyuiopasdf": "row of keys",
    "ZXCVBNMzxcvbnm": "row of keys",
    "abcdefghijklmn": "alphabet",
    "qazwsxedcrfvtgb": "keyboard column",
    "qwertyqwertyqwerty": "row of keys repeated",
    "password123456": "common word with digits",
    "iloveyouiloveyou": "common word repeated",
    "Sunshine2024!!": "common word with a year",
}


@pytest.mark.parametrize("password", WEAK)
async def test_the_admin_console_refuses_a_weak_password(client, password):
    csrf = await sign_in(client, "root", "admin")
    resp = await client.post("/console/admin/users", data={
        "csrf_token": csrf, "name": "bayar", "role": "staff", "languages": "zh", "password": password})
    assert resp.status == 422, WEAK[password]
    assert 'data-field="password"' in await resp.text()
    assert await client.server.app[STORE].read(accounts.user_by_name, "bayar") is None


async def test_a_long_password_of_ordinary_words_is_accepted(client):
    csrf = await sign_in(client, "root", "admin")
    resp = await client.post("/console/admin/users", allow_redirects=False, data={
        "csrf_token": csrf, "name": "bayar", "role": "staff", "languages": "zh", "password": PASSWORD})
    assert resp.status == 303


def test_the_command_line_refuses_a_weak_password_and_says_why(tmp_path):
    result = _cli(tmp_path, "user", "add", "bayar", "--role", "staff", stdin="password123456\n")
    assert result.returncode == 2 and "too common" in result.stderr
    result = _cli(tmp_path, "user", "add", "bayar", "--role", "staff", stdin="short\n")
    assert result.returncode == 2 and "12 characters" in result.stderr


async def test_an_admin_lists_creates_and_revokes_api_tokens_as_json(client, make_account):
    admin = make_account("root", "admin")
    add_account(client.server.app[STORE], "saran", "editor")
    resp = await client.post("/api/v1/tokens", json={"user": "saran", "expires_days": 30, "label": "uploader"},
                             headers=admin)
    assert resp.status == 201
    made = await resp.json()
    assert made["user"] == "saran" and made["token"].startswith("ltv_")
    assert 29 * 86400 < made["expires_at"] - time.time() <= 30 * 86400
    saran = {"Authorization": f"Bearer {made['token']}"}
    assert (await client.get("/api/v1/categories", headers=saran)).status == 200

    listed = await (await client.get("/api/v1/tokens?user=saran", headers=admin)).json()
    assert [(t["id"], t["label"], t["user"]) for t in listed] == [(made["id"], "uploader", "saran")]
    assert made["token"] not in str(listed)  # the secret is shown once, at creation
    assert len(await (await client.get("/api/v1/tokens", headers=admin)).json()) == 2  # and the admin's own

    assert (await client.delete(f"/api/v1/tokens/{made['id']}", headers=admin)).status == 204
    assert (await client.get("/api/v1/categories", headers=saran)).status == 401
    assert (await client.delete(f"/api/v1/tokens/{made['id']}", headers=admin)).status == 404
    # bad requests are refused with the field named
    for body, field in (({"user": "nobody", "expires_days": 1}, "user"),
                        ({"user": "saran", "expires_days": 0}, "expires_days"),
                        ({"user": "saran", "expires_days": "soon"}, "expires_days")):
        resp = await client.post("/api/v1/tokens", json=body, headers=admin)
        assert resp.status == 422 and (await resp.json())["field"] == field
    # only administrators manage tokens
    assert (await client.get("/api/v1/tokens", headers=make_account("wulan", "editor"))).status == 403


async def test_an_expired_token_no_longer_signs_in(client):
    store = client.server.app[STORE]
    user_id = add_account(store, "saran", "editor")
    token, hashed = auth.new_token("ltv")
    await store.write(accounts.add_api_token, user_id, hashed, expires_at=time.time() - 1)
    assert (await client.get("/api/v1/categories", headers={"Authorization": f"Bearer {token}"})).status == 401


async def test_a_password_reset_and_a_deactivation_revoke_the_accounts_tokens(client):
    store = client.server.app[STORE]
    csrf = await sign_in(client, "root", "admin")
    for name in ("saran", "bayar"):
        add_account(store, name, "editor")
    tokens = {}
    for name in ("saran", "bayar"):
        token, _id, _expires = await store.write(callers.issue_api_token, (await store.read(accounts.user_by_name, name))["id"], 90)
        tokens[name] = {"Authorization": f"Bearer {token}"}
        assert (await client.get("/api/v1/categories", headers=tokens[name])).status == 200

    saran, bayar = await store.read(accounts.user_by_name, "saran"), await store.read(accounts.user_by_name, "bayar")
    resp = await client.post(f"/console/admin/users/{saran['id']}/password",
                             data={"csrf_token": csrf, "password": "a brand new long secret"}, allow_redirects=False)
    assert resp.status == 303
    assert (await client.get("/api/v1/categories", headers=tokens["saran"])).status == 401

    resp = await client.post(f"/console/admin/users/{bayar['id']}/active", data={"csrf_token": csrf, "active": "0"},
                             allow_redirects=False)
    assert resp.status == 303
    resp = await client.post(f"/console/admin/users/{bayar['id']}/active", data={"csrf_token": csrf, "active": "1"},
                             allow_redirects=False)
    assert resp.status == 303
    # active again, but the old token stays revoked
    assert (await client.get("/api/v1/categories", headers=tokens["bayar"])).status == 401
    assert await store.read(accounts.api_tokens, bayar["id"]) == []


async def test_the_admin_console_shows_a_new_token_once_lists_it_and_revokes_it(client):
    store = client.server.app[STORE]
    csrf = await sign_in(client, "root", "admin")
    add_account(store, "saran", "editor")
    resp = await client.post("/console/admin/tokens", data={
        "csrf_token": csrf, "user": "saran", "label": "night uploads", "expires_days": "7"})
    assert resp.status == 201
    page = await resp.text()
    (row,) = await store.read(accounts.api_tokens, (await store.read(accounts.user_by_name, "saran"))["id"])
    assert 'class="new-token">ltv_' in page and f'data-token="{row["id"]}"' in page and "night uploads" in page
    assert 'class="new-token"' not in await (await client.get("/console/admin")).text()

    for days in ("soon", "0", "²", "9" * 5000):
        resp = await client.post("/console/admin/tokens",
                                 data={"csrf_token": csrf, "user": "saran", "expires_days": days})
        assert resp.status == 422 and 'data-field="expires_days"' in await resp.text(), days[:10]

    resp = await client.post(f"/console/admin/tokens/{row['id']}/revoke", data={"csrf_token": csrf},
                             allow_redirects=False)
    assert resp.status == 303
    assert f'data-token="{row["id"]}"' not in await (await client.get("/console/admin")).text()


def test_the_command_line_creates_lists_and_revokes_tokens(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    store = Store(data / "legal-tv.db")
    add_account(store, "saran", "editor")
    store.close()
    made = _cli(data, "token", "create", "saran", "--expires-days", "7", "--label", "night uploads")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    listed = _cli(data, "token", "list", "saran")
    (line,) = listed.stdout.splitlines()
    token_id, name, expiry, label = line.split("\t")
    assert name == "saran" and label == "night uploads" and expiry != "never" and token not in listed.stdout
    assert _cli(data, "token", "revoke", token_id).returncode == 0
    assert _cli(data, "token", "list").stdout == ""
    assert _cli(data, "token", "revoke", token_id).returncode == 2
    store = Store(data / "legal-tv.db")
    assert given.write(store, accounts.user_by_api_token, auth.token_hash(token)) is None
    store.close()


def _cli(data, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "content_server.cli", *args, "--data", str(data)],
                          input=stdin, capture_output=True, text=True, timeout=60, env=dict(os.environ))
