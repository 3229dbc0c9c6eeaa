"""JSON endpoints of the callback desk, for the staff and supervisor consoles (JS or forms).

Authentication: `Authorization: Bearer ltv_…`, or the console session cookie plus the
X-CSRF-Token header (or a `csrf_token` form field) on POST. Bodies are JSON or form fields;
a form may add `next=/console/...` to be redirected there (303) instead of getting JSON.
Every change answers with the question as `question_detail` shows it (with its new `version`).
A question carries `possible_duplicate_of` ({"id", "number"} or null) when another box asked about
the same topic for the same phone within a day: a hint for staff; boxes never see each other.

staff, supervisor:
  GET  /api/v1/desk/queue?language=&topic=&region=&sla=&mine=1&kind=&service=   {"now", "items": [...]}
  GET  /api/v1/desk/questions/{id}                                one question, calls, audit
  POST /api/v1/desk/claim              {}                         the most urgent question routed to me
  POST /api/v1/desk/questions/{id}/claim
  POST /api/v1/desk/questions/{id}/renew                          extend my lease (15 min)
  POST /api/v1/desk/questions/{id}/release   {"version"}
  POST /api/v1/desk/questions/{id}/reveal                         {"phone", "national"}; audited
                                      (the claimant; or a supervisor, for a finished question's revisit)
  POST /api/v1/desk/questions/{id}/attempts  {"version", "outcome": answered|no_answer|wrong_number, "note"}
  POST /api/v1/desk/questions/{id}/answer    {"version", "summary": {"zh", "mn"}} (one language may be empty)
  POST /api/v1/desk/questions/{id}/refer     {"version", "to": legal_aid|mediation|notary|court, "summary",
                                              "office": service point id (optional)}
  POST /api/v1/desk/questions/{id}/handoff   {"version", "note"}
  POST /api/v1/desk/questions/{id}/close     {"version", "note"}
  POST /api/v1/desk/questions/{id}/appointment {"version", "place_id" | "place", "date": YYYY-MM-DD, "time": HH:MM,
                                                "bring": {"zh", "mn"}}   a request's slot (requests.py)
  POST /api/v1/desk/questions/{id}/refuse    {"version", "reason": {"zh", "mn"}}   a request refused
  (staff open and act on what is routed to them or claimed by them; anything else is 404, audited)
supervisor:
  POST /api/v1/desk/questions/{id}/takeover
  POST /api/v1/desk/questions/{id}/revisit   {"reached": bool, "satisfied": bool|null, "note"}
  GET  /api/v1/desk/board
  GET  /api/v1/desk/revisits?from=YYYY-MM-DD&until=YYYY-MM-DD    (default: the last 30 days)
  GET  /api/v1/desk/reports/{day|week|month}?date=YYYY-MM-DD     JSON
  GET  /api/v1/desk/reports/{day|week|month}.csv?date=YYYY-MM-DD CSV
  GET  /api/v1/desk/audit?question_id=&limit=
supervisor, admin:
  GET  /api/v1/desk/staff                                         who answers which languages and topics
admin:
  PUT  /api/v1/desk/staff/{user_id}/topics   {"topics": [ids]}    topic routing ([] = every topic)
  PUT  /api/v1/desk/staff/{user_id}/services {"services": [legal_aid|notary|mediation|station_lawyer|appraisal]}
                                             which requests reach them ([] = every service; questions unaffected)
Form field spellings: summary_zh, summary_mn (also reason_, bring_); reached/satisfied as "1"/"0".
"""
from __future__ import annotations

from datetime import datetime, time as clock, timedelta

from aiohttp import web

from ..accounts.callers import USER, requires
from ..kernel import validation
from ..kernel.clock import CLOCK
from ..kernel.config import SETTINGS
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..storage import STORE, guidance as guidance_db, questions as db
from ..storage.questions import Service
from . import phone as phones, reports, requests, views, workflow
from .calendar import CALENDAR

routes = web.RouteTableDef()
DESK = ("staff", "supervisor")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def _body(request: web.Request) -> dict:
    """A JSON object, or form fields turned into the same shape."""
    if request.content_type in _FORMS:
        form = await request.post()
        body = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        if "version" in body:
            body["version"] = validation.whole_number(body["version"], "version", 1, 2**62)
        for field in ("summary", "reason", "bring"):
            if f"{field}_zh" in body or f"{field}_mn" in body:
                body[field] = {"zh": body.pop(f"{field}_zh", ""), "mn": body.pop(f"{field}_mn", "")}
        for flag in ("reached", "satisfied"):
            if flag in body:
                body[flag] = {"1": True, "0": False, "": None}.get(body[flag], body[flag])
        return body
    if not request.can_read_body:
        return {}
    return await validation.read_json(request)


