"""The callback desk: what staff and supervisors do to a question, each step one transaction.

States: queued → claimed → (attempts: answered / no_answer / wrong_number) → resolved,
or → referred (legal_aid, mediation, notary, court) → revisit_pending → closed.
A no_answer goes back to the queue for the next window until MAX_ATTEMPTS calls; a wrong number
or the last unanswered call closes the question.

Every function takes the acting user (a users row) and `now`, runs inside BEGIN IMMEDIATE,
writes an audit line, and raises ApiError: 404 unknown question, 409 `version_conflict`
(with the current version), `not_your_claim`, `wrong_state`, `already_claimed`, `not_due_yet`,
403 `not_routed` (language or topic not yours). Edits after a claim carry the `version`
the caller last saw. Staff open only what `may_open` allows; `open_question` answers anything
else like a missing question and audits the attempt.
"""
from __future__ import annotations

import json

from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..storage import duty as duty_db, guidance as guidance_db, questions as db
from ..storage.questions import CallOutcome, Kind, Outcome, Referral, Status
from . import sla
from .calendar import WorkCalendar

MAX_ATTEMPTS = 3
RETRY_GAP = 30 * 60
OUTCOMES = tuple(CallOutcome)
REFERRALS = tuple(Referral)
NOTE_MAX = 500
SUMMARY_MAX = 1000


def languages_of(user) -> list[str]:
    return [lang.strip() for lang in (user["languages"] or "").split(",") if lang.strip()]


def may_open(store, user, row, now: float | None = None) -> bool:
    """Staff open what is routed to them (a language they speak, one of their topics, or any
    topic when none is listed; for a request, also one of their services, or any when none is
    listed), what they claimed, and, on duty, every urgent question of their shift's language;
    supervisors and admins open everything."""
    if user["role"] in ("supervisor", "admin") or row["claimed_by"] == user["id"]:
        return True
    if now is not None and row["urgent"] and row["language"] in duty_db.duty_languages(store, user["id"], now):
        return True
    topics = db.staff_topics(store, user["id"])
    return (row["language"] in languages_of(user) and (not topics or row["topic_id"] in topics)
            and serves(db.staff_services(store, user["id"]), row))


def serves(services: list[str], row) -> bool:
    """Whether a staff member handling `services` (none: all) takes this question or request."""
    return not services or row["kind"] != Kind.REQUEST or row["service"] in services


async def open_question(store, user, question_id: str, now: float, purpose: str):
    """The question, when the user may open it. Otherwise 404 exactly like a missing question,
    and the attempt is audited (in its own transaction: the refusal must not roll it back).
    Takes the `Store`: a read, and a write only for a refusal."""
    row, allowed = await store.read(_openable, user, question_id, now)
    if row is None:
        raise _not_found()
    if not allowed:
        await store.write(db.audit, now, user["id"], question_id, "refused", row["status"], row["status"],
                          {"purpose": purpose})
        raise _not_found()
    return row


def _openable(tx, user, question_id: str, now: float):
    row = db.question(tx, question_id)
    return row, row is not None and may_open(tx, user, row, now)


def _not_found() -> ApiError:
    # TRANSLATORS: console error, max 60 chars
    return ApiError(404, "not_found", N_("This question does not exist."))


def _load(store, question_id: str):
    row = db.question(store, question_id)
    if row is None:
        raise _not_found()
    return row


def _check_version(row, version: int) -> None:
    if row["version"] != version:
        # TRANSLATORS: console error, max 100 chars
        raise ApiError(409, "version_conflict", N_("Someone else changed this question. Please reload it."),
                       field="version", current=row["version"])


def _check_claim(row, user, now: float) -> None:
    if row["status"] != Status.CLAIMED or row["claimed_by"] != user["id"] or (row["lease_until"] or 0) < now:
        # TRANSLATORS: console error, max 100 chars
        raise ApiError(409, "not_your_claim", N_("You do not hold this question. Claim it first."))


