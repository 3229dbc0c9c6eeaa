"""The editor console: upload case videos (tus), follow their transcodes, manage categories.

The page is rendered here; everything it changes goes through the public API
(/api/v1/uploads, /api/v1/videos, /api/v1/categories) from static/editor.js, with the
session's CSRF token. `videos.json` feeds the page's progress polling.
"""
from __future__ import annotations

from aiohttp import web

from ..catalog.categories import all_categories
from ..kernel.i18n import N_, translate
from ..storage import STORE, catalog as catalog_sql
from . import console_language, console_page, render

routes = web.RouteTableDef()

STATUS_LABELS = {
    # TRANSLATORS: editor console, status of a video being transcoded, max 16 chars
    "processing": N_("Processing"),
    # TRANSLATORS: editor console, status of a video boxes can play, max 16 chars
    "ready": N_("Ready"),
    # TRANSLATORS: editor console, status of a video whose transcode failed, max 16 chars
    "failed": N_("Failed"),
    # TRANSLATORS: editor console, status of a video an editor cancelled, max 16 chars
    "cancelled": N_("Cancelled"),
}


async def video_rows(request: web.Request) -> list[dict]:
    """The newest videos, with status and error in the viewer's language."""
    language = console_language(request)
    categories, videos = await request.app[STORE].read(_categories_and_videos)
    category_titles = {c["id"]: c["title"][language] for c in categories}
    return [{"id": row["id"], "category": category_titles.get(row["category"], row["category"]),
             "title": {"zh": row["title_zh"], "mn": row["title_mn"]},
             "status": row["status"], "status_label": translate(STATUS_LABELS.get(row["status"], row["status"]), language),
             "progress": round(row["progress"] or 0, 3),
             "error": translate(row["error"], language) if row["error"] else None,
             "duration": row["duration"], "publish_from": row["publish_from"], "publish_until": row["publish_until"]}
            for row in videos]


def _categories_and_videos(tx) -> tuple[list[dict], list]:
    return all_categories(tx), catalog_sql.editor_videos(tx)


@routes.get("/console/editor")
@console_page("editor")
async def editor_page(request: web.Request) -> web.Response:
    return render(request, "editor.html", videos=await video_rows(request),
                  categories=await request.app[STORE].read(all_categories))


@routes.get("/console/editor/videos.json")
@console_page("editor")
async def editor_videos(request: web.Request) -> web.Response:
    return web.json_response({"videos": await video_rows(request)}, headers={"Cache-Control": "no-store"})


def setup(app: web.Application) -> None:
    app.add_routes(routes)
