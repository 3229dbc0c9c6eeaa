"""Statements of the questions feature: topics, intake, the callback queue, audit, reports.

Times are UNIX seconds (UTC). Phone numbers are stored twice: `phone_e164` (cleared by
anonymisation) and `phone_masked` (what every listing shows). Functions that change rows
expect to run inside `store.write()` when the caller composes several of them; alone, each
one opens its own transaction.
"""
from __future__ import annotations

import json
from enum import StrEnum

from . import documents


class Status(StrEnum):
    """Where a question is: queued → claimed → resolved, or → referred → revisit_pending → closed."""
    QUEUED = "queued"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    REFERRED = "referred"
    REVISIT_PENDING = "revisit_pending"
    CLOSED = "closed"


class CallOutcome(StrEnum):
    """What one call to the household gave (call_attempts.outcome)."""
    ANSWERED = "answered"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"


class Outcome(StrEnum):
    """How a question ended (questions.outcome)."""
    ANSWERED = "answered"
    UNREACHABLE = "unreachable"
    WRONG_NUMBER = "wrong_number"
    FEEDBACK_GIVEN = "feedback_given"
    CLOSED_BY_SUPERVISOR = "closed_by_supervisor"
    APPOINTMENT_CONFIRMED = "appointment_confirmed"  # a request: staff confirmed a slot
    REFUSED = "refused"  # a request: staff refused it, with a reason the household reads
    CANCELLED = "cancelled"  # a request: the household cancelled it


class Kind(StrEnum):
    """What a household sent (questions.kind): a question for a callback, or a request for a service."""
    QUESTION = "question"
    REQUEST = "request"


class Service(StrEnum):
    """The services a household may ask for (questions.service, on requests only)."""
    LEGAL_AID = "legal_aid"      # apply for legal aid
    NOTARY = "notary"            # a notary appointment
    MEDIATION = "mediation"      # people's mediation
    STATION_LAWYER = "station_lawyer"  # a lawyer at the sumu's public legal service station
    APPRAISAL = "appraisal"      # judicial appraisal


class CallbackWindow(StrEnum):
    """When a household asked to be called back (questions.callback_window)."""
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    ANY = "any"


class Referral(StrEnum):
    """Where a question is referred to (questions.referral)."""
    LEGAL_AID = "legal_aid"
    MEDIATION = "mediation"
    NOTARY = "notary"
    COURT = "court"


OPEN_STATES = (Status.QUEUED, Status.CLAIMED)
FINISHED_STATES = (Status.RESOLVED, Status.CLOSED)
STATES = tuple(Status)

MIGRATIONS = [
    """
    CREATE TABLE topics (
        id TEXT PRIMARY KEY,
        title_zh TEXT NOT NULL,
        title_mn TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE topic_phrases (
        id TEXT PRIMARY KEY,
        topic_id TEXT NOT NULL REFERENCES topics(id),
        text_zh TEXT NOT NULL,
        text_mn TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX topic_phrases_topic ON topic_phrases (topic_id, position);
    CREATE TABLE questions (
        id TEXT PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        device_id TEXT NOT NULL REFERENCES devices(id),
        region TEXT NOT NULL,
        topic_id TEXT NOT NULL REFERENCES topics(id),
        phrases TEXT NOT NULL DEFAULT '[]',
        text TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL CHECK (language IN ('zh', 'mn')),
        callback_window TEXT NOT NULL CHECK (callback_window IN ('morning', 'afternoon', 'evening', 'any')),
        phone_e164 TEXT,
        phone_masked TEXT NOT NULL,
        phone_suspect INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'queued'
            CHECK (status IN ('queued', 'claimed', 'resolved', 'referred', 'revisit_pending', 'closed')),
        version INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        window_start REAL NOT NULL,
        window_end REAL NOT NULL,
        due_at REAL,
        not_before REAL NOT NULL DEFAULT 0,
        claimed_by INTEGER REFERENCES users(id),
        lease_until REAL,
        attempts INTEGER NOT NULL DEFAULT 0,
        first_attempt_at REAL,
        answered_at REAL,
        answer_zh TEXT NOT NULL DEFAULT '',
        answer_mn TEXT NOT NULL DEFAULT '',
        referral TEXT CHECK (referral IN ('legal_aid', 'mediation', 'notary', 'court')),
        referred_at REAL,
        handed_off_at REAL,
        closed_at REAL,
        outcome TEXT,
        rating INTEGER CHECK (rating BETWEEN 1 AND 5),
        rated_at REAL,
        anonymised_at REAL
    );
    CREATE INDEX questions_queue ON questions (status, language, due_at);
    CREATE INDEX questions_duplicate ON questions (phone_e164, topic_id, created_at);
    CREATE INDEX questions_closed ON questions (closed_at);
    CREATE INDEX questions_created ON questions (created_at);
    CREATE TABLE question_submissions (
        id INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL REFERENCES questions(id),
        device_id TEXT NOT NULL REFERENCES devices(id),
        idempotency_key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        response TEXT NOT NULL,
        merged INTEGER NOT NULL DEFAULT 0,
        phrases TEXT NOT NULL DEFAULT '[]',
        text TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        UNIQUE (device_id, idempotency_key)
    );
    CREATE INDEX question_submissions_question ON question_submissions (question_id);
    CREATE TABLE call_attempts (
        id INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL REFERENCES questions(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        at REAL NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'no_answer', 'wrong_number')),
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX call_attempts_question ON call_attempts (question_id, at);
    CREATE TABLE question_audit (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        user_id INTEGER REFERENCES users(id),
        question_id TEXT NOT NULL REFERENCES questions(id),
        action TEXT NOT NULL,
        from_status TEXT,
        to_status TEXT,
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX question_audit_question ON question_audit (question_id, at);
    CREATE INDEX question_audit_at ON question_audit (at);
    CREATE TABLE staff_topics (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        topic_id TEXT NOT NULL REFERENCES topics(id),
        PRIMARY KEY (user_id, topic_id)
    );
    CREATE TABLE revisits (
        question_id TEXT PRIMARY KEY REFERENCES questions(id),
        user_id INTEGER NOT NULL REFERENCES users(id),
        at REAL NOT NULL,
        reached INTEGER NOT NULL,
        satisfied INTEGER,
        note TEXT NOT NULL DEFAULT ''
    );
    """,
    """
    ALTER TABLE questions ADD COLUMN duplicate_of TEXT REFERENCES questions(id);
    CREATE INDEX questions_device ON questions (device_id, status);
    """,
    # claimable questions in the order claim() takes them, so a claim reads the index and never sorts
    """
    CREATE INDEX questions_claim ON questions (COALESCE(due_at, 1e300), created_at)
        WHERE status IN ('queued', 'claimed');
    """,
    # what a box's own list shows changes its device's questions_version, so an unchanged list is a
    # 304 from the token check alone; triggers catch every write, present and future
    """
    ALTER TABLE devices ADD COLUMN questions_version INTEGER NOT NULL DEFAULT 0;
    CREATE TRIGGER questions_list_insert AFTER INSERT ON questions BEGIN
        UPDATE devices SET questions_version = questions_version + 1 WHERE id = NEW.device_id;
    END;
    CREATE TRIGGER questions_list_update AFTER UPDATE OF status, answered_at, answer_zh, answer_mn, referral, outcome, rating,
        window_start, window_end, topic_id ON questions BEGIN
        UPDATE devices SET questions_version = questions_version + 1 WHERE id = NEW.device_id;
    END;
    """,    # a calculation the household sends with its question: calculator, answers and the result it saw (JSON)
    "ALTER TABLE questions ADD COLUMN calculation TEXT;",
    # urgent topics and phrases skip the callback window: the duty lawyer calls within 30 minutes
    """
    ALTER TABLE topics ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE topic_phrases ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE questions ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
    UPDATE topic_phrases SET urgent = 1 WHERE id = 'family.6';
    CREATE INDEX questions_urgent_claim ON questions (COALESCE(due_at, 1e300), created_at)
        WHERE urgent = 1 AND status IN ('queued', 'claimed');
    """,
    # a request for a service is a question of kind 'request': the same intake, desk, routing, SLA
    # and reports serve it (see questions/requests.py); `appointment` is the confirmed slot (JSON)
    """
    ALTER TABLE questions ADD COLUMN kind TEXT NOT NULL DEFAULT 'question';
    ALTER TABLE questions ADD COLUMN service TEXT;
    ALTER TABLE questions ADD COLUMN preferred_days TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE questions ADD COLUMN appointment TEXT;
    ALTER TABLE questions ADD COLUMN cancelled_at REAL;
    """,
    # the office a question is referred to, as the household was told (JSON {"id", "name", "address",
    # "phone", "hours"}): it stays readable when the editors later replace the service points
    "ALTER TABLE questions ADD COLUMN referral_office TEXT;",
    # the services (Service) whose requests reach a staff member; none listed: every service
    """
    CREATE TABLE staff_services (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        PRIMARY KEY (user_id, service)
    );
    """,
]

