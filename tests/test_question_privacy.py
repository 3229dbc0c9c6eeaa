"""A household's question belongs to that household only: no other box joins, reads or rates it,
staff open only what is routed to them, an erased number leaves no copy on disk, and no cache
keeps private answers."""
import os
import re
import stat
import time

from content_server.app import create_app
from content_server.kernel.config import Settings
from content_server.questions import ERASURE, housekeeping_round, intake
from content_server.storage import STORE, Store

from .console_session import sign_in
from .test_questions import MONGOLIAN, ask, register
from . import given
import pytest

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL

PHONE = "13812348000"


async def answer_first_in_queue(client, staff) -> dict:
    claimed = await (await client.post("/api/v1/desk/claim", headers=staff)).json()
    url = f"/api/v1/desk/questions/{claimed['id']}"
    resp = await client.post(url + "/answer", headers=staff,
                             json={"version": claimed["version"], "summary": {"zh": "请保留工资条。", "mn": ""}})
    assert resp.status == 200
    return await resp.json()


# --- 1. merges join only the same box ------------------------------------------------------

async def test_a_second_box_with_the_same_phone_and_topic_gets_its_own_ticket(client, device, make_account):
    staff = make_account("wulan", "staff")
    first = await (await ask(client, device)).json()
    stranger = await register(client)
    resp = await ask(client, stranger, phone="+86 138-1234-8000", text="我也要问工资的事")
    assert resp.status == 201
    own = await resp.json()
    assert own["merged"] is False and (own["id"], own["number"]) != (first["id"], first["number"])
    # the stranger's box lists only its own question; the household's words stay the household's
    listing = await (await client.get("/api/v1/questions", headers=stranger)).json()
    assert [q["number"] for q in listing] == [own["number"]]
    detail = await (await client.get(f"/api/v1/desk/questions/{first['id']}", headers=staff)).json()
    assert [s["text"] for s in detail["submissions"]] == ["老板说下个月再给。"]
    # staff see the hint on the stranger's question, in JSON and on the console's card
    hinted = await (await client.get(f"/api/v1/desk/questions/{own['id']}", headers=staff)).json()
    assert hinted["possible_duplicate_of"] == {"id": first["id"], "number": first["number"]}
    assert detail["possible_duplicate_of"] is None
    queue = (await (await client.get("/api/v1/desk/queue", headers=staff)).json())["items"]
    assert {q["number"]: q["possible_duplicate_of"] for q in queue}[own["number"]]["number"] == first["number"]
    # the household's answer: the stranger cannot rate it, the household can
    answered = await answer_first_in_queue(client, staff)
    assert answered["id"] == first["id"]
    resp = await client.post(f"/api/v1/questions/{first['id']}/rating", json={"score": 1}, headers=stranger)
    assert resp.status == 404
    resp = await client.post(f"/api/v1/questions/{first['id']}/rating", json={"score": 5}, headers=device)
    assert resp.status == 200 and (await resp.json())["rating"] == 5
    assert "请保留工资条" not in await (await client.get("/api/v1/questions", headers=stranger)).text()


async def test_the_console_shows_staff_the_possible_duplicate(client, device):
    await sign_in(client, "wulan", "staff")
    first = await (await ask(client, device)).json()
    own = await (await ask(client, await register(client), phone=PHONE)).json()
    assert own["id"] != first["id"]
    html = await (await client.get(f"/console/staff/questions/{own['id']}")).text()
    assert f'class="badge duplicate" href="/console/staff/questions/{first["id"]}"' in html
    queue = await (await client.get("/console/staff")).text()
    card = queue[queue.index(f'data-number="{own["number"]}"'):]
    card = card[:card.index("</li>")]
    assert "badge duplicate" in card and first["number"] in card


async def test_the_open_question_limit_tells_an_outsider_nothing_about_other_boxes(client, device):
    await ask(client, device)  # a household asked about wages for this phone
    outsider = await register(client)
    for topic in ("traffic", "labour", "family"):
        assert (await ask(client, outsider, topic=topic, phrases=[f"{topic}.1"], phone="13912345678")).status == 201
    probe = await ask(client, outsider, phone=PHONE)  # the household's phone and topic
    control = await ask(client, outsider, phone="13700001111")  # a phone nobody used
    assert (probe.status, control.status) == (429, 429)
    assert (await probe.json())["error"] == (await control.json())["error"] == "too_many_open_questions"


async def test_a_staff_answer_succeeds_while_the_box_keeps_adding_words(client, device, make_account):
    staff = make_account("wulan", "staff")
    first = await (await ask(client, device)).json()
    claimed = await (await client.post("/api/v1/desk/claim", headers=staff)).json()
    for words in ("还有加班费", "老板电话打不通"):
        resp = await ask(client, device, text=words)
        assert resp.status == 200 and (await resp.json())["merged"] is True
    url = f"/api/v1/desk/questions/{first['id']}"
    resp = await client.post(url + "/answer", headers=staff,
                             json={"version": claimed["version"], "summary": {"zh": "可以申请劳动仲裁。", "mn": ""}})
    assert resp.status == 200, await resp.text()
    detail = await resp.json()
    assert detail["status"] == "resolved" and len(detail["submissions"]) == 3


