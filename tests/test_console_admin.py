"""The admin console: an administrator adds, deactivates and resets accounts through web forms."""
from content_server.storage import accounts

from .conftest import PASSWORD, add_account
from .console_session import sign_in

NEW_PASSWORD = "a much longer secret 42"


async def test_admin_adds_a_mongolian_speaking_lawyer_who_can_then_sign_in(client):
    csrf = await sign_in(client, "root", "admin")
    resp = await client.post("/console/admin/users", allow_redirects=False, data={
        "csrf_token": csrf, "name": "bayar", "role": "staff", "languages": ["zh", "mn"], "password": NEW_PASSWORD})
    assert resp.status == 303 and resp.headers["Location"] == "/console/admin?done=added"
    page = await (await client.get("/console/admin?done=added")).text()
    assert 'data-user="bayar"' in page and "ᠮᠣᠩᠭᠣᠯ" in page
    row = accounts.user_by_name(client.server.app["store"], "bayar")
    assert row["role"] == "staff" and row["languages"] == "zh,mn"

    client.session.cookie_jar.clear()
    resp = await client.post("/console/login", data={"name": "bayar", "password": NEW_PASSWORD}, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/console/staff"


async def test_bad_account_forms_are_refused_with_the_reason_and_add_nothing(client):
    csrf = await sign_in(client, "root", "admin", languages="zh")
    good = {"csrf_token": csrf, "name": "bayar", "role": "staff", "languages": "mn", "password": NEW_PASSWORD}
    for change, field in (({"name": "x"}, "name"), ({"name": "<script>"}, "name"), ({"name": "root"}, "name"),
                          ({"role": "owner"}, "role"), ({"languages": "en"}, "languages"),
                          ({"password": "short"}, "password")):
        resp = await client.post("/console/admin/users", data={**good, **change}, allow_redirects=False)
        assert resp.status == 422, change
        html = await resp.text()
        assert f'data-field="{field}"' in html and 'role="alert"' in html
        assert "<script>" not in html  # the bad name is escaped when shown back
    assert [row["name"] for row in accounts.users(client.server.app["store"])] == ["root"]


async def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(client):
    store = client.server.app["store"]
    add_account(store, "bayar", "staff")
    await client.post("/console/login", data={"name": "bayar", "password": PASSWORD}, allow_redirects=False)
    staff_cookies = {c.key: c.value for c in client.session.cookie_jar}
    admin_csrf = await sign_in(client, "root", "admin")
    bayar = accounts.user_by_name(store, "bayar")
    resp = await client.post(f"/console/admin/users/{bayar['id']}/active",
                             data={"csrf_token": admin_csrf, "active": "0"}, allow_redirects=False)
    assert resp.status == 303
    assert 'class="inactive"' in await (await client.get("/console/admin")).text()

    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies(staff_cookies)
    resp = await client.get("/console/admin", allow_redirects=False)  # the old session is gone
    assert resp.status == 303 and resp.headers["Location"].startswith("/console/login")
    resp = await client.post("/console/login", data={"name": "bayar", "password": PASSWORD}, allow_redirects=False)
    assert resp.status == 401


async def test_admin_cannot_deactivate_their_own_account(client):
    csrf = await sign_in(client, "root", "admin")
    me = accounts.user_by_name(client.server.app["store"], "root")
    resp = await client.post(f"/console/admin/users/{me['id']}/active", data={"csrf_token": csrf, "active": "0"})
    assert resp.status == 422
    assert accounts.user_by_name(client.server.app["store"], "root") is not None


async def test_reset_password_replaces_the_old_one(client):
    store = client.server.app["store"]
    add_account(store, "bayar", "staff")
    csrf = await sign_in(client, "root", "admin")
    bayar = accounts.user_by_name(store, "bayar")
    resp = await client.post(f"/console/admin/users/{bayar['id']}/password", data={"csrf_token": csrf, "password": "short"})
    assert resp.status == 422
    resp = await client.post(f"/console/admin/users/{bayar['id']}/password",
                             data={"csrf_token": csrf, "password": NEW_PASSWORD}, allow_redirects=False)
    assert resp.status == 303
    client.session.cookie_jar.clear()
    assert (await client.post("/console/login", data={"name": "bayar", "password": PASSWORD},
                              allow_redirects=False)).status == 401
    assert (await client.post("/console/login", data={"name": "bayar", "password": NEW_PASSWORD},
                              allow_redirects=False)).status == 303


async def test_admin_forms_without_the_csrf_token_are_refused(client):
    await sign_in(client, "root", "admin")
    resp = await client.post("/console/admin/users", data={
        "name": "bayar", "role": "staff", "languages": "zh", "password": NEW_PASSWORD})
    assert resp.status == 403 and (await resp.json())["error"] == "csrf"
    resp = await client.post("/console/admin/users", headers={"X-CSRF-Token": "forged"}, data={
        "name": "bayar", "role": "staff", "languages": "zh", "password": NEW_PASSWORD})
    assert resp.status == 403
    assert accounts.user_by_name(client.server.app["store"], "bayar") is None