# The same schema in PostgreSQL, step for step (tests/test_schema_drift.py compares the two)
POSTGRES_MIGRATIONS = [
    """
    CREATE TABLE topics (
        id TEXT PRIMARY KEY,
        title_zh TEXT NOT NULL,
        title_mn TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE topic_phrases (
        id TEXT PRIMARY KEY,
        topic_id TEXT NOT NULL REFERENCES topics(id),
        text_zh TEXT NOT NULL,
        text_mn TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX topic_phrases_topic ON topic_phrases (topic_id, position);
    CREATE TABLE questions (
        id TEXT PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        device_id TEXT NOT NULL REFERENCES devices(id),
        region TEXT NOT NULL,
        topic_id TEXT NOT NULL REFERENCES topics(id),
        phrases TEXT NOT NULL DEFAULT '[]',
        text TEXT NOT NULL DEFAULT '',
        language TEXT NOT NULL CHECK (language IN ('zh', 'mn')),
        callback_window TEXT NOT NULL CHECK (callback_window IN ('morning', 'afternoon', 'evening', 'any')),
        phone_e164 TEXT,
        phone_masked TEXT NOT NULL,
        phone_suspect INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'queued'
            CHECK (status IN ('queued', 'claimed', 'resolved', 'referred', 'revisit_pending', 'closed')),
        version INTEGER NOT NULL DEFAULT 1,
        created_at DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL,
        window_start DOUBLE PRECISION NOT NULL,
        window_end DOUBLE PRECISION NOT NULL,
        due_at DOUBLE PRECISION,
        not_before DOUBLE PRECISION NOT NULL DEFAULT 0,
        claimed_by BIGINT REFERENCES users(id),
        lease_until DOUBLE PRECISION,
        attempts INTEGER NOT NULL DEFAULT 0,
        first_attempt_at DOUBLE PRECISION,
        answered_at DOUBLE PRECISION,
        answer_zh TEXT NOT NULL DEFAULT '',
        answer_mn TEXT NOT NULL DEFAULT '',
        referral TEXT CHECK (referral IN ('legal_aid', 'mediation', 'notary', 'court')),
        referred_at DOUBLE PRECISION,
        handed_off_at DOUBLE PRECISION,
        closed_at DOUBLE PRECISION,
        outcome TEXT,
        rating INTEGER CHECK (rating BETWEEN 1 AND 5),
        rated_at DOUBLE PRECISION,
        anonymised_at DOUBLE PRECISION
    );
    CREATE INDEX questions_queue ON questions (status, language, due_at);
    CREATE INDEX questions_duplicate ON questions (phone_e164, topic_id, created_at);
    CREATE INDEX questions_closed ON questions (closed_at);
    CREATE INDEX questions_created ON questions (created_at);
    CREATE TABLE question_submissions (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        question_id TEXT NOT NULL REFERENCES questions(id),
        device_id TEXT NOT NULL REFERENCES devices(id),
        idempotency_key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        response TEXT NOT NULL,
        merged INTEGER NOT NULL DEFAULT 0,
        phrases TEXT NOT NULL DEFAULT '[]',
        text TEXT NOT NULL DEFAULT '',
        created_at DOUBLE PRECISION NOT NULL,
        UNIQUE (device_id, idempotency_key)
    );
    CREATE INDEX question_submissions_question ON question_submissions (question_id);
    CREATE TABLE call_attempts (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        question_id TEXT NOT NULL REFERENCES questions(id),
        user_id BIGINT NOT NULL REFERENCES users(id),
        at DOUBLE PRECISION NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'no_answer', 'wrong_number')),
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX call_attempts_question ON call_attempts (question_id, at);
    CREATE TABLE question_audit (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at DOUBLE PRECISION NOT NULL,
        user_id BIGINT REFERENCES users(id),
        question_id TEXT NOT NULL REFERENCES questions(id),
        action TEXT NOT NULL,
        from_status TEXT,
        to_status TEXT,
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX question_audit_question ON question_audit (question_id, at);
    CREATE INDEX question_audit_at ON question_audit (at);
    CREATE TABLE staff_topics (
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        topic_id TEXT NOT NULL REFERENCES topics(id),
        PRIMARY KEY (user_id, topic_id)
    );
    CREATE TABLE revisits (
        question_id TEXT PRIMARY KEY REFERENCES questions(id),
        user_id BIGINT NOT NULL REFERENCES users(id),
        at DOUBLE PRECISION NOT NULL,
        reached INTEGER NOT NULL,
        satisfied INTEGER,
        note TEXT NOT NULL DEFAULT ''
    );
    """,
    """
    ALTER TABLE questions ADD COLUMN duplicate_of TEXT REFERENCES questions(id);
    CREATE INDEX questions_device ON questions (device_id, status);
    """,
    # claimable questions in the order claim() takes them, so a claim reads the index and never sorts
    """
    CREATE INDEX questions_claim ON questions (COALESCE(due_at, 1e300), created_at)
        WHERE status IN ('queued', 'claimed');
    """,
    """
    ALTER TABLE devices ADD COLUMN questions_version BIGINT NOT NULL DEFAULT 0;
    CREATE FUNCTION questions_list_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE devices SET questions_version = questions_version + 1 WHERE id = NEW.device_id;
        RETURN NULL;
    END $$;
    CREATE TRIGGER questions_list_insert AFTER INSERT ON questions
        FOR EACH ROW EXECUTE FUNCTION questions_list_changed();
    CREATE TRIGGER questions_list_update AFTER UPDATE OF status, answered_at, answer_zh, answer_mn, referral, outcome, rating,
        window_start, window_end, topic_id ON questions
        FOR EACH ROW EXECUTE FUNCTION questions_list_changed();
    """,
    "ALTER TABLE questions ADD COLUMN calculation TEXT;",
    # urgent topics and phrases skip the callback window: the duty lawyer calls within 30 minutes
    """
    ALTER TABLE topics ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE topic_phrases ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE questions ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0;
    UPDATE topic_phrases SET urgent = 1 WHERE id = 'family.6';
    CREATE INDEX questions_urgent_claim ON questions (COALESCE(due_at, 1e300), created_at)
        WHERE urgent = 1 AND status IN ('queued', 'claimed');
    """,
    # a request for a service is a question of kind 'request': the same intake, desk, routing, SLA
    # and reports serve it (see questions/requests.py); `appointment` is the confirmed slot (JSON)
    """
    ALTER TABLE questions ADD COLUMN kind TEXT NOT NULL DEFAULT 'question';
    ALTER TABLE questions ADD COLUMN service TEXT;
    ALTER TABLE questions ADD COLUMN preferred_days TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE questions ADD COLUMN appointment TEXT;
    ALTER TABLE questions ADD COLUMN cancelled_at DOUBLE PRECISION;
    """,
    # the office a question is referred to, as the household was told (JSON {"id", "name", "address",
    # "phone", "hours"}): it stays readable when the editors later replace the service points
    "ALTER TABLE questions ADD COLUMN referral_office TEXT;",
    """
    CREATE TABLE staff_services (
        user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        service TEXT NOT NULL,
        PRIMARY KEY (user_id, service)
    );
    """,
]

