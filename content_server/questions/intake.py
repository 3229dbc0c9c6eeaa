"""Intake of a household's question: validation, idempotent replay, duplicate merging, ticket numbers.

`submit` is the one way a question enters the queue, and a service request too (`"kind": "request"`,
read by `requests.read_request`; it merges only with the same box's open request for the same
service). Replies:
- 201 `{"id", "number", "status": "queued", "merged": false, "callback_from", "callback_until", "urgent"}`:
  new question. An urgent one (its topic or a chosen phrase is marked urgent) skips the chosen
  window: the lawyer on duty calls within 30 minutes, so the window is now to now + 30 min;
- 200 with the same object: the same Idempotency-Key and the same body again (a replay);
- 200 `{"id", "number", "status", "merged": true, ...}`: the same box asked about the same topic
  for the same phone within 24 h while that question is still open; the new words are attached to
  it (a request's new preferred days join its earlier ones still ahead) and the box gets that
  question's id and ticket number (nobody will call twice). A merge only
  ever joins questions of the same box: another box with the same phone gets its own question, and
  staff see "possible duplicate of <number>" on it. No reply depends on another box's data;
- 422 for the same key with another body; 429 when the box already has 3 open questions, or sends
  more submissions (or merges) per hour than a household plausibly does (with Retry-After).

`submit` is a unit of work: the HTTP endpoint passes it to `store.write`, whose writer thread
commits many submissions per fsync and answers each only after its COMMIT.
"""
from __future__ import annotations

import functools
import hashlib
import json
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from aiohttp import web

import legaltv_calculators as calculators
from legaltv_calculators.rendering import result_json

from ..kernel import validation
from ..kernel.errors import ApiError
from ..kernel.clock import CHINA
from ..kernel.i18n import N_, translate
from ..kernel.loop_lag import LoopLag
from ..kernel.ratelimit import RateLimit
from ..storage import calculators as calculators_sql, limits as limits_sql, questions as db
from ..storage.questions import CallbackWindow, Kind, Status
from . import phone as phones, requests, sla
from .calendar import WorkCalendar

CALLBACK_WINDOWS = tuple(CallbackWindow)
TEXT_MAX = 500
PHRASES_MAX = 8
MAX_OPEN_PER_DEVICE = 3
DUPLICATE_SECONDS = 24 * 3600
SUBMISSIONS_PER_HOUR = 12  # per box; a household asks a few questions a day, the outbox replays do not count
MERGES_PER_HOUR = 4  # per box; more is a stuck or hostile box, not a household adding words
_RANDOM = secrets.SystemRandom()
MAX_WAITING = 2000  # submissions waiting for their COMMIT; past it the box's outbox waits instead
MAX_WAIT_SECONDS = 10.0  # the oldest submission waiting this long for its COMMIT: the node is behind
BUSY_RETRY_SECONDS = 10


@dataclass(frozen=True)
class NewQuestion:
    topic: str
    phrases: list
    text: str
    phone: str
    phone_suspect: bool
    callback_window: str
    language: str
    calculation: str | None  # JSON: the calculator, the answers and the result the household saw
    urgent: bool = False  # the topic or a chosen phrase is marked urgent
    kind: str = Kind.QUESTION
    service: str = ""  # a request's service (requests.SERVICES)
    preferred_days: tuple = ()  # a request's preferred days, ISO dates


def idempotency_key(headers) -> str:
    """The request's Idempotency-Key, which must be a UUID."""
    key = headers.get("Idempotency-Key")
    if not key:
        # TRANSLATORS: error shown on the TV if the box software is faulty, max 80 chars
        raise ApiError(400, "missing_idempotency_key", N_("The request has no Idempotency-Key header."),
                       field="Idempotency-Key")
    try:
        return str(uuid.UUID(key.strip()))
    except ValueError:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(400, "invalid_idempotency_key", N_("The Idempotency-Key header must be a UUID."),
                       field="Idempotency-Key")


