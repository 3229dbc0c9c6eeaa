"""Intake of a household's question: validation, idempotent replay, duplicate merging, ticket numbers.

`submit` is the one way a question enters the queue. Replies:
- 201 `{"id", "number", "status": "queued", "merged": false, "callback_from", "callback_until"}`: new question;
- 200 with the same object: the same Idempotency-Key and the same body again (a replay);
- 200 `{"id", "number", "status", "merged": true, ...}`: the same box asked about the same topic
  for the same phone within 24 h while that question is still open; the new words are attached to
  it and the box gets that question's id and ticket number (nobody will call twice). A merge only
  ever joins questions of the same box: another box with the same phone gets its own question, and
  staff see "possible duplicate of <number>" on it. No reply depends on another box's data;
- 422 for the same key with another body; 429 when the box already has 3 open questions, or sends
  more submissions (or merges) per hour than a household plausibly does (with Retry-After).

The HTTP endpoint goes through `GroupCommit`: its own connection commits many submissions per
fsync and answers each only after its COMMIT.
"""
from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
import secrets
import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from .. import validation
from ..errors import ApiError, disk_full
from ..i18n import N_
from ..ratelimit import RateLimit
from ..storage import checkpoint, connect, questions as db
from . import phone as phones
from .calendar import WorkCalendar

CALLBACK_WINDOWS = ("morning", "afternoon", "evening", "any")
TEXT_MAX = 500
PHRASES_MAX = 8
MAX_OPEN_PER_DEVICE = 3
DUPLICATE_SECONDS = 24 * 3600
SUBMISSIONS_PER_HOUR = 12  # per box; a household asks a few questions a day, the outbox replays do not count
MERGES_PER_HOUR = 4  # per box; more is a stuck or hostile box, not a household adding words
_RANDOM = secrets.SystemRandom()
CHECKPOINT_SECONDS = 0.5
MAX_WAITING = 2000  # submissions waiting for their COMMIT; past it the box's outbox waits instead
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


def read_question(store, body: dict, device) -> NewQuestion:
    """Checks a household's question against the server's topics and phrases."""
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
    if not phrase_ids and not text:
        # TRANSLATORS: error shown on the TV, max 60 chars
        raise ApiError(422, "empty_question", N_("Please choose a sentence or say what happened."), field="phrases")
    raw_phone = validation.text(body, "phone", 32)
    try:
        phone, suspect = phones.normalise(raw_phone)
    except phones.BadPhone:
        # TRANSLATORS: error shown on the TV, max 80 chars
        raise ApiError(422, "invalid_phone", N_("Please enter a mobile number (11 digits) or a landline with its area code."),
                       field="phone")
    window = validation.choice(body, "callback_window", CALLBACK_WINDOWS)
    language = validation.choice(body, "language", ("zh", "mn"), required=False, default=device["language"])
    return NewQuestion(topic_id, phrase_ids, text, phone, suspect, window, language)


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
    """Per-box limits on new submissions and on merges into an open question (in memory)."""

    def __init__(self, submissions: int = SUBMISSIONS_PER_HOUR, merges: int = MERGES_PER_HOUR):
        self.submissions, self.merges = RateLimit(submissions, 3600), RateLimit(merges, 3600)

    def check(self, limit: RateLimit, device_id: str) -> None:
        if not limit.allow(device_id):
            raise ApiError(429, "too_many_submissions",
                           # TRANSLATORS: shown on the TV when a box sends questions too often, max 100 chars
                           N_("You have sent many questions in a short time. Please try again later."),
                           headers={"Retry-After": str(limit.retry_after(device_id))})