# Columns a listing may show: never phone_e164.
_PUBLIC_COLUMNS = (
    "q.id, q.number, q.device_id, q.region, q.topic_id, q.phrases, q.text, q.language, q.callback_window, "
    "q.phone_masked, q.phone_suspect, q.status, q.version, q.created_at, q.updated_at, q.window_start, "
    "q.window_end, q.due_at, q.not_before, q.claimed_by, q.lease_until, q.attempts, q.first_attempt_at, "
    "q.answered_at, q.answer_zh, q.answer_mn, q.referral, q.referred_at, q.handed_off_at, q.closed_at, "
    "q.outcome, q.rating, q.rated_at, q.anonymised_at, q.duplicate_of, q.calculation, q.urgent, q.kind, q.service, "
    "q.preferred_days, q.appointment, q.cancelled_at, q.referral_office")
# The ticket number of the question a desk row may duplicate (staff only, never a household).
_DUPLICATE_NUMBER = "(SELECT d.number FROM questions d WHERE d.id = q.duplicate_of) AS duplicate_of_number"


# --- topics -----------------------------------------------------------------------------

def topics(store, include_inactive: bool = False) -> list[dict]:
    """Topics in order, each with its phrases in order: {"id", "title", "urgent", "phrases": [{"id", "text",
    "urgent"}]} (urgent: a question about it goes to the duty lawyer at once)."""
    where = "" if include_inactive else "WHERE active = 1"
    out = []
    by_id = {}
    for row in store.all(f"SELECT * FROM topics {where} ORDER BY position, id"):
        topic = {"id": row["id"], "title": {"zh": row["title_zh"], "mn": row["title_mn"]},
                 "urgent": bool(row["urgent"]), "phrases": []}
        if include_inactive:
            topic["active"] = bool(row["active"])
        by_id[row["id"]] = topic
        out.append(topic)
    for row in store.all(f"SELECT * FROM topic_phrases {where} ORDER BY position, id"):
        if row["topic_id"] in by_id:
            phrase = {"id": row["id"], "text": {"zh": row["text_zh"], "mn": row["text_mn"]}, "urgent": bool(row["urgent"])}
            if include_inactive:  # a removed sentence stays stored (old questions cite it), marked so
                phrase["active"] = bool(row["active"])
            by_id[row["topic_id"]]["phrases"].append(phrase)
    return out


