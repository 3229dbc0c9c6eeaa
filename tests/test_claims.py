"""The callback desk: claims with leases, calls, answers, referrals, take-over, audit, masking, reports."""
import csv
import io
import json
import time
import uuid
from datetime import time as clock

import pytest

from content_server.questions import workflow
from content_server.questions import housekeeping, reports
from content_server.questions.calendar import default_calendar
from content_server.questions.intake import submit
from content_server.storage import STORE, questions as db

from .conftest import METRICS, add_account
from .console_session import post_login
from . import given

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL

CAL = default_calendar()


def body(**changes) -> dict:
    base = {"topic": "labour", "phrases": ["labour.1"], "text": "", "phone": "13812348000",
            "callback_window": "any", "language": "mn"}
    return {**base, **changes}


def add_device(store, name: str, language: str = "mn"):
    given.write(store, given.run_sql, "INSERT INTO devices (id, token_hash, region, language, created_at) VALUES (?, ?, ?, ?, ?)", (name, f"hash-{name}", "152500", language, time.time()))
    return given.read(store, given.row, "SELECT * FROM devices WHERE id = ?", (name,))


def queue_question(store, device, now: float | None = None, **changes) -> str:
    """A household question put straight into the queue (what the intake endpoint does)."""
    status, reply = given.write(store, submit, device, str(uuid.uuid4()), body(**changes), now or time.time(), CAL)
    assert status == 201
    return reply["id"]


def user(store, name: str, role: str = "staff", languages: str = "zh,mn"):
    return given.read(store, given.row, "SELECT * FROM users WHERE id = ?", (add_account(store, name, role, languages),))


@pytest.fixture
def store(client):
    return client.server.app[STORE]


async def post(client, path, headers, **json_body):
    return await client.post(path, json=json_body, headers=headers)


async def test_a_lawyer_claims_reveals_calls_and_answers_and_the_household_reads_it(client, make_account, device):
    staff = make_account("wulan", "staff")
    other = make_account("batu", "staff")
    resp = await client.post("/api/v1/questions", json=body(), headers={**device, "Idempotency-Key": str(uuid.uuid4())})
    question = await resp.json()
    # the queue shows the masked number only
    listing = await (await client.get("/api/v1/desk/queue", headers=staff)).text()
    assert "138****8000" in listing and "13812348000" not in listing and "+8613812348000" not in listing
    claimed = await (await client.post("/api/v1/desk/claim", headers=staff)).json()
    assert (claimed["id"], claimed["status"], claimed["claimed_by_name"]) == (question["id"], "claimed", "wulan")
    url = f"/api/v1/desk/questions/{question['id']}"
    # a colleague can neither take it nor see the number
    resp = await client.post(url + "/claim", headers=other)
    assert resp.status == 409 and (await resp.json())["error"] == "already_claimed"
    resp = await client.post(url + "/reveal", headers=other)
    assert resp.status == 409 and (await resp.json())["error"] == "not_your_claim"
    resp = await client.post(url + "/reveal", headers=staff)
    assert resp.status == 200 and await resp.json() == {"phone": "+8613812348000", "national": "13812348000"}
    assert (await client.post(url + "/renew", headers=staff)).status == 200
    assert (await client.post(url + "/claim", headers=staff)).status == 200  # a second click changes nothing
    resp = await client.post(url + "/reveal", headers=make_account("oyun", "supervisor"))
    assert resp.status == 409  # a supervisor sees numbers of finished questions only, for revisits
    resp = await post(client, url + "/attempts", staff, version=claimed["version"], outcome="answered", note="她在家")
    after_call = await resp.json()
    assert after_call["status"] == "claimed" and after_call["attempts"] == 1
    resp = await post(client, url + "/answer", staff, version=after_call["version"],
                      summary={"zh": "可以申请工伤认定，请保留病历。", "mn": "ᠡᠮᠨᠡᠯᠭᠡ ᠶᠢᠨ ᠪᠢᠴᠢᠭ ᠢ ᠬᠠᠳᠠᠭᠠᠯᠠᠭᠠᠷᠠᠢ"})
    answered = await resp.json()
    assert answered["status"] == "resolved" and answered["answer_summary"]["zh"].startswith("可以申请")
    listing = await (await client.get("/api/v1/questions", headers=device)).json()
    assert listing[0]["status"] == "resolved" and listing[0]["can_rate"]
    # every step and the reveal are in the audit trail, without the number
    actions = [a["action"] for a in reversed(answered["audit"])]
    assert actions == ["intake", "claim", "reveal", "attempt", "answer"]
    assert "13812348000" not in json.dumps(answered["audit"])
    # the supervisor's revisit call: the number of the finished question, audited with its purpose
    resp = await client.post(url + "/reveal", headers=make_account("oyun-2", "supervisor"))
    assert resp.status == 200 and (await resp.json())["national"] == "13812348000"
    assert (await client.post(url + "/reveal", headers=staff)).status == 409
    last = (await (await client.get(url, headers=staff)).json())["audit"][0]
    assert (last["action"], last["by"], last["detail"]) == ("reveal", "oyun-2", {"purpose": "revisit"})