def submit(store, device, key: str, body: dict, now: float, calendar: WorkCalendar,
           limits: BoxLimits | None = None) -> tuple[int, dict]:
    """Takes in one household question; returns (HTTP status, reply). See the module docstring."""
    fingerprint = body_hash(body)
    earlier = db.submission(store, device["id"], key)
    if earlier is not None:
        if earlier["body_hash"] != fingerprint:
            # TRANSLATORS: error shown on the TV if the box software is faulty, max 80 chars
            raise ApiError(422, "idempotency_conflict", N_("This request was already sent with different content."),
                           field="Idempotency-Key")
        return 200, json.loads(earlier["response"])
    question = read_question(store, body, device)
    if limits is not None:
        limits.check(limits.submissions, device["id"])
    with store.write():
        since = now - DUPLICATE_SECONDS
        duplicate = db.open_duplicate(store, device["id"], question.phone, question.topic, since)
        if duplicate is not None:
            if limits is not None:
                limits.check(limits.merges, device["id"])
            full = db.question(store, duplicate["id"])
            reply = {"id": full["id"], "number": full["number"], "status": full["status"], "merged": True,
                     "callback_from": _iso(full["window_start"], calendar),
                     "callback_until": _iso(full["window_end"], calendar)}
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
        start, end = calendar.window_after(now, question.callback_window)
        question_id = uuid.uuid4().hex
        number = new_number(store)
        db.insert_question(store, {
            "id": question_id, "number": number, "device_id": device["id"], "region": device["region"],
            "topic_id": question.topic, "phrases": json.dumps(question.phrases), "text": question.text,
            "language": question.language, "callback_window": question.callback_window,
            "phone_e164": question.phone, "phone_masked": phones.mask(question.phone),
            "phone_suspect": int(question.phone_suspect), "status": "queued", "created_at": now,
            "updated_at": now, "window_start": start, "window_end": end, "due_at": end,
            "duplicate_of": db.possible_duplicate(store, device["id"], question.phone, question.topic, since)})
        reply = {"id": question_id, "number": number, "status": "queued", "merged": False,
                 "callback_from": _iso(start, calendar), "callback_until": _iso(end, calendar)}
        db.insert_submission(store, question_id, device["id"], key, fingerprint, reply, False,
                             question.phrases, question.text, now)
        db.audit(store, now, None, question_id, "intake", None, "queued", {"device": device["id"]})
    return 201, reply