def topic(store, topic_id: str):
    return store.one("SELECT * FROM topics WHERE id = ?", (topic_id,))


def _topic_rules(store) -> dict:
    """Active topics with their active phrases, and every phrase's topic; kept in the store's
    memo (intake asks on every question) until the topics' document version changes."""
    version = documents.version_of(store, documents.Document.TOPICS)
    kept = store.memo.get("question_topic_rules")
    rules = kept[1] if kept is not None and kept[0] == version else None
    if rules is None:
        topic_rows = store.all("SELECT id, urgent FROM topics WHERE active = 1")
        active = {r["id"]: set() for r in topic_rows}
        urgent = {r["id"] for r in topic_rows if r["urgent"]}
        owners = {}
        for r in store.all("SELECT id, topic_id, active, urgent FROM topic_phrases"):
            owners[r["id"]] = r["topic_id"]
            if r["active"] and r["topic_id"] in active:
                active[r["topic_id"]].add(r["id"])
                if r["urgent"]:
                    urgent.add(r["id"])
        rules = {"active": active, "owners": owners, "urgent": urgent}
        store.memo["question_topic_rules"] = (version, rules)
    return rules


def topic_is_active(store, topic_id: str) -> bool:
    return topic_id in _topic_rules(store)["active"]


def active_phrase_ids(store, topic_id: str) -> set[str]:
    return _topic_rules(store)["active"].get(topic_id, set())


def phrase_owner(store, phrase_id: str) -> str | None:
    return _topic_rules(store)["owners"].get(phrase_id)


def is_urgent(store, topic_id: str, phrase_ids: list[str]) -> bool:
    """Whether the topic or one of the chosen phrases is marked urgent."""
    urgent = _topic_rules(store)["urgent"]
    return topic_id in urgent or any(p in urgent for p in phrase_ids)


def set_urgent(store, topic_ids: list[str], phrase_ids: list[str]) -> None:
    """Marks exactly these topics and phrases urgent (the caller bumps the topics' document)."""
    with store.write() as conn:
        for table, ids in (("topics", topic_ids), ("topic_phrases", phrase_ids)):
            conn.execute(f"UPDATE {table} SET urgent = 0 WHERE urgent = 1")
            conn.executemany(f"UPDATE {table} SET urgent = 1 WHERE id = ?", [(i,) for i in ids])


def add_missing_phrase(store, topic_id: str, phrase: dict, urgent: bool) -> bool:
    """Adds a phrase to an existing topic unless a phrase of that id exists (edits stay as they are)."""
    with store.write() as conn:
        if topic(store, topic_id) is None or store.one("SELECT 1 FROM topic_phrases WHERE id = ?", (phrase["id"],)):
            return False
        position = conn.execute("SELECT COALESCE(MAX(position), 0) + 1 FROM topic_phrases WHERE topic_id = ?",
                                (topic_id,)).fetchone()[0]
        conn.execute("INSERT INTO topic_phrases (id, topic_id, text_zh, text_mn, position, active, urgent) "
                     "VALUES (?, ?, ?, ?, ?, 1, ?)",
                     (phrase["id"], topic_id, phrase["text"]["zh"], phrase["text"]["mn"], position, int(urgent)))
        return True


def count_topics(store) -> int:
    return store.one("SELECT COUNT(*) AS n FROM topics")["n"]


