"""The editors' statistics page: what households watch, by video, day, region and language, with
charts drawn on the server and the counters as CSV (/api/v1/plays/statistics.csv)."""
from __future__ import annotations

from aiohttp import web

from ..kernel.i18n import N_, translate
from ..plays.api import statistics_of
from . import console_language, console_page, render
from .charts import bar_chart

routes = web.RouteTableDef()
LANGUAGE_NAMES = {"zh": N_("Chinese"), "mn": N_("Mongolian"), "": N_("Off")}  # as the box names them


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


@routes.get("/console/editor/plays")
@console_page("editor")
async def plays_page(request: web.Request) -> web.Response:
    language = console_language(request)
    data, _ = await statistics_of(request)

    def tr(msgid: str) -> str:
        return translate(msgid, language)
    days = data["days"]
    # TRANSLATORS: editor console, statistics page, chart title, max 40 chars
    plays_title = tr(N_("Plays started per day"))
    # TRANSLATORS: editor console, statistics page, chart title, max 40 chars
    completion_title = tr(N_("Watched to the end, % of plays"))
    # TRANSLATORS: editor console, statistics page, chart title, max 40 chars
    audio_title = tr(N_("Plays by audio language"))
    # TRANSLATORS: editor console, statistics page, chart title, max 40 chars
    subtitles_title = tr(N_("Plays by subtitles"))
    # TRANSLATORS: editor console, statistics page, chart title, max 40 chars
    regions_title = tr(N_("Plays by region"))
    charts = {
        "plays": bar_chart([(d["day"][5:], d["starts"]) for d in days], plays_title),
        "completion": bar_chart([(v["title"][language][:12], _percent(v["completion"])) for v in data["videos"][:12]],
                                completion_title, maximum=100),
        "audio": bar_chart([(tr(LANGUAGE_NAMES[k]), n) for k, n in data["audio"].items()], audio_title),
        "subtitles": bar_chart([(tr(LANGUAGE_NAMES[k]), n) for k, n in data["subtitles"].items()], subtitles_title),
        "regions": bar_chart([(code, s["starts"]) for code, s in data["regions"].items()], regions_title),
    }
    return render(request, "editor_plays.html", data=data, charts=charts, percent=lambda s: f"{_percent(s):g}",
                  language_names=LANGUAGE_NAMES)


def setup(app: web.Application) -> None:
    app.add_routes(routes)
