"""Service requests and appointments: a household asks for a notary, legal aid, mediation…; the
request travels like a question, staff confirm a slot or refuse it, the household sees it and may
cancel, and the supervisor's reports count requests and appointments by service and region."""
import csv
import http.client
import io
import json
import re
import threading
import time as clock
import uuid
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given as example, settings as hypothesis_settings, strategies as st

from content_server.kernel.clock import CLOCK
from content_server.storage import STORE
from content_server.kernel.errors import ApiError
from content_server import guidance
from content_server.kernel import auth
from content_server.questions import intake, requests, topics
from content_server.questions.calendar import SHANGHAI
from content_server.storage import Store, accounts
from content_server.storage.questions import Kind

from . import given
from .console_session import sign_in

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL

MONDAY = "2026-12-07 10:00"
MONGOLIAN = re.compile("[\u1800-\u18af]")
XILINHOT_MN = next(p["name"]["mn"] for p in guidance.seed_data("services") if p["id"] == "xilinhot-legal-aid")


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).timestamp()


def notary_request(days=("2026-12-09", "2026-12-10"), **extra) -> dict:
    return {"kind": "request", "service": "notary", "preferred_days": list(days), "phone": "138 1234 8000",
            "language": "mn", **extra}


async def register(client, region="152502", language="mn") -> dict:
    resp = await client.post("/api/v1/devices", json={"region": region, "language": language})
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}


async def send(client, household, body, key=None):
    return await client.post("/api/v1/questions", json=body,
                             headers={**household, "Idempotency-Key": key or str(uuid.uuid4())})


async def claim(client, staff, question_id) -> dict:
    resp = await client.post(f"/api/v1/desk/questions/{question_id}/claim", headers=staff)
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def mine(client, household) -> list:
    return await (await client.get("/api/v1/questions", headers=household)).json()


async def test_a_notary_appointment_is_requested_confirmed_seen_and_cancelled(client, make_account):
    app = client.server.app
    app[CLOCK].fixed = at(MONDAY)
    household = await register(client)
    resp = await send(client, household, notary_request(text="办理继承公证"))
    assert resp.status == 201, await resp.text()
    sent = await resp.json()

    # the desk lists it as a request for a notary, apart from the questions
    clerk = make_account("saruul", "staff", "mn")
    listed = await (await client.get("/api/v1/desk/queue?kind=request&service=notary", headers=clerk)).json()
    assert [(i["number"], i["kind"], i["service"], i["preferred_days"]) for i in listed["items"]] == [
        (sent["number"], "request", "notary", ["2026-12-09", "2026-12-10"])]
    assert (await (await client.get("/api/v1/desk/queue?kind=question", headers=clerk)).json())["items"] == []
    assert (await (await client.get("/api/v1/desk/queue?service=mediation", headers=clerk)).json())["items"] == []

    claimed = await claim(client, clerk, sent["id"])
    resp = await client.post(f"/api/v1/desk/questions/{sent['id']}/appointment", headers=clerk, json={
        "version": claimed["version"], "place_id": "xilinhot-legal-aid", "date": "2026-12-10", "time": "09:30",
        "bring": {"zh": "身份证、户口本", "mn": "ᠪᠡᠶ᠎ᠡ ᠶᠢᠨ ᠦᠨᠡᠮᠯᠡᠯ"}})
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["outcome"] == "appointment_confirmed"

    (item,) = await mine(client, household)
    assert item["kind"] == "request" and item["service"] == "notary"
    assert item["appointment"] == {"place": {"zh": "锡林浩特市法律援助中心", "mn": XILINHOT_MN},
                                   "date": "2026-12-10", "time": "09:30",
                                   "bring": {"zh": "身份证、户口本", "mn": "ᠪᠡᠶ᠎ᠡ ᠶᠢᠨ ᠦᠨᠡᠮᠯᠡᠯ"}}

    # another box cannot cancel it; the household can, and again is harmless
    stranger = await register(client)
    assert (await client.post(f"/api/v1/questions/{sent['id']}/cancel", headers=stranger)).status == 404
    for _ in range(2):
        resp = await client.post(f"/api/v1/questions/{sent['id']}/cancel", headers=household)
        assert resp.status == 200, await resp.text()
        assert (await resp.json())["cancelled"] is True
    detail = await (await client.get(f"/api/v1/desk/questions/{sent['id']}", headers=clerk)).json()
    assert (detail["status"], detail["outcome"]) == ("closed", "cancelled")
    assert [a["action"] for a in detail["audit"]].count("cancel") == 1