def save_topic(store, topic_id: str, title: dict, phrases: list[dict], position: int | None = None,
               active: bool = True) -> None:
    """(A phrase's "urgent" is stored when it is new; an existing phrase keeps its own.)"""
    """Creates or replaces a topic; phrases not listed stay stored (old questions cite them) but inactive."""
    with store.write() as conn:
        if position is None:
            existing = topic(store, topic_id)
            position = existing["position"] if existing else conn.execute(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM topics").fetchone()[0]
        conn.execute(
            "INSERT INTO topics (id, title_zh, title_mn, position, active) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET title_zh = excluded.title_zh, title_mn = excluded.title_mn, "
            "position = excluded.position, active = excluded.active",
            (topic_id, title["zh"], title["mn"], position, int(active)))
        conn.execute("UPDATE topic_phrases SET active = 0 WHERE topic_id = ?", (topic_id,))
        for index, phrase in enumerate(phrases):
            conn.execute(
                "INSERT INTO topic_phrases (id, topic_id, text_zh, text_mn, position, active, urgent) "
                "VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (id) DO UPDATE SET text_zh = excluded.text_zh, "
                "text_mn = excluded.text_mn, position = excluded.position, active = 1",
                (phrase["id"], topic_id, phrase["text"]["zh"], phrase["text"]["mn"], index,
                 int(phrase.get("urgent", False))))


def reorder_topics(store, ordered_ids: list[str]) -> None:
    """Sets the topics' order; the caller passes every topic id exactly once."""
    with store.write() as conn:
        for position, topic_id in enumerate(ordered_ids):
            conn.execute("UPDATE topics SET position = ? WHERE id = ?", (position, topic_id))


def staff_topics(store, user_id: int) -> list[str]:
    """The topics a staff member answers; empty means every topic."""
    return [r["topic_id"] for r in store.all("SELECT topic_id FROM staff_topics WHERE user_id = ? ORDER BY topic_id", (user_id,))]


def staff_services(store, user_id: int) -> list[str]:
    """The services whose requests a staff member handles; empty means every service."""
    return [r["service"] for r in store.all("SELECT service FROM staff_services WHERE user_id = ? ORDER BY service",
                                            (user_id,))]


def set_staff_services(store, user_id: int, services: list[str]) -> None:
    with store.write() as conn:
        conn.execute("DELETE FROM staff_services WHERE user_id = ?", (user_id,))
        conn.executemany("INSERT INTO staff_services (user_id, service) VALUES (?, ?)",
                         [(user_id, s) for s in services])


def desk_users(store) -> list:
    """Staff and supervisors: the people who answer questions."""
    return store.all("SELECT id, name, role, languages FROM users WHERE role IN ('staff', 'supervisor') "
                     "AND active = 1 ORDER BY name")


def desk_user(store, user_id: int):
    return store.one("SELECT id, name, role, languages FROM users WHERE id = ? AND role IN ('staff', 'supervisor') "
                     "AND active = 1", (user_id,))


def set_staff_topics(store, user_id: int, topic_ids: list[str]) -> None:
    with store.write() as conn:
        conn.execute("DELETE FROM staff_topics WHERE user_id = ?", (user_id,))
        conn.executemany("INSERT INTO staff_topics (user_id, topic_id) VALUES (?, ?)",
                         [(user_id, t) for t in topic_ids])


# --- intake -----------------------------------------------------------------------------

DEVICE_LOCKS = 0x7174  # the advisory-lock class of intake's per-box locks ('qt')


def lock_device(store, device_id: str) -> None:
    """Makes intake units of one box take turns until COMMIT, so its read-then-insert rules
    (idempotency key, same-box merge, open-question cap) hold with several writers at once.
    SQLite has one writer already; PostgreSQL takes a transaction-scoped advisory lock."""
    if getattr(store, "dialect", "sqlite") == "postgresql":
        store.execute("SELECT pg_advisory_xact_lock(?, hashtext(?))", (DEVICE_LOCKS, device_id))


def submission(store, device_id: str, key: str):
    """An earlier submission by this device under this Idempotency-Key, or None."""
    return store.one("SELECT * FROM question_submissions WHERE device_id = ? AND idempotency_key = ?",
                     (device_id, key))


def open_count(store, device_id: str) -> int:
    """How many open (queued or claimed) questions this device has asked."""
    return store.one("SELECT COUNT(*) AS n FROM questions WHERE device_id = ? AND status IN ('queued', 'claimed')",
                     (device_id,))["n"]


def open_duplicate(store, device_id: str, phone_e164: str, topic_id: str, since: float, service: str = ""):
    """This device's open question with the same phone and topic created after `since` (for a
    request: the same service), or None."""
    return store.one(
        "SELECT id, number, status, urgent FROM questions WHERE device_id = ? AND phone_e164 = ? AND topic_id = ? "
        "AND COALESCE(service, '') = ? AND created_at >= ? AND status IN ('queued', 'claimed') "
        "ORDER BY created_at LIMIT 1", (device_id, phone_e164, topic_id, service, since))


def possible_duplicate(store, device_id: str, phone_e164: str, topic_id: str, since: float,
                       service: str = "") -> str | None:
    """The id of another device's open question with the same phone and topic (and service) since
    `since`: a hint for staff only."""
    row = store.one(
        "SELECT id FROM questions WHERE phone_e164 = ? AND topic_id = ? AND COALESCE(service, '') = ? "
        "AND created_at >= ? AND device_id != ? AND status IN ('queued', 'claimed') ORDER BY created_at LIMIT 1",
        (phone_e164, topic_id, service, since, device_id))
    return row["id"] if row else None


def number_taken(store, number: str) -> bool:
    return store.one("SELECT 1 FROM questions WHERE number = ?", (number,)) is not None


def insert_question(store, row: dict) -> None:
    """Inserts a new question; `row` holds the columns of the questions table."""
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    with store.write() as conn:
        conn.execute(f"INSERT INTO questions ({columns}) VALUES ({marks})", tuple(row.values()))


def make_urgent(store, question_id: str, now: float, due: float) -> None:
    """An open question becomes urgent: callable at once, the first call due at `due`."""
    with store.write() as conn:
        conn.execute("UPDATE questions SET urgent = 1, window_start = ?, window_end = ?, due_at = ?, not_before = 0, "
                     "version = version + 1, updated_at = ? WHERE id = ?", (now, due, due, now, question_id))
        audit(store, now, None, question_id, "urgent", None, None)


def insert_submission(store, question_id: str, device_id: str, key: str, body_hash: str, response: dict,
                      merged: bool, phrases: list[str], text: str, now: float) -> None:
    with store.write() as conn:
        conn.execute(
            "INSERT INTO question_submissions (question_id, device_id, idempotency_key, body_hash, response, "
            "merged, phrases, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (question_id, device_id, key, body_hash, json.dumps(response), int(merged),
             json.dumps(phrases), text, now))


def cancel_request(store, question_id: str, device_id: str, now: float):
    """The household cancels its own request while it waits or after its slot was confirmed; None
    when it is not this device's request or has ended otherwise. Cancelling again changes nothing."""
    with store.write() as conn:
        row = conn.execute(
            "UPDATE questions SET status = 'closed', outcome = 'cancelled', cancelled_at = ?, closed_at = ?, "
            "claimed_by = NULL, lease_until = NULL, due_at = NULL, version = version + 1, updated_at = ? "
            "WHERE id = ? AND device_id = ? AND kind = 'request' AND (status IN ('queued', 'claimed') OR "
            "(status = 'resolved' AND outcome = 'appointment_confirmed')) RETURNING id",
            (now, now, now, question_id, device_id)).fetchone()
        if row is not None:
            audit(store, now, None, question_id, "cancel", None, Status.CLOSED, {"device": device_id})
        return row


def set_preferred_days(store, question_id: str, days: list[str]) -> None:
    """A request's preferred days after the household asked again (the version stays, as for added
    words: a clerk arranging the slot is not failed by it)."""
    with store.write() as conn:
        conn.execute("UPDATE questions SET preferred_days = ? WHERE id = ?", (json.dumps(days), question_id))


def touch(store, question_id: str, now: float) -> None:
    """Records activity on a question (a merged submission). The version stays: added words do
    not invalidate what a lawyer is writing, so they must not fail the answer with a conflict."""
    with store.write() as conn:
        conn.execute("UPDATE questions SET updated_at = ? WHERE id = ?", (now, question_id))


# --- reading questions ------------------------------------------------------------------

def device_questions(store, device_id: str) -> list:
    """Questions this device asked, newest first (no phone numbers)."""
    return store.all(f"SELECT {_PUBLIC_COLUMNS} FROM questions q WHERE q.device_id = ? ORDER BY q.created_at DESC",
                     (device_id,))


def device_can_see(store, device_id: str, question_id: str) -> bool:
    """A question belongs to the device that asked it, and to no other."""
    return store.one("SELECT 1 FROM questions WHERE id = ? AND device_id = ?",
                     (question_id, device_id)) is not None


