"""Signing in to the consoles with a cookie session, the way a browser does, from the test client."""
from __future__ import annotations

import re

from content_server.storage import STORE

from .conftest import PASSWORD, add_account

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
LOGIN_TOKEN = re.compile(r'name="login_token" value="([^"]*)"')


async def post_login(client, name: str, password: str, headers: dict | None = None, **kwargs):
    """Submits the sign-in form as a browser does: fetched first (its pre-session token), posted
    back from our own origin."""
    page = await client.get("/console/login", headers=headers)
    token = LOGIN_TOKEN.search(await page.text()).group(1)
    origin = str(client.make_url("/").origin())
    # the cookie is passed by hand too: the jar keeps a Secure one (client behind https) from plain http
    return await client.post("/console/login", data={"name": name, "password": password, "login_token": token},
                             headers={"Origin": origin, **(headers or {})}, cookies={"ltv_login": token}, **kwargs)


async def sign_in(client, name: str, role: str, languages: str = "zh,mn", home: str | None = None) -> str:
    """Makes the account, signs in through the form and returns the page's CSRF token."""
    add_account(client.server.app[STORE], name, role, languages)
    client.session.cookie_jar.clear()
    resp = await post_login(client, name, PASSWORD, allow_redirects=False)
    assert resp.status == 303, await resp.text()
    page = await client.get(home or resp.headers["Location"])
    assert page.status == 200, await page.text()
    return csrf_of(await page.text())


def csrf_of(html: str) -> str:
    match = CSRF_META.search(html)
    assert match and match.group(1), "page has no CSRF token"
    return match.group(1)
