"""The storage functions give the same answers on SQLite and on PostgreSQL.

Each test runs twice: on a real SQLite file opened as the server opens it, and on a real
PostgreSQL database migrated by its runner, reached through PostgresTx. The functions are
called directly, as a unit of work would call them; the assertions are the same for both.
"""
from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from content_server.storage import (Store, Transaction, accounts, catalog, connect, documents, guidance, media,
                                    postgres, questions, schedule, uploads)

from content_server.storage.engine import Transaction, connect

NOW = 1_790_000_000.25  # a UNIX time with a fraction: float4 would lose it


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        Store(tmp_path / "legal-tv.db").close()  # the schema, as the server makes it
        conn = connect(tmp_path / "legal-tv.db")  # autocommit, like the PostgreSQL connection below
        yield Transaction(conn, {})
        conn.close()
    else:
        url = request.getfixturevalue("postgres_migrated_url")
        with psycopg.connect(url, autocommit=True) as conn:
            yield postgres.PostgresTx(conn)


def explain(store, sql: str, params) -> str:
    """The engine's plan for a statement, as one text."""
    if isinstance(store, postgres.PostgresTx):
        return "\n".join(row[0] for row in store.all("EXPLAIN " + sql, params))
    return "\n".join(row["detail"] for row in store.all("EXPLAIN QUERY PLAN " + sql, params))


def add_staff(store, name: str = "wang", role: str = "staff", languages: str = "zh,mn") -> int:
    return accounts.add_user(store, name, role, "hash-of-" + name, languages)


def add_question(store, number: str, *, device: str = "box-1", topic: str = "land", language: str = "zh",
                 created_at: float = NOW, due_at: float | None = NOW + 3600, status: str = "queued",
                 not_before: float = 0, phone: str = "+8613800000000") -> str:
    question_id = "q-" + number
    questions.insert_question(store, {
        "id": question_id, "number": number, "device_id": device, "region": "152500", "topic_id": topic,
        "phrases": "[]", "text": "我家的地 13800000000", "language": language, "callback_window": "any",
        "phone_e164": phone, "phone_masked": "138****0000", "phone_suspect": False, "status": status,
        "created_at": created_at, "updated_at": created_at, "window_start": created_at,
        "window_end": created_at + 7200, "due_at": due_at, "not_before": not_before})
    return question_id


@pytest.fixture
def desk(store):
    """A box, two topics and a staff member: what a question needs to exist."""
    accounts.add_device(store, "box-1", "token-hash-1", "152500", "mn")
    accounts.add_device(store, "box-2", "token-hash-2", "150100", "zh")
    questions.save_topic(store, "land", {"zh": "土地", "mn": "ᠭᠠᠵᠠᠷ"},
                         [{"id": "land-1", "text": {"zh": "承包", "mn": "ᠠ"}}])
    questions.save_topic(store, "wages", {"zh": "工资", "mn": "ᠴᠠᠯᠢᠩ"}, [])
    return add_staff(store)


# --- accounts -----------------------------------------------------------------------------

def test_accounts_sessions_and_tokens(store):
    editor = add_staff(store, "li", "editor", "zh")
    admin = add_staff(store, "zhao", "admin")
    assert isinstance(editor, int) and admin != editor
    user = accounts.user_by_name(store, "li")
    assert (user["id"], user["role"], dict(user)["languages"]) == (editor, "editor", "zh")
    assert "password_hash" in user.keys() and user[0] == editor
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.CheckViolation)):
        accounts.add_user(store, "bad", "janitor", "x")

    token_id = accounts.add_api_token(store, editor, "a" * 64, expires_at=NOW * 2, label="laptop")
    assert accounts.user_by_api_token(store, "a" * 64)["name"] == "li"
    assert [t["id"] for t in accounts.api_tokens(store)] == [token_id]
    assert [t["user_name"] for t in accounts.api_tokens(store, editor)] == ["li"]
    assert accounts.api_tokens(store, admin) == []
    assert accounts.revoke_api_token(store, token_id) and not accounts.revoke_api_token(store, token_id)

    accounts.add_session(store, "s" * 64, editor, "csrf", expires_at=NOW * 2)
    assert accounts.session_user(store, "s" * 64)["csrf_token"] == "csrf"
    accounts.set_active(store, editor, False)
    assert accounts.session_user(store, "s" * 64) is None and accounts.user_by_name(store, "li") is None
    accounts.set_active(store, editor, True)
    accounts.set_languages(store, editor, "mn")
    accounts.reset_password(store, editor, "new-hash")
    assert accounts.user_by_id(store, editor)["languages"] == "mn"
    assert [u["name"] for u in accounts.users(store)] == ["li", "zhao"]