def question(store, question_id: str):
    """One question without its phone number (with its claimant's name), or None."""
    return store.one(f"SELECT {_PUBLIC_COLUMNS}, u.name AS claimed_by_name, {_DUPLICATE_NUMBER} FROM questions q "
                     "LEFT JOIN users u ON u.id = q.claimed_by WHERE q.id = ?", (question_id,))


def household_history(store, question_id: str, viewer_id: int, limit: int = 20) -> list:
    """The household's other questions, newest first: those sent from the same box and, once
    `viewer_id` has revealed this question's number, those left with the same phone. Each row
    says how it matched (`same_box`); phone numbers only masked."""
    return store.all(
        f"SELECT {_PUBLIC_COLUMNS}, CASE WHEN q.device_id = h.device_id THEN 1 ELSE 0 END AS same_box "
        "FROM questions q JOIN questions h ON h.id = ? "
        "WHERE q.id <> h.id AND (q.device_id = h.device_id OR (q.phone_e164 = h.phone_e164 AND EXISTS ("
        "    SELECT 1 FROM question_audit a WHERE a.question_id = h.id AND a.action = 'reveal' AND a.user_id = ?))) "
        "ORDER BY q.created_at DESC LIMIT ?", (question_id, viewer_id, limit))


def phone_of(store, question_id: str) -> str | None:
    row = store.one("SELECT phone_e164 FROM questions WHERE id = ?", (question_id,))
    return row["phone_e164"] if row else None


def submissions_of(store, question_id: str) -> list:
    return store.all("SELECT device_id, merged, phrases, text, created_at FROM question_submissions "
                     "WHERE question_id = ? ORDER BY created_at", (question_id,))


def attempts_of(store, question_id: str) -> list:
    return store.all("SELECT a.at, a.outcome, a.note, a.user_id, u.name AS user_name FROM call_attempts a "
                     "JOIN users u ON u.id = a.user_id WHERE question_id = ? ORDER BY a.at", (question_id,))


def queue(store, now: float, statuses=(Status.QUEUED, Status.CLAIMED, Status.REFERRED, Status.REVISIT_PENDING),
          languages=None, topic_ids=None, region: str | None = None, claimed_by: int | None = None,
          limit: int = 200, duty_languages=(), kind: str | None = None, service: str | None = None,
          services=None) -> list:
    """Questions still needing work: urgent first, then overdue, then by due time and age (no phone
    numbers). `duty_languages`: urgent questions in these languages are listed whatever their topic.
    `kind` and `service` narrow the list to questions or to requests (for one service); `services`
    routes requests (of those services only; questions whatever their kind)."""
    where = [f"q.status IN ({','.join('?' * len(statuses))})"]
    params: list = list(statuses)
    if kind:
        where.append("q.kind = ?")
        params.append(kind)
    if service:
        where.append("q.service = ?")
        params.append(service)
    routed, routed_params = ["1 = 1"], []
    if languages:
        routed.append(f"q.language IN ({','.join('?' * len(languages))})")
        routed_params += list(languages)
    if topic_ids:
        routed.append(f"q.topic_id IN ({','.join('?' * len(topic_ids))})")
        routed_params += list(topic_ids)
    if services:
        routed.append(f"(q.kind <> 'request' OR q.service IN ({','.join('?' * len(services))}))")
        routed_params += list(services)
    if duty_languages:
        where.append(f"(({' AND '.join(routed)}) OR (q.urgent = 1 AND q.language IN "
                     f"({','.join('?' * len(duty_languages))})))")
        params += routed_params + list(duty_languages)
    else:
        where.append(" AND ".join(routed))
        params += routed_params
    if region:
        where.append("q.region LIKE ?")
        params.append(region.rstrip("0") + "%")
    if claimed_by is not None:
        where.append("q.claimed_by = ?")
        params.append(claimed_by)
    params.append(now)
    cut = ""
    if limit >= 0:  # a negative limit: all of them (PostgreSQL refuses LIMIT -1)
        cut = " LIMIT ?"
        params.append(limit)
    return store.all(
        f"SELECT {_PUBLIC_COLUMNS}, u.name AS claimed_by_name, {_DUPLICATE_NUMBER} FROM questions q "
        f"LEFT JOIN users u ON u.id = q.claimed_by WHERE {' AND '.join(where)} "
        "ORDER BY q.urgent DESC, (q.due_at IS NOT NULL AND q.due_at < ?) DESC, q.due_at IS NULL, q.due_at, "
        "q.created_at" + cut, params)


# --- claims -----------------------------------------------------------------------------

def _routing(languages: list[str], topic_ids: list[str], services=()) -> tuple[str, list]:
    if not languages:  # nothing is routed to someone who speaks no language (`IN ()` is SQLite-only)
        return " AND 1 = 0", []
    sql = f" AND language IN ({','.join('?' * len(languages))})"
    params = list(languages)
    if topic_ids:
        sql += f" AND topic_id IN ({','.join('?' * len(topic_ids))})"
        params += list(topic_ids)
    if services:  # requests of the listed services only; questions are not requests
        sql += f" AND (kind <> 'request' OR service IN ({','.join('?' * len(services))}))"
        params += list(services)
    return sql, params


# The order claims take questions in: the overdue first (their due time has passed), then by due
# time, then those without one by age. Index `questions_claim` holds the claimable rows in exactly
# this order, so a claim walks it from the front to the first row routed to the caller, never
# sorting the queue. (1e300 stands for "no due time": after every real UNIX time.)
CLAIM_ORDER = "COALESCE(due_at, 1e300), created_at"
CLAIM_INDEX_WHERE = "status IN ('queued', 'claimed')"  # the index's own WHERE, so the index qualifies
_CLAIMABLE = "((status = 'queued' AND not_before <= ?) OR (status = 'claimed' AND lease_until < ?))"
# SQLite's planner would take questions_queue and sort on a small or unanalysed table: name the
# index. PostgreSQL: concurrent claims skip a row another claim has locked instead of queueing.
_CLAIM_SOURCE = {"sqlite": ("questions INDEXED BY questions_claim", ""),
                 "postgresql": ("questions", " FOR UPDATE SKIP LOCKED")}