async def test_what_an_editor_says_to_bring_prefills_the_confirmation(client, make_account):
    app = client.server.app
    app[CLOCK].fixed = at(MONDAY)
    editor, clerk = make_account("naran", "editor"), make_account("saruul", "staff", "mn")
    # given the editor's wages guide asks for the labour contract too (the seed's list kept first)
    guides = guidance.seed_data("guides")
    wages = next(g for g in guides if g["topic"] == "wages")
    contract = {"zh": "劳动合同", "mn": "ᠬᠥᠳᠡᠯᠮᠦᠷᠢ\u202fᠶᠢᠨ ᠭᠡᠷ\u180eᠡ"}
    wages["documents"] = [*wages["documents"], contract]
    resp = await client.put("/api/v1/guides", json={"items": guides}, headers=editor)
    assert resp.status == 200, await resp.text()
    listed = next(g for g in await (await client.get("/api/v1/guides")).json() if g["topic"] == "wages")
    assert listed["documents"][-1] == contract
    # when a household asks for legal aid with its wages and a clerk opens it to confirm a slot
    body = notary_request(topic="wages", service="legal_aid")
    sent = await (await send(client, await register(client), body)).json()
    await claim(client, clerk, sent["id"])
    page = await (await client.get(f"/console/staff/questions/{sent['id']}", headers=clerk)).text()
    # then what to bring is prefilled from the editor's list, in both scripts
    bring_zh = re.search(r'name="bring_zh"[^>]*>([^<]*)<', page).group(1)
    bring_mn = re.search(r'name="bring_mn"[^>]*>([^<]*)<', page).group(1)
    assert bring_zh.startswith(wages["documents"][0]["zh"]) and bring_zh.endswith("、劳动合同")
    assert bring_mn.endswith(contract["mn"])


@pytest.mark.parametrize("documents,field", [
    ("身份证", "items[0].documents"),
    ([{"zh": "身份证", "mn": "ᠪᠡᠶ᠎ᠡ\u202fᠶᠢᠨ ᠦᠨᠡᠮᠯᠡᠯ"}, {"zh": "户口本", "mn": "hukouben"}], "items[0].documents[1].mn"),
    ([{"zh": "身份证"}], "items[0].documents[0].mn"),
    ([{"zh": "证" * 61, "mn": "ᠪᠡᠶ᠎ᠡ"}], "items[0].documents[0].zh"),
    ([{"zh": "身份证", "mn": "ᠪᠡᠶ᠎ᠡ"}] * 9, "items[0].documents"),
])
async def test_a_guide_import_with_bad_documents_is_refused_naming_the_field(client, make_account, documents, field):
    editor = make_account("naran", "editor")
    before = await (await client.get("/api/v1/guides")).json()
    guide = dict(guidance.seed_data("guides")[0], documents=documents)
    resp = await client.put("/api/v1/guides", json={"items": [guide]}, headers=editor)
    error = await resp.json()
    assert resp.status == 422 and error["field"] == field
    assert error["message"]["zh"] and MONGOLIAN.search(error["message"]["mn"])
    assert await (await client.get("/api/v1/guides")).json() == before