def test_device_registration(store):
    accounts.add_device(store, "box-9", "hash-9", "152500", "mn")
    device = accounts.device_by_token(store, "hash-9")
    assert (device["id"], device["region"], device["language"]) == ("box-9", "152500", "mn")
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.UniqueViolation)):
        accounts.add_device(store, "box-10", "hash-9", "152500", "mn")


# --- questions ----------------------------------------------------------------------------

def test_topics(store, desk):
    questions.save_topic(store, "land", {"zh": "土地承包", "mn": "ᠭᠠᠵᠠᠷ"},
                         [{"id": "land-2", "text": {"zh": "征地", "mn": "ᠪ"}}])
    listed = questions.topics(store)
    assert [t["id"] for t in listed] == ["land", "wages"]
    assert listed[0]["title"]["zh"] == "土地承包" and [p["id"] for p in listed[0]["phrases"]] == ["land-2"]
    assert questions.count_topics(store) == 2
    assert questions.topic_is_active(store, "land") and questions.phrase_owner(store, "land-1") == "land"
    assert questions.active_phrase_ids(store, "land") == {"land-2"}
    questions.set_staff_topics(store, desk, ["land"])
    assert questions.staff_topics(store, desk) == ["land"]
    assert [u["name"] for u in questions.desk_users(store)] == ["wang"]


