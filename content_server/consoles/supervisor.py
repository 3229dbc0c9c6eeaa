"""The supervisor console: the live board, revisits, satisfaction, reports and the audit log.

Figures come from `questions.reports` and lists from `questions.views`; this module only
arranges them into pages and draws the charts. Changes go through the desk's JSON API.
"""
from __future__ import annotations

from datetime import date, time as clock_time, timedelta

from aiohttp import web

from ..accounts.callers import USER
from ..kernel.clock import CLOCK
from ..kernel.i18n import N_, translate
from ..kernel.validation import query_date
from ..questions import duty, reports, views, workflow
from ..questions.calendar import CALENDAR
from ..questions.complaints import Reason, complaint_item
from ..storage import STORE, answer_templates as templates_db, complaints as complaints_db, questions as db
from ..storage.questions import Status
from . import console_language, console_page, live_fragment, render
from .charts import bar_chart
from .staff import labels

routes = web.RouteTableDef()
midnight = clock_time(0)

PERIOD_LABELS = {
    # TRANSLATORS: supervisor console, report period choice, max 12 chars
    "day": N_("Day"),
    # TRANSLATORS: supervisor console, report period choice, max 12 chars
    "week": N_("Week"),
    # TRANSLATORS: supervisor console, report period choice, max 12 chars
    "month": N_("Month"),
}
COMPLAINT_LABELS = {
    # TRANSLATORS: supervisor console and TV app, why a household complains, max 40 chars
    Reason.NOT_CALLED: N_("Nobody called me"),
    # TRANSLATORS: supervisor console and TV app, why a household complains, max 40 chars
    Reason.NOT_HELPFUL: N_("The answer did not help"),
    # TRANSLATORS: supervisor console and TV app, why a household complains, max 40 chars
    Reason.IMPOLITE: N_("The lawyer was impolite"),
    # TRANSLATORS: supervisor console and TV app, why a household complains, max 40 chars
    Reason.TOO_SLOW: N_("It took too long"),
}
REASON_LABELS = {
    # TRANSLATORS: supervisor console, why a question is on the revisit list, max 30 chars
    "low_rating": N_("Rated 2 or lower"),
    # TRANSLATORS: supervisor console, why a question is on the revisit list, max 30 chars
    "sample": N_("Random sample"),
}


def _today(request: web.Request) -> date:
    return request.app[CALENDAR].local(request.app[CLOCK]()).date()


async def _board(request: web.Request) -> dict:
    return await request.app[STORE].read(_board_unit, request[USER], request.app[CLOCK](), request.app[CALENDAR])


BOARD_DUTY_DAYS = 2  # today and tomorrow: time enough to find a lawyer for an uncovered shift


def _board_unit(tx, user, now: float, calendar) -> dict:
    return {"board": reports.board(tx, now, calendar),
            "claimed": views.queue_listing(tx, user, now, calendar, statuses=(Status.CLAIMED,)),
            "duty": duty.roster(tx, calendar.local(now).date(), BOARD_DUTY_DAYS, now, calendar)}


def _month_and_revisits(tx, today: date, now: float, calendar) -> tuple[dict, list]:
    return (reports.report(tx, "month", today, calendar),
            reports.revisit_sample(tx, now - 30 * 86400, now + 1, now, calendar))


async def _satisfaction(request: web.Request) -> dict:
    """This month's ratings and the revisits of the last 30 days."""
    month, revisits = await request.app[STORE].read(_month_and_revisits, _today(request), request.app[CLOCK](),
                                                    request.app[CALENDAR])
    done = [r["revisit"] for r in revisits if r["revisit"]]
    language = console_language(request)
    scores = month["totals"]["ratings_by_score"]
    chart = bar_chart([(f"{s}★", scores[str(s)]) for s in range(1, 6)],
                      # TRANSLATORS: supervisor console, overview, chart title, max 40 chars
                      translate(N_("Ratings this month"), language))
    return {"month": month, "ratings_chart": chart, "revisits_due": sum(1 for r in revisits if not r["revisit"]),
            "revisits_done": len(done), "revisits_reached": sum(1 for r in done if r["reached"]),
            "revisits_satisfied": sum(1 for r in done if r["satisfied"])}


@routes.get("/console/supervisor")
@console_page("supervisor")
async def supervisor_page(request: web.Request) -> web.Response:
    return render(request, "supervisor.html", **await _board(request), **await _satisfaction(request),
                  **await labels(request))


@routes.get("/console/supervisor/board")
@console_page("supervisor")
async def board_fragment(request: web.Request) -> web.Response:
    """The live board, for the page's script to poll; 304 when nothing changed."""
    async def context() -> dict:
        return {**await _board(request), **await labels(request)}
    return await live_fragment(request, "supervisor_board.html", context)

