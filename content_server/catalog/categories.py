"""Editors' categories: /api/v1/categories (list, create, rename, reorder); role editor.

GET    /api/v1/categories                → [{"id", "title", "position"}]
POST   /api/v1/categories  {"id", "title"} → 201 the category (added at the end)
PATCH  /api/v1/categories/{id} {"title"} → the renamed category
PUT    /api/v1/categories/order {"order": [every id once]} → the list in its new order
"""
from __future__ import annotations

import re

from aiohttp import web

from ..accounts.callers import requires
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..kernel.validation import bilingual_text, read_json, string_list, text
from ..storage import STORE, catalog as catalog_sql

routes = web.RouteTableDef()

TITLE_MAX = 40
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_RESERVED = {"order"}


def category_json(row) -> dict:
    return {"id": row["id"], "title": {"zh": row["title_zh"], "mn": row["title_mn"]}, "position": row["position"]}


def all_categories(store) -> list[dict]:
    return [category_json(row) for row in catalog_sql.catalog_categories(store)]


@routes.get("/api/v1/categories")
@requires("editor")
async def list_categories(request: web.Request) -> web.Response:
    return web.json_response(await request.app[STORE].read(all_categories), headers={"Cache-Control": "no-store"})


@routes.post("/api/v1/categories")
@requires("editor")
async def create_category(request: web.Request) -> web.Response:
    body = await read_json(request)
    category_id = text(body, "id", 40)
    if not _ID.fullmatch(category_id) or category_id in _RESERVED:
        # TRANSLATORS: error under the category id field of the editor console, max 90 chars
        raise ApiError(422, "invalid_id", N_("Use lowercase Latin letters, digits and hyphens (at most 40)."),
                       field="id")
    title = bilingual_text(body, "title", TITLE_MAX)
    return web.json_response(await request.app[STORE].write(_add_category, category_id, title), status=201)


def _add_category(tx, category_id: str, title: dict) -> dict:
    if not catalog_sql.add_category(tx, category_id, title["zh"], title["mn"]):
        # TRANSLATORS: error when an editor reuses a category id, max 60 chars
        raise ApiError(409, "category_exists", N_("A category with this id exists already."), field="id")
    return category_json(catalog_sql.category(tx, category_id))


@routes.patch("/api/v1/categories/{category_id}")
@requires("editor")
async def rename_category(request: web.Request) -> web.Response:
    body = await read_json(request)
    title = bilingual_text(body, "title", TITLE_MAX)
    renamed = await request.app[STORE].write(_rename_category, request.match_info["category_id"], title)
    if renamed is None:
        raise web.HTTPNotFound()
    return web.json_response(renamed)


def _rename_category(tx, category_id: str, title: dict) -> dict | None:
    if not catalog_sql.rename_category(tx, category_id, title["zh"], title["mn"]):
        return None
    return category_json(catalog_sql.category(tx, category_id))


@routes.put("/api/v1/categories/order")
@requires("editor")
async def reorder_categories(request: web.Request) -> web.Response:
    body = await read_json(request)
    order = string_list(body, "order", 500, required=True)
    return web.json_response(await request.app[STORE].write(_reorder_categories, order))


def _reorder_categories(tx, order: list[str]) -> list[dict]:
    existing = {row["id"] for row in catalog_sql.catalog_categories(tx)}
    if len(order) != len(set(order)) or set(order) != existing:
        # TRANSLATORS: error when a reordered category list is incomplete or has duplicates, max 80 chars
        raise ApiError(422, "incomplete_order", N_("List every category exactly once."), field="order")
    catalog_sql.reorder_categories(tx, order)
    return all_categories(tx)


def setup(app: web.Application) -> None:
    app.add_routes(routes)