def test_intake_rows_claims_answers_audit_and_reports(store, desk):
    first = add_question(store, "A-1", created_at=NOW - 60)
    questions.insert_submission(store, first, "box-1", "key-1", "body", {"id": first}, False, ["land-1"], "", NOW)
    assert questions.submission(store, "box-1", "key-1")["question_id"] == first
    assert questions.open_count(store, "box-1") == 1
    assert questions.open_duplicate(store, "box-1", "+8613800000000", "land", NOW - 600)["id"] == first
    assert questions.possible_duplicate(store, "box-2", "+8613800000000", "land", NOW - 600) == first
    assert questions.number_taken(store, "A-1") and not questions.number_taken(store, "A-2")
    questions.touch(store, first, NOW)
    assert questions.device_can_see(store, "box-1", first) and not questions.device_can_see(store, "box-2", first)
    row = questions.question(store, first)
    assert row["created_at"] == NOW - 60 and row["phone_suspect"] == 0 and "phone_e164" not in row.keys()

    claimed = questions.claim(store, desk, ["zh"], [], NOW, NOW + 900)
    assert (claimed["id"], claimed["status"], claimed["lease_until"]) == (first, "claimed", NOW + 900)
    assert questions.claim(store, desk, ["zh"], [], NOW, NOW + 900) is None
    assert questions.renew(store, first, desk, NOW + 1, NOW + 1000)["lease_until"] == NOW + 1000
    questions.add_attempt(store, first, desk, NOW + 2, "answered", "called 13800000000")
    answered = questions.update_claimed(store, first, desk, claimed["version"], NOW + 3, status="resolved",
                                        answer_zh="可以", answered_at=NOW + 3, closed_at=NOW + 3)
    assert answered["status"] == "resolved" and answered["version"] == claimed["version"] + 1
    assert questions.update_claimed(store, first, desk, claimed["version"], NOW + 4, answer_zh="stale") is None
    assert questions.rate(store, first, "box-1", 5, NOW + 5) and not questions.rate(store, first, "box-1", 4, NOW + 6)
    questions.save_revisit(store, first, desk, NOW + 7, True, True, "ok 13800000000")
    questions.save_revisit(store, first, desk, NOW + 8, True, False, "again")

    assert [a["outcome"] for a in questions.attempts_of(store, first)] == ["answered"]
    assert [s["merged"] for s in questions.submissions_of(store, first)] == [0]
    assert [line["action"] for line in questions.audit_log(store, first)] == ["revisit", "revisit", "rating", "claim"]
    assert questions.audit_log(store, since=NOW + 6)[0]["number"] == "A-1"
    finished = questions.finished_between(store, NOW, NOW + 10)
    assert [(r["id"], r["revisit_satisfied"], r["revisit_note"]) for r in finished] == [(first, 0, "again")]
    facts = questions.report_facts(store, NOW - 100, NOW)
    assert [(f["rating"], f["answered_at"]) for f in facts] == [(5, NOW + 3)]

    second = add_question(store, "A-2", topic="wages", language="mn")
    assert [dict(r) for r in questions.queue_depth(store)] == [
        {"language": "mn", "topic_id": "wages", "status": "queued", "n": 1}]
    assert {(r["status"], r["language"], r["n"]) for r in questions.open_by_status(store)} == {("queued", "mn", 1)}
    assert [r["id"] for r in questions.oldest_waiting(store)] == [second]
    assert [r["id"] for r in questions.queue(store, NOW, region="152500", topic_ids=["wages"])] == [second]
    assert questions.queue(store, NOW, languages=["zh"]) == []


def test_leases_expire_and_phones_are_erased(store, desk):
    boss = add_staff(store, "chen", "supervisor")
    first = add_question(store, "B-1")
    questions.claim(store, desk, ["zh"], [], NOW, NOW + 10)
    assert questions.take_over(store, first, boss, NOW + 1, NOW + 20)["version"] == 3
    assert [r["claimed_by_name"] for r in questions.expiring_leases(store, NOW, 60)] == ["chen"]
    assert questions.release_expired(store, NOW + 30) == 1
    assert questions.question(store, first)["status"] == "queued"
    questions.add_attempt(store, first, desk, NOW + 31, "no_answer", "rang 13800000000")
    questions.save_revisit(store, first, desk, NOW + 32, False, None, "13800000000 off")

    def redact(text: str) -> str:
        return text.replace("13800000000", "***")

    assert questions.anonymise_inactive(store, NOW + 100, NOW + 200, redact) == 1
    assert questions.phone_of(store, first) is None
    assert questions.attempts_of(store, first)[0]["note"] == "rang ***"
    assert "13800000000" not in questions.question(store, first)["text"]
    assert questions.audit_log(store, first)[0]["action"] == "anonymise"


def test_claim_order_and_routing(store, desk):
    """Overdue first, then by due time, then those without a due time by age; routed by language
    and topic; a question not yet due for a call waits."""
    add_question(store, "C-late", due_at=NOW - 10, created_at=NOW - 5)
    add_question(store, "C-later", due_at=NOW + 100, created_at=NOW - 50)
    add_question(store, "C-none-old", due_at=None, created_at=NOW - 500)
    add_question(store, "C-none-new", due_at=None, created_at=NOW - 400)
    add_question(store, "C-first", due_at=NOW - 20, created_at=NOW - 1)
    add_question(store, "C-wait", due_at=NOW - 30, not_before=NOW + 60)
    add_question(store, "C-mn", due_at=NOW - 40, language="mn")
    add_question(store, "C-wages", due_at=NOW - 40, topic="wages")

    def numbers_at(now, languages, topics):
        out = []
        while (row := questions.claim(store, desk, languages, topics, now, now + 900)) is not None:
            out.append(row["number"])
        return out

    def numbers(languages, topics):
        return numbers_at(NOW, languages, topics)

    assert numbers(["zh"], ["land"]) == ["C-first", "C-late", "C-later", "C-none-old", "C-none-new"]
    assert numbers(["zh", "mn"], []) == ["C-mn", "C-wages"]
    assert numbers([], []) == []  # an account with no language set is routed nothing
    later = NOW + 901  # the waiting question is due for its call, every lease has run out
    assert numbers_at(later, ["zh"], ["land"])[:2] == ["C-wait", "C-first"]