async def test_requests_reach_the_clerks_who_handle_their_service(client, make_account):
    app = client.server.app
    app[CLOCK].fixed = at(MONDAY)
    admin = make_account("admin", "admin")
    notary_clerk, aid_clerk = make_account("saruul", "staff", "mn"), make_account("tuya", "staff", "mn")
    ids = {p["name"]: p["id"] for p in await (await client.get("/api/v1/desk/staff", headers=admin)).json()}
    # given the admin routes notary requests to Saruul, legal aid to Tuya
    for name, services in (("saruul", ["notary"]), ("tuya", ["legal_aid", "mediation"])):
        resp = await client.put(f"/api/v1/desk/staff/{ids[name]}/services", json={"services": services}, headers=admin)
        assert resp.status == 200 and (await resp.json())["services"] == sorted(services)
    people = {p["name"]: p for p in await (await client.get("/api/v1/desk/staff", headers=admin)).json()}
    assert people["saruul"]["services"] == ["notary"] and people["saruul"]["topics"] == []
    # when a household asks for legal aid, another for a notary, and a third asks a question
    household = await register(client)
    aid = await (await send(client, household, notary_request(service="legal_aid"))).json()
    notary = await (await send(client, await register(client), notary_request())).json()
    question = await (await send(client, await register(client), {
        "topic": "wages", "phrases": ["wages.1"], "text": "", "phone": "13812348001", "callback_window": "any",
        "language": "mn"})).json()
    # then each clerk's queue lists the requests of their services, and every question
    for clerk, request in ((notary_clerk, notary), (aid_clerk, aid)):
        listed = [i["id"] for i in (await (await client.get("/api/v1/desk/queue", headers=clerk)).json())["items"]]
        assert sorted(listed) == sorted([request["id"], question["id"]])
    # and the other service's request is neither claimable, nor to be opened (404, as for another topic)
    assert (await client.post(f"/api/v1/desk/questions/{aid['id']}/claim", headers=notary_clerk)).status == 404
    assert (await client.get(f"/api/v1/desk/questions/{aid['id']}", headers=notary_clerk)).status == 404
    claimed = {(await claim_next(client, notary_clerk))["id"], (await claim_next(client, notary_clerk))["id"]}
    assert claimed == {notary["id"], question["id"]}
    assert (await client.post("/api/v1/desk/claim", headers=notary_clerk)).status == 404
    assert (await claim_next(client, aid_clerk))["id"] == aid["id"]
    # an unknown service, or services for someone outside the desk, are refused
    bad = await client.put(f"/api/v1/desk/staff/{ids['saruul']}/services", json={"services": ["tax"]}, headers=admin)
    assert bad.status == 422 and (await bad.json())["field"] == "services"
    admin_id = (await client.server.app[STORE].read(given.row, "SELECT id FROM users WHERE name = 'admin'"))["id"]
    assert (await client.put(f"/api/v1/desk/staff/{admin_id}/services", json={"services": []},
                             headers=admin)).status == 404
    # and with no service listed again, every request reaches the clerk
    await client.put(f"/api/v1/desk/staff/{ids['tuya']}/services", json={"services": []}, headers=admin)
    assert (await client.get(f"/api/v1/desk/questions/{notary['id']}", headers=aid_clerk)).status == 200


async def claim_next(client, staff) -> dict:
    resp = await client.post("/api/v1/desk/claim", headers=staff)
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_a_request_is_taken_in_exactly_once_and_never_merged_into_a_question(client, make_account):
    client.server.app[CLOCK].fixed = at(MONDAY)
    household = await register(client)
    key = str(uuid.uuid4())
    first = await send(client, household, notary_request(), key)
    again = await send(client, household, notary_request(), key)
    assert (first.status, again.status) == (201, 200)
    assert await again.json() == await first.json()
    assert (await send(client, household, notary_request(days=["2026-12-08"]), key)).status == 422
    question = await send(client, household, {"topic": "other", "phrases": [], "text": "遗产怎么分",
                                              "phone": "138 1234 8000", "callback_window": "any"})
    assert question.status == 201 and (await question.json())["merged"] is False
    kinds = sorted(i["kind"] for i in await mine(client, household))
    assert kinds == ["question", "request"]