async def _reply(request: web.Request, body: dict, question_id: str) -> web.Response:
    target = str(body.get("next", ""))
    if target.startswith("/console/") and not target.startswith("//"):
        raise web.HTTPSeeOther(target)
    return web.json_response(await _detail(request, question_id))


async def _detail(request: web.Request, question_id: str) -> dict:
    detail = await request.app[STORE].read(views.question_detail, question_id, request.app[CLOCK](), request.app[CALENDAR])
    if detail is None:
        raise ApiError(404, "not_found", N_("This question does not exist."))
    return detail


def _lease(request: web.Request) -> float:
    return request.app[SETTINGS].claim_lease_minutes * 60


def _version(body: dict) -> int:
    return validation.integer(body, "version", 1, 2**62)


def _summary(body: dict, field: str = "summary") -> dict:
    """The answer (or a refusal's reason) the household reads: Chinese, Mongolian or both, at least one."""
    value = body.get(field)
    if not isinstance(value, dict):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "wrong_type", N_("This field needs both a Chinese and a Mongolian text."), field=field)
    out = {lang: validation.text(value, lang, workflow.SUMMARY_MAX, required=False) for lang in ("zh", "mn")}
    if not out["zh"] and not out["mn"]:
        # TRANSLATORS: console error, max 80 chars
        raise ApiError(422, "missing_field", N_("Please write the answer in at least one language."), field=field)
    return out


@routes.get("/api/v1/desk/queue")
@requires(*DESK)
async def queue(request: web.Request) -> web.Response:
    q = request.query
    sla_level = q.get("sla") or None
    if sla_level and sla_level not in views.SLA_FILTERS:
        raise ApiError(422, "invalid_choice", N_("Please choose one of: {options}."), field="sla",
                       options=", ".join(views.SLA_FILTERS))
    language = q.get("language") or None
    if language and language not in ("zh", "mn"):
        raise ApiError(422, "invalid_choice", N_("Please choose one of: {options}."), field="language",
                       options="zh, mn")
    region = q.get("region") or None
    if region and not (region.isdigit() and region.isascii() and len(region) <= 12):
        raise ApiError(422, "invalid_region", N_("The region code must be six digits."), field="region")
    now = request.app[CLOCK]()
    items = await request.app[STORE].read(views.queue_listing, request[USER], now, request.app[CALENDAR],
                                language=language, topic=q.get("topic") or None,
                                region=region, sla_level=sla_level,
                                mine=q.get("mine") in ("1", "true"), **_kind_filters(q))
    return web.json_response({"now": views.iso(now, request.app[CALENDAR]), "items": items})


def _kind_filters(q) -> dict:
    """`kind` (question or request) and a request's `service`, each checked."""
    out = {}
    for field, options in (("kind", tuple(db.Kind)), ("service", requests.SERVICES)):
        value = q.get(field) or None
        if value and value not in options:
            raise ApiError(422, "invalid_choice", N_("Please choose one of: {options}."), field=field,
                           options=", ".join(options))
        out[field] = value
    return out


@routes.get("/api/v1/desk/questions/{question_id}")
@requires(*DESK)
async def detail(request: web.Request) -> web.Response:
    store, question_id, now = request.app[STORE], request.match_info["question_id"], request.app[CLOCK]()
    row = await workflow.open_question(store, request[USER], question_id, now, "detail")
    return web.json_response(await store.read(views.question_detail, question_id, now, request.app[CALENDAR], row))


@routes.post("/api/v1/desk/claim")
@requires(*DESK)
async def claim_next(request: web.Request) -> web.Response:
    body = await _body(request)
    row = await request.app[STORE].write(workflow.claim, request[USER], request.app[CLOCK](), _lease(request))
    return await _reply(request, body, row["id"])


# The actions on one question, each with the roles allowed to take it (the role tests read this
# table); every action also needs the question to be one its user may open.
ACTIONS: dict = {}


def _action(name: str, *roles: str):
    def register(run):
        ACTIONS[name] = (roles, run)
        return run
    return register


