"""The server on PostgreSQL: the store opened by URL, intake's rules under concurrent writers,
and a database that cannot be reached answered with 503 and Retry-After."""
from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import sys
import uuid
from collections import defaultdict

import psycopg
import pytest

from content_server.app import create_app
from content_server.kernel.config import Settings
from content_server.storage import STORE, Store, accounts, documents, media

from .conftest import METRICS_TOKEN
from .test_questions import ask, question_body
from . import given



@pytest.fixture
def engine() -> str:
    """The app of these tests runs on PostgreSQL only."""
    return "postgresql"

TOPICS = ("wages", "traffic", "labour", "family", "land")


def test_a_postgresql_url_opens_a_migrated_store_with_the_same_caches(postgres_url):
    store = Store(postgres_url)
    try:
        assert store.path is None and store.dialect == "postgresql"
        assert store.write_blocking(accounts.add_device, "box-1", "hash-1", "152500", "mn") is None
        assert store.read_blocking(accounts.device_by_token, "hash-1")["id"] == "box-1"
        before = store.version_of(documents.Document.CATALOG)
        store.write_blocking(documents.bump, documents.Document.CATALOG)
        assert store.changes == 2 and store.version_of(documents.Document.CATALOG)[0] == before[0] + 1
    finally:
        store.close()
    reopened = Store(postgres_url)  # migrating again changes nothing
    try:
        assert reopened.read_blocking(accounts.device_by_token, "hash-1")["region"] == "152500"
    finally:
        reopened.close()


async def test_a_write_on_one_node_moves_the_change_count_of_every_node(postgres_migrated_url):
    """The consoles' live views tag their fragments with `store.changes`: a claim taken through
    one API node must change what the other node's desk pages show."""
    node_a, node_b = await asyncio.gather(asyncio.to_thread(Store, postgres_migrated_url),
                                          asyncio.to_thread(Store, postgres_migrated_url))
    try:
        await node_b.refresh_versions()
        before = node_b.changes
        await node_a.write(accounts.add_device, "box-1", "hash-1", "152500", "mn")
        await node_b.refresh_versions()  # what node B does by itself every half second
        assert node_b.changes > before
        assert node_a.changes == node_b.changes  # both now name the same state
    finally:
        await asyncio.gather(asyncio.to_thread(node_a.close), asyncio.to_thread(node_b.close))


async def test_one_box_sending_many_questions_at_once_keeps_the_rules(client, device):
    """Each key is sent twice and each topic by two keys, all at once: on PostgreSQL several
    write units run together, so only the per-box lock keeps the read-then-insert rules."""
    keys = [(topic, str(uuid.uuid4())) for topic in TOPICS for _ in range(2)]
    sent = [(topic, key) for topic, key in keys for _ in range(2)]
    replies = await asyncio.gather(*(ask(client, device, key=key, topic=topic, phrases=[f"{topic}.1"])
                                     for topic, key in sent))
    answers = [(resp.status, await resp.json()) for resp in replies]

    assert {status for status, _ in answers} <= {200, 201, 429}, answers  # no unique-constraint 500s
    by_key = defaultdict(set)
    for (topic, key), (status, body) in zip(sent, answers):
        if status != 429:
            by_key[key].add(body["id"])
    assert all(len(ids) == 1 for ids in by_key.values())  # a replay gets the question its key made
    rows = await client.server.app[STORE].read(
        given.rows, "SELECT topic_id, status FROM questions ORDER BY topic_id")
    assert 1 <= len(rows) <= 3  # never more than three open
    assert len({row["topic_id"] for row in rows}) == len(rows)  # the same topic joined, not doubled
    submissions = await client.server.app[STORE].read(given.row, "SELECT COUNT(*) AS n FROM question_submissions")
    assert submissions["n"] == len(by_key)


async def test_a_lost_database_connection_is_a_503_with_retry_after_then_service_resumes(client, device, settings):
    assert (await ask(client, device)).status == 201
    with psycopg.connect(settings.database, autocommit=True) as admin:  # the database restarts under the node
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    statuses = []
    for _ in range(12):  # every pooled connection was cut: each is found broken once, then replaced
        resp = await client.get("/api/v1/questions", headers=device)
        statuses.append(resp.status)
        if resp.status == 503:
            body = await resp.json()
            assert body["error"] == "database_unavailable" and resp.headers["Retry-After"] == "30"
            assert body["message"]["zh"] and body["message"]["mn"]
        else:
            break
    assert 503 in statuses and statuses[-1] == 200


def test_the_user_command_writes_to_the_database_it_is_given(postgres_migrated_url, tmp_path):
    done = subprocess.run([sys.executable, "-m", "content_server.cli", "user", "add", "li", "--role", "editor",
                           "--data", str(tmp_path / "data"), "--database", postgres_migrated_url],
                          input="correct horse battery\n", capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    store = Store(Settings(data=tmp_path / "data", database=postgres_migrated_url,
                           metrics_token=METRICS_TOKEN).database_url)
    try:
        assert store.read_blocking(accounts.user_by_name, "li")["role"] == "editor"
    finally:
        store.close()
    assert not (tmp_path / "data" / "legal-tv.db").exists()


def given_a_running_and_a_queued_job(url: str) -> None:
    store = Store(url)
    try:
        store.write_blocking(media.add_category, "law", "法律", "ᠬᠠᠤᠯᠢ")
        for video_id in ("running-elsewhere", "waiting"):
            store.write_blocking(media.add_video_with_job, {
                "id": video_id, "category": "law", "title_zh": "视频", "title_mn": "ᠸ",
                "audio_languages": ["zh"], "subtitle_languages": [], "source": {"probe": {}}})
        assert store.write_blocking(media.claim_next_job)["id"] == "running-elsewhere"
    finally:
        store.close()


async def test_an_api_node_without_the_transcoder_leaves_every_job_to_the_workers(aiohttp_client, settings):
    """`serve --no-transcode`: a job a worker elsewhere is running is not taken back at start,
    and a queued one stays queued for the workers."""
    await asyncio.to_thread(given_a_running_and_a_queued_job, settings.database_url)
    client = await aiohttp_client(create_app(dataclasses.replace(settings, transcode=False)))
    assert (await client.get("/api/v1/catalog")).status == 200
    node_store = client.server.app[STORE]
    assert await node_store.read(media.job_state, "running-elsewhere") == "running"
    assert await node_store.read(media.job_counts) == {"queued": 1, "running": 1, "failed": 0}