async def test_a_request_asked_for_again_keeps_every_day_still_ahead_for_staff(client, make_account):
    app = client.server.app
    app[CLOCK].fixed = at(MONDAY)
    household = await register(client)
    first = await (await send(client, household, notary_request(days=["2026-12-07", "2026-12-09"]))).json()
    # the next morning the household asks again, for other days: one request, with the days of both
    # that are still ahead (Monday has passed), up to the last day of the new fortnight
    app[CLOCK].fixed = at("2026-12-08 09:00")
    resp = await send(client, household, notary_request(days=["2026-12-21", "2026-12-12", "2026-12-09"]))
    assert resp.status == 200 and (await resp.json())["merged"] is True and (await resp.json())["id"] == first["id"]
    clerk = make_account("saruul", "staff", "mn")
    days = ["2026-12-09", "2026-12-12", "2026-12-21"]
    listed = await (await client.get("/api/v1/desk/queue?kind=request", headers=clerk)).json()
    assert [(i["id"], i["preferred_days"]) for i in listed["items"]] == [(first["id"], days)]
    assert [i["preferred_days"] for i in await mine(client, household)] == [days]
    # every day of the fortnight asked for: never more days than a request may carry
    fortnight = [(date(2026, 12, 8) + timedelta(days=n)).isoformat() for n in range(requests.DAYS_AHEAD)]
    assert (await send(client, household, notary_request(days=fortnight))).status == 200
    detail = await (await client.get(f"/api/v1/desk/questions/{first['id']}", headers=clerk)).json()
    assert detail["preferred_days"] == fortnight


async def test_a_refused_request_tells_the_household_why_in_its_language(client, make_account):
    client.server.app[CLOCK].fixed = at(MONDAY)
    household = await register(client)
    sent = await (await send(client, household, notary_request(service="appraisal"))).json()
    clerk = make_account("saruul", "staff", "mn")
    claimed = await claim(client, clerk, sent["id"])
    resp = await client.post(f"/api/v1/desk/questions/{sent['id']}/refuse", headers=clerk, json={
        "version": claimed["version"], "reason": {"zh": "司法鉴定须由法院委托。", "mn": "ᠱᠠᠭᠦᠬᠳᠡᠬᠦ"}})
    assert resp.status == 200, await resp.text()
    (item,) = await mine(client, household)
    assert item["outcome"] == "refused" and item["answer_summary"]["mn"] == "ᠱᠠᠭᠦᠬᠳᠡᠬᠦ"
    # a refused request is over: nothing to cancel
    resp = await client.post(f"/api/v1/questions/{sent['id']}/cancel", headers=household)
    assert resp.status == 409 and MONGOLIAN.search((await resp.json())["message"]["mn"])


async def test_a_question_cannot_be_confirmed_as_an_appointment(client, make_account):
    client.server.app[CLOCK].fixed = at(MONDAY)
    household = await register(client)
    sent = await (await send(client, household, {"topic": "other", "phrases": [], "text": "问一下",
                                                 "phone": "138 1234 8000", "callback_window": "any"})).json()
    clerk = make_account("saruul", "staff", "mn")
    claimed = await claim(client, clerk, sent["id"])
    resp = await client.post(f"/api/v1/desk/questions/{sent['id']}/appointment", headers=clerk, json={
        "version": claimed["version"], "place": "公证处", "date": "2026-12-10", "time": "09:30"})
    assert resp.status == 409 and (await resp.json())["error"] == "wrong_state"


