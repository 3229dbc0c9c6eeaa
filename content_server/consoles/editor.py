"""The editor console: upload case videos (tus), follow their transcodes, correct, withdraw,
restore and delete them, manage categories.

The page is rendered here; everything it changes goes through the public API
(/api/v1/uploads, /api/v1/videos, /api/v1/categories) from static/editor.js, with the
session's CSRF token. `videos.json` feeds the page's table (same search and filters as the page).
A ready video can also be replaced by a new cut from here (POST /api/v1/videos/{id}/replace).
"""
from __future__ import annotations

import json

from aiohttp import web

from ..catalog.categories import all_categories
from ..kernel.i18n import N_, translate
from ..kernel.media_files import generation_prefix
from ..media.static import picture_name
from ..storage import STORE, catalog as catalog_sql
from ..storage.media import VideoStatus
from . import console_language, console_page, render

routes = web.RouteTableDef()
WITHDRAWN = "withdrawn"

STATUS_LABELS = {
    # TRANSLATORS: editor console, status of a video being transcoded, max 16 chars
    "processing": N_("Processing"),
    # TRANSLATORS: editor console, status of a video boxes can play, max 16 chars
    "ready": N_("Ready"),
    # TRANSLATORS: editor console, status of a video whose transcode failed, max 16 chars
    "failed": N_("Failed"),
    # TRANSLATORS: editor console, status of a video an editor cancelled, max 16 chars
    "cancelled": N_("Cancelled"),
    # TRANSLATORS: editor console, status of a ready video an editor took off the air, max 16 chars
    WITHDRAWN: N_("Withdrawn"),
}


def shown_status(row) -> str:
    """The status the table shows and filters on: a withdrawn video is neither ready nor gone."""
    return WITHDRAWN if row["withdrawn_at"] is not None else row["status"]


def matches(row, query: str, category: str, status: str) -> bool:
    """The table's search (id or either title, any case) and its category and status filters."""
    text = " ".join((row["id"], row["title_zh"], row["title_mn"])).casefold()
    return (query.casefold() in text and (not category or row["category"] == category)
            and (not status or shown_status(row) == status))


async def video_rows(request: web.Request) -> list[dict]:
    """The newest videos matching the page's search (`q`, `category`, `status`), with status and error
    in the viewer's language and what the table shows: thumbnail, languages, publish window."""
    language = console_language(request)
    categories, videos = await request.app[STORE].read(_categories_and_videos)
    category_titles = {c["id"]: c["title"][language] for c in categories}
    query = request.query.get("q", "").strip()[:100]
    category, status = request.query.get("category", ""), request.query.get("status", "")
    return [{"id": row["id"], "category": category_titles.get(row["category"], row["category"]),
             "category_id": row["category"],
             "title": {"zh": row["title_zh"], "mn": row["title_mn"]},
             "summary": {"zh": row["summary_zh"], "mn": row["summary_mn"]},
             "status": shown_status(row),
             "status_label": translate(STATUS_LABELS.get(shown_status(row), row["status"]), language),
             "progress": round(row["progress"] or 0, 3),
             "replacing": row["status"] == VideoStatus.READY and row["job_state"] is not None,
             "error": translate(row["error"], language) if row["error"] else None,
             "thumb": f"/media/posters/{row['id']}/{picture_name('thumb', row['pictures_version'])}"
                      if row["status"] == VideoStatus.READY else None,
             # what the preview plays: the current generation, withdrawn ones too (before a restore)
             "hls": f"/media/renditions/{row['id']}/{generation_prefix(row['renditions_version'])}master.m3u8"
                    if row["status"] == VideoStatus.READY else None,
             "audio": json.loads(row["audio_languages"]), "subtitles": json.loads(row["subtitle_languages"]),
             "duration": row["duration"], "publish_from": row["publish_from"], "publish_until": row["publish_until"]}
            for row in videos if matches(row, query, category, status)]


def _categories_and_videos(tx) -> tuple[list[dict], list]:
    return all_categories(tx), catalog_sql.editor_videos(tx)


@routes.get("/console/editor")
@console_page("editor")
async def editor_page(request: web.Request) -> web.Response:
    return render(request, "editor.html", videos=await video_rows(request),
                  categories=await request.app[STORE].read(all_categories),
                  statuses=[(value, translate(label, console_language(request))) for value, label in STATUS_LABELS.items()],
                  search={"q": request.query.get("q", ""), "category": request.query.get("category", ""),
                          "status": request.query.get("status", "")})


@routes.get("/console/editor/videos.json")
@console_page("editor")
async def editor_videos(request: web.Request) -> web.Response:
    return web.json_response({"videos": await video_rows(request)}, headers={"Cache-Control": "no-store"})


def setup(app: web.Application) -> None:
    app.add_routes(routes)
