"""Signing in cannot stall the server, tell which names exist, be guessed from many addresses,
or be forged from another site."""
import asyncio
import threading

import pytest

from content_server.consoles import LOGIN_BACKOFF
from content_server.kernel import auth
from content_server.kernel.config import SETTINGS
from content_server.kernel.errors import ApiError
from content_server.kernel.ratelimit import Backoff
from content_server.storage import STORE, Store, limits

from .conftest import PASSWORD, add_account
from .console_session import post_login


@pytest.fixture
def scrypt_calls(monkeypatch):
    """The threads every scrypt ran on (the real scrypt still runs)."""
    calls = []
    real = auth._scrypt

    def counting(password, salt):
        calls.append(threading.current_thread().name)
        return real(password, salt)
    monkeypatch.setattr(auth, "_scrypt", counting)
    return calls


async def test_a_known_and_an_unknown_name_each_cost_one_hash_off_the_event_loop(client, scrypt_calls):
    add_account(client.server.app[STORE], "wulan", "staff")
    scrypt_calls.clear()
    known = await post_login(client, "wulan", "not the password")
    assert known.status == 401 and len(scrypt_calls) == 1
    unknown = await post_login(client, "nobody-by-this-name", "not the password")
    assert unknown.status == 401 and len(scrypt_calls) == 2
    # the same answer for both: nothing tells which names exist
    assert (await known.text()).replace("wulan", "") == (await unknown.text()).replace("nobody-by-this-name", "")
    assert all(name.startswith("password-hash") for name in scrypt_calls), scrypt_calls
    assert threading.current_thread().name not in scrypt_calls


async def test_an_account_guessed_from_many_addresses_is_locked_with_growing_waits(client):
    """Behind a trusted proxy, each guess comes from another address: the account still locks."""
    app = client.server.app
    app[SETTINGS].trusted_proxies = ("127.0.0.1",)
    app[LOGIN_BACKOFF].free, app[LOGIN_BACKOFF].first = 3, 600  # long enough for a slow machine
    add_account(app[STORE], "wulan", "staff")
    add_account(app[STORE], "saran", "editor")

    def from_address(n: int) -> dict:
        return {"X-Forwarded-For": f"198.51.100.{n}"}
    for n in range(1, 5):  # three free failures, the fourth locks the account
        assert (await post_login(client, "wulan", f"guess {n}", headers=from_address(n))).status == 401
    # the right password from yet another address must wait too: the lock is the account's
    locked = await post_login(client, "WULAN", PASSWORD, headers=from_address(5), allow_redirects=False)
    assert locked.status == 429 and int(locked.headers["Retry-After"]) > 500
    # another account from the same addresses is not affected
    other = await post_login(client, "saran", PASSWORD, headers=from_address(4), allow_redirects=False)
    assert other.status == 303


def test_the_lock_doubles_with_each_failure_up_to_a_ceiling_and_a_success_clears_it(tmp_path):
    store = Store(tmp_path / "legal-tv.db")
    run = store.write_blocking
    backoff = Backoff("login_account", free=2, first=1, longest=8)
    waits = []
    for now in range(0, 1000, 100):
        run(limits.failed, backoff, "wulan", now=now)
        waits.append(run(limits.locked_for, backoff, "wulan", now=now))
    assert waits == [0, 0, 1, 2, 4, 8, 8, 8, 8, 8]
    assert run(limits.locked_for, backoff, "wulan", now=900 + 8) == 0  # the wait ends
    run(limits.succeeded, backoff, "wulan")
    run(limits.failed, backoff, "wulan", now=2000)
    assert run(limits.locked_for, backoff, "wulan", now=2000) == 0  # counting starts again
    store.close()


async def test_a_full_hashing_queue_refuses_at_once_instead_of_queueing():
    hashing = auth.PasswordHashing(workers=1, queue=1)
    release = threading.Event()
    busy = [asyncio.ensure_future(hashing._run(release.wait)) for _ in range(2)]  # one running, one waiting
    await asyncio.sleep(0)
    try:
        with pytest.raises(ApiError) as refused:
            await hashing.verify(PASSWORD, None)
        assert refused.value.status == 503 and refused.value.headers["Retry-After"]
    finally:
        release.set()
        await asyncio.gather(*busy)
        hashing.close()


async def test_a_sign_in_refused_because_the_pool_is_full_says_so_in_the_form(client):
    hashing = client.server.app[auth.PASSWORD_HASHING]
    release = threading.Event()
    hashing._capacity = 1
    busy = asyncio.ensure_future(hashing._run(release.wait))
    await asyncio.sleep(0)
    try:
        resp = await post_login(client, "wulan", PASSWORD)
        assert resp.status == 503 and resp.headers["Retry-After"]
        assert 'name="login_token"' in await resp.text()
    finally:
        release.set()
        await busy


async def test_sign_in_needs_our_own_page_its_token_and_our_origin(client):
    add_account(client.server.app[STORE], "wulan", "staff")
    origin = str(client.make_url("/").origin())
    good = {"name": "wulan", "password": PASSWORD}
    # no pre-session token (a form on another site, or a script): refused without a session
    resp = await client.post("/console/login", data=good, headers={"Origin": origin}, allow_redirects=False)
    assert resp.status == 403 and "ltv_session" not in resp.cookies
    page = await client.get("/console/login")
    token = page.cookies["ltv_login"].value
    assert f'name="login_token" value="{token}"' in await page.text()
    assert page.cookies["ltv_login"]["httponly"]
    # the token, but from another origin, or with no origin at all
    for headers in ({"Origin": "https://evil.example"}, {"Referer": "https://evil.example/login"}, {}):
        resp = await client.post("/console/login", data={**good, "login_token": token}, headers=headers,
                                 allow_redirects=False)
        assert resp.status == 403 and "ltv_session" not in resp.cookies, headers
    # a token that is not the one in the cookie, or not even ASCII
    for forged in ("x" * 32, "令牌"):
        resp = await client.post("/console/login", data={**good, "login_token": forged}, headers={"Origin": origin},
                                 allow_redirects=False)
        assert resp.status == 403
    # our page, our origin (or a Referer from our own page): signed in
    resp = await client.post("/console/login", data={**good, "login_token": token},
                             headers={"Referer": f"{origin}/console/login"}, allow_redirects=False)
    assert resp.status == 303 and "ltv_session" in resp.cookies


async def test_the_sign_in_origin_is_the_public_url_when_one_is_set(client):
    client.server.app[SETTINGS].public_url = "https://tv.example.cn"
    add_account(client.server.app[STORE], "wulan", "staff")
    here = str(client.make_url("/").origin())
    assert (await post_login(client, "wulan", PASSWORD, headers={"Origin": here})).status == 403
    resp = await post_login(client, "wulan", PASSWORD, headers={"Origin": "https://tv.example.cn"},
                            allow_redirects=False)
    assert resp.status == 303