def _wrong_state() -> ApiError:
    # TRANSLATORS: console error, max 100 chars
    return ApiError(409, "wrong_state", N_("This step is not possible for the question in its present state."))


def claim(store, user, now: float, lease_seconds: float, question_id: str | None = None):
    """Claims this question, or the most urgent one routed to the user; returns the claimed row.

    Routing: the question's language must be one the user speaks, its topic one of the
    user's topics (no topics listed means all), and a request's service one of the user's
    services (none listed means all). Urgent questions come first; a lawyer on duty
    takes the urgent questions of the shift's language whatever their topic (the duty queue).
    Raises 404 `queue_empty` when none is waiting."""
    languages, topics = languages_of(user), db.staff_topics(store, user["id"])
    services = db.staff_services(store, user["id"])
    on_duty = duty_db.duty_languages(store, user["id"], now)
    with store.write():
        if question_id is None:
            row = None
            if on_duty:
                row = db.claim(store, user["id"], on_duty, [], now, now + lease_seconds, urgent_only=True)
            row = row or db.claim(store, user["id"], languages, topics, now, now + lease_seconds, urgent_only=True,
                                  services=services)
            if row is not None:
                return row
        elif on_duty:
            target = db.question(store, question_id)
            if target is not None and target["urgent"] and target["language"] in on_duty:
                languages, topics, services = on_duty, [], []
        row = db.claim(store, user["id"], languages, topics, now, now + lease_seconds, question_id,
                       services=services)
        if row is not None:
            return row
        if question_id is None:
            # TRANSLATORS: console message, max 60 chars
            raise ApiError(404, "queue_empty", N_("No question is waiting for you."))
        current = _load(store, question_id)
        if current["language"] not in languages or (topics and current["topic_id"] not in topics):
            # TRANSLATORS: console error, max 100 chars
            raise ApiError(403, "not_routed", N_("This question is routed to colleagues of another language or topic."))
        if not serves(services, current):
            # TRANSLATORS: console error, max 100 chars
            raise ApiError(403, "not_routed", N_("This request is routed to colleagues who handle another service."))
        if current["status"] == Status.CLAIMED and current["claimed_by"] == user["id"]:
            return db.renew(store, question_id, user["id"], now, now + lease_seconds)  # claiming again renews
        if current["status"] == Status.CLAIMED:
            # TRANSLATORS: console error, max 100 chars
            raise ApiError(409, "already_claimed", N_("A colleague is already handling this question."))
        if current["status"] == Status.QUEUED:
            # TRANSLATORS: console error, max 100 chars
            raise ApiError(409, "not_due_yet", N_("The next call is planned for later."))
        raise _wrong_state()


def renew(store, user, question_id: str, now: float, lease_seconds: float):
    """Extends the caller's lease while the page stays open."""
    with store.write():
        row = db.renew(store, question_id, user["id"], now, now + lease_seconds)
        if row is None:
            _check_claim(_load(store, question_id), user, now)
        return row


def take_over(store, user, question_id: str, now: float, lease_seconds: float):
    """A supervisor takes a claimed question from its holder (audited with the previous holder)."""
    with store.write():
        row = db.take_over(store, question_id, user["id"], now, now + lease_seconds)
        if row is None:
            _load(store, question_id)
            raise _wrong_state()
        return row


def release(store, user, question_id: str, version: int, now: float):
    """Gives a claimed question back to the queue untouched."""
    with store.write():
        row = _load(store, question_id)
        _check_version(row, version)
        _check_claim(row, user, now)
        updated = db.update_claimed(store, question_id, user["id"], version, now,
                                    status=Status.QUEUED, claimed_by=None, lease_until=None)
        db.audit(store, now, user["id"], question_id, "release", Status.CLAIMED, Status.QUEUED)
        return updated