@routes.get("/console/supervisor/revisits")
@console_page("supervisor")
async def revisits_page(request: web.Request) -> web.Response:
    calendar = request.app[CALENDAR]
    last = query_date(request, "until", _today(request))
    first = query_date(request, "from", last - timedelta(days=30))
    since, until = calendar.at(first, midnight), calendar.at(last + timedelta(days=1), midnight)
    items = await request.app[STORE].read(reports.revisit_sample, since, until, request.app[CLOCK](), calendar)
    items.sort(key=lambda i: (i["revisit"] is not None, "low_rating" not in i["reasons"], i["closed_at"] or ""))
    return render(request, "supervisor_revisits.html", items=items, first=first, last=last,
                  reason_labels=REASON_LABELS, **await labels(request))


@routes.get("/console/supervisor/reports")
@console_page("supervisor")
async def reports_page(request: web.Request) -> web.Response:
    period = request.query.get("period", "week")
    if period not in reports.PERIODS:
        period = "week"
    day = query_date(request, "date", _today(request))
    data = await request.app[STORE].read(reports.report, period, day, request.app[CALENDAR])
    language = console_language(request)
    tr = lambda msgid: translate(msgid, language)  # noqa: E731 - chart titles in the viewer's language
    topic_title = (await labels(request))["topic_title"]
    short = (lambda d: d[8:]) if period == "month" else (lambda d: d[5:])
    charts = {
        # TRANSLATORS: supervisor reports, chart title, max 40 chars
        "questions": bar_chart([(short(d["date"]), d["questions"]) for d in data["days"]], tr(N_("Questions per day"))),
        "answer_rate": bar_chart([(short(d["date"]), _percent(d["answer_rate"])) for d in data["days"]],
                                 # TRANSLATORS: supervisor console, reports page, chart title, max 40 chars
                                 tr(N_("Answer rate per day (%)")), maximum=100),
        "on_time": bar_chart([(short(d["date"]), _percent(d["on_time_rate"])) for d in data["days"]],
                             # TRANSLATORS: supervisor console, reports page, chart title, max 40 chars
                             tr(N_("First call on time per day (%)")), maximum=100),
        "ratings": bar_chart([(f"{s}★", data["totals"]["ratings_by_score"][str(s)]) for s in range(1, 6)],
                             # TRANSLATORS: supervisor console, reports page, chart title, max 40 chars
                             tr(N_("Ratings"))),
        "topics": bar_chart([(topic_title(t), s["questions"]) for t, s in data["by_topic"].items()],
                            # TRANSLATORS: supervisor console, reports page, chart title, max 40 chars
                            tr(N_("Questions by topic"))),
    }
    return render(request, "supervisor_reports.html", data=data, period=period, day=day, charts=charts,
                  period_labels=PERIOD_LABELS, percent=_percent, **await labels(request))


@routes.get("/console/supervisor/roster")
@console_page("supervisor")
async def roster_page(request: web.Request) -> web.Response:
    """The duty roster of the coming week: add shifts, assign lawyers, see the uncovered in red."""
    calendar, now = request.app[CALENDAR], request.app[CLOCK]()
    first = query_date(request, "from", _today(request))
    roster, people = await request.app[STORE].read(_roster_unit, first, now, calendar)
    return render(request, "supervisor_roster.html", duty=roster, people=people, first=first,
                  **await labels(request))


def _roster_unit(tx, first: date, now: float, calendar) -> tuple[dict, list]:
    people = [{"id": u["id"], "name": u["name"], "languages": workflow.languages_of(u)} for u in db.desk_users(tx)]
    return duty.roster(tx, first, duty.ROSTER_DAYS, now, calendar), people


@routes.get("/console/supervisor/urgent")
@console_page("supervisor")
async def urgent_page(request: web.Request) -> web.Response:
    """Which topics and sentences make a question urgent."""
    topics = await request.app[STORE].read(db.topics, True)
    return render(request, "supervisor_urgent.html", topics=topics, language=console_language(request),
                  **await labels(request))


@routes.get("/console/supervisor/templates")
@console_page("supervisor")
async def templates_page(request: web.Request) -> web.Response:
    """Answer templates per topic, in both languages: add, change, remove."""
    topics = await request.app[STORE].read(db.topics)
    templates = await request.app[STORE].read(templates_db.templates)
    return render(request, "supervisor_templates.html", topics=topics, templates=templates,
                  language=console_language(request), **await labels(request))


@routes.get("/console/supervisor/complaints")
@console_page("supervisor")
async def complaints_page(request: web.Request) -> web.Response:
    """Households' complaints, open ones first: read, then mark handled with a note."""
    rows = await request.app[STORE].read(complaints_db.complaints)
    return render(request, "supervisor_complaints.html", reason_labels=COMPLAINT_LABELS,
                  complaints=[complaint_item(r, request.app[CALENDAR]) for r in rows], **await labels(request))


@routes.get("/console/supervisor/audit")
@console_page("supervisor")
async def audit_page(request: web.Request) -> web.Response:
    question_id = request.query.get("question_id", "")[:64] or None
    rows = await request.app[STORE].read(db.audit_log, question_id=question_id, limit=300)
    calendar = request.app[CALENDAR]
    return render(request, "supervisor_audit.html", entries=[views.audit_item(r, calendar) for r in rows],
                  question_id=question_id, **await labels(request))


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def setup(app: web.Application) -> None:
    app.add_routes(routes)
