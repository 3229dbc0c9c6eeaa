"""The foundation every feature stands on: errors, accounts, sessions, devices, health."""
import re

from content_server.consoles import LOGIN_ATTEMPTS
from content_server.devices import DEVICE_REGISTRATIONS
from content_server.kernel.config import SETTINGS
from content_server.storage import STORE, Store

from .conftest import PASSWORD, add_account
from .console_session import post_login
from . import given

MONGOLIAN = re.compile("[\u1800-\u18af]")


async def test_unknown_address_gets_a_bilingual_json_error(client):
    resp = await client.get("/api/v1/nothing-here")
    assert resp.status == 404
    body = await resp.json()
    assert body["error"] == "not_found" and body["field"] is None
    assert set(body["message"]) == {"zh", "mn"}
    assert "地址" in body["message"]["zh"] and MONGOLIAN.search(body["message"]["mn"])


async def test_a_box_registers_and_gets_a_token(client):
    resp = await client.post("/api/v1/devices", json={"region": "152500", "language": "mn"})
    assert resp.status == 201
    body = await resp.json()
    assert body["token"].startswith("dev_") and body["device_id"]
    # the token itself is never stored, only its hash
    store = client.server.app[STORE]
    assert (await store.read(given.row, "SELECT COUNT(*) AS n FROM devices WHERE token_hash = ?", (body["token"],)))["n"] == 0


async def test_device_registration_refuses_bad_input_with_the_field_named(client):
    for payload, field in (({"region": "abc", "language": "zh"}, "region"),
                           ({"region": "152500", "language": "en"}, "language"),
                           ({"language": "zh"}, "region")):
        resp = await client.post("/api/v1/devices", json=payload)
        assert resp.status == 422
        assert (await resp.json())["field"] == field
    resp = await client.post("/api/v1/devices", data=b"{not json", headers={"Content-Type": "application/json"})
    assert resp.status == 400 and (await resp.json())["error"] == "invalid_json"


async def test_device_registration_is_rate_limited(client):
    client.server.app[DEVICE_REGISTRATIONS].count = 3
    statuses = [(await client.post("/api/v1/devices", json={"region": "150000", "language": "zh"})).status
                for _ in range(5)]
    assert statuses == [201, 201, 201, 429, 429]


async def test_staff_sign_in_sets_a_session_and_wrong_password_is_refused(client):
    add_account(client.server.app[STORE], "wulan", "staff")
    resp = await post_login(client, "wulan", "wrong", allow_redirects=False)
    assert resp.status == 401
    resp = await post_login(client, "wulan", PASSWORD, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/console/staff"
    assert "ltv_session" in resp.cookies and resp.cookies["ltv_session"]["httponly"]


async def test_sign_out_without_csrf_token_is_refused(client):
    add_account(client.server.app[STORE], "wulan", "staff")
    await post_login(client, "wulan", PASSWORD, allow_redirects=False)
    resp = await client.post("/console/logout", data={}, allow_redirects=False)
    assert resp.status == 403 and (await resp.json())["error"] == "csrf"
    resp = await client.post("/console/logout", data={"csrf_token": "令牌"}, allow_redirects=False)
    assert resp.status == 403 and (await resp.json())["error"] == "csrf"  # not a 500 for text beyond ASCII


async def test_login_is_throttled(client):
    client.server.app[LOGIN_ATTEMPTS].count = 2
    statuses = [(await post_login(client, "x", "y")).status for _ in range(3)]
    assert statuses == [401, 401, 429]


async def test_healthz_is_public_and_metrics_are_for_admins_and_the_scraper(client, make_account):
    assert (await client.get("/healthz")).status == 200
    client.server.app[SETTINGS].metrics_token = "scrape-secret-0123456789"
    # the world, other roles and a wrong scrape token read nothing
    assert (await client.get("/metrics")).status == 401
    assert (await client.get("/metrics", headers={"Authorization": "Bearer scrape-secret-wrong"})).status == 401
    assert (await client.get("/metrics", headers=make_account("wulan", "staff"))).status == 403
    for headers in (make_account("amgalan", "admin"), {"Authorization": "Bearer scrape-secret-0123456789"}):
        resp = await client.get("/metrics", headers=headers)
        assert resp.status == 200
        assert 'legaltv_http_requests_total{path="/healthz",status="200"} 1' in await resp.text()


def test_store_survives_reopen_and_migrates_once(tmp_path):
    store = Store(tmp_path / "x.db")
    add_account(store, "a", "editor")
    store.close()
    store = Store(tmp_path / "x.db")
    assert given.read(store, given.row, "SELECT name FROM users")["name"] == "a"
    assert given.read(store, given.row, "PRAGMA journal_mode")[0] == "wal"
