"""Behind nginx every connection comes from the proxy: limits and Secure cookies must see the real
client, and only a proxy we trust may tell us who that is."""
import pytest

from content_server.consoles import LOGIN_ATTEMPTS
from content_server.devices import DEVICE_REGISTRATIONS
from content_server.kernel.config import SETTINGS
from content_server.storage import STORE

from .conftest import PASSWORD, add_account
from .console_session import post_login

BOX = {"region": "152500", "language": "mn"}


async def register(client, headers: dict) -> int:
    return (await client.post("/api/v1/devices", json=BOX, headers=headers)).status


@pytest.fixture
def limit_two(client):
    client.server.app[DEVICE_REGISTRATIONS].count = 2
    return client


async def test_forwarded_headers_from_an_untrusted_peer_are_ignored(limit_two):
    client = limit_two
    statuses = [await register(client, {"X-Forwarded-For": f"203.0.113.{n}"}) for n in range(3)]
    statuses.append(await register(client, {"Forwarded": "for=203.0.113.77"}))
    assert statuses == [201, 201, 429, 429]  # all of them are the one peer they came from


async def test_behind_a_trusted_proxy_each_household_has_its_own_limit(limit_two):
    client = limit_two
    client.server.app[SETTINGS].trusted_proxies = ("127.0.0.0/8",)
    # a hundred households behind one proxy all register
    for n in range(100):
        assert await register(client, {"X-Forwarded-For": f"10.1.{n // 250}.{n % 250}"}) == 201
    # one household over its limit is refused, whatever it writes to the left of the proxy's entry
    one = [await register(client, {"X-Forwarded-For": f"6.6.6.{n}, 198.51.100.7"}) for n in range(3)]
    assert one == [201, 201, 429]
    # RFC 7239 Forwarded, IPv6 with a port, is read as well
    v6 = [await register(client, {"Forwarded": f'for=6.6.6.{n}, for="[2001:db8::1]:4711";proto=https'})
          for n in range(3)]
    assert v6 == [201, 201, 429]


async def test_the_client_is_the_right_most_address_that_is_not_a_trusted_proxy(limit_two):
    client = limit_two
    client.server.app[SETTINGS].trusted_proxies = ("127.0.0.1", "192.168.0.0/16")
    # client -> edge proxy 192.168.1.5 -> nginx -> us: the edge proxy is skipped, the client counted
    households = [await register(client, {"X-Forwarded-For": f"6.6.6.6, 198.51.100.{n}, 192.168.1.5"})
                  for n in range(3)]
    assert households == [201, 201, 201]
    chain = [await register(client, {"X-Forwarded-For": f"6.6.6.{n}, 198.51.100.8, 192.168.1.5"})
             for n in range(3)]
    assert chain == [201, 201, 429]


async def test_failed_sign_ins_count_per_real_client_behind_a_trusted_proxy(client):
    app = client.server.app
    app[SETTINGS].trusted_proxies = ("127.0.0.1",)
    app[LOGIN_ATTEMPTS].count = 2
    add_account(app[STORE], "wulan", "staff")
    guesser = {"X-Forwarded-For": "198.51.100.9"}
    assert [(await post_login(client, "anyone", "guess", headers=guesser)).status for _ in range(3)] == [401, 401, 429]
    # the same name tried from another client behind the same proxy is not refused for the first one's guesses
    assert (await post_login(client, "anyone", "guess", headers={"X-Forwarded-For": "198.51.100.11"})).status == 401
    # and the colleague behind the same proxy signs in
    resp = await post_login(client, "wulan", PASSWORD, headers={"X-Forwarded-For": "198.51.100.10"},
                            allow_redirects=False)
    assert resp.status == 303


async def test_the_session_cookie_is_secure_when_the_client_used_https(client):
    app = client.server.app
    add_account(app[STORE], "wulan", "staff")
    here = client.make_url("/").origin()
    https_origin = str(here.with_scheme("https"))

    async def session_cookie(headers):
        client.session.cookie_jar.clear()
        resp = await post_login(client, "wulan", PASSWORD, headers=headers, allow_redirects=False)
        assert resp.status == 303, await resp.text()
        return resp.cookies["ltv_session"]

    # plain http, and an untrusted peer claiming https: not Secure (and the claim is not believed)
    assert not (await session_cookie({}))["secure"]
    resp = await post_login(client, "wulan", PASSWORD, allow_redirects=False,
                            headers={"X-Forwarded-Proto": "https", "Origin": https_origin})
    assert resp.status == 403
    # a trusted proxy that terminated TLS says so
    app[SETTINGS].trusted_proxies = ("127.0.0.1",)
    assert (await session_cookie({"X-Forwarded-Proto": "https", "Origin": https_origin}))["secure"]
    assert (await session_cookie({"Forwarded": "for=198.51.100.9;proto=https", "Origin": https_origin}))["secure"]
    # or the operator said the server is always behind TLS
    app[SETTINGS].trusted_proxies = ()
    app[SETTINGS].tls_proxy = True
    assert (await session_cookie({"Origin": https_origin}))["secure"]