async def test_edits_with_an_old_version_are_refused_and_change_nothing(client, make_account, device, store):
    staff = make_account("wulan", "staff")
    await client.post("/api/v1/questions", json=body(), headers={**device, "Idempotency-Key": str(uuid.uuid4())})
    claimed = await (await client.post("/api/v1/desk/claim", headers=staff)).json()
    url = f"/api/v1/desk/questions/{claimed['id']}"
    resp = await post(client, url + "/attempts", staff, version=claimed["version"] - 1, outcome="answered")
    assert resp.status == 409
    body_ = await resp.json()
    assert body_["error"] == "version_conflict" and body_["field"] == "version"
    row = await store.read(db.question, claimed["id"])
    assert (row["attempts"], row["version"]) == (0, claimed["version"])
    for bad, field in (({"outcome": "busy", "version": claimed["version"]}, "outcome"),
                       ({"outcome": "answered"}, "version"), ({"outcome": "answered", "version": "3"}, "version")):
        resp = await client.post(url + "/attempts", json=bad, headers=staff)
        assert resp.status == 422 and (await resp.json())["field"] == field
    for bad in ({"version": claimed["version"]}, {"version": claimed["version"], "summary": {"zh": "", "mn": ""}},
                {"version": claimed["version"], "summary": "好的"}):
        resp = await client.post(url + "/answer", json=bad, headers=staff)
        assert resp.status == 422 and (await resp.json())["field"] == "summary"
    resp = await client.post(url + "/answer", data=b"{oops", headers={**staff, "Content-Type": "application/json"})
    assert resp.status == 400
    assert (await store.read(db.question, claimed["id"]))["version"] == claimed["version"]


async def test_mongolian_questions_go_only_to_staff_who_speak_mongolian(client, make_account, device, store):
    chinese_only = make_account("li", "staff", languages="zh")
    bilingual = make_account("saran", "staff", languages="zh,mn")
    await client.post("/api/v1/questions", json=body(language="mn"), headers={**device, "Idempotency-Key": str(uuid.uuid4())})
    question_id = (await store.read(given.row, "SELECT id FROM questions"))["id"]
    assert (await (await client.get("/api/v1/desk/queue", headers=chinese_only)).json())["items"] == []
    resp = await client.post("/api/v1/desk/claim", headers=chinese_only)
    assert resp.status == 404 and (await resp.json())["error"] == "queue_empty"
    resp = await client.post(f"/api/v1/desk/questions/{question_id}/claim", headers=chinese_only)
    assert resp.status == 404 and (await resp.json())["error"] == "not_found"  # as if it did not exist
    assert (await client.post("/api/v1/desk/claim", headers=bilingual)).status == 200


def test_topic_routing_sends_questions_to_staff_of_that_topic(store):
    box = add_device(store, "box-1")
    land_lawyer = user(store, "hasbagana")
    given.write(store, db.set_staff_topics, land_lawyer["id"], ["land"])
    queue_question(store, box, topic="labour", phrases=["labour.1"])
    with pytest.raises(Exception) as refused:
        given.write(store, workflow.claim, land_lawyer, time.time(), 900)
    assert refused.value.code == "queue_empty"
    land = queue_question(store, box, topic="land", phrases=["land.1"], phone="13912340000")
    assert given.write(store, workflow.claim, land_lawyer, time.time(), 900)["id"] == land


