"""HTTP routes of the guidance feature.

GET  /api/v1/services?region=  → [{"id", "name", "level", "phone", "hours", "address", "region"}], nearest first
GET  /api/v1/glossary          → [{"id", "term", "definition"}]
GET  /api/v1/guides            → [{"topic", "title", "steps": [{"zh", "mn"}], "glossary": [id], "category"}]
PUT  the same paths, role editor, body {"items": [...]} → replaces the whole set, answers it
GETs are public, cacheable for an hour, gzip on request, and answer 304 to a matching If-None-Match.
"""
from __future__ import annotations

import json

from aiohttp import web

from .. import validation
from ..auth import requires
from ..errors import ApiError
from ..http_cache import etag_of, public_json
from ..i18n import N_
from ..storage import guidance as guidance_sql
from ..storage.documents import Document, version_of
from . import imports

routes = web.RouteTableDef()
IMPORT_MAX_BYTES = 2 * 1024 * 1024  # a province's service points with bilingual texts fit easily
_CACHE_LIMIT = 512
MAX_AGE = 3600


def _cached_body(request: web.Request, key: tuple, build) -> tuple[bytes, str]:
    """The JSON body and its ETag for `key` (which includes the sets' versions)."""
    bodies: dict = request.app["guidance_bodies"]
    if key not in bodies:
        if len(bodies) >= _CACHE_LIMIT:
            bodies.clear()
        body = json.dumps(build(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        bodies[key] = (body, etag_of(body, weak=True))
    return bodies[key]


def _cacheable(request: web.Request, key: tuple, build) -> web.Response:
    body, etag = _cached_body(request, key, build)
    return public_json(request, body, etag, MAX_AGE)


def _versions(request: web.Request, *kinds: Document) -> tuple[int, ...]:
    return version_of(request.app["store"], *kinds)


@routes.get("/api/v1/services")
async def list_services(request: web.Request) -> web.Response:
    region = request.query.get("region")
    if region is not None and not (len(region) == 6 and region.isascii() and region.isdigit()):
        raise ApiError(422, "invalid_region", N_("The region code must be six digits."), field="region")
    store = request.app["store"]
    return _cacheable(request, ("services", *_versions(request, Document.SERVICES), region),
                      lambda: guidance_sql.services_near(store, region))


@routes.get("/api/v1/glossary")
async def list_glossary(request: web.Request) -> web.Response:
    store = request.app["store"]
    return _cacheable(request, ("glossary", *_versions(request, Document.GLOSSARY)), lambda: guidance_sql.glossary(store))


@routes.get("/api/v1/guides")
async def list_guides(request: web.Request) -> web.Response:
    store = request.app["store"]
    key = ("guides", *_versions(request, Document.GUIDES, Document.GLOSSARY))
    return _cacheable(request, key, lambda: guidance_sql.guides(store))


@routes.put("/api/v1/services")
@requires("editor")
async def import_services(request: web.Request) -> web.Response:
    points = imports.services(await validation.read_json(request, IMPORT_MAX_BYTES))
    store = request.app["store"]
    guidance_sql.replace_services(store, points, by=request["user"]["name"])
    return web.json_response(guidance_sql.services_near(store, None))


@routes.put("/api/v1/glossary")
@requires("editor")
async def import_glossary(request: web.Request) -> web.Response:
    terms = imports.glossary(await validation.read_json(request, IMPORT_MAX_BYTES))
    store = request.app["store"]
    guidance_sql.replace_glossary(store, terms, by=request["user"]["name"])
    return web.json_response(guidance_sql.glossary(store))


@routes.put("/api/v1/guides")
@requires("editor")
async def import_guides(request: web.Request) -> web.Response:
    store = request.app["store"]
    guides = imports.guides(await validation.read_json(request, IMPORT_MAX_BYTES), guidance_sql.glossary_ids(store))
    guidance_sql.replace_guides(store, guides, by=request["user"]["name"])
    return web.json_response(guidance_sql.guides(store))
