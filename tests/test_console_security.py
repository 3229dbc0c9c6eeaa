"""Every protected route of the app refuses every role it is not meant for, and every unsafe
console route refuses a signed-in browser that does not send the session's CSRF token.

The table is read from the app's own router, so a route added tomorrow is covered tomorrow.
"""
import re

from aiohttp import web

from content_server.kernel.auth import ROLES
from content_server.storage import STORE, accounts

from .conftest import PASSWORD, add_account
from .console_session import post_login

ALL_CALLERS = ("anonymous", "household", *ROLES)
PARAM = re.compile(r"\{(\w+)(:[^}]*)?\}")


# Routes anyone may call, named one by one. A route that declares no roles and is not listed here
# fails the tests: forgetting the check is caught, not skipped.
PUBLIC = {
    ("GET", "/"), ("GET", "/healthz"), ("POST", "/api/v1/devices"),
    ("GET", "/console"), ("GET", "/console/"), ("GET", "/console/login"), ("POST", "/console/login"),
    ("POST", "/console/logout"), ("GET", "/console/static/{name}"), ("GET", "/console/static/vendor/{name}"),
    ("GET", "/api/v1/catalog"), ("GET", "/api/v1/topics"), ("GET", "/api/v1/services"), ("GET", "/api/v1/glossary"),
    ("GET", "/api/v1/guides"), ("GET", "/api/v1/channels"), ("GET", "/api/v1/channels/{channel_id}/guide"),
    ("GET", "/api/v1/xmltv.xml"), ("GET", "/api/v1/channels/{channel_id}/live.m3u8"),
    ("GET", "/api/v1/channels/{channel_id}/live/{variant}.m3u8"), ("GET", "/api/v1/channels/blank.vtt"),
    ("GET", "/media/renditions/{video_id}/{tail}"), ("GET", "/media/posters/{video_id}/{tail}"),
    ("GET", "/media/slate/{tail}"), ("GET", "/api/v1/changes"),
    ("GET", "/api/v1/calculators"), ("GET", "/api/v1/calculators/figures"), ("POST", "/api/v1/calculators/{id}"),
    ("GET", "/api/v1/notices"),
    ("GET", "/api/v1/popular"),
}


def route_table(app: web.Application) -> tuple[list[tuple[str, str, tuple]], list[str]]:
    """(method, path with sample parameters, roles allowed) for every route, with one row per
    action of a route that dispatches on an `{action}` (its handler's `actions` table) and per
    protected query of a public route (`query_roles`), and the routes that declare nothing and
    are not public."""
    table, undeclared = [], []
    for route in app.router.routes():
        if route.method == "HEAD":
            continue
        roles = getattr(route.handler, "roles", None)
        info = route.resource.get_info() if route.resource else {}
        pattern = info.get("formatter") or info.get("path") or info.get("prefix")
        for query, query_roles in getattr(route.handler, "query_roles", {}).items():
            table.append((route.method, f"{PARAM.sub('1', pattern)}?{query}", tuple(query_roles)))
        if roles is None:
            if (route.method, pattern) not in PUBLIC:
                undeclared.append(f"{route.method} {pattern}")
            continue
        if "{action}" in pattern:
            actions = getattr(route.handler, "actions", None)
            if not actions:
                undeclared.append(f"{route.method} {pattern} (no per-action roles)")
                continue
            for action, action_roles in actions.items():
                assert set(action_roles) <= set(roles), f"{action} allows more than its route"
                table.append((route.method, PARAM.sub("1", pattern.replace("{action}", action)), tuple(action_roles)))
            continue
        table.append((route.method, PARAM.sub("1", pattern), tuple(roles)))
    return table, undeclared


def protected_routes(app: web.Application) -> list[tuple[str, str, tuple]]:
    return route_table(app)[0]