def test_a_lapsed_lease_frees_the_question_and_housekeeping_puts_it_back(store, settings):
    box = add_device(store, "box-1")
    question_id = queue_question(store, box)
    first, second = user(store, "wulan"), user(store, "batu")
    t0 = time.time()
    given.write(store, workflow.claim, first, t0, 900)
    with pytest.raises(Exception) as refused:
        given.write(store, workflow.claim, second, t0 + 600, 900, question_id)
    assert refused.value.code == "already_claimed"
    # the page was closed: 15 minutes later anyone routed may take it, and the audit says from whom
    row = given.write(store, workflow.claim, second, t0 + 901, 900, question_id)
    assert row["id"] == question_id
    assert json.loads(given.read(store, db.audit_log, question_id)[0]["detail"]) == {"previous_claimant": first["id"]}
    with pytest.raises(Exception) as refused:
        given.write(store, workflow.renew, first, question_id, t0 + 902, 900)
    assert refused.value.code == "not_your_claim"
    given.write(store, housekeeping, settings, t0 + 902 + 1000)
    assert given.read(store, db.question, question_id)["status"] == "queued"
    assert given.read(store, db.audit_log, question_id)[0]["action"] == "lease_expired"


async def test_only_a_supervisor_takes_over_a_claim_and_it_is_logged(client, make_account, device, store):
    staff = make_account("wulan", "staff")
    colleague = make_account("batu", "staff")
    supervisor = make_account("oyun", "supervisor")
    await client.post("/api/v1/questions", json=body(), headers={**device, "Idempotency-Key": str(uuid.uuid4())})
    claimed = await (await client.post("/api/v1/desk/claim", headers=staff)).json()
    url = f"/api/v1/desk/questions/{claimed['id']}"
    resp = await client.post(url + "/takeover", headers=colleague)
    assert resp.status == 403 and (await resp.json())["error"] == "forbidden"
    resp = await client.post(url + "/takeover", headers=supervisor)
    taken = await resp.json()
    assert resp.status == 200 and taken["claimed_by_name"] == "oyun"
    assert taken["audit"][0]["action"] == "takeover" and taken["audit"][0]["by"] == "oyun"
    # the former holder's stale page cannot answer any more
    resp = await post(client, url + "/answer", staff, version=taken["version"], summary={"zh": "好", "mn": ""})
    assert resp.status == 409 and (await resp.json())["error"] == "not_your_claim"


def test_unanswered_calls_are_retried_in_the_next_window_and_give_up_after_three(store):
    box = add_device(store, "box-1")
    lawyer = user(store, "wulan")
    t = CAL.at(CAL.local(time.time()).date(), clock(9, 0)) - 3 * 86400  # a few days back, 09:00
    question_id = queue_question(store, box, now=t, callback_window="morning")
    for attempt in (1, 2, 3):
        row = given.write(store, workflow.claim, lawyer, t, 900, question_id)
        row = given.write(store, workflow.record_attempt, lawyer, question_id, row["version"], "no_answer", "", t, CAL)
        assert row["attempts"] == attempt
        if attempt < 3:
            assert row["status"] == "queued" and row["not_before"] >= t + workflow.RETRY_GAP
            start, end = CAL.window_after(t + workflow.RETRY_GAP, "morning", workflow.RETRY_GAP)
            assert row["due_at"] == end
            with pytest.raises(Exception) as refused:  # not before the planned time
                given.write(store, workflow.claim, lawyer, t + 60, 900, question_id)
            assert refused.value.code == "not_due_yet"
            t = row["not_before"]
    assert (row["status"], row["outcome"]) == ("closed", "unreachable")


def test_a_wrong_number_closes_the_question(store):
    box = add_device(store, "box-1")
    lawyer = user(store, "wulan")
    question_id = queue_question(store, box)
    row = given.write(store, workflow.claim, lawyer, time.time(), 900)
    row = given.write(store, workflow.record_attempt, lawyer, question_id, row["version"], "wrong_number", "", time.time(), CAL)
    assert (row["status"], row["outcome"], row["closed_at"] is not None) == ("closed", "wrong_number", True)


async def test_a_referral_is_handed_off_then_closed_after_feedback(client, make_account, device, store):
    staff = make_account("wulan", "staff")
    await client.post("/api/v1/questions", json=body(), headers={**device, "Idempotency-Key": str(uuid.uuid4())})
    claimed = await (await client.post("/api/v1/desk/claim", headers=staff)).json()
    url = f"/api/v1/desk/questions/{claimed['id']}"
    resp = await post(client, url + "/refer", staff, version=claimed["version"], to="arbitration",
                      summary={"zh": "x", "mn": ""})
    assert resp.status == 422 and (await resp.json())["field"] == "to"
    resp = await post(client, url + "/close", staff, version=claimed["version"])
    assert resp.status == 409 and (await resp.json())["error"] == "wrong_state"
    referred = await (await post(client, url + "/refer", staff, version=claimed["version"], to="legal_aid",
                                 summary={"zh": "已转法律援助中心，三天内联系您。", "mn": ""})).json()
    assert referred["status"] == "referred" and referred["sla"]["stage"] == "handoff"
    handed = await (await post(client, url + "/handoff", staff, version=referred["version"], note="旗法援中心")).json()
    assert handed["status"] == "revisit_pending" and handed["sla"]["stage"] == "feedback"
    closed = await (await post(client, url + "/close", staff, version=handed["version"])).json()
    assert closed["status"] == "closed" and closed["outcome"] == "feedback_given"
    household = (await (await client.get("/api/v1/questions", headers=device)).json())[0]
    assert household["referral"] == "legal_aid" and household["can_rate"]