# Urgent questions only: the duty queue, walked through its own small index.
_URGENT_CLAIM_SOURCE = {"sqlite": ("questions INDEXED BY questions_urgent_claim", ""),
                        "postgresql": ("questions", " FOR UPDATE SKIP LOCKED")}


def next_claimable(store, languages: list[str], topic_ids: list[str], now: float,
                   urgent_only: bool = False, services=()) -> tuple[str, list]:
    """The SELECT (and its parameters) of the id of the most urgent claimable question routed to
    these languages and topics: it walks `questions_claim` (or, for urgent questions only,
    `questions_urgent_claim`) and stops at the first match."""
    route_sql, route_params = _routing(languages, topic_ids, services)
    sources = _URGENT_CLAIM_SOURCE if urgent_only else _CLAIM_SOURCE
    source, locking = sources[getattr(store, "dialect", "sqlite")]
    urgent_sql = " AND urgent = 1" if urgent_only else ""
    return (f"SELECT id FROM {source} WHERE {CLAIM_INDEX_WHERE}{urgent_sql} AND {_CLAIMABLE}{route_sql} "
            f"ORDER BY {CLAIM_ORDER} LIMIT 1{locking}", [now, now, *route_params])


def claim(store, user_id: int, languages: list[str], topic_ids: list[str], now: float, lease_until: float,
          question_id: str | None = None, urgent_only: bool = False, services=()):
    """Atomically claims one question (this one, or the most urgent one routed to the user).

    Claimable: queued and due for a call (`not_before` passed), or claimed under an expired
    lease. Returns the claimed row with its previous status and claimant, or None."""
    if question_id is None:
        select, target_params = next_claimable(store, languages, topic_ids, now, urgent_only, services)
        target = f"id = ({select})"
    else:
        route_sql, route_params = _routing(languages, topic_ids, services)
        target = f"id = ? AND {_CLAIMABLE}{route_sql}"
        target_params = [question_id, now, now, *route_params]
    with store.write() as conn:
        before = None
        if question_id is not None:
            before = conn.execute("SELECT status, claimed_by FROM questions WHERE id = ?", (question_id,)).fetchone()
        row = conn.execute(
            "UPDATE questions SET status = 'claimed', claimed_by = ?, lease_until = ?, version = version + 1, "
            f"updated_at = ? WHERE {target} RETURNING id, number, version, status, lease_until",
            (user_id, lease_until, now, *target_params)).fetchone()
        if row is not None:
            audit(store, now, user_id, row["id"], "claim",
                  before["status"] if before else "queued", "claimed",
                  {"previous_claimant": before["claimed_by"]} if before and before["claimed_by"] else {})
        return row


def renew(store, question_id: str, user_id: int, now: float, lease_until: float):
    """Extends the caller's live lease; returns the row or None when the caller holds no live claim."""
    with store.write() as conn:
        return conn.execute(
            "UPDATE questions SET lease_until = ? WHERE id = ? AND status = 'claimed' AND claimed_by = ? "
            "AND lease_until >= ? RETURNING id, version, lease_until",
            (lease_until, question_id, user_id, now)).fetchone()


def take_over(store, question_id: str, user_id: int, now: float, lease_until: float):
    """A supervisor takes a claimed question from whoever holds it; None when it is not claimed."""
    with store.write() as conn:
        before = conn.execute("SELECT claimed_by FROM questions WHERE id = ? AND status = 'claimed'",
                              (question_id,)).fetchone()
        if before is None:
            return None
        row = conn.execute(
            "UPDATE questions SET claimed_by = ?, lease_until = ?, version = version + 1, updated_at = ? "
            "WHERE id = ? AND status = 'claimed' RETURNING id, number, version, status, lease_until",
            (user_id, lease_until, now, question_id)).fetchone()
        audit(store, now, user_id, question_id, "takeover", "claimed", "claimed",
              {"previous_claimant": before["claimed_by"]})
        return row


def release_expired(store, now: float) -> int:
    """Puts questions whose lease ran out back in the queue (each audited); returns how many."""
    with store.write() as conn:
        rows = conn.execute(
            "UPDATE questions SET status = 'queued', claimed_by = NULL, lease_until = NULL, "
            "version = version + 1, updated_at = ? WHERE status = 'claimed' AND lease_until < ? "
            "RETURNING id", (now, now)).fetchall()
        for row in rows:
            audit(store, now, None, row["id"], "lease_expired", "claimed", "queued")
        return len(rows)


def update_claimed(store, question_id: str, user_id: int | None, version: int, now: float, **changes):
    """Applies `changes` when the question still has `version` (and, with a user, is claimed by them).

    Bumps the version. Returns the updated row or None (the caller finds out why)."""
    sets = ", ".join(f"{column} = ?" for column in changes)
    params = [*changes.values(), now, question_id, version]
    claim_sql = ""
    if user_id is not None:
        claim_sql = " AND status = 'claimed' AND claimed_by = ?"
        params.append(user_id)
    with store.write() as conn:
        return conn.execute(
            f"UPDATE questions SET {sets}, version = version + 1, updated_at = ? "
            f"WHERE id = ? AND version = ?{claim_sql} RETURNING {_PUBLIC_COLUMNS.replace('q.', '')}",
            params).fetchone()


def add_attempt(store, question_id: str, user_id: int, now: float, outcome: str, note: str) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO call_attempts (question_id, user_id, at, outcome, note) VALUES (?, ?, ?, ?, ?)",
                     (question_id, user_id, now, outcome, note))


def rate(store, question_id: str, device_id: str, score: int, now: float) -> bool:
    """Records a household's rating once, for an answered question it can see."""
    with store.write() as conn:
        row = conn.execute(
            "UPDATE questions SET rating = ?, rated_at = ?, version = version + 1, updated_at = ? "
            "WHERE id = ? AND rating IS NULL AND answered_at IS NOT NULL AND device_id = ? RETURNING status",
            (score, now, now, question_id, device_id)).fetchone()
        if row is not None:
            audit(store, now, None, question_id, "rating", row["status"], row["status"], {"score": score})
        return row is not None