def test_claim_walks_an_index_and_never_sorts(store, desk):
    store_rows = [("q-%d" % n, "N-%d" % n, "box-1", "152500", "land", "zh", "any", "138****0000",
                   "resolved" if n % 10 else "queued", NOW - n, NOW - n, NOW, NOW, NOW + n, 0)
                  for n in range(3000)]
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO questions (id, number, device_id, region, topic_id, language, callback_window, phone_masked, "
            "status, created_at, updated_at, window_start, window_end, due_at, not_before) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", store_rows)
    with store.write() as conn:
        conn.execute("ANALYZE")
    plan = explain(store, *questions.next_claimable(store, ["zh", "mn"], ["land", "wages"], NOW))
    assert "questions_claim" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
    assert questions.claim(store, desk, ["zh", "mn"], ["land", "wages"], NOW, NOW + 900)["number"] == "N-0"


# --- media, uploads, catalog --------------------------------------------------------------

def test_uploads_rows(store, desk):
    uploads.add_upload(store, "u1", desk, 5_000_000_000, "film.mp4", "video/mp4", "", NOW + 86400)
    uploads.add_upload(store, "u0", desk, 0, "empty.mp4", "video/mp4", "", NOW + 86400)
    assert uploads.open_upload_count(store, desk, NOW) == 1 and uploads.open_upload_total(store) == 1
    uploads.set_offset(store, "u1", 4_000_000_000, NOW + 90000)
    assert uploads.owned_upload(store, "u1", desk)["offset"] == 4_000_000_000
    uploads.set_offset(store, "u1", 5_000_000_000, NOW + 90000)
    assert uploads.upload(store, "u1")["completed_at"] is not None
    assert uploads.expired_uploads(store, NOW * 2) == []
    assert sorted(uploads.stale_finished_uploads(store, NOW * 2)) == ["u0", "u1"]
    assert uploads.known_ids(store, ["u0", "u9"]) == {"u0"}
    uploads.delete_upload(store, "u0")
    assert uploads.upload(store, "u0") is None


def add_video(store, video_id: str, category: str = "law") -> None:
    media.add_video_with_job(store, {
        "id": video_id, "category": category, "title_zh": "视频 " + video_id, "title_mn": "ᠸ",
        "audio_languages": ["zh"], "subtitle_languages": [], "source": {"probe": {}}, "owner_id": 1})


def test_media_jobs(store):
    media.add_category(store, "law", "法律", "ᠬᠠᠤᠯᠢ")
    media.add_category(store, "law", "again", "again")
    assert media.category_exists(store, "law")
    add_video(store, "v1")
    add_video(store, "v2")
    assert media.job_counts(store) == {"queued": 2, "running": 0, "failed": 0}
    assert media.claim_next_job(store)["id"] == "v1" and media.job_state(store, "v1") == "running"
    media.set_progress(store, "v1", 0.5)
    assert media.unfinished_transcodes(store)[0][1] in (0.5, 0)
    assert media.requeue_interrupted_jobs(store) == 1
    media.claim_next_job(store)
    media.finish_job(store, "v1", 61.5, [{"name": "360p"}], ["zh"])
    assert media.video(store, "v1")["status"] == "ready" and media.job_state(store, "v1") is None
    assert media.cancel_job(store, "v2") and not media.cancel_job(store, "v2")
    assert media.retry_job(store, "v2") and media.job_state(store, "v2") == "queued"
    media.claim_next_job(store)
    media.fail_job(store, "v2", "Transcoding failed")
    assert media.job_counts(store) == {"queued": 0, "running": 0, "failed": 1}


