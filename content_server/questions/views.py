"""What households and staff see of a question: plain dicts ready for JSON or templates.

Phone numbers appear only masked (`138****8000`); the full number comes from `workflow.reveal`.
"""
from __future__ import annotations

import json
from datetime import datetime

from ..kernel.i18n import N_, bilingual
from ..storage import duty as duty_db, questions as db
from ..storage.questions import Status
from . import sla
from .calendar import WorkCalendar
from .workflow import languages_of

# TRANSLATORS: question status shown on the TV and in the consoles, max 30 chars each
STATUS_TEXT = {
    # TRANSLATORS: question status shown on the TV and in the consoles, max 30 chars
    Status.QUEUED: N_("Waiting for a call"),
    # TRANSLATORS: question status shown on the TV and in the consoles, max 30 chars
    Status.CLAIMED: N_("A lawyer is calling you"),
    # TRANSLATORS: question status shown on the TV and in the consoles, max 30 chars
    Status.RESOLVED: N_("Answered"),
    # TRANSLATORS: question status shown on the TV and in the consoles, max 30 chars
    Status.REFERRED: N_("Passed on for further help"),
    Status.REVISIT_PENDING: N_("Passed on for further help"),
    # TRANSLATORS: question status shown on the TV and in the consoles, max 30 chars
    Status.CLOSED: N_("Closed"),
}
SLA_FILTERS = ("ok", "warning_50", "warning_80", "overdue", "none")


def iso(timestamp: float | None, calendar: WorkCalendar) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, calendar.zone).isoformat(timespec="seconds")


def _summary(row) -> dict | None:
    """The answer (or a refusal's reason) the household reads; None before one, and for a confirmed
    appointment, which carries its slot instead."""
    if row["answered_at"] is None or not (row["answer_zh"] or row["answer_mn"]):
        return None
    return {"zh": row["answer_zh"], "mn": row["answer_mn"]}


def household_item(row, calendar: WorkCalendar) -> dict:
    """One entry of `GET /api/v1/questions`."""
    answered = row["answered_at"] is not None
    return {
        "id": row["id"], "number": row["number"], "topic": row["topic_id"], "status": row["status"],
        "status_text": bilingual(STATUS_TEXT[row["status"]]),
        "created_at": iso(row["created_at"], calendar),
        "callback_from": iso(row["window_start"], calendar), "callback_until": iso(row["window_end"], calendar),
        "answer_summary": _summary(row),
        "referral": row["referral"],
        "office": referral_office(row),  # {"id", "name", "address", "phone", "hours"} or null
        "outcome": row["outcome"],  # answered, unreachable, wrong_number, feedback_given, closed_by_supervisor
        "rating": row["rating"],
        "can_rate": answered and row["rating"] is None,
        "urgent": bool(row["urgent"]),  # the lawyer on duty calls within 30 minutes; 110 for immediate danger
        **request_fields(row),
    }


def request_fields(row) -> dict:
    """What a request adds to a question: its kind, service, preferred days and, once staff
    confirmed it, the appointment {"place", "date", "time", "bring": {"zh", "mn"}}."""
    return {"kind": row["kind"], "service": row["service"], "preferred_days": json.loads(row["preferred_days"]),
            "appointment": json.loads(row["appointment"]) if row["appointment"] else None,
            "cancelled": row["cancelled_at"] is not None}


def referral_office(row) -> dict | None:
    """The office a question was referred to, as it was when referred."""
    return json.loads(row["referral_office"]) if row["referral_office"] else None


def phrase_texts(store) -> dict:
    """Every phrase (also retired ones) by id, for showing what a household chose."""
    return {p["id"]: p["text"] for t in db.topics(store, include_inactive=True) for p in t["phrases"]}