async def test_a_box_that_merges_or_submits_too_often_is_asked_to_wait(client, device):
    first = await (await ask(client, device)).json()
    for n in range(intake.MERGES_PER_HOUR):
        assert (await ask(client, device, text=f"补充{n}")).status == 200
    resp = await ask(client, device, text="再补充")
    assert resp.status == 429 and int(resp.headers["Retry-After"]) > 0
    body = await resp.json()
    assert body["error"] == "too_many_submissions" and MONGOLIAN.search(body["message"]["mn"])
    # the outbox resending an acknowledged submission always gets its reply
    key = "6f1c7c52-8f8e-4a4e-9a53-5c2a3f0a1b2c"
    other = await register(client)
    assert (await ask(client, other, key=key, phone="13900002222")).status == 201
    for _ in range(intake.SUBMISSIONS_PER_HOUR + 2):
        assert (await ask(client, other, key=key, phone="13900002222")).status == 200
    # new submissions beyond the hourly limit are refused, whatever they are
    sent = 1
    while sent < intake.SUBMISSIONS_PER_HOUR:
        assert (await ask(client, other, topic="land", phrases=["land.1"], phone="13900002222")).status in (200, 201, 429)
        sent += 1
    resp = await ask(client, other, topic="family", phrases=["family.1"], phone="13900003333")
    assert resp.status == 429 and (await resp.json())["error"] == "too_many_submissions"
    assert "Retry-After" in resp.headers
    assert [q["id"] for q in await (await client.get("/api/v1/questions", headers=device)).json()] == [first["id"]]


# --- 2. staff open what is routed to them --------------------------------------------------

ACTIONS_WITH_BODY = {"release": {"version": 1}, "attempts": {"version": 1, "outcome": "answered"},
                     "answer": {"version": 1, "summary": {"zh": "x", "mn": ""}},
                     "refer": {"version": 1, "to": "legal_aid", "summary": {"zh": "x", "mn": ""}},
                     "handoff": {"version": 1, "note": ""}, "close": {"version": 1, "note": ""}}


async def test_staff_cannot_open_or_act_on_questions_routed_to_others(client, device, make_account):
    chinese_only = make_account("li", "staff", languages="zh")
    land_lawyer = make_account("hasbagana", "staff", languages="zh,mn")
    store = client.server.app[STORE]
    land_id = (await store.read(given.row, "SELECT id FROM users WHERE name = 'hasbagana'"))["id"]
    await store.write(given.run_sql, "INSERT INTO staff_topics (user_id, topic_id) VALUES (?, 'land')", (land_id,))
    question = await (await ask(client, device)).json()  # Mongolian, about wages
    url = f"/api/v1/desk/questions/{question['id']}"
    for staff in (chinese_only, land_lawyer):
        resp = await client.get(url, headers=staff)
        assert resp.status == 404 and (await resp.json())["error"] == "not_found"
        for action in ("claim", "renew", "reveal", "release", "attempts", "answer", "refer", "handoff", "close"):
            resp = await client.post(f"{url}/{action}", headers=staff, json=ACTIONS_WITH_BODY.get(action, {}))
            assert resp.status == 404, (action, resp.status)
        assert (await (await client.get("/api/v1/desk/queue", headers=staff)).json())["items"] == []
    row = await store.read(given.row, "SELECT status, version FROM questions WHERE id = ?", (question["id"],))
    assert tuple(row) == ("queued", 1)
    # every refused attempt is in the audit trail, with who tried and what
    supervisor = make_account("oyun", "supervisor")
    detail = await (await client.get(url, headers=supervisor)).json()
    refused = [(a["by"], a["detail"]["purpose"]) for a in detail["audit"] if a["action"] == "refused"]
    assert len(refused) == 20 and {by for by, _ in refused} == {"li", "hasbagana"}
    assert {purpose for _, purpose in refused} >= {"detail", "handoff", "close"}


async def test_a_referral_is_handed_off_only_by_staff_it_is_routed_to(client, device, make_account):
    lawyer = make_account("wulan", "staff", languages="mn")
    outsider = make_account("li", "staff", languages="zh")
    question = await (await ask(client, device)).json()
    claimed = await (await client.post("/api/v1/desk/claim", headers=lawyer)).json()
    url = f"/api/v1/desk/questions/{question['id']}"
    referred = await (await client.post(url + "/refer", headers=lawyer, json={
        "version": claimed["version"], "to": "legal_aid", "summary": {"zh": "转法律援助中心。", "mn": ""}})).json()
    resp = await client.post(url + "/handoff", headers=outsider, json={"version": referred["version"], "note": ""})
    assert resp.status == 404
    resp = await client.post(url + "/handoff", headers=lawyer, json={"version": referred["version"], "note": ""})
    assert resp.status == 200 and (await resp.json())["status"] == "revisit_pending"


