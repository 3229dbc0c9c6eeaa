"""Service requests and appointments: a household asks for a service (legal aid, a notary,
mediation, a lawyer at the sumu station, judicial appraisal) on the days it prefers.

A request is a question of kind `request` (questions.kind, with `service`, `preferred_days`,
`appointment`), not a table of its own: it then enters through the same intake (idempotent,
group commit, exactly once), is claimed, routed (language, topic, region, and here the service),
timed by the same SLA (the clerk calls back within the working-day window to arrange the slot),
audited, anonymised and counted by the same code; only reading the body, confirming and refusing
are its own.

POST /api/v1/questions  {"kind": "request", "service", "preferred_days": ["YYYY-MM-DD", …],
                         "phone", "language"?, "topic"?, "text"?}   (replies as for a question)
POST /api/v1/questions/{id}/cancel                                 device: cancel its own request
POST /api/v1/desk/questions/{id}/appointment {"version", "place_id" | "place", "date", "time", "bring": {"zh", "mn"}}
     (the household reads "appointment": {"place": {"zh", "mn"}, "date", "time", "bring": {"zh", "mn"}})
POST /api/v1/desk/questions/{id}/refuse      {"version", "reason": {"zh", "mn"}}
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

from ..kernel import validation
from ..kernel.clock import CHINA
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..storage import questions as db
from ..storage.questions import CallbackWindow, Kind, Outcome, Service, Status
from . import workflow

SERVICES = tuple(Service)
DAYS_AHEAD = 14  # the household picks among today and the next 13 days
DEFAULT_TOPIC = "other"  # a request sent without a topic
PLACE_MAX, BRING_MAX = 120, 500
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def preferred_days(body: dict, now: float) -> list[str]:
    """The days the household prefers: at least one, each among the next DAYS_AHEAD days (China
    time), in order, each once."""
    value = body.get("preferred_days")
    if not isinstance(value, list) or not value:
        # TRANSLATORS: error shown on the TV, max 60 chars
        raise ApiError(422, "missing_days", N_("Please choose at least one day."), field="preferred_days")
    if len(value) > DAYS_AHEAD:
        raise ApiError(422, "too_many", N_("Too many entries (at most {max})."), field="preferred_days",
                       max=DAYS_AHEAD)
    today = datetime.fromtimestamp(now, CHINA).date()
    days = set()
    for item in value:
        try:
            day = date.fromisoformat(item) if isinstance(item, str) and len(item) == 10 else None
        except ValueError:
            day = None
        if day is None or not today <= day < today + timedelta(days=DAYS_AHEAD):
            # TRANSLATORS: error shown on the TV, max 80 chars
            raise ApiError(422, "invalid_day", N_("Please choose days from the next two weeks."),
                           field="preferred_days")
        days.add(day)
    return [d.isoformat() for d in sorted(days)]


def merged_days(earlier: list[str], added, now: float) -> list[str]:
    """The days of a request asked for again while the first is open: the earlier days still ahead
    and the new ones, in order, each once. Both lie in the DAYS_AHEAD days from today, so staff
    see every day the household can still come, and never more than a request may carry."""
    today = datetime.fromtimestamp(now, CHINA).date()
    ahead = {day for day in earlier if today <= date.fromisoformat(day) < today + timedelta(days=DAYS_AHEAD)}
    return sorted(ahead | set(added))[:DAYS_AHEAD]


def read_request(store, body: dict, now: float) -> dict:
    """The request's own fields: {"topic", "service", "preferred_days"} (phone, language and text
    are read as for any question)."""
    service = validation.choice(body, "service", SERVICES)
    topic = body.get("topic", DEFAULT_TOPIC)
    if not isinstance(topic, str) or not db.topic_is_active(store, topic):
        raise ApiError(422, "unknown_topic", N_("Please choose one of the listed topics."), field="topic")
    return {"topic": topic, "service": service, "preferred_days": preferred_days(body, now),
            "callback_window": CallbackWindow.ANY}


def read_appointment(body: dict, today: date, points: list[dict]) -> dict:
    """The slot staff confirm: the place (`place_id`, one of the service `points`, named in both
    scripts; or `place`, free text), a day from today on, a time of day, what to bring."""
    place_id = body.get("place_id") or None
    if place_id is not None:
        named = next((p["name"] for p in points if p["id"] == place_id), None)
        if named is None:
            # TRANSLATORS: console error, max 80 chars
            raise ApiError(422, "unknown_place", N_("Please choose one of the listed service points."),
                           field="place_id")
        place = dict(named)
    else:
        text = validation.text(body, "place", PLACE_MAX)
        place = {"zh": text, "mn": text}
    day = validation.text(body, "date", 10)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        when = None
    if when is None or when < today:
        # TRANSLATORS: console error, max 80 chars
        raise ApiError(422, "invalid_date", N_("Please give a date from today on (YYYY-MM-DD)."), field="date")
    at = validation.text(body, "time", 5)
    if not _TIME.match(at):
        # TRANSLATORS: console error, max 80 chars
        raise ApiError(422, "invalid_time", N_("Please give a time of day such as 09:30."), field="time")
    bring = body.get("bring") or {}
    if not isinstance(bring, dict):
        raise ApiError(422, "wrong_type", N_("This field needs both a Chinese and a Mongolian text."), field="bring")
    return {"place": place, "date": when.isoformat(), "time": at,
            "bring": {lang: validation.text(bring, lang, BRING_MAX, required=False) for lang in ("zh", "mn")}}


def _request_claimed_by(store, user, question_id: str, version: int, now: float):
    row = workflow._load(store, question_id)
    workflow._check_version(row, version)
    workflow._check_claim(row, user, now)
    if row["kind"] != Kind.REQUEST:
        raise workflow._wrong_state()
    return row


def confirm(store, user, question_id: str, version: int, appointment: dict, now: float):
    """Confirms the slot: the household sees place, date, time and what to bring on its TV."""
    with store.write():
        row = _request_claimed_by(store, user, question_id, version, now)
        changes = workflow._ensure_answered_call(store, row, user, now)
        updated = db.update_claimed(
            store, question_id, user["id"], version, now, **changes, status=Status.RESOLVED,
            outcome=Outcome.APPOINTMENT_CONFIRMED, appointment=json.dumps(appointment, ensure_ascii=False),
            answered_at=now, closed_at=now, lease_until=None, due_at=None)
        db.audit(store, now, user["id"], question_id, "appointment", Status.CLAIMED, Status.RESOLVED,
                 {"date": appointment["date"], "time": appointment["time"]})
        return updated


def refuse(store, user, question_id: str, version: int, reason: dict, now: float):
    """Refuses the request with a reason the household reads (as an answer) in its language."""
    with store.write():
        _request_claimed_by(store, user, question_id, version, now)
        updated = db.update_claimed(
            store, question_id, user["id"], version, now, status=Status.RESOLVED, outcome=Outcome.REFUSED,
            answered_at=now, answer_zh=reason["zh"], answer_mn=reason["mn"], closed_at=now,
            lease_until=None, due_at=None)
        db.audit(store, now, user["id"], question_id, "refuse", Status.CLAIMED, Status.RESOLVED)
        return updated


def cancel(store, device_id: str, question_id: str, now: float):
    """The household cancels its request (a unit of work); cancelling twice answers the same."""
    if not db.device_can_see(store, device_id, question_id):
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    row = db.question(store, question_id)
    if row["outcome"] == Outcome.CANCELLED:
        return row
    if db.cancel_request(store, question_id, device_id, now) is None:
        # TRANSLATORS: shown on the TV, max 80 chars
        raise ApiError(409, "cannot_cancel", N_("This request can no longer be cancelled. Please call 12348."))
    return db.question(store, question_id)
