"""Complaints about a service: a household complains from My questions on its box about a
question that has ended; supervisors read and handle them. The staff who handled the question
never see them (no queue, page or audit entry of theirs shows one).

device:
  POST /api/v1/questions/{id}/complaint   {"reason"} with Idempotency-Key → 201 {"id", "question", "reason",
                                          "created_at"}; the same key again → 200 and the same object
supervisor:
  GET  /api/v1/desk/complaints            {"complaints": [{"id", "question": {"id", "number", "topic"}, "reason",
                                          "created_at", "lawyer", "handled_at", "handled_by", "note"}]}
  POST /api/v1/desk/complaints/{id}/handled   {"note"}; a form may add `next=/console/...` (303)
"""
from __future__ import annotations

from enum import StrEnum

from aiohttp import web

from ..accounts.callers import DEVICE, USER, requires, requires_device
from ..kernel import validation
from ..kernel.clock import CLOCK
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..storage import STORE, complaints as db, questions as questions_db
from ..storage.questions import Status
from .calendar import CALENDAR
from .duty import _body, _redirect_or
from .intake import idempotency_key
from .views import iso

routes = web.RouteTableDef()
NOTE_MAX = 500


class Reason(StrEnum):
    """Why a household complains (the box offers these, in this order)."""
    NOT_CALLED = "not_called"          # nobody called
    NOT_HELPFUL = "not_helpful"        # the answer did not help
    IMPOLITE = "impolite"              # the lawyer was impolite
    TOO_SLOW = "too_slow"              # it took too long


ENDED = (Status.RESOLVED, Status.REFERRED, Status.REVISIT_PENDING, Status.CLOSED)


def complaint_item(row, calendar) -> dict:
    return {"id": row["id"], "question": {"id": row["question_id"], "number": row["number"], "topic": row["topic_id"]},
            "reason": row["reason"], "created_at": iso(row["created_at"], calendar), "lawyer": row["lawyer_name"],
            "handled_at": iso(row["handled_at"], calendar), "handled_by": row["handled_by_name"], "note": row["note"]}


@routes.post("/api/v1/questions/{question_id}/complaint")
@requires_device
async def complain(request: web.Request) -> web.Response:
    key = idempotency_key(request.headers)
    reason = validation.choice(await validation.read_json(request), "reason", tuple(Reason))
    created, row = await request.app[STORE].write(_complain, request[DEVICE]["id"], request.match_info["question_id"],
                                                  key, reason, request.app[CLOCK]())
    return web.json_response(complaint_item(row, request.app[CALENDAR]), status=201 if created else 200)


def _complain(tx, device_id: str, question_id: str, key: str, reason: str, now: float):
    sent = db.by_key(tx, device_id, key)
    if sent is not None:  # a retry after a lost reply: the same answer
        return False, sent
    if not questions_db.device_can_see(tx, device_id, question_id):
        # another box's question answers exactly like a missing one
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    if questions_db.question(tx, question_id)["status"] not in ENDED:
        # TRANSLATORS: shown on the TV when a household complains about a question still in hand, max 80 chars
        raise ApiError(409, "not_ended", N_("A lawyer is still working on this question. Please wait for the call."))
    db.add(tx, question_id, device_id, key, reason, now)
    return True, db.by_key(tx, device_id, key)


@routes.get("/api/v1/desk/complaints")
@requires("supervisor")
async def list_complaints(request: web.Request) -> web.Response:
    rows = await request.app[STORE].read(db.complaints)
    return web.json_response({"complaints": [complaint_item(r, request.app[CALENDAR]) for r in rows]})


@routes.post("/api/v1/desk/complaints/{complaint_id}/handled")
@requires("supervisor")
async def mark_handled(request: web.Request) -> web.Response:
    complaint_id, body = validation.path_id(request, "complaint_id"), await _body(request)
    note = validation.text(body, "note", NOTE_MAX, required=False)
    if not await request.app[STORE].write(db.mark_handled, complaint_id, request[USER]["id"], note,
                                          request.app[CLOCK]()):
        raise ApiError(404, "not_found", N_("Nothing was found at this address."))
    return _redirect_or(body, {"handled": complaint_id})
