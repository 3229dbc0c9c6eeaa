"""Transcode workers on other machines: `content-server worker` processes claim jobs from the
database with a lease kept by a heartbeat, on a data root every node shares.

The claim rules run on both engines; the processes run on one SQLite data root (real ffmpeg,
real kill -9), with short leases and polls set through `--extra`.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from content_server.kernel import auth
from content_server.kernel.config import DataRoot
from content_server.media import jobs
from content_server.media.worker import listen_for_jobs
from content_server.storage import Store, accounts, media as media_sql, postgres

from . import given
from . import media_samples as samples
from .conftest import add_account
from .ready_video import ensure_category
from .test_transcode_restart import (call, exits_within, kill_and_close, media_processes, rendition_is_clean,
                                     transcoding_ffmpeg)
from .tus import tus_upload_sync

TITLE = {"zh": "交通事故", "mn": "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"}


def add_video(run, video_id: str) -> None:
    run(media_sql.add_video_with_job, {
        "id": video_id, "category": "law", "title_zh": "视频", "title_mn": "ᠸ",
        "audio_languages": ["zh"], "subtitle_languages": [], "source": {"probe": {}}, "owner_id": 1})


@pytest.fixture(params=["sqlite", "postgresql"])
def run(request, tmp_path):
    """Runs a storage unit on a fresh database of the engine and returns its result."""
    if request.param == "sqlite":
        store = Store(tmp_path / "legal-tv.db")
        yield store.write_blocking
        store.close()
    else:
        url = request.getfixturevalue("postgres_migrated_url")
        with psycopg.connect(url, autocommit=True) as conn:
            tx = postgres.PostgresTx(conn)
            yield lambda fn, *args, **kw: fn(tx, *args, **kw)


def test_a_lapsed_lease_passes_the_job_on_and_only_the_current_claim_finishes_it(run):
    run(media_sql.add_category, "law", "法律", "ᠬ")
    add_video(run, "v1")
    # given worker A holds the job with a 10 s lease
    first = run(media_sql.claim_next_job, "host-a:11", 10, now=1000)
    assert first["id"] == "v1" and first["holder"] == "host-a:11:1"
    # while A's heartbeat renews it, no other worker can take it
    assert run(media_sql.claim_next_job, "host-b:22", 10, now=1009) is None
    assert run(media_sql.renew_lease, "v1", "host-a:11:1", 10, 0.4, now=1009)
    assert run(media_sql.claim_next_job, "host-b:22", 10, now=1018) is None
    # when A stops renewing (killed), the lapsed lease lets B take the job
    second = run(media_sql.claim_next_job, "host-b:22", 10, now=1020)
    assert second["holder"] == "host-b:22:2" and second["progress"] == 0
    # then A's heartbeat, failure and finish change nothing: the job is B's
    assert not run(media_sql.renew_lease, "v1", "host-a:11:1", 10, now=1021)
    assert not run(media_sql.fail_job, "v1", "broken", "host-a:11:1")
    assert not run(media_sql.finish_job, "v1", 12.0, [], None, "host-a:11:1")
    assert run(media_sql.video, "v1")["status"] == "processing"
    # and B's finish marks the video ready exactly once
    assert run(media_sql.finish_job, "v1", 12.0, [], None, "host-b:22:2")
    assert not run(media_sql.finish_job, "v1", 12.0, [], None, "host-b:22:2")
    assert run(media_sql.video, "v1")["status"] == "ready"
    assert run(media_sql.job_counts) == {"queued": 0, "running": 0, "failed": 0}


def test_a_node_starting_leaves_another_nodes_ingest_in_progress_alone(tmp_path):
    # given a shared media root where another node is ingesting (its work folder filled, the
    # video's row not written yet), one ingest's staging folder, a crash's leftover from long ago,
    # a processing video's folder and a ready video's folder
    root = DataRoot(tmp_path / "data")
    root.create()
    store = Store(root.database)
    store.write_blocking(media_sql.add_category, "law", "法律", "ᠬ")
    for video_id in ("processing", "ready"):
        add_video(store.write_blocking, video_id)
    store.write_blocking(media_sql.finish_job, "ready", 12.0, [], None, None)
    now = time.time()
    for name in ("ingesting", "staging.new", "crashed", "processing", "ready"):
        (root.work / name).mkdir(parents=True)
        (root.work / name / "source").write_bytes(b"x")
    long_ago = now - 2 * jobs.INGEST_GRACE_SECONDS
    os.utime(root.work / "crashed", (long_ago, long_ago))
    # when a node starting its transcode workers sweeps the work folders
    jobs.sweep_work(store, root, now=now)
    store.close()
    # then only the leftovers are gone; the ingest in progress keeps its source
    assert sorted(p.name for p in root.work.iterdir()) == ["ingesting", "processing", "staging.new"]
    assert (root.work / "ingesting" / "source").exists()


def test_a_cancel_ends_the_claim_at_its_next_heartbeat(run):
    run(media_sql.add_category, "law", "法律", "ᠬ")
    add_video(run, "v1")
    holder = run(media_sql.claim_next_job, "host-a:11")["holder"]
    assert run(media_sql.cancel_job, "v1")
    assert not run(media_sql.renew_lease, "v1", holder)
    # a retry queues a new job: the old claim still holds nothing
    assert run(media_sql.retry_job, "v1")
    assert not run(media_sql.renew_lease, "v1", holder)
    assert run(media_sql.claim_next_job, "host-b:22")["holder"] == "host-b:22:1"


def test_a_job_queued_on_postgresql_wakes_a_listening_worker(postgres_migrated_url):
    def queue_a_job() -> None:
        with psycopg.connect(postgres_migrated_url, autocommit=True) as conn:
            tx = postgres.PostgresTx(conn)
            media_sql.add_category(tx, "law", "法律", "ᠬ")
            add_video(lambda fn, *args: fn(tx, *args), "v1")

    async def scenario() -> None:
        woken = asyncio.Event()
        listener = asyncio.create_task(listen_for_jobs(postgres_migrated_url, woken.set, retry_seconds=600))
        try:
            await asyncio.wait_for(woken.wait(), 30)  # listening (it looks once at connect)
            woken.clear()
            # when a job is queued on another connection (another node)
            await asyncio.to_thread(queue_a_job)
            # then the listener is woken by NOTIFY, not by a poll (none in this test)
            await asyncio.wait_for(woken.wait(), 30)
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)
    asyncio.run(scenario())


# ---- real processes on one shared data root ----

class WorkerProcess:
    """`content-server worker` as its own process, so tests can kill -9 it."""

    def __init__(self, data: Path, name: str, lease: float = 2.0, poll: float = 0.3, database: str = ""):
        log = open(data.parent / f"worker-{name}.log", "ab")
        extra = {"transcode_lease_seconds": lease, "transcode_poll_seconds": poll}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "content_server.cli", "worker", "--data", str(data), "--extra", json.dumps(extra),
             *(["--database", database] if database else [])],
            stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(tmp_path):
    started: list[WorkerProcess] = []

    def start(name: str, **kw) -> WorkerProcess:
        worker = WorkerProcess(tmp_path / "data", name, **kw)
        started.append(worker)
        return worker
    yield start
    for worker in started:
        worker.stop()


@pytest.fixture
def api_node(server_process, tmp_path, monkeypatch):
    """A server that transcodes nothing itself (transcode_workers 0), and an editor's headers."""
    data = tmp_path / "data"
    data.mkdir(exist_ok=True)
    store = Store(data / "legal-tv.db")
    token, token_hash = auth.new_token("ltv")
    given.write(store, accounts.add_api_token, add_account(store, "saren", "editor"), token_hash)
    ensure_category(store)
    monkeypatch.setenv("LEGAL_TV_TRANSCODE_WORKERS", "0")
    server = server_process()
    yield server, store, {"Authorization": f"Bearer {token}"}
    store.close()


