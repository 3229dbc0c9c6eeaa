"""The editors' notices page: write a banner or an urgent warning for some regions, correct it,
withdraw it. A thin client of /api/v1/notices (same checks, same bilingual errors)."""
from __future__ import annotations

from aiohttp import web

from ..kernel.i18n import N_, translate
from . import console_language, console_page, render

routes = web.RouteTableDef()

TEXTS = {
    # TRANSLATORS: editor console, confirmation after a notice was saved, max 60 chars
    "saved": N_("Saved. Boxes in these regions show it from their next refresh."),
    # TRANSLATORS: editor console, button loading a notice into the form to correct it, max 12 chars
    "edit": N_("Edit"),
    # TRANSLATORS: editor console, button taking a notice off every box, max 12 chars
    "withdraw": N_("Withdraw"),
    # TRANSLATORS: editor console, question before withdrawing a notice, max 80 chars
    "confirm_withdraw": N_("Withdraw this notice? Boxes stop showing it at their next refresh."),
    # TRANSLATORS: editor console, state of a notice in the list: boxes show it now, max 16 chars
    "current": N_("On the air"),
    # TRANSLATORS: editor console, state of a notice in the list: taken off, max 16 chars
    "withdrawn": N_("Withdrawn"),
    # TRANSLATORS: editor console, state of a notice in the list: not or no longer in its window, max 16 chars
    "off_air": N_("Not on the air"),
    # TRANSLATORS: editor console, notice kinds in the list, max 16 chars each
    "banner": N_("Banner"),
    # TRANSLATORS: editor console, notice kinds in the list, max 16 chars each
    "urgent": N_("Urgent"),
}


@routes.get("/console/editor/notices")
@console_page("editor")
async def notices_page(request: web.Request) -> web.Response:
    language = console_language(request)
    return render(request, "notices.html", texts={key: translate(msgid, language) for key, msgid in TEXTS.items()})


def setup(app: web.Application) -> None:
    app.add_routes(routes)