def reveal(store, user, question_id: str, now: float) -> str:
    """The full phone number, for the claimant only; every reveal is audited."""
    with store.write():
        row = _load(store, question_id)
        _check_claim(row, user, now)
        number = db.phone_of(store, question_id)
        if number is None:
            raise _wrong_state()
        db.audit(store, now, user["id"], question_id, "reveal", row["status"], row["status"])
        return number


def reveal_for_revisit(store, user, question_id: str, now: float) -> str:
    """The full phone number of a finished question, for a supervisor's revisit call; audited."""
    with store.write():
        row = _load(store, question_id)
        if user["role"] != "supervisor":
            raise ApiError(403, "forbidden", N_("Your account is not allowed to do this."))
        number = db.phone_of(store, question_id)
        if row["status"] not in db.FINISHED_STATES or number is None:  # open, or erased after retention
            raise _wrong_state()
        db.audit(store, now, user["id"], question_id, "reveal", row["status"], row["status"], {"purpose": "revisit"})
        return number


def record_attempt(store, user, question_id: str, version: int, outcome: str, note: str, now: float,
                   calendar: WorkCalendar):
    """Records one call. no_answer plans the next call in the household's next window (or closes
    the question after MAX_ATTEMPTS); wrong_number closes it; answered keeps the claim for the answer."""
    with store.write():
        row = _load(store, question_id)
        _check_version(row, version)
        _check_claim(row, user, now)
        attempts = row["attempts"] + 1
        changes = {"attempts": attempts, "first_attempt_at": row["first_attempt_at"] or now}
        if outcome == CallOutcome.ANSWERED:
            changes["due_at"] = None
        elif outcome == CallOutcome.WRONG_NUMBER or attempts >= MAX_ATTEMPTS:
            changes.update(status=Status.CLOSED,
                           outcome=Outcome.UNREACHABLE if outcome == CallOutcome.NO_ANSWER else Outcome.WRONG_NUMBER,
                           closed_at=now, claimed_by=None, lease_until=None, due_at=None)
        elif row["urgent"]:  # no window to wait for: the lawyer on duty tries again soon
            again = now + sla.URGENT_RETRY_SECONDS
            changes.update(status=Status.QUEUED, claimed_by=None, lease_until=None, not_before=again,
                           due_at=again + sla.URGENT_FIRST_CALL_SECONDS)
        else:
            start, end = calendar.window_after(now + RETRY_GAP, row["callback_window"], min_left=RETRY_GAP)
            changes.update(status=Status.QUEUED, claimed_by=None, lease_until=None,
                           not_before=max(start, now + RETRY_GAP), due_at=end)
        db.add_attempt(store, question_id, user["id"], now, outcome, note)
        updated = db.update_claimed(store, question_id, user["id"], version, now, **changes)
        db.audit(store, now, user["id"], question_id, "attempt", Status.CLAIMED, updated["status"],
                 {"outcome": outcome, "attempt": attempts})
        return updated


def _ensure_answered_call(store, row, user, now: float) -> dict:
    """An answer implies the household was reached: records that call if it was not."""
    if any(a["outcome"] == CallOutcome.ANSWERED for a in db.attempts_of(store, row["id"])):
        return {}
    db.add_attempt(store, row["id"], user["id"], now, CallOutcome.ANSWERED, "")
    return {"attempts": row["attempts"] + 1, "first_attempt_at": row["first_attempt_at"] or now}


def answer(store, user, question_id: str, version: int, summary: dict, now: float):
    """Resolves the question with the summary the household will read on TV."""
    with store.write():
        row = _load(store, question_id)
        _check_version(row, version)
        _check_claim(row, user, now)
        changes = _ensure_answered_call(store, row, user, now)
        updated = db.update_claimed(
            store, question_id, user["id"], version, now, **changes, status=Status.RESOLVED, outcome=Outcome.ANSWERED,
            answered_at=now, answer_zh=summary["zh"], answer_mn=summary["mn"], closed_at=now,
            lease_until=None, due_at=None)
        db.audit(store, now, user["id"], question_id, "answer", Status.CLAIMED, Status.RESOLVED)
        return updated