@routes.post("/api/v1/desk/questions/{question_id}/{action}")
@requires(*DESK)
async def act(request: web.Request) -> web.Response:
    store, user = request.app[STORE], request[USER]
    question_id, action = request.match_info["question_id"], request.match_info["action"]
    if action not in ACTIONS:
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    roles, run = ACTIONS[action]
    if user["role"] not in roles:
        raise ApiError(403, "forbidden", N_("Your account is not allowed to do this."))
    now = request.app[CLOCK]()
    await workflow.open_question(store, user, question_id, now, action)
    body = await _body(request)
    response = await run(request, store, user, question_id, body, now)
    return response if response is not None else await _reply(request, body, question_id)


@_action("claim", *DESK)
async def _claim(request, store, user, question_id, body, now):
    await store.write(workflow.claim, user, now, _lease(request), question_id)


@_action("renew", *DESK)
async def _renew(request, store, user, question_id, body, now):
    await store.write(workflow.renew, user, question_id, now, _lease(request))


@_action("release", *DESK)
async def _release(request, store, user, question_id, body, now):
    await store.write(workflow.release, user, question_id, _version(body), now)


@_action("reveal", *DESK)
async def _reveal(request, store, user, question_id, body, now):
    phone = await store.write(_reveal_phone, user, question_id, now)
    return web.json_response({"phone": phone, "national": phones.national(phone)})


def _reveal_phone(tx, user, question_id: str, now: float) -> str:
    finished = (db.question(tx, question_id) or {"status": None})["status"] in db.FINISHED_STATES
    if finished and user["role"] == "supervisor":  # the revisit call to the household
        return workflow.reveal_for_revisit(tx, user, question_id, now)
    return workflow.reveal(tx, user, question_id, now)


@_action("attempts", *DESK)
async def _attempt(request, store, user, question_id, body, now):
    version = _version(body)
    outcome = validation.choice(body, "outcome", workflow.OUTCOMES)
    note = validation.text(body, "note", workflow.NOTE_MAX, required=False)
    await store.write(workflow.record_attempt, user, question_id, version, outcome, note, now, request.app[CALENDAR])


@_action("answer", *DESK)
async def _answer(request, store, user, question_id, body, now):
    await store.write(workflow.answer, user, question_id, _version(body), _summary(body), now)


@_action("refer", *DESK)
async def _refer(request, store, user, question_id, body, now):
    version = _version(body)
    to = validation.choice(body, "to", workflow.REFERRALS)
    office = validation.text(body, "office", 64, required=False) or None  # a service point's id
    await store.write(workflow.refer, user, question_id, version, to, _summary(body), now, request.app[CALENDAR],
                      office)


@_action("handoff", *DESK)
async def _hand_off(request, store, user, question_id, body, now):
    version = _version(body)
    await store.write(workflow.hand_off, user, question_id, version,
                      validation.text(body, "note", workflow.NOTE_MAX, required=False), now, request.app[CALENDAR])


@_action("close", *DESK)
async def _close(request, store, user, question_id, body, now):
    version = _version(body)
    await store.write(workflow.close, user, question_id, version,
                   validation.text(body, "note", workflow.NOTE_MAX, required=False), now)


@_action("appointment", *DESK)
async def _appointment(request, store, user, question_id, body, now):
    version = _version(body)
    points = await store.read(_places_near, question_id)
    slot = requests.read_appointment(body, request.app[CALENDAR].local(now).date(), points)
    await store.write(requests.confirm, user, question_id, version, slot, now)


def _places_near(tx, question_id: str) -> list[dict]:
    """The service points nearest the household's region: the places a slot may be at."""
    return guidance_db.services_near(tx, db.question(tx, question_id)["region"])


@_action("refuse", *DESK)
async def _refuse(request, store, user, question_id, body, now):
    await store.write(requests.refuse, user, question_id, _version(body), _summary(body, "reason"), now)


@_action("takeover", "supervisor")
async def _take_over(request, store, user, question_id, body, now):
    await store.write(workflow.take_over, user, question_id, now, _lease(request))


@_action("revisit", "supervisor")
async def _revisit(request, store, user, question_id, body, now):
    reached = body.get("reached")
    satisfied = body.get("satisfied")
    if not isinstance(reached, bool):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "wrong_type", N_("This field must be true or false."), field="reached")
    if satisfied is not None and not isinstance(satisfied, bool):
        raise ApiError(422, "wrong_type", N_("This field must be true or false."), field="satisfied")
    await store.write(workflow.revisit, user, question_id, reached, satisfied,
                     validation.text(body, "note", workflow.NOTE_MAX, required=False), now)