def staff_item(row, now: float, calendar: WorkCalendar, phrases: dict | None = None) -> dict:
    """A question as the desk sees it: masked phone, SLA state, ISO times, version for edits."""
    state = sla.sla_state(row, now, calendar)
    keys = row.keys()
    phrase_ids = json.loads(row["phrases"])
    return {
        "id": row["id"], "number": row["number"], "status": row["status"], "version": row["version"],
        "urgent": bool(row["urgent"]), "topic": row["topic_id"], "language": row["language"], "region": row["region"],
        "phrases": [{"id": p, "text": (phrases or {}).get(p)} for p in phrase_ids], "text": row["text"],
        "calculation": json.loads(row["calculation"]) if row["calculation"] else None,
        "phone": row["phone_masked"], "phone_suspect": bool(row["phone_suspect"]),
        "callback_window": row["callback_window"],
        "callback_from": iso(row["window_start"], calendar), "callback_until": iso(row["window_end"], calendar),
        "created_at": iso(row["created_at"], calendar), "waiting_seconds": int(now - row["created_at"]),
        "not_before": iso(row["not_before"], calendar) if row["not_before"] else None,
        "claimed_by": row["claimed_by"],
        "claimed_by_name": row["claimed_by_name"] if "claimed_by_name" in keys else None,
        "lease_until": iso(row["lease_until"], calendar),
        "attempts": row["attempts"], "first_attempt_at": iso(row["first_attempt_at"], calendar),
        "first_attempt_on_time": sla.first_attempt_on_time(row),
        "answer_summary": _summary(row),
        "referral": row["referral"], "office": referral_office(row), "outcome": row["outcome"],
        "rating": row["rating"], "closed_at": iso(row["closed_at"], calendar),
        # another box asked about the same topic for the same phone: a hint for staff, never for a box
        "possible_duplicate_of": ({"id": row["duplicate_of"], "number": row["duplicate_of_number"]}
                                  if "duplicate_of_number" in keys and row["duplicate_of_number"] else None),
        "sla": {**state.as_dict(), "due": iso(state.due, calendar)},
        **request_fields(row),
    }


def queue_listing(store, user, now: float, calendar: WorkCalendar, language: str | None = None,
                  topic: str | None = None, region: str | None = None, sla_level: str | None = None,
                  mine: bool = False, statuses=None, limit: int = 200, kind: str | None = None,
                  service: str | None = None) -> list[dict]:
    """The desk's queue: urgent first, then overdue, then by deadline and age. Staff see what is
    routed to them (the languages they speak, their topics) and, on duty, every urgent question of
    their shift's language; supervisors see everything. Filters narrow it down."""
    languages = [language] if language else None
    topics = [topic] if topic else None
    on_duty, services = (), []
    if user["role"] != "supervisor":
        on_duty = [lang for lang in duty_db.duty_languages(store, user["id"], now) if not language or lang == language]
        on_duty = on_duty if not topic else ()
        spoken = languages_of(user)
        languages = [lang for lang in (languages or spoken) if lang in spoken] or ["-"]
        routed = db.staff_topics(store, user["id"])
        if routed:
            topics = [t for t in (topics or routed) if t in routed] or ["-"]
        services = db.staff_services(store, user["id"])
    rows = db.queue(store, now, statuses or (Status.QUEUED, Status.CLAIMED, Status.REFERRED, Status.REVISIT_PENDING),
                    languages=languages, topic_ids=topics, region=region,
                    claimed_by=user["id"] if mine else None, duty_languages=on_duty, kind=kind, service=service,
                    services=services,
                    limit=-1 if sla_level else limit)  # SLA levels are computed here, so filter before cutting
    phrases = phrase_texts(store)
    items = [staff_item(r, now, calendar, phrases) for r in rows]
    if sla_level:
        items = [i for i in items if i["sla"]["level"] == sla_level][:limit]
    return items


def question_detail(store, question_id: str, now: float, calendar: WorkCalendar, row=None) -> dict | None:
    """Everything the desk may see of one question: submissions, calls and its audit trail.
    Pass `row` when the caller has loaded (and checked) the question already."""
    row = row if row is not None else db.question(store, question_id)
    if row is None:
        return None
    phrases = phrase_texts(store)
    item = staff_item(row, now, calendar, phrases)
    item["submissions"] = [
        {"merged": bool(s["merged"]), "text": s["text"], "created_at": iso(s["created_at"], calendar),
         "phrases": [{"id": p, "text": phrases.get(p)} for p in json.loads(s["phrases"])]}
        for s in db.submissions_of(store, question_id)]
    item["calls"] = [{"at": iso(a["at"], calendar), "outcome": a["outcome"], "note": a["note"],
                      "by": a["user_name"]} for a in db.attempts_of(store, question_id)]
    item["audit"] = [audit_item(a, calendar) for a in db.audit_log(store, question_id=question_id)]
    return item


def household_history(store, question_id: str, viewer_id: int, now: float, calendar: WorkCalendar) -> list[dict]:
    """The same household's earlier questions and their answers (same box; same phone once the
    viewer revealed this question's number), as the desk lists them: phones masked."""
    phrases = phrase_texts(store)
    return [{**staff_item(r, now, calendar, phrases), "same_box": bool(r["same_box"])}
            for r in db.household_history(store, question_id, viewer_id)]


def audit_item(row, calendar: WorkCalendar) -> dict:
    return {"at": iso(row["at"], calendar), "by": row["user_name"], "question_id": row["question_id"],
            "number": row["number"], "action": row["action"], "from": row["from_status"],
            "to": row["to_status"], "detail": json.loads(row["detail"])}
