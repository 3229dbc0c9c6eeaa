"""The editors' figures page: the published incomes, wages and rates the legal calculators use,
edited as a table. A thin client of PUT /api/v1/calculators/figures (same checks, same errors)."""
from __future__ import annotations

from aiohttp import web

from legaltv_calculators.figures import KEYS

from ..calculators import api as calculators_api
from ..kernel.i18n import N_, translate
from . import console_language, console_page, render

routes = web.RouteTableDef()

TEXTS = {
    # TRANSLATORS: editor console, confirmation after saving the figures, max 40 chars
    "saved": N_("Saved. Boxes use the new figures from their next refresh."),
    # TRANSLATORS: editor console, button removing a row of the figures table, max 12 chars
    "remove": N_("Remove"),
}


@routes.get("/console/editor/figures")
@console_page("editor")
async def figures_page(request: web.Request) -> web.Response:
    _, figures = await calculators_api.current_figures(request)
    language = console_language(request)
    kinds = [{"key": key, "label": translate(label, language), "unit": unit} for key, (label, unit) in KEYS.items()]
    return render(request, "figures.html", figures=[f.as_json() for f in figures.all], kinds=kinds,
                  texts={key: translate(msgid, language) for key, msgid in TEXTS.items()})


def setup(app: web.Application) -> None:
    app.add_routes(routes)
