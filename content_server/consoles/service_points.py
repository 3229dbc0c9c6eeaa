"""The editors' service points page: add or correct an office (what it offers, its level down to
the gacha, phone, hours, address in both languages) or remove one. A thin client of
PUT /api/v1/services: the whole set is sent back, checked there, refused with the field named."""
from __future__ import annotations

from aiohttp import web

from ..guidance.imports import LEVELS, SERVICE_KINDS
from legaltv_regions.offices import LEVEL_LABELS, SERVICE_LABELS
from ..kernel.i18n import N_, translate
from . import console_language, console_page, render

routes = web.RouteTableDef()

TEXTS = {
    # TRANSLATORS: editor console, confirmation after the service points were saved, max 60 chars
    "saved": N_("Saved. Boxes show it from their next refresh."),
    # TRANSLATORS: editor console, button loading a service point into the form, max 12 chars
    "edit": N_("Edit"),
    # TRANSLATORS: editor console, button removing a service point, max 12 chars
    "remove": N_("Remove"),
    # TRANSLATORS: editor console, question before removing a service point, max 80 chars
    "confirm_remove": N_("Remove this office? Boxes stop showing it at their next refresh."),
}


@routes.get("/console/editor/services")
@console_page("editor")
async def service_points_page(request: web.Request) -> web.Response:
    language = console_language(request)
    texts = {key: translate(msgid, language) for key, msgid in TEXTS.items()}
    texts["levels"] = {level: translate(LEVEL_LABELS[level], language) for level in LEVELS}
    texts["services"] = {kind: translate(SERVICE_LABELS[kind], language) for kind in SERVICE_KINDS}
    return render(request, "service_points.html", texts=texts, levels=LEVELS, service_kinds=SERVICE_KINDS,
                  level_labels=LEVEL_LABELS, service_labels=SERVICE_LABELS)


def setup(app: web.Application) -> None:
    app.add_routes(routes)