def refer(store, user, question_id: str, version: int, to: str, summary: dict, now: float,
          calendar: WorkCalendar, office_id: str | None = None):
    """Refers the question to legal aid, mediation, a notary or a court, and to one office of the
    service points when `office_id` is given; the hand-off is due within one working day. The
    summary tells the household what happens next; the office's name, address, phone and hours
    are kept with the question as the household was told them."""
    with store.write():
        row = _load(store, question_id)
        _check_version(row, version)
        _check_claim(row, user, now)
        changes = _ensure_answered_call(store, row, user, now)
        if office_id is not None:
            office = guidance_db.service_point(store, office_id)
            if office is None:
                # TRANSLATORS: console error, the office chosen for a referral is gone, max 100 chars
                raise ApiError(422, "unknown_office", N_("This office is no longer in the list. Please choose another."),
                               field="office")
            changes["referral_office"] = json.dumps(
                {k: office[k] for k in ("id", "name", "address", "phone", "hours")}, ensure_ascii=False)
        updated = db.update_claimed(
            store, question_id, user["id"], version, now, **changes, status=Status.REFERRED, referral=to,
            referred_at=now, answered_at=now, answer_zh=summary["zh"], answer_mn=summary["mn"],
            lease_until=None, due_at=calendar.add_working_days(now, sla.HANDOFF_WORKING_DAYS))
        db.audit(store, now, user["id"], question_id, "refer", Status.CLAIMED, Status.REFERRED,
                 {"to": to, **({"office": office_id} if office_id else {})})
        return updated


def hand_off(store, user, question_id: str, version: int, note: str, now: float, calendar: WorkCalendar):
    """The referral reached the agency; the household's feedback is due within five working days."""
    with store.write():
        row = _load(store, question_id)
        _check_version(row, version)
        if row["status"] != Status.REFERRED:
            raise _wrong_state()
        updated = db.update_claimed(store, question_id, None, version, now, status=Status.REVISIT_PENDING,
                                    handed_off_at=now,
                                    due_at=calendar.add_working_days(now, sla.FEEDBACK_WORKING_DAYS))
        db.audit(store, now, user["id"], question_id, "handoff", Status.REFERRED, Status.REVISIT_PENDING,
                 {"note": note} if note else {})
        return updated


def close(store, user, question_id: str, version: int, note: str, now: float):
    """Closes a question after the household's feedback (revisit_pending). A supervisor may also
    close a queued or claimed question (a prank, a question asked twice)."""
    allowed = (Status.REVISIT_PENDING,) + ((Status.QUEUED, Status.CLAIMED, Status.REFERRED) if user["role"] == "supervisor" else ())
    with store.write():
        row = _load(store, question_id)
        _check_version(row, version)
        if row["status"] not in allowed:
            raise _wrong_state()
        outcome = Outcome.FEEDBACK_GIVEN if row["status"] == Status.REVISIT_PENDING else Outcome.CLOSED_BY_SUPERVISOR
        updated = db.update_claimed(store, question_id, None, version, now, status=Status.CLOSED, closed_at=now,
                                    outcome=outcome, lease_until=None, due_at=None)
        db.audit(store, now, user["id"], question_id, "close", row["status"], Status.CLOSED,
                 {"note": note} if note else {})
        return updated


def revisit(store, user, question_id: str, reached: bool, satisfied: bool | None, note: str, now: float) -> None:
    """A supervisor's revisit call to the household of a finished question."""
    with store.write():
        row = _load(store, question_id)
        if row["status"] not in db.FINISHED_STATES:
            raise _wrong_state()
        db.save_revisit(store, question_id, user["id"], now, reached, satisfied, note)