def test_catalog_and_categories(store):
    assert catalog.add_category(store, "law", "法律", "ᠬᠠᠤᠯᠢ")
    assert not catalog.add_category(store, "law", "x", "x")
    assert catalog.add_category(store, "family", "家庭", "ᠭᠡᠷ")
    assert catalog.rename_category(store, "law", "法律常识", "ᠬ")
    assert not catalog.rename_category(store, "nope", "x", "x")
    catalog.reorder_categories(store, ["family", "law"])
    assert [c["id"] for c in catalog.catalog_categories(store)] == ["family", "law"]
    assert catalog.category(store, "law")["title_zh"] == "法律常识"
    add_video(store, "v1")
    add_video(store, "v2", "family")
    media.claim_next_job(store)
    media.finish_job(store, "v1", 30.0, [])
    assert [v["id"] for v in catalog.ready_videos(store)] == ["v1"] and catalog.ready_video_ids(store) == {"v1"}
    assert [v["id"] for v in catalog.editor_videos(store)] == ["v2", "v1"]
    assert catalog.video_titled(store, "视频 v2")["status"] == "processing"
    assert schedule.ready_counts_by_category(store) == {"law": 1, "family": 0}
    assert documents.version_of(store, documents.Document.CATALOG) == (5,)


def test_schedule_and_channels(store):
    assert schedule.add_channel(store, "ch1", {"zh": "一台", "mn": "ᠨ"}, {"slots": []})
    assert not schedule.add_channel(store, "ch1", {"zh": "x", "mn": "x"}, {})
    assert schedule.replace_channel(store, "ch1", {"zh": "一台", "mn": "ᠨ"}, {"slots": [1]}, 5_000_000_000_000)
    assert schedule.add_override(store, "ch1", {"at": 1}, 5_000_000_100_000)
    assert [ms for ms, _ in schedule.schedule_versions(store, "ch1")] == [0, 5_000_000_000_000, 5_000_000_100_000]
    assert schedule.schedule_of(schedule.channel(store, "ch1")) == {"slots": [1], "overrides": [{"at": 1}]}
    assert [c["id"] for c in schedule.channels(store)] == ["ch1"]
    assert documents.version_of(store, documents.Document.CHANNELS) == (3,)
    assert schedule.delete_channel(store, "ch1") and schedule.channels(store) == []


def test_guidance(store):
    point = {"name": {"zh": "司法所", "mn": "ᠱ"}, "level": "county", "phone": "12348",
             "hours": {"zh": "9-17", "mn": "9-17"}, "address": {"zh": "路", "mn": "ᠵ"}}
    guidance.replace_services(store, [dict(point, id=i, region=r) for i, r in (
        ("far", "150100"), ("nation", "000000"), ("league", "152500"), ("county", "152522"),
        ("province", "150000"), ("other", "210100"))], by="li")
    assert [p["id"] for p in guidance.services_near(store, "152522")] == [
        "county", "league", "province", "far", "nation"]
    assert len(guidance.services_near(store, None)) == 6
    guidance.replace_glossary(store, [{"id": "g1", "term": {"zh": "仲裁", "mn": "ᠵ"},
                                       "definition": {"zh": "d", "mn": "d"}}])
    guidance.replace_guides(store, [{"topic": "land", "title": {"zh": "土地", "mn": "ᠭ"},
                                     "steps": [{"zh": "1", "mn": "1"}],
                                     "glossary": ["g1", "gone"], "category": None}])
    assert guidance.glossary_ids(store) == {"g1"} and guidance.guides(store)[0]["glossary"] == ["g1"]
    guidance.replace_glossary(store, [])
    assert guidance.set_version(store, "glossary") == 2 and guidance.set_version(store, "services") == 1
    assert documents.versions(store) == {"services": 1, "glossary": 2, "guides": 1}


