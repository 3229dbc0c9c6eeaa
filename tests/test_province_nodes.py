"""A province on one machine: two API nodes and two transcode workers on one PostgreSQL and one
media root. Boxes submit questions across both nodes and resend on connection errors (as the
box outbox does), staff claim across both, and one node and one worker (mid-transcode) are
killed with kill -9. Nothing acknowledged is lost, nothing is claimed twice, and the job is
finished exactly once.
"""
from __future__ import annotations

import http.client
import signal
import threading
import urllib.error
import uuid

import pytest

from content_server.kernel import auth
from content_server.storage import Store, accounts, media as media_sql

from . import given
from . import media_samples as samples
from .conftest import ServerProcess, add_account
from .ready_video import ensure_category
from .test_transcode_restart import (call, exits_within, kill_and_close, media_processes, rendition_is_clean,
                                     transcoding_ffmpeg)
from .test_transcode_workers import (WorkerProcess, status_once_settled, submit, transcoding_parents,
                                     work_folder_emptied)

BOXES = 6
QUESTIONS_PER_BOX = 3  # the open-question cap of one box
STAFF = 3
WAIT = 120  # bound on every wait for a state, in seconds


def send(server, method: str, path: str, headers: dict, body: dict | None = None) -> tuple[int, dict] | None:
    """One request; None when the node cannot be reached or dies before answering."""
    try:
        return call(server, method, path, headers, body)
    except (urllib.error.URLError, ConnectionError, http.client.HTTPException, TimeoutError):
        return None


def send_to_any(nodes: list, start: int, method: str, path: str, headers: dict, body: dict | None = None):
    """Sends to nodes[start], then to the others while a node cannot be reached (as a box behind
    a load balancer sees it: the same request again, on another connection)."""
    for turn in range(len(nodes)):
        answer = send(nodes[(start + turn) % len(nodes)], method, path, headers, body)
        if answer is not None:
            return answer
    raise AssertionError(f"no node answered {method} {path}")


def question_body(box: int, number: int) -> dict:
    return {"topic": "labour", "phrases": ["labour.1"], "text": f"box {box} question {number}",
            "phone": f"138{box:04d}{number:04d}", "callback_window": "any", "language": "mn"}


@pytest.fixture
def province(tmp_path, postgres_migrated_url, monkeypatch):
    """Two API nodes (--no-transcode) and two workers on one PostgreSQL and one media root."""
    data = tmp_path / "data"
    data.mkdir()
    store = Store(postgres_migrated_url)
    ensure_category(store)
    monkeypatch.setenv("LEGAL_TV_TRANSCODE", "false")
    nodes = [ServerProcess(data, database=postgres_migrated_url), ServerProcess(data, database=postgres_migrated_url)]
    workers: list[WorkerProcess] = []
    try:
        for node in nodes:
            node.start()
        workers += [WorkerProcess(data, name, database=postgres_migrated_url) for name in ("a", "b")]
        yield store, data, nodes, workers
    finally:
        for process in [*nodes, *workers]:
            process.stop()
        store.close()


def bearer(store: Store, name: str, role: str) -> dict:
    token, token_hash = auth.new_token("ltv")
    given.write(store, accounts.add_api_token, add_account(store, name, role), token_hash)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.slow