async def test_the_queue_lists_overdue_questions_first(client, make_account, store):
    staff = make_account("wulan", "staff")
    box = add_device(store, "box-1")
    fresh = queue_question(store, box)
    late = queue_question(store, box, now=time.time() - 5 * 86400, phone="13912340000")
    items = (await (await client.get("/api/v1/desk/queue", headers=staff)).json())["items"]
    assert [i["id"] for i in items] == [late, fresh]
    assert items[0]["sla"]["level"] == "overdue"
    overdue = (await (await client.get("/api/v1/desk/queue?sla=overdue", headers=staff)).json())["items"]
    assert [i["id"] for i in overdue] == [late]
    resp = await client.get("/api/v1/desk/queue?sla=late", headers=staff)
    assert resp.status == 422 and (await resp.json())["field"] == "sla"
    # region codes narrow by prefix: 150000 is all of Inner Mongolia, 152500 one league
    for region, expected in (("150000", 2), ("152500", 2), ("152900", 0)):
        items = (await (await client.get(f"/api/v1/desk/queue?region={region}", headers=staff)).json())["items"]
        assert len(items) == expected
    resp = await client.get("/api/v1/desk/queue?region=15%25", headers=staff)
    assert resp.status == 422 and (await resp.json())["field"] == "region"


def finish(store, box, lawyer, n: int, t: float, rating=None) -> str:
    question_id = queue_question(store, box, now=t, phone=f"139{n:08d}")
    row = given.write(store, workflow.claim, lawyer, t, 900, question_id)
    given.write(store, workflow.answer, lawyer, question_id, row["version"], {"zh": "答复", "mn": ""}, t + 60)
    if rating:
        given.write(store, given.run_sql, "INSERT INTO question_submissions (question_id, device_id, idempotency_key, "
                    "body_hash, response, created_at) SELECT ?, device_id, ?, '', '{}', 0 "
                    "FROM questions WHERE id = ?", (question_id, str(uuid.uuid4()), question_id))
        assert given.write(store, db.rate, question_id, box["id"], rating, t + 120)
    return question_id


def test_the_revisit_list_holds_a_fixed_five_percent_sample_and_every_low_rating(store):
    box = add_device(store, "box-1")
    lawyer = user(store, "wulan")
    t = time.time() - 3600
    low = [finish(store, box, lawyer, n, t, rating=n % 2 + 1) for n in range(3)]
    for n in range(3, 45):
        finish(store, box, lawyer, n, t, rating=5 if n % 3 else None)
    sample = given.read(store, reports.revisit_sample, t - 1, time.time() + 1, time.time(), CAL)
    ids = {i["id"] for i in sample}
    assert set(low) <= ids
    assert sum("sample" in i["reasons"] for i in sample) == 3  # ceil(5 % of 45)
    assert [i["id"] for i in given.read(store, reports.revisit_sample, t - 1, time.time() + 1, time.time(), CAL)] == \
        [i["id"] for i in sample]
    supervisor = user(store, "oyun", "supervisor")
    with pytest.raises(Exception) as refused:  # staff cannot see a finished question's number
        given.write(store, workflow.reveal_for_revisit, lawyer, low[0], time.time())
    assert refused.value.code == "forbidden"
    assert given.write(store, workflow.reveal_for_revisit, supervisor, low[0], time.time()).startswith("+86139")
    assert json.loads(given.read(store, db.audit_log, low[0])[0]["detail"]) == {"purpose": "revisit"}
    given.write(store, workflow.revisit, supervisor, low[0], True, False, "说律师没讲清楚", time.time())
    again = {i["id"]: i for i in given.read(store, reports.revisit_sample, t - 1, time.time() + 1, time.time(), CAL)}
    assert again[low[0]]["revisit"]["reached"] is True and again[low[0]]["revisit"]["satisfied"] is False