def submit(server, editor: dict, source: bytes) -> str:
    upload_id = tus_upload_sync(server.url, editor, source)
    status, answer = call(server, "POST", "/api/v1/videos", editor,
                          {"upload_id": upload_id, "category": "traffic", "title": TITLE})
    assert status == 202, answer
    return answer["id"]


def status_once_settled(server, editor: dict, video_id: str, seconds: float = 180) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = call(server, "GET", f"/api/v1/videos/{video_id}", editor)[1]
        if body["status"] != "processing":
            return body
        time.sleep(0.2)
    return body


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])


def transcoding_parents(data: Path, seconds: float = 60) -> set[int]:
    """The processes that started the ffmpeg transcoding into the data root, once one runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        parents = set()
        for pid, args in media_processes(data).items():
            if any(str(data / "work").encode() in a for a in args) and b"-filter_complex" in args:
                try:
                    parents.add(parent_of(pid))
                except (OSError, IndexError):
                    continue
        if parents:
            return parents
        time.sleep(0.02)
    raise AssertionError("no transcode started")


def work_folder_emptied(data: Path, seconds: float = 10) -> list[str]:
    deadline = time.monotonic() + seconds
    while any((data / "work").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)  # removed just after the video turns ready
    return sorted(str(p.relative_to(data / "work")) for p in (data / "work").rglob("*"))


@pytest.mark.slow
def test_an_upload_ingested_by_the_server_is_transcoded_by_a_worker_and_reaches_the_catalog(api_node, workers, tmp_path):
    server, store, editor = api_node
    data = tmp_path / "data"
    video_id = submit(server, editor, samples.two_languages(8, "640x360"))
    # the server itself runs no transcode: the job waits in the database
    assert given.read(store, media_sql.job_state, video_id) == "queued"
    # when a worker process on the same data root starts
    worker = workers("a")
    # then it runs the transcode (not the server), the video becomes ready and households see it in the catalog
    assert transcoding_parents(data) == {worker.proc.pid}
    assert status_once_settled(server, editor, video_id)["status"] == "ready"
    device = call(server, "POST", "/api/v1/devices", {}, {"region": "152500", "language": "mn"})[1]
    catalog = call(server, "GET", "/api/v1/catalog", {"Authorization": f"Bearer {device['token']}"})[1]
    assert [item["id"] for item in catalog["items"]] == [video_id]
    assert (data / "renditions" / video_id / "master.m3u8").is_file()
    assert work_folder_emptied(data) == []


@pytest.mark.slow
def test_a_worker_killed_mid_transcode_loses_its_lease_and_another_finishes_the_job_once(api_node, workers, tmp_path):
    server, store, editor = api_node
    data = tmp_path / "data"
    first = workers("a")
    video_id = submit(server, editor, samples.two_languages(12, "640x360"))
    # given worker A transcoding, its ffmpeg held still so that it cannot simply finish first
    assert transcoding_parents(data) == {first.proc.pid}
    encoders = transcoding_ffmpeg(data)
    try:
        for pidfd in encoders:
            signal.pidfd_send_signal(pidfd, signal.SIGSTOP)
        attempts = [p.name for p in (data / "work" / video_id).glob("attempt-*")]
        assert len(attempts) == 1 and attempts[0].startswith(f"attempt-{os.uname().nodename}-{first.proc.pid}-1-")
        second = workers("b")  # idle: the job is A's while A's heartbeat renews the lease
        # when A is killed without warning
        first.kill()
        # then its ffmpeg dies with it
        assert all(exits_within(pidfd, 30) for pidfd in encoders)
    finally:
        kill_and_close(encoders)
    # and once A's lease lapses, B redoes the job and the video becomes ready
    assert status_once_settled(server, editor, video_id)["status"] == "ready"
    assert second.proc.poll() is None
    # exactly once: one ready row, no job left, one clean rendition, no attempt folder, no ffmpeg
    assert given.read(store, given.rows, "SELECT id FROM videos WHERE status = 'ready'")[0]["id"] == video_id
    assert len(given.read(store, given.rows, "SELECT id FROM videos WHERE status = 'ready'")) == 1
    assert given.read(store, media_sql.job_counts) == {"queued": 0, "running": 0, "failed": 0}
    assert [p.name for p in (data / "renditions").iterdir()] == [video_id]
    assert [p.name for p in (data / "posters").iterdir()] == [video_id]
    rendition_is_clean(data / "renditions" / video_id)
    assert work_folder_emptied(data) == []
    assert media_processes(data) == {}


@pytest.mark.slow
def test_a_cancel_reaches_a_worker_at_its_next_heartbeat_and_stops_its_ffmpeg(api_node, workers, tmp_path):
    server, store, editor = api_node
    data = tmp_path / "data"
    worker = workers("a", lease=3.0)
    video_id = submit(server, editor, samples.two_languages(12, "640x360"))
    assert transcoding_parents(data) == {worker.proc.pid}
    encoders = transcoding_ffmpeg(data)
    try:
        for pidfd in encoders:  # no progress writes from here on: only the heartbeat can notice
            signal.pidfd_send_signal(pidfd, signal.SIGSTOP)
        # when an editor cancels on the API node (which runs no transcode itself)
        status, body = call(server, "POST", f"/api/v1/videos/{video_id}/cancel", editor)
        assert status == 200 and body["status"] == "cancelled"
        # then the worker's ffmpeg stops, and the worker lives on for the next job
        assert all(exits_within(pidfd, 30) for pidfd in encoders)
    finally:
        kill_and_close(encoders)
    assert media_processes(data) == {}
    assert worker.proc.poll() is None
    assert not (data / "renditions" / video_id).exists()
    assert given.read(store, media_sql.video, video_id)["status"] == "cancelled"


@pytest.mark.slow
def test_a_worker_told_to_stop_hands_its_job_back_at_once(api_node, workers, tmp_path):
    server, store, editor = api_node
    data = tmp_path / "data"
    worker = workers("a", lease=600.0)  # a lease that would keep the job from anyone for ten minutes
    video_id = submit(server, editor, samples.two_languages(12, "640x360"))
    assert transcoding_parents(data) == {worker.proc.pid}
    # when the worker is stopped politely (SIGTERM, as systemd does)
    worker.stop()
    assert worker.proc.returncode == 0
    # then its ffmpeg is gone and the job is queued again, for any worker, without waiting for the lease
    assert media_processes(data) == {}
    assert given.read(store, media_sql.job_state, video_id) == "queued"
    workers("b")
    assert status_once_settled(server, editor, video_id)["status"] == "ready"
