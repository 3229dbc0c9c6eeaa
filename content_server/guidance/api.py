"""HTTP routes of the guidance feature.

GET  /api/v1/services?region=  → [{"id", "name", "level", "phone", "hours", "address", "region"}], nearest first
GET  /api/v1/glossary          → [{"id", "term", "definition"}]
GET  /api/v1/guides            → [{"topic", "title", "steps": [{"zh", "mn"}], "glossary": [id], "category",
                                   "documents": [{"zh", "mn"}]}]   (documents: what to bring to an appointment)
PUT  the same paths, role editor, body {"items": [...]} → replaces the whole set, answers it
GETs are public, cacheable for an hour, gzip on request, and answer 304 to a matching If-None-Match.
"""
from __future__ import annotations

import json

from aiohttp import web

from ..accounts.callers import USER, requires
from ..kernel import validation
from ..kernel.errors import ApiError
from ..kernel.http_cache import etag_of, public_json
from ..kernel.i18n import N_
from ..storage import STORE, guidance as guidance_sql
from ..storage.documents import Document
from . import imports

routes = web.RouteTableDef()
IMPORT_MAX_BYTES = 2 * 1024 * 1024  # a province's service points with bilingual texts fit easily
_CACHE_LIMIT = 512
MAX_AGE = 3600


async def _cached_body(request: web.Request, key: tuple, read, *args) -> tuple[bytes, str]:
    """The JSON body and its ETag for `key` (which includes the sets' versions); the read unit
    `read(tx, *args)` runs only when no body is kept for `key`."""
    bodies: dict = request.app[GUIDANCE_BODIES]
    if key not in bodies:
        data = await request.app[STORE].read(read, *args)
        if len(bodies) >= _CACHE_LIMIT:
            bodies.clear()
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        bodies[key] = (body, etag_of(body, weak=True))
    return bodies[key]


async def _cacheable(request: web.Request, key: tuple, read, *args) -> web.Response:
    body, etag = await _cached_body(request, key, read, *args)
    return public_json(request, body, etag, MAX_AGE)


def _versions(request: web.Request, *kinds: Document) -> tuple[int, ...]:
    return request.app[STORE].version_of(*kinds)


@routes.get("/api/v1/services")
async def list_services(request: web.Request) -> web.Response:
    region = request.query.get("region")
    if region is not None and not (len(region) == 6 and region.isascii() and region.isdigit()):
        raise ApiError(422, "invalid_region", N_("The region code must be six digits."), field="region")
    return await _cacheable(request, ("services", *_versions(request, Document.SERVICES), region),
                            guidance_sql.services_near, region)


@routes.get("/api/v1/glossary")
async def list_glossary(request: web.Request) -> web.Response:
    return await _cacheable(request, ("glossary", *_versions(request, Document.GLOSSARY)), guidance_sql.glossary)


@routes.get("/api/v1/guides")
async def list_guides(request: web.Request) -> web.Response:
    key = ("guides", *_versions(request, Document.GUIDES, Document.GLOSSARY))
    return await _cacheable(request, key, guidance_sql.guides)


@routes.put("/api/v1/services")
@requires("editor")
async def import_services(request: web.Request) -> web.Response:
    points = imports.services(await validation.read_json(request, IMPORT_MAX_BYTES))
    return web.json_response(await request.app[STORE].write(_replace_services, points, request[USER]["name"]))


@routes.put("/api/v1/glossary")
@requires("editor")
async def import_glossary(request: web.Request) -> web.Response:
    terms = imports.glossary(await validation.read_json(request, IMPORT_MAX_BYTES))
    return web.json_response(await request.app[STORE].write(_replace_glossary, terms, request[USER]["name"]))


@routes.put("/api/v1/guides")
@requires("editor")
async def import_guides(request: web.Request) -> web.Response:
    body = await validation.read_json(request, IMPORT_MAX_BYTES)
    return web.json_response(await request.app[STORE].write(_replace_guides, body, request[USER]["name"]))


def _replace_services(tx, points: list, by: str) -> list:
    guidance_sql.replace_services(tx, points, by=by)
    return guidance_sql.services_near(tx, None)


def _replace_glossary(tx, terms: list, by: str) -> list:
    guidance_sql.replace_glossary(tx, terms, by=by)
    return guidance_sql.glossary(tx)


def _replace_guides(tx, body, by: str) -> list:
    guides = imports.guides(body, guidance_sql.glossary_ids(tx))  # checked against the glossary it will join
    guidance_sql.replace_guides(tx, guides, by=by)
    return guidance_sql.guides(tx)


GUIDANCE_BODIES = web.AppKey("guidance_bodies", dict)  # rendered public guidance documents by path