async def test_the_console_page_of_a_question_routed_elsewhere_is_not_found(client, device):
    await sign_in(client, "li", "staff", languages="zh")
    mongolian = await (await ask(client, device)).json()
    chinese = await (await ask(client, await register(client), language="zh", phone="13900004444")).json()
    assert (await client.get(f"/console/staff/questions/{chinese['id']}")).status == 200
    resp = await client.get(f"/console/staff/questions/{mongolian['id']}")
    assert resp.status == 404


# --- 3. an erased number leaves nothing on disk ---------------------------------------------

ERASED = "13604719527"


def spellings(national: str) -> list[bytes]:
    """The ways a number can sit in the files: plain, E.164, typed with spaces or dashes."""
    a, b, c = national[:3], national[3:7], national[7:]
    return [s.encode() for s in (national, "+86" + national, f"{a} {b} {c}", f"{a}-{b}-{c}", f"{a}{b}", f"{b}{c}")]


async def test_after_erasure_no_file_of_the_database_holds_the_number(client, device, make_account, settings):
    staff, supervisor = make_account("wulan", "staff"), make_account("oyun", "supervisor")
    typed = "136 0471 9527"
    first = await (await ask(client, device, phone=ERASED, text=f"白天打 {typed}，晚上打136-0471-9527。")).json()
    claimed = await (await client.post("/api/v1/desk/claim", headers=staff)).json()
    url = f"/api/v1/desk/questions/{first['id']}"
    await client.post(url + "/reveal", headers=staff)
    call = await (await client.post(url + "/attempts", headers=staff, json={
        "version": claimed["version"], "outcome": "answered", "note": f"打{ERASED}接通了"})).json()
    await client.post(url + "/refer", headers=staff, json={
        "version": call["version"], "to": "legal_aid", "summary": {"zh": "转法律援助。", "mn": ""}})
    referred = await (await client.get(url, headers=staff)).json()
    await client.post(url + "/handoff", headers=staff, json={"version": referred["version"], "note": f"户主{ERASED}"})
    # a question nobody finished, from another box, with its number typed into the text too
    other = await register(client)
    await ask(client, other, phone="15904712863", topic="land", phrases=["land.1"], text="电话 159 0471 2863")
    for n in range(20):  # ordinary traffic after them: the log holds many frames
        await ask(client, await register(client), phone=f"1370000{n:04d}", topic="family", phrases=["family.1"])
    erased = await housekeeping_round(client.server.app, time.time() + 31 * 86400)
    assert erased[1] == 22  # the two above and the traffic, all idle for 31 days
    assert client.server.app[ERASURE]["log_pending"] is False  # the log was truncated
    # what staff read afterwards keeps the words, not the digits
    detail = await (await client.get(url, headers=supervisor)).json()
    assert detail["phone"] == "***" and detail["text"] == "白天打 ***，晚上打***。"
    assert detail["calls"][0]["note"] == "打***接通了"
    assert {"note": "户主***"} in [a["detail"] for a in detail["audit"]]
    # last (reading the files in this process would drop its SQLite locks): no file holds the number
    root = settings.root.database
    files = [root, root.with_name(root.name + "-wal"), root.with_name(root.name + "-shm")]
    for path in files:
        data = path.read_bytes() if path.exists() else b""
        for number in (ERASED, "15904712863"):
            for spelled in spellings(number):
                assert spelled not in data, f"{spelled!r} in {path.name}"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_the_data_root_and_database_files_are_for_the_server_user_only(tmp_path, aiohttp_client):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    old = Store(data / "legal-tv.db")  # a database left world-readable by an older version
    old.close()
    os.chmod(data / "legal-tv.db", 0o644)
    os.chmod(data, 0o755)
    client = await aiohttp_client(create_app(Settings(data=data)))
    resp = await client.post("/api/v1/devices", json={"region": "152500", "language": "mn"})
    assert resp.status == 201
    assert mode(data) == 0o700
    for name in ("legal-tv.db", "legal-tv.db-wal", "legal-tv.db-shm"):
        assert mode(data / name) == 0o600, name
    fresh = tmp_path / "fresh"
    Settings(data=fresh).root.create()
    Store(fresh / "legal-tv.db").close()
    assert mode(fresh) == 0o700 and mode(fresh / "legal-tv.db") == 0o600


# --- 4. no cache keeps private answers ------------------------------------------------------

async def test_household_and_desk_answers_are_never_cached(client, device, make_account):
    staff = make_account("wulan", "staff")
    registered = await client.post("/api/v1/devices", json={"region": "152500", "language": "zh"})
    question = await (await ask(client, device)).json()
    answers = [registered, await ask(client, device, topic="land", phrases=["land.1"]),
               await client.get("/api/v1/questions", headers=device),
               await client.post(f"/api/v1/questions/{question['id']}/rating", json={"score": 5}, headers=device),
               await client.get("/api/v1/desk/queue", headers=staff),
               await client.get(f"/api/v1/desk/questions/{question['id']}", headers=staff),
               await client.post("/api/v1/desk/claim", headers=staff),
               await client.get("/api/v1/desk/reports/day", headers=make_account("oyun", "supervisor"))]
    for resp in answers:
        assert resp.headers.get("Cache-Control") == "no-store", (resp.url.path, resp.status)
    assert re.search("max-age", (await client.get("/api/v1/topics")).headers["Cache-Control"])