act.actions = {name: roles for name, (roles, _) in ACTIONS.items()}


@routes.get("/api/v1/desk/board")
@requires("supervisor")
async def board(request: web.Request) -> web.Response:
    return web.json_response(await request.app[STORE].read(reports.board, request.app[CLOCK](), request.app[CALENDAR]))



@routes.get("/api/v1/desk/revisits")
@requires("supervisor")
async def revisits(request: web.Request) -> web.Response:
    calendar = request.app[CALENDAR]
    now = request.app[CLOCK]()
    today = calendar.local(now).date()
    first = validation.query_date(request, "from", today - timedelta(days=30))
    last = validation.query_date(request, "until", today)
    since = datetime.combine(first, clock(0), calendar.zone).timestamp()
    until = datetime.combine(last + timedelta(days=1), clock(0), calendar.zone).timestamp()
    return web.json_response({"from": first.isoformat(), "until": last.isoformat(),
                              "items": await request.app[STORE].read(reports.revisit_sample, since, until, now, calendar)})


@routes.get("/api/v1/desk/reports/{period}")
@requires("supervisor")
async def report(request: web.Request) -> web.Response:
    period = request.match_info["period"]
    as_csv = period.endswith(".csv")
    period = period.removesuffix(".csv")
    if period not in reports.PERIODS:
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    calendar = request.app[CALENDAR]
    day = validation.query_date(request, "date", calendar.local(request.app[CLOCK]()).date())
    data = await request.app[STORE].read(reports.report, period, day, calendar)
    if as_csv:
        return web.Response(text=reports.report_csv(data), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition":
                                     f'attachment; filename="legal-tv-{period}-{data["from"]}.csv"'})
    return web.json_response(data)


@routes.get("/api/v1/desk/audit")
@requires("supervisor")
async def audit(request: web.Request) -> web.Response:
    limit = validation.whole_number(request.query.get("limit") or "200", "limit", 1, 1000)
    rows = await request.app[STORE].read(db.audit_log, question_id=request.query.get("question_id") or None, limit=limit)
    return web.json_response([views.audit_item(r, request.app[CALENDAR]) for r in rows])


@routes.get("/api/v1/desk/staff")
@requires("supervisor", "admin")
async def staff_list(request: web.Request) -> web.Response:
    return web.json_response(await request.app[STORE].read(_staff))


def _staff(tx) -> list[dict]:
    return [{"id": u["id"], "name": u["name"], "role": u["role"], "languages": workflow.languages_of(u),
             "topics": db.staff_topics(tx, u["id"]), "services": db.staff_services(tx, u["id"])}
            for u in db.desk_users(tx)]


@routes.put("/api/v1/desk/staff/{user_id}/topics")
@requires("admin")
async def set_staff_topics(request: web.Request) -> web.Response:
    user_id = validation.path_id(request, "user_id")
    wanted = validation.string_list(await validation.read_json(request), "topics", 20, required=True)
    return web.json_response(await request.app[STORE].write(_set_staff_topics, user_id, wanted))


def _set_staff_topics(tx, user_id: int, wanted: list[str]) -> dict:
    person = db.desk_user(tx, user_id)
    if person is None:
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    known = {t["id"] for t in db.topics(tx, include_inactive=True)}
    if not set(wanted) <= known:
        raise ApiError(422, "unknown_topic", N_("Please choose one of the listed topics."), field="topics")
    db.set_staff_topics(tx, person["id"], list(dict.fromkeys(wanted)))
    return {"id": person["id"], "name": person["name"], "topics": db.staff_topics(tx, person["id"])}


@routes.put("/api/v1/desk/staff/{user_id}/services")
@requires("admin")
async def set_staff_services(request: web.Request) -> web.Response:
    user_id = validation.path_id(request, "user_id")
    wanted = validation.string_list(await validation.read_json(request), "services", len(Service), required=True)
    for service in wanted:
        if service not in tuple(Service):
            raise ApiError(422, "invalid_choice", N_("Please choose one of: {options}."), field="services",
                           options=", ".join(Service))
    return web.json_response(await request.app[STORE].write(_set_staff_services, user_id, wanted))


def _set_staff_services(tx, user_id: int, wanted: list[str]) -> dict:
    person = db.desk_user(tx, user_id)
    if person is None:
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    db.set_staff_services(tx, person["id"], list(dict.fromkeys(wanted)))
    return {"id": person["id"], "name": person["name"], "services": db.staff_services(tx, person["id"])}
