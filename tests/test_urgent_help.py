"""Urgent help at any hour: an urgent question skips the callback window and reaches the lawyer on
duty first, within 30 minutes, on a Saturday night too; supervisors keep the roster and the marks."""
import uuid
from datetime import datetime

import pytest

from content_server.kernel.clock import CLOCK
from content_server.questions.calendar import SHANGHAI
from content_server.storage import STORE, questions as questions_db

from . import given
from .conftest import PASSWORD
from .console_session import post_login

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL

SATURDAY_NIGHT = "2026-12-05 23:10"  # a Saturday: no callback window opens before Monday


def at(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).timestamp()


async def ask(client, device, topic, phrases, language="mn", window="morning"):
    body = {"topic": topic, "phrases": phrases, "text": "", "phone": "138 1234 8000",
            "callback_window": window, "language": language}
    resp = await client.post("/api/v1/questions", json=body,
                             headers={**device, "Idempotency-Key": str(uuid.uuid4())})
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def register(client, language="mn") -> dict:
    resp = await client.post("/api/v1/devices", json={"region": "152500", "language": language})
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}


async def user_id(client, supervisor, name: str) -> int:
    staff = await (await client.get("/api/v1/desk/staff", headers=supervisor)).json()
    return next(s["id"] for s in staff if s["name"] == name)


async def test_a_family_violence_question_on_saturday_night_reaches_the_duty_lawyer_first(client, make_account):
    app = client.server.app
    supervisor = make_account("odgerel", "supervisor")
    bayar = make_account("bayar", "staff", "mn")  # on duty tonight; by day he answers land questions only
    bayar_id = await user_id(client, supervisor, "bayar")
    given.write(app[STORE], questions_db.set_staff_topics, bayar_id, ["land"])
    app[CLOCK].fixed = at("2026-12-04 09:00")  # Friday: an ordinary question, its window long past by Saturday
    ordinary = await ask(client, await register(client), "land", ["land.2"])
    resp = await client.post("/api/v1/desk/duty/shifts", headers=supervisor, json={
        "language": "mn", "starts": "2026-12-05T20:00", "ends": "2026-12-06T08:00", "user_id": bayar_id})
    assert resp.status == 201, await resp.text()

    app[CLOCK].fixed = at(SATURDAY_NIGHT)
    household = await register(client)
    urgent = await ask(client, household, "family", ["family.6"])  # 家庭暴力

    # the household is promised a call within half an hour, not Monday morning
    assert urgent["urgent"] is True and ordinary["urgent"] is False
    assert at(urgent["callback_until"][:16].replace("T", " ")) - at(SATURDAY_NIGHT) <= 30 * 60
    mine = await (await client.get("/api/v1/questions", headers=household)).json()
    assert mine[0]["urgent"] is True
    # the lawyer on duty sees it first, marked, due within 30 minutes, though family is not his topic
    queue = (await (await client.get("/api/v1/desk/queue", headers=bayar)).json())["items"]
    assert [q["number"] for q in queue] == [urgent["number"], ordinary["number"]]
    assert queue[0]["urgent"] and queue[0]["sla"]["level"] == "ok"
    assert queue[0]["sla"]["due"] <= "2026-12-05T23:40:00+08:00"
    assert queue[1]["sla"]["level"] == "overdue"
    roster = await (await client.get("/api/v1/desk/duty", headers=bayar)).json()
    assert roster["me"] == ["mn"] and roster["on_duty"]["mn"] == ["bayar"]
    # his console alerts him, the urgent question first and marked
    client.session.cookie_jar.clear()
    assert (await post_login(client, "bayar", PASSWORD, allow_redirects=False)).status == 303
    page = await (await client.get("/console/staff/queue")).text()
    alert = page.split('id="urgent-alert"')[1].split("</div>")[0]
    assert urgent["number"] in alert and ordinary["number"] not in alert
    cards = page.split('id="queue-items"')[1]
    assert cards.index(urgent["number"]) < cards.index(ordinary["number"])
    assert 'class="badge urgent"' in cards.split(ordinary["number"])[0]
    # and "the next question" for him is the urgent one, ahead of the overdue ordinary one
    claimed = await (await client.post("/api/v1/desk/claim", headers=bayar, json={})).json()
    assert claimed["number"] == urgent["number"]


async def test_a_shift_without_a_lawyer_shows_red_on_the_supervisor_board(client, make_account):
    from .console_session import sign_in
    app = client.server.app
    supervisor = make_account("odgerel", "supervisor")
    make_account("saran", "staff", "zh")
    app[CLOCK].fixed = at("2026-12-05 10:00")
    for language, starts, user in (("zh", "2026-12-05T20:00", await user_id(client, supervisor, "saran")),
                                   ("mn", "2026-12-05T20:00", None)):
        resp = await client.post("/api/v1/desk/duty/shifts", headers=supervisor, json={
            "language": language, "starts": starts, "ends": "2026-12-06T08:00", "user_id": user})
        assert resp.status == 201
    roster = await (await client.get("/api/v1/desk/duty", headers=supervisor)).json()
    assert roster["uncovered"] == 1
    assert [(s["language"], s["covered"], s["day_off"]) for s in roster["shifts"]] == [
        ("mn", False, True), ("zh", True, True)]
    # a lawyer who does not speak the shift's language is refused, with the field named
    wrong = await client.post(f"/api/v1/desk/duty/shifts/{roster['shifts'][0]['id']}", headers=supervisor,
                              json={"user_id": await user_id(client, supervisor, "saran")})
    assert wrong.status == 422 and (await wrong.json())["field"] == "user_id"

    await sign_in(client, "tsetseg", "supervisor")
    board = await (await client.get("/console/supervisor/board")).text()
    uncovered = board.split('id="roster"')[1]
    assert uncovered.count('class="shift uncovered"') == 1 and 'data-language="mn"' in uncovered


async def test_supervisors_choose_which_phrases_are_urgent(client, make_account, device):
    supervisor = make_account("odgerel", "supervisor")
    topics = await (await client.get("/api/v1/topics")).json()
    urgent = {p["id"] for t in topics for p in t["phrases"] if p["urgent"]}
    assert urgent == {"family.6", "wages.6", "other.5", "other.6"}  # violence, departure, detention, deadline
    marks = {"topics": ["lending"], "phrases": ["wages.6", "land.5"]}
    assert (await client.put("/api/v1/desk/urgent", headers=supervisor, json=marks)).status == 200
    assert (await client.put("/api/v1/desk/urgent", headers=device, json=marks)).status in (401, 403)

    client.server.app[CLOCK].fixed = at(SATURDAY_NIGHT)
    assert (await ask(client, device, "family", ["family.6"]))["urgent"] is False
    assert (await ask(client, device, "land", ["land.5"]))["urgent"] is True
    assert (await ask(client, device, "lending", ["lending.1"]))["urgent"] is True
    topics = await (await client.get("/api/v1/topics")).json()
    assert [t["id"] for t in topics if t["urgent"]] == ["lending"]
