"""Who and where the client of a request is, seen through the reverse proxies we trust.

Forwarded headers are believed only when the connection comes from a trusted proxy
(Settings.trusted_proxies); then the client is the right-most address in the chain that is not
itself a trusted proxy, because everything left of it was written by the client.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache
from urllib.parse import urlsplit

from aiohttp import web
from .config import SETTINGS

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
CLIENT = web.RequestKey("client", tuple)  # (client address, scheme a trusted proxy reported or None)


@lru_cache(maxsize=16)
def trusted_networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def client_address(request: web.Request) -> str:
    """The address every per-client limit keys on."""
    return _resolve(request)[0]


def client_is_https(request: web.Request) -> bool:
    """The client reached us over TLS: directly, or as a trusted proxy says."""
    settings = request.app[SETTINGS]
    return settings.tls_proxy or request.secure or _resolve(request)[1] == "https"


def own_origin(request: web.Request) -> str:
    """scheme://host[:port] that our own pages are served from (public_url when configured)."""
    public = urlsplit(request.app[SETTINGS].public_url)
    if public.scheme and public.netloc:
        return f"{public.scheme}://{public.netloc}".lower()
    return f"{'https' if client_is_https(request) else 'http'}://{request.host}".lower()


def _resolve(request: web.Request) -> tuple[str, str | None]:
    """(client address, scheme a trusted proxy reported or None), cached on the request."""
    if CLIENT in request:
        return request[CLIENT]
    peer = request.remote or "?"
    trusted = trusted_networks(tuple(request.app[SETTINGS].trusted_proxies))
    result = (peer, None)
    if trusted and _is_in(peer, trusted):
        hops, proto = _forwarded_chain(request)
        client = peer
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # garbage where an address belongs: keep the last trustworthy hop
            client = address
            if not _is_in(address, trusted):
                break
        result = (client, proto)
    request[CLIENT] = result
    return result


def _forwarded_chain(request: web.Request) -> tuple[list[str], str | None]:
    """Addresses of the hops (client first) and the scheme the nearest proxy saw."""
    if request.headers.get("Forwarded"):
        elements = request.forwarded
        hops = [element.get("for", "") for element in elements]
        proto = elements[-1].get("proto") if elements else None
    else:
        hops = [hop.strip() for value in request.headers.getall("X-Forwarded-For", [])
                for hop in value.split(",")]
        protos = [p.strip() for value in request.headers.getall("X-Forwarded-Proto", [])
                  for p in value.split(",") if p.strip()]
        proto = protos[-1] if protos else None
    return hops, proto.lower() if proto else None


def _address(hop: str) -> str | None:
    """A hop as a plain IP address ('[2001:db8::1]:4711' and '192.0.2.1:80' too), else None."""
    hop = hop.strip().strip('"')
    if hop.startswith("["):
        hop = hop[1:hop.find("]")] if "]" in hop else ""
    elif hop.count(":") == 1:
        hop = hop.split(":")[0]
    try:
        return str(ipaddress.ip_address(hop))
    except ValueError:
        return None


def _is_in(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)