async def test_reports_and_csv_survive_the_erasure_of_phone_numbers(client, make_account, store, settings):
    supervisor = make_account("oyun", "supervisor")
    box = add_device(store, "box-1")
    lawyer = user(store, "wulan")
    t = time.time() - 40 * 86400
    for n in range(4):
        finish(store, box, lawyer, n, t, rating=4 if n else 1)
    day = CAL.local(t).date().isoformat()
    before = await (await client.get(f"/api/v1/desk/reports/day?date={day}", headers=supervisor)).json()
    assert before["totals"]["questions"] == 4 and before["totals"]["answered"] == 4
    assert before["totals"]["satisfaction"] == 3.25 and before["totals"]["answer_rate"] == 1.0
    await store.write(housekeeping, settings, time.time())  # (the server's own round may have come first)
    assert (await store.read(given.row, "SELECT COUNT(*) AS n FROM questions WHERE phone_e164 IS NOT NULL"))["n"] == 0
    assert (await store.read(given.row, "SELECT DISTINCT phone_masked FROM questions"))["phone_masked"] == "***"
    assert (await store.read(given.row, "SELECT DISTINCT body_hash FROM question_submissions"))["body_hash"] == "erased"
    after = await (await client.get(f"/api/v1/desk/reports/day?date={day}", headers=supervisor)).json()
    assert after == before
    for period in ("week", "month"):
        data = await (await client.get(f"/api/v1/desk/reports/{period}?date={day}", headers=supervisor)).json()
        assert data["totals"]["questions"] == 4
    resp = await client.get(f"/api/v1/desk/reports/month.csv?date={day}", headers=supervisor)
    assert resp.status == 200 and resp.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO(await resp.text())))
    assert rows[0][:3] == ["row", "questions", "attempted"]
    total = next(r for r in rows if r[0].startswith("total"))
    assert total[1] == "4"
    resp = await client.get("/api/v1/desk/reports/day?date=26/11/2026", headers=supervisor)
    assert resp.status == 422 and (await resp.json())["field"] == "date"
    assert (await client.get("/api/v1/desk/reports/year", headers=supervisor)).status == 404


async def test_the_board_counts_the_queue_by_language_and_topic(client, make_account, store):
    supervisor = make_account("oyun", "supervisor")
    box = add_device(store, "box-1")
    queue_question(store, box)
    queue_question(store, box, language="zh", phone="13912340000")
    board = await (await client.get("/api/v1/desk/board", headers=supervisor)).json()
    assert {(d["language"], d["topic"], d["total"]) for d in board["depth"]} == {("mn", "labour", 1),
                                                                               ("zh", "labour", 1)}
    assert len(board["oldest_waiting"]) == 2 and sum(board["sla_levels"].values()) == 2
    metrics = await (await client.get("/metrics", headers=METRICS)).text()
    assert 'legaltv_questions_open{language="mn",status="queued"} 1' in metrics


# --- every role refused where it must be ----------------------------------------------

QID = "0" * 32
ENDPOINTS = [
    ("POST", "/api/v1/topics", {"editor"}),
    ("PUT", "/api/v1/topics/wages", {"editor"}),
    ("POST", "/api/v1/questions", {"household"}),
    ("GET", "/api/v1/questions", {"household"}),
    ("POST", f"/api/v1/questions/{QID}/rating", {"household"}),
    ("GET", "/api/v1/desk/queue", {"staff", "supervisor"}),
    ("GET", f"/api/v1/desk/questions/{QID}", {"staff", "supervisor"}),
    ("POST", "/api/v1/desk/claim", {"staff", "supervisor"}),
    *[("POST", f"/api/v1/desk/questions/{QID}/{action}", {"staff", "supervisor"})
      for action in ("claim", "renew", "release", "reveal", "attempts", "answer", "refer", "handoff", "close")],
    ("POST", f"/api/v1/desk/questions/{QID}/takeover", {"supervisor"}),
    ("POST", f"/api/v1/desk/questions/{QID}/revisit", {"supervisor"}),
    ("GET", "/api/v1/desk/board", {"supervisor"}),
    ("GET", "/api/v1/desk/revisits", {"supervisor"}),
    ("GET", "/api/v1/desk/reports/day", {"supervisor"}),
    ("GET", "/api/v1/desk/reports/month.csv", {"supervisor"}),
    ("GET", "/api/v1/desk/audit", {"supervisor"}),
    ("GET", "/api/v1/desk/staff", {"supervisor", "admin"}),
    ("PUT", "/api/v1/desk/staff/1/topics", {"admin"}),
    ("PUT", "/api/v1/desk/staff/1/services", {"admin"}),
]
ROLES = ("anonymous", "household", "editor", "staff", "supervisor", "admin")


