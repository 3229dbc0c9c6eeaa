"""The callback staff console: the queue, one question at a time, the call and the answer.

Pages only read; every change goes to the desk's JSON API (`questions/desk.py`) from the page's
script with the session's CSRF token. The queue refreshes by polling a server-rendered fragment
every few seconds: a 304 when nothing changed costs the server one comparison, it survives
restarts and proxies without held connections, and it suits flaky mobile networks.
"""
from __future__ import annotations

import zlib
from datetime import datetime

from aiohttp import web

from .. import guidance
from ..accounts.callers import USER
from legaltv_regions.offices import LEVEL_LABELS, SERVICE_LABELS as OFFICE_SERVICE_LABELS
from ..kernel.clock import CLOCK
from ..kernel.i18n import N_, translate
from ..questions import views, workflow
from ..questions.calendar import CALENDAR
from ..storage import (STORE, answer_templates as templates_db, duty as duty_db, guidance as guidance_db,
                       questions as db)
from ..storage.questions import CallbackWindow, CallOutcome, Kind, Referral, Service, Status
from . import console_language, console_page, live_fragment, render

routes = web.RouteTableDef()
DESK = ("staff", "supervisor")
SHOWN = 100  # cards in the queue; more is no help on a phone and slows every refresh

STATUS_LABELS = {
    # TRANSLATORS: staff console, state of a question, max 24 chars
    Status.QUEUED: N_("Waiting"),
    # TRANSLATORS: staff console, state of a question, max 24 chars
    Status.CLAIMED: N_("Being called"),
    # TRANSLATORS: staff console, state of a question, max 24 chars
    Status.RESOLVED: N_("Answered"),
    # TRANSLATORS: staff console, state of a question, max 24 chars
    Status.REFERRED: N_("Referred"),
    # TRANSLATORS: staff console, state of a question, max 24 chars
    Status.REVISIT_PENDING: N_("Awaiting feedback"),
    # TRANSLATORS: staff console, state of a question, max 24 chars
    Status.CLOSED: N_("Closed"),
}
SLA_LABELS = {
    # TRANSLATORS: staff console, service-level state of a question, max 20 chars
    "ok": N_("On time"),
    # TRANSLATORS: staff console, service-level state of a question, max 20 chars
    "warning_50": N_("Half the time used"),
    # TRANSLATORS: staff console, service-level state of a question, max 20 chars
    "warning_80": N_("Nearly due"),
    # TRANSLATORS: staff console, service-level state of a question, max 20 chars
    "overdue": N_("Overdue"),
    # TRANSLATORS: staff console, service-level state of a question, max 20 chars
    "none": N_("Nothing due"),
}
OUTCOME_LABELS = {
    # TRANSLATORS: staff console, outcome of one phone call, max 24 chars
    CallOutcome.ANSWERED: N_("Reached the household"),
    # TRANSLATORS: staff console, outcome of one phone call, max 24 chars
    CallOutcome.NO_ANSWER: N_("No answer"),
    # TRANSLATORS: staff console, outcome of one phone call, max 24 chars
    CallOutcome.WRONG_NUMBER: N_("Wrong number"),
}
REFERRAL_LABELS = {
    # TRANSLATORS: staff console, where a question is referred to, max 24 chars
    Referral.LEGAL_AID: N_("Legal aid"),
    # TRANSLATORS: staff console, where a question is referred to, max 24 chars
    Referral.MEDIATION: N_("People's mediation"),
    # TRANSLATORS: staff console, where a question is referred to, max 24 chars
    Referral.NOTARY: N_("Notary"),
    # TRANSLATORS: staff console, where a question is referred to, max 24 chars
    Referral.COURT: N_("Court"),
}
WINDOW_LABELS = {
    # TRANSLATORS: staff console, the time of day a household asked to be called, max 20 chars
    CallbackWindow.MORNING: N_("Morning"),
    # TRANSLATORS: staff console, the time of day a household asked to be called, max 20 chars
    CallbackWindow.AFTERNOON: N_("Afternoon"),
    # TRANSLATORS: staff console, the time of day a household asked to be called, max 20 chars
    CallbackWindow.EVENING: N_("Evening"),
    # TRANSLATORS: staff console, the time of day a household asked to be called, max 20 chars
    CallbackWindow.ANY: N_("Any time"),
}
ACTION_LABELS = {
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "intake": N_("Asked"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "claim": N_("Claimed"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "release": N_("Given back"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "reveal": N_("Number shown"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "attempt": N_("Call recorded"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "answer": N_("Answered"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "refer": N_("Referred"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "handoff": N_("Handed over"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "close": N_("Closed"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "takeover": N_("Taken over"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "lease_expired": N_("Claim lapsed"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "rating": N_("Rated"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "revisit": N_("Revisited"),
    # TRANSLATORS: consoles, history of a question: what happened, max 24 chars
    "anonymise": N_("Number erased"),
    # TRANSLATORS: consoles, history of a question: someone not routed to it tried to open it, max 24 chars
    "refused": N_("Opening refused"),
    # TRANSLATORS: consoles, history of a question: the household added words that make it urgent, max 24 chars
    "urgent": N_("Became urgent"),
    # TRANSLATORS: consoles, history of a request: staff confirmed the appointment, max 24 chars
    "appointment": N_("Appointment confirmed"),
    # TRANSLATORS: consoles, history of a request: staff refused it, max 24 chars
    "refuse": N_("Request refused"),
    # TRANSLATORS: consoles, history of a request: the household cancelled it, max 24 chars
    "cancel": N_("Cancelled by the household"),
}
SERVICE_LABELS = {
    # TRANSLATORS: consoles and TV, a service a household asks for, max 30 chars
    Service.LEGAL_AID: N_("Apply for legal aid"),
    # TRANSLATORS: consoles and TV, a service a household asks for, max 30 chars
    Service.NOTARY: N_("Notary appointment"),
    # TRANSLATORS: consoles and TV, a service a household asks for, max 30 chars
    Service.MEDIATION: N_("Mediation"),
    # TRANSLATORS: consoles and TV, a service a household asks for: a lawyer at the sumu's legal service station, max 30 chars
    Service.STATION_LAWYER: N_("A lawyer at the sumu station"),
    # TRANSLATORS: consoles and TV, a service a household asks for, max 30 chars
    Service.APPRAISAL: N_("Judicial appraisal"),
}
KIND_LABELS = {
    # TRANSLATORS: staff console, queue filter: questions for a callback, max 16 chars
    Kind.QUESTION: N_("Questions"),
    # TRANSLATORS: staff console, queue filter: requests for a service or an appointment, max 16 chars
    Kind.REQUEST: N_("Service requests"),
}
LANGUAGE_LABELS = {
    # TRANSLATORS: staff console, name of a language in filters and tags, max 12 chars
    "zh": N_("Chinese"),
    # TRANSLATORS: staff console, name of a language in filters and tags, max 12 chars
    "mn": N_("Mongolian"),
}


async def filters_of(request: web.Request) -> dict:
    """The queue filters from the query string, each checked against what it may be."""
    q = request.query
    topics = {t["id"] for t in await request.app[STORE].read(db.topics, include_inactive=True)}
    return {"language": q.get("language") if q.get("language") in LANGUAGE_LABELS else None,
            "topic": q.get("topic") if q.get("topic") in topics else None,
            "region": "".join(ch for ch in q.get("region", "") if ch in "0123456789")[:12] or None,
            "sla_level": q.get("sla") if q.get("sla") in SLA_LABELS else None,
            "kind": q.get("kind") if q.get("kind") in KIND_LABELS else None,
            "service": q.get("service") if q.get("service") in SERVICE_LABELS else None}


async def labels(request: web.Request) -> dict:
    """Everything templates need to name things in the viewer's language."""
    language = console_language(request)
    topic_titles = {t["id"]: t["title"] for t in await request.app[STORE].read(db.topics, include_inactive=True)}

    def waited(seconds: int) -> str:
        minutes = max(int(seconds) // 60, 0)
        if minutes < 60:
            # TRANSLATORS: staff console, how long a question has waited, max 12 chars
            return translate(N_("{m} min"), language, m=minutes)
        if minutes < 48 * 60:
            # TRANSLATORS: staff console, how long a question has waited, max 16 chars
            return translate(N_("{h} h {m} min"), language, h=minutes // 60, m=minutes % 60)
        # TRANSLATORS: staff console, how long a question has waited, max 12 chars
        return translate(N_("{d} days"), language, d=minutes // 1440)

    return {"shown": SHOWN, "status_labels": STATUS_LABELS, "sla_labels": SLA_LABELS,
            "outcome_labels": OUTCOME_LABELS,
            "referral_labels": REFERRAL_LABELS, "window_labels": WINDOW_LABELS,
            "language_labels": LANGUAGE_LABELS, "action_labels": ACTION_LABELS, "topic_titles": topic_titles,
            "service_labels": SERVICE_LABELS, "kind_labels": KIND_LABELS,
            "topic_title": lambda topic_id: topic_titles.get(topic_id, {}).get(language, topic_id),
            "clock": clock, "waited": waited}


def clock(iso: str | None) -> str:
    """`11-26 15:04` from an ISO time with offset (already in the service's time zone)."""
    if not iso:
        return ""
    return datetime.fromisoformat(iso).strftime("%m-%d %H:%M")


async def _queue(request: web.Request, filters: dict) -> dict:
    return await request.app[STORE].read(_listings, request[USER], request.app[CLOCK](), request.app[CALENDAR], filters)


def _listings(tx, user, now: float, calendar, filters: dict) -> dict:
    """My claims, the queue (urgent first), and, for the lawyer on duty, the urgent questions
    waiting for a call: the page alerts them until someone claims them."""
    mine = views.queue_listing(tx, user, now, calendar, mine=True, statuses=(Status.CLAIMED,))
    items = views.queue_listing(tx, user, now, calendar, language=filters["language"],
                                topic=filters["topic"], region=filters["region"], sla_level=filters["sla_level"],
                                kind=filters["kind"], service=filters["service"])
    on_duty = duty_db.duty_languages(tx, user["id"], now)
    waiting_urgent = [q for q in views.queue_listing(tx, user, now, calendar, statuses=(Status.QUEUED,))
                      if q["urgent"] and q["language"] in on_duty]
    return {"mine": mine, "items": items, "on_duty": on_duty, "urgent_waiting": waiting_urgent}


@routes.get("/console/staff")
@console_page(*DESK)
async def staff_page(request: web.Request) -> web.Response:
    filters = await filters_of(request)
    return render(request, "staff.html", filters=filters, **await _queue(request, filters),
                  topics=await request.app[STORE].read(db.topics), **await labels(request))


@routes.get("/console/staff/queue")
@console_page(*DESK)
async def queue_fragment(request: web.Request) -> web.Response:
    """The queue part of the page, for the page's script to poll; 304 when nothing changed."""
    filters = await filters_of(request)

    async def context() -> dict:
        return {"filters": filters, **await _queue(request, filters), **await labels(request)}
    return await live_fragment(request, "staff_queue.html", context,
                         f'{request[USER]["id"]}-{zlib.crc32(request.query_string.encode()):x}')

@routes.get("/console/staff/questions/{question_id}")
@console_page(*DESK)
async def question_page(request: web.Request) -> web.Response:
    now = request.app[CLOCK]()
    store, user, question_id = request.app[STORE], request[USER], request.match_info["question_id"]
    row = await workflow.open_question(store, user, question_id, now, "page")
    detail = await store.read(views.question_detail, question_id, now, request.app[CALENDAR], row)
    mine = detail["status"] == Status.CLAIMED and detail["claimed_by"] == user["id"]
    slot = {}
    if detail["kind"] == Kind.REQUEST:  # the confirm form: places near the household, what to bring
        slot = {"places": await store.read(guidance_db.services_near, detail["region"]),
                "bring": await store.read(guidance.documents_to_bring, detail["topic"])}
    # the offices a referral may name, nearest the household first
    region = detail["region"] if str(detail["region"] or "").isdigit() and len(detail["region"]) == 6 else None
    offices = await store.read(guidance_db.services_near, region) if mine else []
    return render(request, "staff_question.html", q=detail, mine=mine, slot=slot, offices=offices,
                  office_service_labels=OFFICE_SERVICE_LABELS, level_labels=LEVEL_LABELS,
                  is_supervisor=user["role"] == "supervisor", lease_seconds=60,
                  **await store.read(_answer_aids, question_id, detail["topic"], user["id"], now,
                                     request.app[CALENDAR]),
                  **await labels(request))


def _answer_aids(tx, question_id: str, topic_id: str, viewer_id: int, now: float, calendar) -> dict:
    """What helps answer: the household's earlier questions, the topic's answer templates, and the
    guides and glossary to insert from (the question's topic's guide first)."""
    guides = sorted(guidance_db.guides(tx), key=lambda g: g["topic"] != topic_id)
    return {"earlier": views.household_history(tx, question_id, viewer_id, now, calendar),
            "templates": templates_db.templates(tx, topic_id), "guides": guides,
            "glossary": guidance_db.glossary(tx)}


def setup(app: web.Application) -> None:
    app.add_routes(routes)