class _JoinedStore:
    """The intake connection seen as a store whose writes join the batch's open transaction."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._question_topic_rules = None

    def one(self, sql: str, params=()):
        return self.conn.execute(sql, params).fetchone()

    def all(self, sql: str, params=()):
        return self.conn.execute(sql, params).fetchall()

    @contextlib.contextmanager
    def write(self):
        yield self.conn


class GroupCommit:
    """Intake with group commit on its own connection.

    Submissions that arrive while the previous batch syncs to disk share one transaction, so
    one fsync acknowledges many questions. The statements run on the event loop (no second
    Python thread fights it for the GIL); only COMMIT, which waits for the disk, runs in a
    worker thread, and the loop keeps taking requests meanwhile. Each submission runs in its
    own savepoint: a refused one leaves no trace and does not disturb the others. Replies are
    sent only after COMMIT, so every acknowledged question survives kill -9."""

    def __init__(self, database, calendar: WorkCalendar, main_store=None, limits: BoxLimits | None = None):
        self.database, self.calendar, self.main_store = database, calendar, main_store
        self.limits = limits or BoxLimits()
        self._pending: list = []
        self.max_waiting, self._waiting = MAX_WAITING, 0
        self._busy = False
        self._seen_version = None
        self._store: _JoinedStore | None = None
        self._committer: ThreadPoolExecutor | None = None

    def start(self) -> None:
        conn = connect(self.database)
        for pragma in ("foreign_keys=ON", "busy_timeout=5000",
                       "wal_autocheckpoint=0"):  # the checkpoint thread copies the WAL back
            conn.execute(f"PRAGMA {pragma}")
        self._store = _JoinedStore(conn)
        self._committer = ThreadPoolExecutor(1, thread_name_prefix="intake-commit")
        self._stopping = threading.Event()
        self._checkpointer = threading.Thread(target=self._checkpoint, name="wal-checkpoint", daemon=True)
        self._checkpointer.start()

    def stop(self) -> None:
        if self._store is not None:
            self._stopping.set()
            self._committer.shutdown(wait=True)  # a COMMIT under way finishes first
            self._checkpointer.join(10)
            if self._store.conn.in_transaction:
                self._store.conn.execute("ROLLBACK")
            self._store.conn.close()
            self._store = None

    def _checkpoint(self) -> None:
        """Copies the WAL into the database beside the intake, so no commit waits for it."""
        conn = sqlite3.connect(str(self.database), isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout=1000")
            while not self._stopping.wait(CHECKPOINT_SECONDS):
                try:
                    checkpoint(conn)
                except sqlite3.Error:  # busy now: the next round catches up
                    pass
        finally:
            conn.close()

    async def submit(self, device, key: str, body: dict) -> tuple[int, dict]:
        """Like `submit`, answered once the batch holding this submission is committed. Refused
        with 503 before it is queued when too many wait: nothing is acknowledged, the box retries."""
        if self._waiting >= self.max_waiting:
            # TRANSLATORS: shown on the TV when the server is too busy to take a question now, max 80 chars
            raise ApiError(503, "busy", N_("Many questions are arriving now. Your question will be sent again shortly."),
                           headers={"Retry-After": str(BUSY_RETRY_SECONDS)})
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((dict(device), key, body, future))
        if not self._busy:
            self._busy = True
            loop.call_soon(self._next_batch)  # requests read in this same turn join the batch
        self._waiting += 1
        try:
            return await future
        finally:
            self._waiting -= 1

    def _next_batch(self) -> None:
        batch, self._pending = self._pending, []
        if not batch or self._store is None:
            self._busy = False
            return
        try:
            results = self._write(batch)
            if not self._store.conn.in_transaction:  # BEGIN failed: nothing to commit
                self._finish(batch, results, None)
                return
            commit = asyncio.get_running_loop().run_in_executor(self._committer, self._store.conn.execute, "COMMIT")
        except Exception as exc:  # never leave the intake stuck: refuse this batch, go on with the next
            if self._store.conn.in_transaction:
                self._store.conn.execute("ROLLBACK")
            self._finish(batch, [exc] * len(batch), None)
            return
        commit.add_done_callback(lambda done: self._finish(batch, results, done))

    def _write(self, batch: list) -> list:
        store = self._store
        conn = store.conn
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        if version != self._seen_version:  # another connection wrote: topics may have changed
            store._question_topic_rules = None
            self._seen_version = version
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            return [exc] * len(batch)
        results = []
        for device, key, body, _ in batch:
            conn.execute("SAVEPOINT intake")
            try:
                results.append(submit(store, device, key, body, time.time(), self.calendar, self.limits))
            except Exception as exc:  # refused (ApiError) or broken: this one only
                if disk_full(exc):  # SQLite may have dropped the whole transaction: nobody is kept
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    return [exc] * len(batch)
                conn.execute("ROLLBACK TO intake")
                results.append(exc)
            conn.execute("RELEASE intake")
        return results

    def _finish(self, batch: list, results: list, commit) -> None:
        failure = None
        if commit is not None:
            failure = commit.exception() if not commit.cancelled() else asyncio.CancelledError()
        if failure is not None:  # the COMMIT failed: nobody is acknowledged
            if self._store is not None and self._store.conn.in_transaction:
                self._store.conn.execute("ROLLBACK")
            results = [failure] * len(batch)
        elif commit is not None and self.main_store is not None:
            self.main_store.changes += 1  # pages that cache on store.changes see new questions
        for (_, _, _, future), result in zip(batch, results):
            _settle(future, result)
        self._busy = False
        if self._pending:
            self._busy = True
            asyncio.get_running_loop().call_soon(self._next_batch)


def _settle(future: asyncio.Future, result) -> None:
    if future.done():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)