async def test_every_role_that_must_be_refused_is_refused(client, make_account, device, store):
    headers = {"anonymous": {}, "household": device}
    for role in ("editor", "staff", "supervisor", "admin"):
        headers[role] = make_account(f"someone-{role}", role)
    before = [tuple(r) for r in await store.read(given.rows, "SELECT id, title_zh FROM topics")]
    refused = 0
    for method, path, allowed in ENDPOINTS:
        for role in ROLES:
            if role in allowed:
                continue
            resp = await client.request(method, path, json={}, headers={**headers[role],
                                                                     "Idempotency-Key": str(uuid.uuid4())})
            expected = 401 if role in ("anonymous", "household") or "household" in allowed else 403
            assert resp.status == expected, (method, path, role, resp.status)
            assert set(await resp.json()) == {"error", "field", "message"}
            refused += 1
    assert refused == len(ENDPOINTS) * len(ROLES) - sum(len(a) for _, _, a in ENDPOINTS)
    assert [tuple(r) for r in await store.read(given.rows, "SELECT id, title_zh FROM topics")] == before
    assert (await store.read(given.row, "SELECT COUNT(*) AS n FROM questions"))["n"] == 0


async def test_a_signed_in_console_must_send_its_csrf_token(client, store):
    from .conftest import PASSWORD
    add_account(store, "wulan", "staff")
    await post_login(client, "wulan", PASSWORD, allow_redirects=False)
    resp = await client.post("/api/v1/desk/claim", json={})
    assert resp.status == 403 and (await resp.json())["error"] == "csrf"
    assert (await client.get("/api/v1/desk/queue")).status == 200


async def test_console_forms_post_with_their_csrf_field_and_come_back_to_the_page(client, store, device):
    from .conftest import PASSWORD
    add_account(store, "wulan", "staff")
    await post_login(client, "wulan", PASSWORD, allow_redirects=False)
    csrf = (await store.read(given.row, "SELECT csrf_token FROM sessions"))["csrf_token"]
    await client.post("/api/v1/questions", json=body(), headers={**device, "Idempotency-Key": str(uuid.uuid4())})
    resp = await client.post("/api/v1/desk/claim", data={"csrf_token": csrf, "next": "/console/staff"},
                             allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/console/staff"
    row = await store.read(given.row, "SELECT id, version, status FROM questions")
    resp = await client.post(f"/api/v1/desk/questions/{row['id']}/answer", allow_redirects=False,
                             data={"csrf_token": csrf, "version": str(row["version"]), "summary_zh": "请保留合同。",
                                   "summary_mn": "", "next": "https://elsewhere.example/"})
    assert resp.status == 200 and (await resp.json())["status"] == "resolved"  # no redirect off the console


async def test_an_admin_routes_topics_to_a_lawyer(client, make_account, store, device):
    admin = make_account("admin", "admin")
    land_lawyer = make_account("hasbagana", "staff", languages="mn")
    lawyer_id = (await store.read(given.row, "SELECT id FROM users WHERE name = 'hasbagana'"))["id"]
    resp = await client.put(f"/api/v1/desk/staff/{lawyer_id}/topics", json={"topics": ["land", "housing"]},
                            headers=admin)
    assert resp.status == 200 and (await resp.json())["topics"] == ["housing", "land"]
    people = {p["name"]: p for p in await (await client.get("/api/v1/desk/staff", headers=admin)).json()}
    assert people["hasbagana"]["languages"] == ["mn"] and people["hasbagana"]["topics"] == ["housing", "land"]
    await client.post("/api/v1/questions", json=body(), headers={**device, "Idempotency-Key": str(uuid.uuid4())})
    assert (await client.post("/api/v1/desk/claim", headers=land_lawyer)).status == 404  # a labour question
    for bad, status in (({"topics": ["weather"]}, 422), ({"topics": "land"}, 422), ({}, 422)):
        assert (await client.put(f"/api/v1/desk/staff/{lawyer_id}/topics", json=bad, headers=admin)).status == status
    admin_id = (await store.read(given.row, "SELECT id FROM users WHERE name = 'admin'"))["id"]
    for target in (admin_id, 999, "x"):  # only people of the desk have topics
        resp = await client.put(f"/api/v1/desk/staff/{target}/topics", json={"topics": []}, headers=admin)
        assert resp.status == 404