def test_two_nodes_and_two_workers_lose_nothing_and_do_nothing_twice_when_one_of_each_is_killed(province):
    store, data, nodes, workers = province
    editor = bearer(store, "saren", "editor")
    staff = [bearer(store, f"lawyer{n}", "staff") for n in range(STAFF)]
    boxes = []
    for n in range(BOXES):
        status, device = send_to_any(nodes, n, "POST", "/api/v1/devices", {}, {"region": "152500", "language": "mn"})
        assert status == 201, device
        boxes.append({"Authorization": f"Bearer {device['token']}"})

    # given a video uploaded through node 0 and a worker transcoding it, its ffmpeg held still
    video_id = submit(nodes[0], editor, samples.two_languages(8, "640x360"))
    (transcoding_pid,) = transcoding_parents(data)
    doomed_worker = next(w for w in workers if w.proc.pid == transcoding_pid)
    encoders = transcoding_ffmpeg(data)
    for pidfd in encoders:
        signal.pidfd_send_signal(pidfd, signal.SIGSTOP)

    acknowledged: dict[tuple[int, str], str] = {}
    claimed: list[str] = []
    lock = threading.Lock()
    first_round_done = threading.Barrier(BOXES + 1)
    killed, boxes_done, new_question = threading.Event(), threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def box(n: int) -> None:
        try:
            for number in range(QUESTIONS_PER_BOX):
                if number == 1:  # the rest are sent once a node and a worker are gone
                    first_round_done.wait(WAIT)
                    assert killed.wait(WAIT)
                key = str(uuid.uuid4())  # kept by the outbox until an answer arrives
                status, reply = send_to_any(nodes, n + number, "POST", "/api/v1/questions",
                                            {**boxes[n], "Idempotency-Key": key}, question_body(n, number))
                assert status in (200, 201), reply
                with lock:
                    acknowledged[(n, key)] = reply["id"]
                new_question.set()
        except BaseException as exc:
            failures.append(exc)
            first_round_done.abort()

    def lawyer(n: int) -> None:
        try:
            turn = n
            while True:
                turn += 1
                finished = boxes_done.is_set()  # read before the claim: a 404 after it means all are taken
                status, reply = send_to_any(nodes, turn, "POST", "/api/v1/desk/claim", staff[n])
                if status == 200:
                    with lock:
                        claimed.append(reply["id"])
                    continue
                assert status == 404 and reply["error"] == "queue_empty", reply
                if finished:
                    return
                new_question.clear()
                new_question.wait(1)  # until a box's next question arrives (or look again)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=box, args=(n,)) for n in range(BOXES)]
    lawyers = [threading.Thread(target=lawyer, args=(n,)) for n in range(STAFF)]
    for thread in [*threads, *lawyers]:
        thread.start()
    try:
        # when, mid-run, node 1 and the transcoding worker are killed without warning
        first_round_done.wait(WAIT)
        nodes[1].kill()
        doomed_worker.kill()
        killed.set()
        assert all(exits_within(pidfd, 30) for pidfd in encoders)  # its ffmpeg dies with it
    finally:
        killed.set()
        kill_and_close(encoders)
        for thread in threads:
            thread.join(WAIT)
        boxes_done.set()
        new_question.set()
        for thread in lawyers:
            thread.join(WAIT)
    assert not failures, failures
    assert not any(thread.is_alive() for thread in [*threads, *lawyers])

    # then every acknowledged question is in the database exactly once
    assert len(acknowledged) == BOXES * QUESTIONS_PER_BOX
    rows = given.read(store, given.rows, "SELECT id, status FROM questions")
    assert sorted(r["id"] for r in rows) == sorted(acknowledged.values())
    submissions = given.read(store, given.rows, "SELECT device_id, idempotency_key FROM question_submissions")
    assert len(submissions) == len(acknowledged)
    # and every one was claimed, none twice (the desk's audit and the answers the staff saw)
    assert {r["status"] for r in rows} == {"claimed"}
    claims = given.read(store, given.rows, "SELECT question_id, COUNT(*) AS n FROM question_audit "
                                           "WHERE action = 'claim' GROUP BY question_id")
    assert {c["question_id"] for c in claims} == set(acknowledged.values())
    assert {c["n"] for c in claims} == {1}
    assert len(claimed) == len(set(claimed))

    # and the surviving worker finished the job exactly once: one ready video, one clean rendition,
    # no attempt folder, no ffmpeg left
    assert status_once_settled(nodes[0], editor, video_id, WAIT)["status"] == "ready"
    survivor = next(w for w in workers if w is not doomed_worker)
    assert survivor.proc.poll() is None
    ready = given.read(store, given.rows, "SELECT id FROM videos WHERE status = 'ready'")
    assert [r["id"] for r in ready] == [video_id]
    assert given.read(store, media_sql.job_counts) == {"queued": 0, "running": 0, "failed": 0}
    assert [p.name for p in (data / "renditions").iterdir()] == [video_id]
    rendition_is_clean(data / "renditions" / video_id)
    assert work_folder_emptied(data) == []
    assert media_processes(data) == {}