@pytest.mark.parametrize("change, field", [
    ({"service": "divorce"}, "service"),
    ({"preferred_days": []}, "preferred_days"),
    ({"preferred_days": ["2026-12-06"]}, "preferred_days"),  # yesterday
    ({"preferred_days": ["2026-12-21"]}, "preferred_days"),  # beyond two weeks
    ({"phone": "12"}, "phone"),
    ({"kind": "complaint"}, "kind"),
])
async def test_a_bad_request_is_refused_in_both_scripts_naming_the_field(client, change, field):
    client.server.app[CLOCK].fixed = at(MONDAY)
    resp = await send(client, await register(client), notary_request() | change)
    body = await resp.json()
    assert resp.status == 422 and body["field"] == field
    assert body["message"]["zh"] and MONGOLIAN.search(body["message"]["mn"])


async def test_reports_count_requests_and_appointments_by_service_and_region(client, make_account):
    app = client.server.app
    app[CLOCK].fixed = at(MONDAY)
    clerk = make_account("saruul", "staff", "mn")
    supervisor = make_account("odgerel", "supervisor")
    for region, service in (("152502", "notary"), ("152502", "notary"), ("152527", "mediation")):
        sent = await (await send(client, await register(client, region), notary_request(service=service))).json()
        if region == "152502":
            claimed = await claim(client, clerk, sent["id"])
            resp = await client.post(f"/api/v1/desk/questions/{sent['id']}/appointment", headers=clerk, json={
                "version": claimed["version"], "place": "公证处", "date": "2026-12-10", "time": "09:30"})
            assert resp.status == 200, await resp.text()
    data = await (await client.get("/api/v1/desk/reports/day?date=2026-12-07", headers=supervisor)).json()
    assert data["requests_by_service"] == {
        "mediation": {"requests": 1, "appointments": 0, "requests_refused": 0, "requests_cancelled": 0},
        "notary": {"requests": 2, "appointments": 2, "requests_refused": 0, "requests_cancelled": 0}}
    assert {r: c["requests"] for r, c in data["requests_by_region"].items()} == {"152502": 2, "152527": 1}
    assert data["totals"]["requests"] == 3 and data["totals"]["appointments"] == 2
    text = await (await client.get("/api/v1/desk/reports/day.csv?date=2026-12-07", headers=supervisor)).text()
    rows = {r["row"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["service notary"]["appointments"] == "2" and rows["region 152527"]["requests"] == "1"
    await sign_in(client, "tuya", "supervisor")
    html = await (await client.get("/console/supervisor/reports?period=day&date=2026-12-07")).text()
    row = re.search(r'<tr data-key="notary">(.*?)</tr>', html, re.S).group(1)
    assert [int(n) for n in re.findall(r">(\d+)</td>", row)] == [2, 2, 0, 0]
    assert '<tr data-key="152527">' in html


# --- the request body, whatever a box sends -----------------------------------------------

TODAY = date(2026, 12, 7)
days = st.one_of(st.dates(TODAY - timedelta(days=3), TODAY + timedelta(days=20)).map(date.isoformat),
                 st.text(max_size=12), st.integers(), st.none())
bodies = st.fixed_dictionaries({"kind": st.just("request")}, optional={
    "service": st.one_of(st.sampled_from(requests.SERVICES), st.text(max_size=10), st.integers()),
    "preferred_days": st.one_of(st.lists(days, max_size=16), days),
    "phone": st.one_of(st.sampled_from(["13812348000", "0471 456 1234", "12", ""]), st.integers()),
    "language": st.one_of(st.sampled_from(["zh", "mn", "en"]), st.none()),
    "topic": st.one_of(st.sampled_from(["other", "family", "nothing"]), st.integers()),
    "text": st.one_of(st.text(max_size=30), st.integers()),
})


@pytest.fixture(scope="module")
def request_store(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("requests") / "legal-tv.db")
    store.write_blocking(topics.seed)
    yield store
    store.close()


@hypothesis_settings(max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@example(body=bodies)
def test_any_request_body_is_either_a_clean_request_or_a_bilingual_refusal(request_store, body):
    """(On SQLite only: a check of the body, whichever engine keeps the topics.)"""
    now = datetime(2026, 12, 7, 10, tzinfo=SHANGHAI).timestamp()
    try:
        wanted = request_store.read_blocking(intake.read_question, body, {"language": "zh", "region": "152502"}, now)
    except ApiError as exc:
        message = exc.body()["message"]
        assert exc.status == 422 and message["zh"] and MONGOLIAN.search(message["mn"])
        assert exc.field in {"service", "preferred_days", "phone", "language", "topic", "text"}
        return
    assert wanted.kind == Kind.REQUEST and wanted.service in requests.SERVICES
    assert wanted.preferred_days and list(wanted.preferred_days) == sorted(set(wanted.preferred_days))
    assert all(TODAY <= date.fromisoformat(d) < TODAY + timedelta(days=14) for d in wanted.preferred_days)
    assert wanted.phone.startswith("+86") and wanted.language in ("zh", "mn") and wanted.urgent is False


# --- durability: requests and cancellations acknowledged before kill -9 survive it -------------

def _send_until_answered(port_of, steps: list, acknowledged: dict, failures: list, deadline: float) -> None:
    """A box's outbox: each (token, key, path, body) again until the server answers it."""
    for token, key, path, body in steps:
        while True:
            if clock.monotonic() > deadline:
                failures.append("deadline")
                return
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port_of(), timeout=5)
                conn.request("POST", path.format(**acknowledged), body=json.dumps(body),
                             headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key,
                                      "Content-Type": "application/json"})
                resp = conn.getresponse()
                reply = json.loads(resp.read())
                conn.close()
            except (OSError, http.client.HTTPException, ValueError):
                clock.sleep(0.05)
                continue
            if resp.status not in (200, 201):
                failures.append((resp.status, reply))
                return
            acknowledged[key] = reply
            break


def test_acknowledged_requests_and_cancellations_survive_kill_9(server_process, settings):
    store = Store(settings.database or settings.data / "legal-tv.db")
    given.write(store, topics.seed)
    boxes = []
    for n in range(8):
        token, token_hash = auth.new_token("dev")
        given.write(store, accounts.add_device, f"box-{n}", token_hash, "152502", "mn")
        boxes.append(token)
    store.close()
    today = datetime.now(SHANGHAI).date()
    steps = []
    for n, token in enumerate(boxes):
        asked = str(uuid.uuid4())
        body = notary_request(days=[(today + timedelta(days=1 + n % 5)).isoformat()], phone=f"1380471{n:04d}")
        # the cancellation names the request by the id its acknowledgement carried
        steps.append([(token, asked, "/api/v1/questions", body),
                      (token, str(uuid.uuid4()), "/api/v1/questions/{%s[id]}/cancel" % asked, {})])
    server = server_process()
    port = server.port
    acknowledged, failures = {}, []  # replies by Idempotency-Key; a path's `{key[id]}` reads one
    deadline = clock.monotonic() + 120
    threads = [threading.Thread(target=_send_until_answered, args=(lambda: port, s, acknowledged, failures, deadline))
               for s in steps]
    for thread in threads:
        thread.start()
    for target in (4, 10):  # kill -9 twice while boxes send requests and cancellations
        while len(acknowledged) < target and clock.monotonic() < deadline:
            clock.sleep(0.01)
        server.kill()
        server = server_process(port)
    for thread in threads:
        thread.join(130)
    assert failures == [] and len(acknowledged) == 16

    store = Store(settings.database or settings.data / "legal-tv.db")
    rows = given.read(store, given.rows, "SELECT id, kind, service, status, outcome FROM questions ORDER BY id")
    assert len(rows) == 8  # each request once, whatever the retries
    assert {(r["kind"], r["service"], r["status"], r["outcome"]) for r in rows} == {
        ("request", "notary", "closed", "cancelled")}
    store.close()