def body_hash(body: dict) -> str:
    """A fingerprint of the request body that ignores key order and spacing."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def read_question(store, body: dict, device, now: float) -> NewQuestion:
    """Checks a household's question against the server's topics and phrases (a request for a
    service: its service and days, see requests.py)."""
    if validation.choice(body, "kind", tuple(Kind), required=False, default=Kind.QUESTION) == Kind.REQUEST:
        wanted = requests.read_request(store, body, now)
        text = validation.text(body, "text", TEXT_MAX, required=False)
        phone, suspect = _phone(body)
        language = validation.choice(body, "language", ("zh", "mn"), required=False, default=device["language"])
        return NewQuestion(wanted["topic"], [], text, phone, suspect, wanted["callback_window"], language, None,
                           False, Kind.REQUEST, wanted["service"], tuple(wanted["preferred_days"]))
    topic_id = body.get("topic")
    if not isinstance(topic_id, str):
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "wrong_type", N_("This field must be text."), field="topic")
    if not db.topic_is_active(store, topic_id):
        # TRANSLATORS: error shown on the TV, max 60 chars
        raise ApiError(422, "unknown_topic", N_("Please choose one of the listed topics."), field="topic")
    phrase_ids = validation.string_list(body, "phrases", PHRASES_MAX)
    allowed = db.active_phrase_ids(store, topic_id)
    for phrase_id in phrase_ids:
        if phrase_id not in allowed:
            owner = db.phrase_owner(store, phrase_id)
            if owner is not None and owner != topic_id:
                # TRANSLATORS: error shown on the TV, max 60 chars
                raise ApiError(422, "phrase_of_other_topic", N_("This sentence belongs to another topic."),
                               field="phrases")
            # TRANSLATORS: error shown on the TV, max 60 chars
            raise ApiError(422, "unknown_phrase", N_("Please choose one of the listed sentences."), field="phrases")
    phrase_ids = list(dict.fromkeys(phrase_ids))
    text = validation.text(body, "text", TEXT_MAX, required=False)
    calculation = attached_calculation(store, body.get("calculation"), device["region"], now)
    if not phrase_ids and not text and calculation is None:
        # TRANSLATORS: error shown on the TV, max 60 chars
        raise ApiError(422, "empty_question", N_("Please choose a sentence or say what happened."), field="phrases")
    phone, suspect = _phone(body)
    window = validation.choice(body, "callback_window", CALLBACK_WINDOWS)
    language = validation.choice(body, "language", ("zh", "mn"), required=False, default=device["language"])
    return NewQuestion(topic_id, phrase_ids, text, phone, suspect, window, language, calculation,
                       db.is_urgent(store, topic_id, phrase_ids))


def _phone(body: dict) -> tuple[str, bool]:
    """The household's phone number, normalised, and whether it looks mistyped."""
    raw_phone = validation.text(body, "phone", 32)
    try:
        return phones.normalise(raw_phone)
    except phones.BadPhone:
        # TRANSLATORS: error shown on the TV, max 80 chars
        raise ApiError(422, "invalid_phone", N_("Please enter a mobile number (11 digits) or a landline with its area code."),
                       field="phone")


def attached_calculation(store, value, region: str, now: float) -> str | None:
    """A calculation sent with the question, worked out again here with the figures in force (the
    desk sees the server's figures, whatever the box had cached), as JSON; None when none was sent."""
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("calculator") not in calculators.CALCULATORS:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "invalid_calculation", N_("There is no such calculator."), field="calculation.calculator")
    calculator = calculators.CALCULATORS[value["calculator"]]
    figures = calculators.Figures.from_json(calculators_sql.figures(store))
    today = datetime.fromtimestamp(now, CHINA).date()
    try:
        result = calculator.compute(value.get("answers"), figures, region, today)
    except calculators.AnswerError as e:
        raise ApiError(422, "invalid_answer", e.message, field=f"calculation.answers.{e.question}", **e.params) from None
    except calculators.FigureMissing:
        result = None  # the lawyer works it out: the answers still go with the question
    return json.dumps({"calculator": calculator.id, "answers": value.get("answers"),
                       "result": result_json(result, translate) if result else None}, ensure_ascii=False)


