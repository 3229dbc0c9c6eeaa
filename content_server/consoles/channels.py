"""The editors' channel console: create a channel, edit its slots, import/export JSON, preview the guide.

The page is a thin client of the editor JSON API (content_server/schedule/api.py), so the
console and scripted imports go through the same validation and the same bilingual errors.
"""
from __future__ import annotations

from aiohttp import web

from ..catalog.categories import all_categories
from ..kernel.i18n import N_, translate
from ..playout.status import PLAYOUT_STATES
from ..schedule.planner import OFF_AIR
from ..storage import STORE, schedule as schedule_sql
from . import console_language, console_page, render

routes = web.RouteTableDef()

TEXTS = {
    # TRANSLATORS: editor console, confirmation after saving a channel, max 40 chars
    "saved": N_("Saved."),
    # TRANSLATORS: editor console, confirmation, max 40 chars
    "created": N_("The channel was created."),
    # TRANSLATORS: editor console, error when an imported file is not JSON, max 60 chars
    "bad_json": N_("This is not valid JSON."),
    # TRANSLATORS: editor console, choice of what a slot plays, max 12 chars
    "category": N_("Category"),
    # TRANSLATORS: editor console, choice of what a slot plays, max 12 chars
    "playlist": N_("Playlist"),
    # TRANSLATORS: editor console, choice of what a slot plays: chosen videos, max 12 chars
    "videos": N_("Videos"),
    # TRANSLATORS: editor console, slot order choice, max 12 chars
    "in_order": N_("In order"),
    # TRANSLATORS: editor console, slot order choice, max 12 chars
    "shuffle": N_("Shuffled"),
    # TRANSLATORS: editor console, button removing a slot row, max 12 chars
    "remove": N_("Remove"),
    # TRANSLATORS: editor console, button moving an entry one place up in a list, max 12 chars
    "move_up": N_("Move up"),
    # TRANSLATORS: editor console, button moving an entry one place down in a list, max 12 chars
    "move_down": N_("Move down"),
    # TRANSLATORS: editor console, button adding the video chosen in the list above, max 12 chars
    "add": N_("Add"),
    # TRANSLATORS: editor console, search field over the titles of ready videos, max 30 chars
    "search_videos": N_("Search videos by title"),
    # TRANSLATORS: editor console, shown in an empty list of videos to play, max 60 chars
    "no_videos": N_("No video chosen yet."),
    # TRANSLATORS: editor console, shown for a video that is not ready or was deleted, max 30 chars
    "unknown_video": N_("not ready or deleted"),
    # TRANSLATORS: editor console, button removing a whole playlist, max 20 chars
    "remove_playlist": N_("Remove playlist"),
    "off_air": OFF_AIR,
}


@routes.get("/console/editor/channels")
@console_page("editor")
async def channels_page(request: web.Request) -> web.Response:
    rows, ready, category_rows, playable = await request.app[STORE].read(_channels_and_what_they_can_play)
    chosen = request.query.get("channel") or (rows[0]["id"] if rows else "")
    row = next((r for r in rows if r["id"] == chosen), None)
    document = None
    if row is not None:
        document = {"id": row["id"], "title": {"zh": row["title_zh"], "mn": row["title_mn"]},
                    "schedule": schedule_sql.schedule_of(row)}
    language = console_language(request)
    # what a slot or a playlist can pick from, named in the console's language first
    categories = [{"id": c["id"], "title": c["title"], "ready": ready.get(c["id"], 0)} for c in category_rows]
    videos = [{"id": v["id"], "title": {"zh": v["title_zh"], "mn": v["title_mn"]}, "category": v["category"],
               "duration": v["duration"]} for v in playable]
    texts = {key: translate(msgid, language) for key, msgid in TEXTS.items()}
    playout = (await request.app[PLAYOUT_STATES]()).get(chosen)
    return render(request, "channels.html", channels=rows, channel=row, document=document,
                  categories=categories, videos=videos, texts=texts, playout=playout)


def _channels_and_what_they_can_play(tx) -> tuple[list, dict, list, list]:
    return (schedule_sql.channels(tx), schedule_sql.ready_counts_by_category(tx), all_categories(tx),
            schedule_sql.playable_videos(tx))


def setup(app: web.Application) -> None:
    app.add_routes(routes)