def test_document_versions(store):
    assert documents.version_of(store, documents.Document.TOPICS) == (0,)
    for _ in range(3):
        with store.write() as conn:
            documents.bump(conn, documents.Document.TOPICS, documents.Document.GUIDES)
    assert documents.version_of(store, documents.Document.GUIDES, documents.Document.TOPICS) == (3, 3)


def test_staff_claiming_at_once_on_postgres_never_take_one_question_twice(postgres_migrated_url):
    """Eight desks drain the queue on their own connections at the same time: every question is
    claimed exactly once (a claim skips a row another claim holds instead of claiming it again)."""
    with psycopg.connect(postgres_migrated_url, autocommit=True) as conn:
        setup = postgres.PostgresTx(conn)
        accounts.add_device(setup, "box-1", "token-hash-1", "152500", "mn")
        questions.save_topic(setup, "land", {"zh": "土地", "mn": "ᠭ"}, [])
        staff = [add_staff(setup, f"desk-{n}") for n in range(8)]
        for n in range(300):
            add_question(setup, f"P-{n}", due_at=NOW + n % 17, created_at=NOW - n)
    start = threading.Barrier(len(staff))

    def drain(user_id: int) -> list[str]:
        taken = []
        with psycopg.connect(postgres_migrated_url, autocommit=True) as conn:
            tx = postgres.PostgresTx(conn)
            start.wait()
            while (row := questions.claim(tx, user_id, ["zh"], [], NOW, NOW + 900)) is not None:
                taken.append(row["number"])
        return taken

    with ThreadPoolExecutor(len(staff)) as pool:
        taken = [number for part in pool.map(drain, staff) for number in part]
    assert len(taken) == len(set(taken)) == 300


def test_nodes_starting_together_migrate_once(postgres_url):
    """Four nodes start on an empty database at the same instant: each finds the schema whole."""
    start = threading.Barrier(4)

    def start_node(_):
        start.wait()
        postgres.migrate(postgres_url)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(start_node, range(4)))
    with psycopg.connect(postgres_url) as conn:
        done = dict(conn.execute("SELECT feature, version FROM schema_versions").fetchall())
    assert done == {feature: len(steps) for feature, steps in postgres.migrations().items() if steps}


def test_placeholders_are_translated_outside_literals_and_comments_only():
    assert postgres.placeholders("SELECT ? FROM t WHERE a = '?' AND \"?\" = ? -- why?\n") == (
        "SELECT %s FROM t WHERE a = '?' AND \"?\" = %s -- why?\n")
    assert postgres.placeholders("SELECT 'it''s ?', ? WHERE d LIKE '%\"note\"%'") == (
        "SELECT 'it''s ?', %s WHERE d LIKE '%%\"note\"%%'")


def test_workers_asking_at_once_on_postgres_take_different_jobs(postgres_migrated_url):
    with psycopg.connect(postgres_migrated_url, autocommit=True) as conn:
        setup = postgres.PostgresTx(conn)
        media.add_category(setup, "law", "法律", "ᠬ")
        for n in range(120):
            add_video(setup, f"v{n:03}")
    start = threading.Barrier(6)

    def work(_) -> list[str]:
        taken = []
        with psycopg.connect(postgres_migrated_url, autocommit=True) as conn:
            worker = postgres.PostgresTx(conn)
            start.wait()
            while (video := media.claim_next_job(worker)) is not None:
                taken.append(video["id"])
        return taken

    with ThreadPoolExecutor(6) as pool:
        taken = [video_id for part in pool.map(work, range(6)) for video_id in part]
    assert sorted(taken) == [f"v{n:03}" for n in range(120)]
