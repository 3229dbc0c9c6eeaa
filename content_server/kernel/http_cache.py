"""Validators and cache headers for what boxes fetch, so nginx or a CDN can absorb the fleet."""
from __future__ import annotations

import hashlib

from aiohttp import web


def etag_of(body: bytes, weak: bool = False) -> str:
    """An ETag from the bytes alone, so every server gives the same one for the same body.
    Weak where the body may go out gzipped on the fly (other bytes, same content)."""
    return ("W/" if weak else "") + '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str, *etags: str) -> str | None:
    """The first of `etags` named by an If-None-Match header (weak comparison), or None."""
    if if_none_match.strip() == "*":
        return etags[0]
    sent = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    for etag in etags:
        if etag.removeprefix("W/") in sent:
            return etag
    return None


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (an explicit q=0 refuses it)."""
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            quality = params.replace(" ", "").removeprefix("q=")
            try:
                return not params or float(quality) > 0
            except ValueError:
                return True
    return False


def public_json(request: web.Request, body: bytes, etag: str, max_age: int) -> web.Response:
    """A JSON body any cache may keep for `max_age` seconds, gzipped on request; 304 when the
    box has it already. Pass a weak `etag` (etag_of(body, weak=True))."""
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}", "Vary": "Accept-Encoding"}
    if etag_matches(request.headers.get("If-None-Match", ""), etag):
        return web.Response(status=304, headers=headers)
    response = web.Response(body=body, content_type="application/json", charset="utf-8", headers=headers)
    if accepts_gzip(request.headers.get("Accept-Encoding", "")):
        response.enable_compression(web.ContentCoding.gzip)
    return response
