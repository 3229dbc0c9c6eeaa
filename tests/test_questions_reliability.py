"""Boxes keep resending while the server is killed with kill -9 and restarted: every question the
server acknowledged exists exactly once, and the server's log holds no phone number."""
import http.client
import json
import threading
import time
import uuid

from content_server.kernel import auth
from content_server.questions import topics
from content_server.storage import Store, accounts

from . import given

CLIENTS = 4
BOXES_PER_CLIENT = 6
QUESTIONS_PER_BOX = 3


def make_boxes(store: Store) -> list[str]:
    given.write(store, topics.seed)
    tokens = []
    for n in range(CLIENTS * BOXES_PER_CLIENT):
        token, token_hash = auth.new_token("dev")
        given.write(store, accounts.add_device, f"box-{n}", token_hash, "152500", "mn")
        tokens.append(token)
    return tokens


def send_with_retries(port_of, work: list, acknowledged: dict, failures: list, retries: list,
                      deadline: float) -> None:
    """The box outbox: the same key and body again until the server answers."""
    conn = None
    for token, key, body in work:
        for _ in range(400):  # bounded retries per question
            if time.monotonic() > deadline:
                failures.append("deadline")
                return
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port_of(), timeout=5)
                conn.request("POST", "/api/v1/questions", body=json.dumps(body),
                             headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key,
                                      "Content-Type": "application/json"})
                resp = conn.getresponse()
                reply = json.loads(resp.read())
            except (OSError, http.client.HTTPException, ValueError):
                if conn is not None:
                    conn.close()
                conn = None
                retries.append(key)
                time.sleep(0.05)
                continue
            if resp.status in (200, 201):
                acknowledged[key] = reply["id"]
                break
            failures.append((resp.status, reply))
            return
    if conn is not None:
        conn.close()


def wait_for(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_acknowledged_questions_survive_kill_9_exactly_once(server_process, tmp_path):
    database = tmp_path / "data" / "legal-tv.db"
    store = Store(database)
    tokens = make_boxes(store)
    store.close()
    server = server_process()
    port = server.port

    work = [[] for _ in range(CLIENTS)]
    phones = []
    for n, token in enumerate(tokens):
        for q in range(QUESTIONS_PER_BOX):
            phone = f"1380471{n:02d}{q:02d}"
            phones.append(phone)
            body = {"topic": ("traffic", "wages", "land")[q], "phrases": [], "text": f"第{q}个问题",
                    "phone": phone, "callback_window": "any", "language": "mn"}
            work[n % CLIENTS].append((token, str(uuid.uuid4()), body))
    total = sum(len(w) for w in work)
    acknowledged: dict = {}
    failures: list = []
    retries: list = []
    deadline = time.monotonic() + 120
    clients = [threading.Thread(target=send_with_retries,
                                args=(lambda: port, w, acknowledged, failures, retries, deadline))
               for w in work]
    for client in clients:
        client.start()
    for target in (total // 4, total // 2):  # two crashes while the boxes are sending
        wait_for(lambda: len(acknowledged) >= target, 60)
        server.kill()
        server = server_process(port)
    for client in clients:
        client.join(130)
    assert failures == []
    assert len(acknowledged) == total
    assert retries  # the crashes really cut boxes off mid-send

    # every acknowledged question is there exactly once; retries created no second copy
    store = Store(database)
    for key, question_id in acknowledged.items():
        rows = given.read(store, given.rows, "SELECT question_id FROM question_submissions WHERE idempotency_key = ?", (key,))
        assert [r["question_id"] for r in rows] == [question_id]
        assert given.read(store, given.row, "SELECT COUNT(*) AS n FROM questions WHERE id = ?", (question_id,))["n"] == 1
    assert given.read(store, given.row, "SELECT COUNT(*) AS n FROM questions")["n"] == total
    store.close()
    # a box that never heard the answer sends again after the restart and gets the same question
    token, key, body = work[0][0]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("POST", "/api/v1/questions", body=json.dumps(body),
                 headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key,
                          "Content-Type": "application/json"})
    resp = conn.getresponse()
    assert resp.status == 200 and json.loads(resp.read())["id"] == acknowledged[key]
    conn.close()
    server.stop()
    logs = "".join(p.read_text(errors="replace") for p in tmp_path.glob("server-*.log"))
    assert logs and not any(phone in logs or phone[3:] in logs for phone in phones)
