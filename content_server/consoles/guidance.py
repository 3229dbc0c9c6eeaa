"""The editors' topics, guides and glossary page: forms instead of JSON, with the Mongolian
previewed as the box draws it. A thin client of /api/v1/topics, /api/v1/guides and
/api/v1/glossary, so the forms get the same checks and the same bilingual errors as a JSON import."""
from __future__ import annotations

from aiohttp import web

from ..catalog.categories import all_categories
from ..kernel.i18n import N_, translate
from ..storage import STORE
from . import console_language, console_page, render

routes = web.RouteTableDef()

TEXTS = {
    # TRANSLATORS: editor console, confirmation after a form was saved, max 60 chars
    "saved": N_("Saved. Boxes get the change at their next refresh."),
    # TRANSLATORS: editor console, generic failure when the server gave no message, max 60 chars
    "failed": N_("This did not work. Please try again."),
    # TRANSLATORS: editor console, error when an imported file is not JSON, max 60 chars
    "bad_json": N_("This is not valid JSON."),
    # TRANSLATORS: editor console, button moving an entry one place up in a list, max 12 chars
    "move_up": N_("Move up"),
    # TRANSLATORS: editor console, button moving an entry one place down in a list, max 12 chars
    "move_down": N_("Move down"),
    # TRANSLATORS: editor console, button removing an entry from a list, max 12 chars
    "remove": N_("Remove"),
    # TRANSLATORS: editor console, button saving a form, max 12 chars
    "save": N_("Save"),
    # TRANSLATORS: editor console, label of a short Latin id field, max 30 chars
    "id": N_("Id (Latin letters, e.g. traffic)"),
    # TRANSLATORS: editor console, label of a title given in both languages, max 20 chars
    "title": N_("Title"),
    # TRANSLATORS: editor console, label of a topic's preset sentences households pick, max 30 chars
    "phrases": N_("Sentences households can pick"),
    # TRANSLATORS: editor console, button adding a sentence to a topic, max 20 chars
    "add_phrase": N_("Add a sentence"),
    # TRANSLATORS: editor console, checkbox: households see this topic, max 30 chars
    "active": N_("Shown to households"),
    # TRANSLATORS: editor console, label of a glossary term (both languages), max 20 chars
    "term": N_("Term"),
    # TRANSLATORS: editor console, label of a glossary term's explanation, max 20 chars
    "definition": N_("Explanation"),
    # TRANSLATORS: editor console, label of a guide's topic, max 20 chars
    "topic": N_("Topic"),
    # TRANSLATORS: editor console, label of a guide's numbered steps, max 20 chars
    "steps": N_("Steps"),
    # TRANSLATORS: editor console, button adding a step to a guide, max 20 chars
    "add_step": N_("Add a step"),
    # TRANSLATORS: editor console, label of the documents a household brings to an appointment about a guide's topic, max 40 chars
    "documents": N_("What to bring to an appointment"),
    # TRANSLATORS: editor console, button adding a document to what to bring, max 20 chars
    "add_document": N_("Add a document"),
    # TRANSLATORS: editor console, label of the glossary terms a guide explains, max 30 chars
    "guide_terms": N_("Terms explained with it"),
    # TRANSLATORS: editor console, label of the video category a guide points to, max 30 chars
    "category": N_("Videos of the category"),
    # TRANSLATORS: editor console, choice: no video category, max 12 chars
    "none": N_("none"),
}


@routes.get("/console/editor/guidance")
@console_page("editor")
async def guidance_page(request: web.Request) -> web.Response:
    language = console_language(request)
    categories = await request.app[STORE].read(all_categories)
    return render(request, "guidance.html", categories=categories,
                  texts={key: translate(msgid, language) for key, msgid in TEXTS.items()})


def setup(app: web.Application) -> None:
    app.add_routes(routes)