def readable_number(number: str) -> bool:
    """A ticket number that is easy to read aloud and to tell apart: no leading 0, no digit three
    times in a row, no run of four consecutive digits up or down, at least three different digits."""
    if number[0] == "0" or len(set(number)) < 3:
        return False
    for i in range(len(number) - 2):
        if number[i] == number[i + 1] == number[i + 2]:
            return False
    for i in range(len(number) - 3):
        steps = {int(number[i + k + 1]) - int(number[i + k]) for k in range(3)}
        if steps in ({1}, {-1}):
            return False
    return True


def new_number(store) -> str:
    """A fresh, unused six-digit ticket number (seven digits once six are crowded)."""
    for digits in (6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 8):
        number = str(_RANDOM.randrange(10 ** (digits - 1), 10 ** digits))
        if readable_number(number) and not db.number_taken(store, number):
            return number
    raise RuntimeError("no free ticket number")


@functools.lru_cache(maxsize=256)  # window bounds repeat for every question of the day
def _iso(timestamp: float, calendar: WorkCalendar) -> str:
    return datetime.fromtimestamp(timestamp, calendar.zone).isoformat(timespec="seconds")


class BoxLimits:
    """Per-box limits on new submissions and on merges into an open question (counted in the
    database, so a box sending through several API nodes meets one limit)."""

    def __init__(self, submissions: int = SUBMISSIONS_PER_HOUR, merges: int = MERGES_PER_HOUR):
        self.submissions = RateLimit("box_submissions", submissions, 3600)
        self.merges = RateLimit("box_merges", merges, 3600)

    def check(self, store, limit: RateLimit, device_id: str, now: float) -> None:
        """Counts one submission of the box in the intake's transaction, or refuses it."""
        wait = limits_sql.allow(store, limit, device_id, now)
        if wait:
            raise ApiError(429, "too_many_submissions",
                           # TRANSLATORS: shown on the TV when a box sends questions too often, max 100 chars
                           N_("You have sent many questions in a short time. Please try again later."),
                           headers={"Retry-After": str(wait)})


def submit(store, device, key: str, body: dict, now: float, calendar: WorkCalendar,
           limits: BoxLimits | None = None) -> tuple[int, dict]:
    """Takes in one household question; returns (HTTP status, reply). See the module docstring."""
    fingerprint = body_hash(body)
    db.lock_device(store, device["id"])
    earlier = db.submission(store, device["id"], key)
    if earlier is not None:
        if earlier["body_hash"] != fingerprint:
            # TRANSLATORS: error shown on the TV if the box software is faulty, max 80 chars
            raise ApiError(422, "idempotency_conflict", N_("This request was already sent with different content."),
                           field="Idempotency-Key")
        return 200, json.loads(earlier["response"])
    question = read_question(store, body, device, now)
    if limits is not None:
        limits.check(store, limits.submissions, device["id"], now)
    with store.write():
        since = now - DUPLICATE_SECONDS
        duplicate = db.open_duplicate(store, device["id"], question.phone, question.topic, since, question.service)
        if duplicate is not None:
            if limits is not None:
                limits.check(store, limits.merges, device["id"], now)
            if question.urgent and not duplicate["urgent"]:  # the added words make it urgent
                db.make_urgent(store, duplicate["id"], now, now + sla.URGENT_FIRST_CALL_SECONDS)
            full = db.question(store, duplicate["id"])
            if question.kind == Kind.REQUEST:  # the days asked for now join the earlier ones
                db.set_preferred_days(store, full["id"], requests.merged_days(
                    json.loads(full["preferred_days"]), question.preferred_days, now))
            reply = {"id": full["id"], "number": full["number"], "status": full["status"], "merged": True,
                     "callback_from": _iso(full["window_start"], calendar),
                     "callback_until": _iso(full["window_end"], calendar), "urgent": bool(full["urgent"])}
            db.insert_submission(store, full["id"], device["id"], key, fingerprint, reply, True,
                                 question.phrases, question.text, now)
            db.touch(store, full["id"], now)
            db.audit(store, now, None, full["id"], "merge", full["status"], full["status"],
                     {"device": device["id"]})
            return 200, reply
        if db.open_count(store, device["id"]) >= MAX_OPEN_PER_DEVICE:
            # TRANSLATORS: shown on the TV, max 100 chars
            raise ApiError(429, "too_many_open_questions",
                           # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 90 chars
                           N_("You already have {max} questions waiting. We will call you first."),
                           field=None, max=MAX_OPEN_PER_DEVICE)
        if question.urgent:
            start, end = now, now + sla.URGENT_FIRST_CALL_SECONDS
        else:
            start, end = calendar.window_after(now, question.callback_window)
        question_id = uuid.uuid4().hex
        number = new_number(store)
        db.insert_question(store, {
            "id": question_id, "number": number, "device_id": device["id"], "region": device["region"],
            "topic_id": question.topic, "phrases": json.dumps(question.phrases), "text": question.text,
            "language": question.language, "callback_window": question.callback_window,
            "phone_e164": question.phone, "phone_masked": phones.mask(question.phone),
            "phone_suspect": int(question.phone_suspect), "status": Status.QUEUED, "created_at": now,
            "updated_at": now, "window_start": start, "window_end": end, "due_at": end,
            "duplicate_of": db.possible_duplicate(store, device["id"], question.phone, question.topic, since,
                                                  question.service),
            "calculation": question.calculation, "urgent": int(question.urgent), "kind": question.kind,
            "service": question.service or None, "preferred_days": json.dumps(list(question.preferred_days))})
        reply = {"id": question_id, "number": number, "status": Status.QUEUED, "merged": False,
                 "callback_from": _iso(start, calendar), "callback_until": _iso(end, calendar),
                 "urgent": question.urgent}
        db.insert_submission(store, question_id, device["id"], key, fingerprint, reply, False,
                             question.phrases, question.text, now)
        db.audit(store, now, None, question_id, "intake", None, Status.QUEUED, {"device": device["id"]})
    return 201, reply


