"""Eight lawyers claim from a full queue at the same moment, each with their own HTTP client."""
import http.client
import json
import threading
import time
import uuid

from content_server.kernel import auth
from content_server.questions import topics
from content_server.questions.calendar import default_calendar
from content_server.questions.intake import submit
from content_server.storage import Store, accounts

from .conftest import add_account
from . import given
import pytest

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL

QUESTIONS = 1000
STAFF = 8


def fill_queue(store: Store) -> list[str]:
    given.write(store, topics.seed)
    return given.write(store, _queue_questions, time.time())


def _queue_questions(tx, now: float) -> list[str]:
    ids = []
    for n in range(QUESTIONS):
        if n % 3 == 0:
            device_id = f"box-{n // 3}"
            tx.execute("INSERT INTO devices (id, token_hash, region, language, created_at) "
                       "VALUES (?, ?, '152500', 'mn', ?)", (device_id, f"h-{device_id}", now))
            device = tx.one("SELECT * FROM devices WHERE id = ?", (device_id,))
        body = {"topic": "wages", "phrases": ["wages.1"], "text": "", "phone": f"139{n:08d}",
                "callback_window": "any", "language": "mn" if n % 2 else "zh"}
        status, reply = submit(tx, device, str(uuid.uuid4()), body, now - n, default_calendar())
        assert status == 201
        ids.append(reply["id"])
    return ids


def staff_tokens(store: Store) -> dict[int, str]:
    tokens = {}
    for n in range(STAFF):
        user_id = add_account(store, f"lawyer-{n}", "staff", "zh,mn")
        token, token_hash = auth.new_token("ltv")
        given.write(store, accounts.add_api_token, user_id, token_hash)
        tokens[user_id] = token
    return tokens


def claim_until_empty(port: int, token: str, claimed: list, failures: list, deadline: float) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        for _ in range(QUESTIONS + 1):  # bounded: never more claims than questions, plus the empty answer
            if time.monotonic() > deadline:
                failures.append("deadline")
                return
            conn.request("POST", "/api/v1/desk/claim", body="{}",
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            resp = conn.getresponse()
            reply = json.loads(resp.read())
            if resp.status == 404 and reply["error"] == "queue_empty":
                return
            if resp.status != 200:
                failures.append((resp.status, reply))
                return
            claimed.append(reply["id"])
    finally:
        conn.close()


def test_eight_staff_claim_a_thousand_questions_none_twice_none_lost(server_process, settings):
    store = Store(settings.database_url)
    ids = fill_queue(store)
    tokens = staff_tokens(store)
    store.close()
    server = server_process()

    claimed = {user_id: [] for user_id in tokens}
    failures: list = []
    deadline = time.monotonic() + 240
    threads = [threading.Thread(target=claim_until_empty, args=(server.port, token, claimed[user_id], failures,
                                                                 deadline)) for user_id, token in tokens.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(260)
    assert failures == []
    every_claim = [qid for got in claimed.values() for qid in got]
    assert len(every_claim) == len(set(every_claim)) == QUESTIONS  # none twice
    assert set(every_claim) == set(ids)                            # none lost
    assert sum(1 for got in claimed.values() if got) > 1           # the work was really shared

    store = Store(settings.database_url)
    holders = {r["id"]: r["claimed_by"] for r in given.read(store, given.rows, "SELECT id, claimed_by FROM questions WHERE status = 'claimed'")}
    assert len(holders) == QUESTIONS
    for user_id, got in claimed.items():
        assert all(holders[qid] == user_id for qid in got)
    assert given.read(store, given.row, "SELECT COUNT(*) AS n FROM question_audit WHERE action = 'claim'")["n"] == QUESTIONS
    store.close()
