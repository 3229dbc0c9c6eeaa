"""The admin console: an administrator adds, deactivates and resets accounts through web forms."""
from content_server.storage import STORE, accounts

from .conftest import PASSWORD, add_account
from .console_session import csrf_of, post_login, sign_in

NEW_PASSWORD = "a much longer secret 42"


async def test_admin_adds_a_mongolian_speaking_lawyer_who_can_then_sign_in(client):
    csrf = await sign_in(client, "root", "admin")
    resp = await client.post("/console/admin/users", allow_redirects=False, data={
        "csrf_token": csrf, "name": "bayar", "role": "staff", "languages": ["zh", "mn"], "password": NEW_PASSWORD})
    assert resp.status == 303 and resp.headers["Location"] == "/console/admin?done=added"
    page = await (await client.get("/console/admin?done=added")).text()
    assert 'data-user="bayar"' in page and "ᠮᠣᠩᠭᠣᠯ" in page
    row = await client.server.app[STORE].read(accounts.user_by_name, "bayar")
    assert row["role"] == "staff" and row["languages"] == "zh,mn"

    client.session.cookie_jar.clear()
    resp = await post_login(client, "bayar", NEW_PASSWORD, allow_redirects=False)
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
    assert [row["name"] for row in await client.server.app[STORE].write(accounts.users)] == ["root"]


async def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(client):
    store = client.server.app[STORE]
    add_account(store, "bayar", "staff")
    await post_login(client, "bayar", PASSWORD, allow_redirects=False)
    staff_cookies = {c.key: c.value for c in client.session.cookie_jar}
    admin_csrf = await sign_in(client, "root", "admin")
    bayar = await store.read(accounts.user_by_name, "bayar")
    resp = await client.post(f"/console/admin/users/{bayar['id']}/active",
                             data={"csrf_token": admin_csrf, "active": "0"}, allow_redirects=False)
    assert resp.status == 303
    assert 'class="inactive"' in await (await client.get("/console/admin")).text()

    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies(staff_cookies)
    resp = await client.get("/console/admin", allow_redirects=False)  # the old session is gone
    assert resp.status == 303 and resp.headers["Location"].startswith("/console/login")
    resp = await post_login(client, "bayar", PASSWORD, allow_redirects=False)
    assert resp.status == 401


async def test_admin_cannot_deactivate_their_own_account(client):
    csrf = await sign_in(client, "root", "admin")
    me = await client.server.app[STORE].read(accounts.user_by_name, "root")
    resp = await client.post(f"/console/admin/users/{me['id']}/active", data={"csrf_token": csrf, "active": "0"})
    assert resp.status == 422
    assert await client.server.app[STORE].read(accounts.user_by_name, "root") is not None


async def test_reset_password_replaces_the_old_one_and_signs_the_person_out(client):
    store = client.server.app[STORE]
    add_account(store, "bayar", "staff")
    await post_login(client, "bayar", PASSWORD, allow_redirects=False)
    bayar_cookies = {c.key: c.value for c in client.session.cookie_jar}
    csrf = await sign_in(client, "root", "admin")
    bayar = await store.read(accounts.user_by_name, "bayar")
    resp = await client.post(f"/console/admin/users/{bayar['id']}/password", data={"csrf_token": csrf, "password": "short"})
    assert resp.status == 422
    resp = await client.post(f"/console/admin/users/{bayar['id']}/password",
                             data={"csrf_token": csrf, "password": NEW_PASSWORD}, allow_redirects=False)
    assert resp.status == 303
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies(bayar_cookies)
    resp = await client.get("/console/staff", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/console/login")
    client.session.cookie_jar.clear()
    assert (await post_login(client, "bayar", PASSWORD, allow_redirects=False)).status == 401
    assert (await post_login(client, "bayar", NEW_PASSWORD, allow_redirects=False)).status == 303


async def test_admin_forms_without_the_csrf_token_are_refused(client):
    await sign_in(client, "root", "admin")
    resp = await client.post("/console/admin/users", data={
        "name": "bayar", "role": "staff", "languages": "zh", "password": NEW_PASSWORD})
    assert resp.status == 403 and (await resp.json())["error"] == "csrf"
    resp = await client.post("/console/admin/users", headers={"X-CSRF-Token": "forged"}, data={
        "name": "bayar", "role": "staff", "languages": "zh", "password": NEW_PASSWORD})
    assert resp.status == 403
    assert await client.server.app[STORE].read(accounts.user_by_name, "bayar") is None


async def test_admin_routes_a_lawyer_to_chosen_languages_and_topics(client, device):
    from .test_console_staff import ask
    store = client.server.app[STORE]
    traffic = await ask(client, device, "13812348000", topic="traffic", phrases=("traffic.2",), language="mn")
    labour = await ask(client, device, "15847112345", topic="labour", phrases=("labour.1",), language="mn")
    add_account(store, "bayar", "staff", languages="zh")
    csrf = await sign_in(client, "root", "admin")
    bayar = await store.read(accounts.user_by_name, "bayar")
    resp = await client.post(f"/console/admin/users/{bayar['id']}/routing", allow_redirects=False,
                             data={"csrf_token": csrf, "languages": ["mn"], "topics": ["labour"]})
    assert resp.status == 303 and resp.headers["Location"] == "/console/admin?done=routing"
    row = (await (await client.get("/console/admin")).text()).split('data-user="bayar"')[1].split("</tr>")[0]
    assert "劳动与工伤" in row and 'value="labour" checked' in row and 'value="mn" checked' in row
    assert (await store.read(accounts.user_by_name, "bayar"))["languages"] == "mn"

    client.session.cookie_jar.clear()
    await post_login(client, "bayar", PASSWORD, allow_redirects=False)
    staff_csrf = csrf_of(await (await client.get("/console/staff")).text())
    resp = await client.post("/api/v1/desk/claim", headers={"X-CSRF-Token": staff_csrf})
    assert resp.status == 200 and (await resp.json())["number"] == labour["number"]  # not the older traffic one
    resp = await client.post(f"/api/v1/desk/questions/{traffic['id']}/claim", headers={"X-CSRF-Token": staff_csrf})
    assert resp.status == 404  # a question routed elsewhere answers like a missing one


async def test_routing_needs_a_language_and_topics_only_for_the_desk(client):
    store = client.server.app[STORE]
    add_account(store, "editor1", "editor")
    csrf = await sign_in(client, "root", "admin")
    editor = await store.read(accounts.user_by_name, "editor1")
    resp = await client.post(f"/console/admin/users/{editor['id']}/routing",
                             data={"csrf_token": csrf, "languages": ["zh"], "topics": ["labour"]})
    assert resp.status == 422 and 'data-field="topics"' in await resp.text()
    resp = await client.post(f"/console/admin/users/{editor['id']}/routing", data={"csrf_token": csrf})
    assert resp.status == 422 and 'data-field="languages"' in await resp.text()
    bayar = await store.read(accounts.user_by_id, add_account(store, "bayar", "staff"))
    resp = await client.post(f"/console/admin/users/{bayar['id']}/routing",
                             data={"csrf_token": csrf, "languages": ["zh"], "topics": ["no-such-topic"]})
    assert resp.status == 422 and 'data-field="topics"' in await resp.text()
    resp = await client.post("/console/admin/users/999/routing", data={"csrf_token": csrf, "languages": ["zh"]})
    assert resp.status == 404
