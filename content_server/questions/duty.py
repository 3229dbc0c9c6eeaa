"""Urgent help at any hour: the duty roster supervisors keep, and which topics and phrases are urgent.

An urgent question (its topic or a chosen phrase is marked urgent) skips the callback window and
goes to the duty queue: the lawyer on duty for its language calls within 30 minutes, nights,
weekends and holidays included. Supervisors keep the shifts; a shift without a lawyer is uncovered.

staff, supervisor:
  GET  /api/v1/desk/duty?from=YYYY-MM-DD&days=7   {"shifts": [...], "on_duty": {"zh": [names], "mn": [...]},
                                                   "uncovered": n, "me": [languages I serve now]}
supervisor:
  POST /api/v1/desk/duty/shifts   {"language", "starts", "ends" (local YYYY-MM-DDTHH:MM), "user_id"?}  201
  POST /api/v1/desk/duty/shifts/{shift_id}          {"user_id"} (empty: nobody yet)
  POST /api/v1/desk/duty/shifts/{shift_id}/delete
  GET  /api/v1/desk/urgent        {"topics": [{"id", "title", "urgent", "phrases": [{"id", "text", "urgent"}]}]}
  PUT  /api/v1/desk/urgent        {"topics": [ids], "phrases": [ids]}: exactly these are urgent
  POST /api/v1/desk/urgent        the same as form fields `topic` and `phrase` (repeated)
A form may add `next=/console/...` to be redirected there (303) instead of getting JSON.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from aiohttp import web

from ..accounts.callers import USER, requires
from ..kernel import validation
from ..kernel.clock import CLOCK
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..storage import STORE, duty as db, questions as questions_db
from ..storage.documents import Document, bump
from .calendar import CALENDAR, WorkCalendar
from .views import iso
from .workflow import languages_of

routes = web.RouteTableDef()
DESK = ("staff", "supervisor")
LANGUAGES = ("zh", "mn")
ROSTER_DAYS = 7
MAX_SHIFT_HOURS = 24
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def shift_item(row, now: float, calendar: WorkCalendar) -> dict:
    """One shift as the consoles show it; `covered` is false while no lawyer serves it."""
    start = calendar.local(row["starts_at"]).date()
    return {"id": row["id"], "language": row["language"],
            "starts": iso(row["starts_at"], calendar), "ends": iso(row["ends_at"], calendar),
            "user": {"id": row["user_id"], "name": row["user_name"]} if row["user_name"] else None,
            "covered": row["user_name"] is not None,
            "now": row["starts_at"] <= now < row["ends_at"],
            "day_off": not calendar.is_working_day(start)}  # a weekend or a holiday


def roster(tx, first: date, days: int, now: float, calendar: WorkCalendar, user_id: int | None = None) -> dict:
    """The shifts from `first` for `days` days, who is on duty now, and how many shifts lack a lawyer."""
    since = calendar.at(first, datetime.min.time())
    until = calendar.at(first + timedelta(days=days), datetime.min.time())
    shifts = [shift_item(r, now, calendar) for r in db.shifts_between(tx, since, until)]
    on_duty = {lang: [s["user"]["name"] for s in shifts if s["now"] and s["covered"] and s["language"] == lang]
               for lang in LANGUAGES}
    return {"from": first.isoformat(), "days": days, "shifts": shifts, "on_duty": on_duty,
            "uncovered": sum(1 for s in shifts if not s["covered"]),
            "me": db.duty_languages(tx, user_id, now) if user_id is not None else []}


async def _body(request: web.Request) -> dict:
    if request.content_type in _FORMS:
        form = await request.post()
        return {"form": form, **{k: str(v) for k, v in form.items() if k != "csrf_token"}}
    return await validation.read_json(request) if request.can_read_body else {}


def _redirect_or(body: dict, reply: dict, status: int = 200) -> web.Response:
    target = str(body.get("next", ""))
    if "form" in body and target.startswith("/console/") and not target.startswith("//"):
        raise web.HTTPSeeOther(target)
    return web.json_response(reply, status=status)


def _local_time(body: dict, field: str, calendar: WorkCalendar) -> float:
    raw = validation.text(body, field, 20)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        # TRANSLATORS: supervisor console, duty roster form error, max 80 chars
        raise ApiError(422, "invalid_time", N_("Please give a date and time, for example 2026-12-05 20:00."),
                       field=field) from None
    return moment.replace(tzinfo=calendar.zone).timestamp()


def _person(tx, raw, language: str):
    """The lawyer for a shift: None for nobody yet; must speak the shift's language."""
    if raw in (None, "", 0):
        return None
    user_id = raw if isinstance(raw, int) else validation.whole_number(str(raw), "user_id", 1, 2**62)
    person = questions_db.desk_user(tx, user_id)
    if person is None:
        # TRANSLATORS: supervisor console, duty roster form error, max 80 chars
        raise ApiError(422, "unknown_user", N_("Please choose one of the listed lawyers."), field="user_id")
    if language not in languages_of(person):
        # TRANSLATORS: supervisor console, duty roster: the chosen lawyer does not speak the shift's language, max 80 chars
        raise ApiError(422, "wrong_language", N_("This lawyer does not answer in the language of this shift."),
                       field="user_id")
    return person["id"]