def test_every_route_declares_its_roles_or_is_named_public(client):
    table, undeclared = route_table(client.server.app)
    assert undeclared == [], "routes without declared roles: " + ", ".join(undeclared)
    desk_actions = {path.rsplit("/", 1)[1]: roles for method, path, roles in table
                    if path.startswith("/api/v1/desk/questions/1/")}
    assert desk_actions["takeover"] == ("supervisor",) and "staff" in desk_actions["handoff"]
    assert len(desk_actions) >= 11
    assert ("GET", "/api/v1/topics?all=1", ("editor",)) in table


async def _headers_for(client, caller: str, cache: dict) -> dict:
    if caller in cache:
        return cache[caller]
    if caller == "anonymous":
        headers = {}
    elif caller == "household":
        resp = await client.post("/api/v1/devices", json={"region": "152500", "language": "mn"})
        headers = {"Authorization": f"Bearer {(await resp.json())['token']}"}
    else:
        from content_server.kernel import auth
        user_id = add_account(client.server.app[STORE], f"who-{caller}", caller)
        token, token_hash = auth.new_token("ltv")
        await client.server.app[STORE].write(accounts.add_api_token, user_id, token_hash)
        headers = {"Authorization": f"Bearer {token}"}
    cache[caller] = headers
    return headers


async def test_every_protected_route_refuses_every_other_role(client):
    table = protected_routes(client.server.app)
    consoles = [path for _, path, _ in table if path.startswith("/console/")]
    assert "/console/admin" in consoles and "/console/staff" in consoles and "/console/supervisor" in consoles
    cache: dict = {}
    checked = 0
    for method, path, allowed in table:
        for caller in ALL_CALLERS:
            if caller in allowed:
                continue
            headers = await _headers_for(client, caller, cache)
            resp = await client.request(method, path, headers=headers, allow_redirects=False)
            refused = resp.status in (401, 403) or (
                resp.status == 303 and resp.headers["Location"].startswith("/console/login"))
            assert refused, f"{caller} got {resp.status} on {method} {path} (allowed: {allowed})"
            if resp.status != 303:
                assert set((await resp.json())["message"]) == {"zh", "mn"}
            checked += 1
    assert checked > 20


async def test_every_unsafe_route_refuses_a_browser_session_without_the_csrf_token(client):
    unsafe = [(method, path, [r for r in allowed if r in ROLES]) for method, path, allowed
              in protected_routes(client.server.app) if method not in ("GET", "HEAD", "OPTIONS")]
    unsafe = [(method, path, allowed) for method, path, allowed in unsafe if allowed]
    assert any(path.startswith("/api/v1/desk/") for _, path, _ in unsafe)
    assert any(path.startswith("/console/admin") for _, path, _ in unsafe)
    sessions: dict = {}
    for method, path, allowed in unsafe:
        role = allowed[0]
        if role not in sessions:  # one sign-in per role: sign-in is throttled
            add_account(client.server.app[STORE], f"csrf-{role}", role)
            client.session.cookie_jar.clear()
            resp = await post_login(client, f"csrf-{role}", PASSWORD, allow_redirects=False)
            assert resp.status == 303
            sessions[role] = {c.key: c.value for c in client.session.cookie_jar}
        client.session.cookie_jar.clear()
        client.session.cookie_jar.update_cookies(sessions[role])
        for headers in ({}, {"X-CSRF-Token": "forged"}):
            resp = await client.request(method, path, headers=headers, data={"csrf_token": "forged"},
                                        allow_redirects=False)
            assert resp.status == 403, f"{method} {path} without CSRF: {resp.status}"
            assert (await resp.json())["error"] == "csrf"


async def test_console_pages_are_not_cached_framed_or_scripted_inline(client):
    for role, path in (("admin", "/console/admin"), ("staff", "/console/staff"),
                       ("supervisor", "/console/supervisor")):
        add_account(client.server.app[STORE], f"h-{role}", role)
        client.session.cookie_jar.clear()
        resp = await post_login(client, f"h-{role}", PASSWORD)
        assert resp.status == 200 and resp.url.path == path
        assert resp.headers["Cache-Control"] == "no-store"
        assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
        assert resp.headers["X-Frame-Options"] == "DENY"
        html = await resp.text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script on " + path
        assert " style=" not in html and "<style" not in html