def save_revisit(store, question_id: str, user_id: int, now: float, reached: bool, satisfied: bool | None,
                 note: str) -> None:
    with store.write() as conn:
        conn.execute(
            "INSERT INTO revisits (question_id, user_id, at, reached, satisfied, note) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (question_id) DO UPDATE SET user_id = excluded.user_id, at = excluded.at, "
            "reached = excluded.reached, satisfied = excluded.satisfied, note = excluded.note",
            (question_id, user_id, now, int(reached), None if satisfied is None else int(satisfied), note))
        audit(store, now, user_id, question_id, "revisit", None, None,
              {"reached": reached, "satisfied": satisfied})


# --- audit ------------------------------------------------------------------------------

def audit(store, now: float, user_id: int | None, question_id: str, action: str, from_status: str | None,
          to_status: str | None, detail: dict | None = None) -> None:
    """One audit line. `detail` must never hold a phone number."""
    with store.write() as conn:
        conn.execute(
            "INSERT INTO question_audit (at, user_id, question_id, action, from_status, to_status, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (now, user_id, question_id, action, from_status, to_status, json.dumps(detail or {})))


def audit_log(store, question_id: str | None = None, since: float = 0, limit: int = 200) -> list:
    """Audit lines, newest first, with the actor's name and the ticket number."""
    sql = ("SELECT a.id, a.at, a.user_id, u.name AS user_name, a.question_id, q.number, a.action, "
           "a.from_status, a.to_status, a.detail FROM question_audit a LEFT JOIN users u ON u.id = a.user_id "
           "JOIN questions q ON q.id = a.question_id WHERE a.at >= ?")
    params: list = [since]
    if question_id:
        sql += " AND a.question_id = ?"
        params.append(question_id)
    return store.all(sql + " ORDER BY a.at DESC, a.id DESC LIMIT ?", (*params, limit))


# --- supervision and reports ------------------------------------------------------------

def queue_depth(store) -> list:
    """Open questions counted by language, topic and status."""
    return store.all(
        "SELECT language, topic_id, status, COUNT(*) AS n FROM questions "
        "WHERE status IN ('queued', 'claimed', 'referred', 'revisit_pending') "
        "GROUP BY language, topic_id, status ORDER BY language, topic_id, status")


def open_by_status(store) -> list:
    return store.all("SELECT status, language, COUNT(*) AS n FROM questions "
                     "WHERE status IN ('queued', 'claimed', 'referred', 'revisit_pending') GROUP BY status, language")


def oldest_waiting(store, limit: int = 10) -> list:
    return store.all(f"SELECT {_PUBLIC_COLUMNS}, {_DUPLICATE_NUMBER} FROM questions q WHERE q.status = 'queued' "
                     "ORDER BY q.created_at LIMIT ?", (limit,))


def expiring_leases(store, now: float, within: float) -> list:
    return store.all(
        f"SELECT {_PUBLIC_COLUMNS}, u.name AS claimed_by_name FROM questions q JOIN users u ON u.id = q.claimed_by "
        "WHERE q.status = 'claimed' AND q.lease_until < ? ORDER BY q.lease_until", (now + within,))


def finished_between(store, since: float, until: float) -> list:
    """Resolved or closed questions that ended in [since, until), with any revisit recorded."""
    return store.all(
        f"SELECT {_PUBLIC_COLUMNS}, r.at AS revisited_at, r.reached AS revisit_reached, "
        "r.satisfied AS revisit_satisfied, r.note AS revisit_note FROM questions q "
        "LEFT JOIN revisits r ON r.question_id = q.id "
        "WHERE q.status IN ('resolved', 'closed') AND q.closed_at >= ? AND q.closed_at < ? ORDER BY q.closed_at",
        (since, until))


def report_facts(store, since: float, until: float) -> list:
    """The anonymous facts of questions created in [since, until): no phone, no text, no device."""
    return store.all(
        "SELECT created_at, language, topic_id, region, callback_window, status, window_start, window_end, "
        "attempts, first_attempt_at, answered_at, referral, referred_at, handed_off_at, closed_at, outcome, "
        "rating, kind, service FROM questions WHERE created_at >= ? AND created_at < ? ORDER BY created_at", (since, until))


def anonymise_inactive(store, before: float, now: float, redact, limit: int = 200) -> int:
    """Erases the phone numbers of questions that ended before `before`, or that never ended and
    saw no activity since `before`: the number column, and every phone-like run in their free text,
    call notes, revisit notes and audit notes (`redact` rewrites one text). At most `limit` per
    call; returns how many."""
    with store.write() as conn:
        rows = conn.execute(
            "UPDATE questions SET phone_e164 = NULL, phone_masked = '***', anonymised_at = ? WHERE id IN "
            "(SELECT id FROM questions WHERE anonymised_at IS NULL AND "
            "((closed_at IS NOT NULL AND closed_at < ?) OR (closed_at IS NULL AND updated_at < ?)) LIMIT ?) "
            "RETURNING id, status, text", (now, before, before, limit)).fetchall()
        for row in rows:
            question_id = row["id"]
            conn.execute("UPDATE questions SET text = ? WHERE id = ?", (redact(row["text"]), question_id))
            # the body fingerprint hashes the phone too, and phone numbers are few enough to guess
            for part in conn.execute("SELECT id, text FROM question_submissions WHERE question_id = ?",
                                     (question_id,)).fetchall():
                conn.execute("UPDATE question_submissions SET body_hash = 'erased', text = ? WHERE id = ?",
                             (redact(part["text"]), part["id"]))
            for table, key in (("call_attempts", "id"), ("revisits", "question_id")):  # no rowid in PostgreSQL
                for note in conn.execute(f"SELECT {key} AS k, note FROM {table} WHERE question_id = ?",
                                         (question_id,)).fetchall():
                    conn.execute(f"UPDATE {table} SET note = ? WHERE {key} = ?", (redact(note["note"]), note["k"]))
            for line in conn.execute("SELECT id, detail FROM question_audit WHERE question_id = ? AND detail LIKE "
                                     "'%\"note\"%'", (question_id,)).fetchall():
                detail = json.loads(line["detail"])
                if isinstance(detail.get("note"), str):
                    detail["note"] = redact(detail["note"])
                    conn.execute("UPDATE question_audit SET detail = ? WHERE id = ?", (json.dumps(detail), line["id"]))
            audit(store, now, None, question_id, "anonymise", row["status"], row["status"])
        return len(rows)