class IntakeQueue:
    """Bounds the submissions waiting for their COMMIT: their number, the wait of the oldest, and
    the event loop's lateness (a node short of CPU keeps requests waiting before they are even
    counted). Past a bound a submission is refused with 503 and Retry-After before it reaches the
    store: nothing of it is kept or acknowledged, and the box's outbox sends it again later.
    Never refuses what was acknowledged."""

    def __init__(self, max_waiting: int = MAX_WAITING, max_wait: float = MAX_WAIT_SECONDS,
                 lag: LoopLag | None = None, clock: Callable[[], float] = time.monotonic):
        self.max_waiting, self.max_wait, self.lag, self.clock = max_waiting, max_wait, lag, clock
        self._since: dict[object, float] = {}  # each waiting submission's start, oldest first

    @property
    def waiting(self) -> int:
        return len(self._since)

    def _behind(self) -> bool:
        if len(self._since) >= self.max_waiting:
            return True
        if self._since and self.clock() - next(iter(self._since.values())) > self.max_wait:
            return True
        return self.lag is not None and self.lag.behind()

    async def submit(self, store, device, key: str, body: dict, now: float, calendar: WorkCalendar,
                     limits: BoxLimits) -> tuple[int, dict]:
        if self._behind():
            # TRANSLATORS: shown on the TV when the server is too busy to take a question now, max 80 chars
            raise ApiError(503, "busy", N_("Many questions are arriving now. Your question will be sent again shortly."),
                           headers={"Retry-After": str(BUSY_RETRY_SECONDS)})
        ticket = object()
        self._since[ticket] = self.clock()
        try:
            answer = await store.write(_submit_counted, device, key, body, now, calendar, limits)
        finally:
            del self._since[ticket]
        if isinstance(answer, ApiError):
            raise answer
        return answer


def _submit_counted(store, device, key: str, body: dict, now: float, calendar: WorkCalendar,
                    limits: BoxLimits) -> tuple[int, dict] | ApiError:
    """`submit` as a unit of work whose refusals commit: a refused submission still counts against
    the box's limits (only those count rows are written before any refusal)."""
    try:
        return submit(store, device, key, body, now, calendar, limits)
    except ApiError as refusal:
        return refusal


INTAKE = web.AppKey("intake", IntakeQueue)  # household submissions waiting for their group commit
BOX_LIMITS = web.AppKey("box_limits", BoxLimits)  # per-box limits on submissions and merges