@routes.get("/api/v1/desk/duty")
@requires(*DESK)
async def duty_roster(request: web.Request) -> web.Response:
    calendar, now = request.app[CALENDAR], request.app[CLOCK]()
    first = validation.query_date(request, "from", calendar.local(now).date())
    days = validation.whole_number(request.query.get("days") or str(ROSTER_DAYS), "days", 1, 31)
    return web.json_response(await request.app[STORE].read(roster, first, days, now, calendar, request[USER]["id"]))


@routes.post("/api/v1/desk/duty/shifts")
@requires("supervisor")
async def add_shift(request: web.Request) -> web.Response:
    body, calendar = await _body(request), request.app[CALENDAR]
    language = validation.choice(body, "language", LANGUAGES)
    starts, ends = _local_time(body, "starts", calendar), _local_time(body, "ends", calendar)
    if not 0 < ends - starts <= MAX_SHIFT_HOURS * 3600:
        # TRANSLATORS: supervisor console, duty roster form error, max 80 chars
        raise ApiError(422, "invalid_span", N_("A shift ends after it starts and lasts at most {max} hours."),
                       field="ends", max=MAX_SHIFT_HOURS)
    shift = await request.app[STORE].write(_add_shift, language, starts, ends, body.get("user_id"),
                                           request[USER]["id"], request.app[CLOCK](), calendar)
    return _redirect_or(body, shift, 201)


def _add_shift(tx, language, starts, ends, raw_user, created_by, now, calendar) -> dict:
    shift_id = db.add_shift(tx, language, starts, ends, _person(tx, raw_user, language), created_by)
    return shift_item(db.shift(tx, shift_id), now, calendar)


@routes.post("/api/v1/desk/duty/shifts/{shift_id}")
@requires("supervisor")
async def assign_shift(request: web.Request) -> web.Response:
    shift_id, body = validation.path_id(request, "shift_id"), await _body(request)
    shift = await request.app[STORE].write(_assign, shift_id, body.get("user_id"), request.app[CLOCK](),
                                           request.app[CALENDAR])
    return _redirect_or(body, shift)


def _assign(tx, shift_id: int, raw_user, now: float, calendar) -> dict:
    row = db.shift(tx, shift_id)
    if row is None:
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    db.assign_shift(tx, shift_id, _person(tx, raw_user, row["language"]))
    return shift_item(db.shift(tx, shift_id), now, calendar)


@routes.post("/api/v1/desk/duty/shifts/{shift_id}/delete")
@requires("supervisor")
async def delete_shift(request: web.Request) -> web.Response:
    shift_id, body = validation.path_id(request, "shift_id"), await _body(request)
    if not await request.app[STORE].write(db.delete_shift, shift_id):
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    return _redirect_or(body, {"deleted": shift_id})


@routes.get("/api/v1/desk/urgent")
@requires("supervisor")
async def urgent_marks(request: web.Request) -> web.Response:
    return web.json_response({"topics": await request.app[STORE].read(questions_db.topics, True)})


@routes.put("/api/v1/desk/urgent")
@routes.post("/api/v1/desk/urgent")
@requires("supervisor")
async def set_urgent_marks(request: web.Request) -> web.Response:
    body = await _body(request)
    if "form" in body:
        topic_ids, phrase_ids = body["form"].getall("topic", []), body["form"].getall("phrase", [])
    else:
        topic_ids = validation.string_list(body, "topics", 50)
        phrase_ids = validation.string_list(body, "phrases", 500)
    topics = await request.app[STORE].write(_set_urgent, [str(t) for t in topic_ids], [str(p) for p in phrase_ids])
    return _redirect_or(body, {"topics": topics})


def _set_urgent(tx, topic_ids: list[str], phrase_ids: list[str]) -> list[dict]:
    topics = questions_db.topics(tx, include_inactive=True)
    if not set(topic_ids) <= {t["id"] for t in topics}:
        raise ApiError(422, "unknown_topic", N_("Please choose one of the listed topics."), field="topics")
    if not set(phrase_ids) <= {p["id"] for t in topics for p in t["phrases"]}:
        raise ApiError(422, "unknown_phrase", N_("Please choose one of the listed sentences."), field="phrases")
    questions_db.set_urgent(tx, topic_ids, phrase_ids)
    bump(tx, Document.TOPICS)  # boxes and intake's rules see the change
    return questions_db.topics(tx, include_inactive=True)
