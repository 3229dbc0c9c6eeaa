"""A household complains about a service from its box: only about a question that has ended, once
per send however often the box retries, and only supervisors read it: never the lawyer concerned
(no queue, page, history or API of theirs shows it)."""
import uuid

import pytest

from content_server.kernel.i18n import translate

from .console_session import sign_in
from .test_questions import ask

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL


async def complain(client, device, question_id: str, reason: str = "not_helpful", key: str | None = None):
    return await client.post(f"/api/v1/questions/{question_id}/complaint", json={"reason": reason},
                             headers={**device, "Idempotency-Key": key or str(uuid.uuid4())})


async def test_a_complaint_reaches_supervisors_and_never_the_lawyer_concerned(client, device, make_account):
    lawyer = make_account("bayar", "staff")
    asked = await (await ask(client, device, text="老板三个月没发工资。")).json()
    resp = await complain(client, device, asked["id"])
    assert resp.status == 409 and (await resp.json())["error"] == "not_ended"   # still in hand: wait for the call

    claimed = await (await client.post("/api/v1/desk/claim", headers=lawyer)).json()
    await client.post(f"/api/v1/desk/questions/{claimed['id']}/attempts", headers=lawyer,
                      json={"version": claimed["version"], "outcome": "answered", "note": ""})
    detail = await (await client.get(f"/api/v1/desk/questions/{claimed['id']}", headers=lawyer)).json()
    resp = await client.post(f"/api/v1/desk/questions/{claimed['id']}/answer", headers=lawyer,
                             json={"version": detail["version"], "summary": {"zh": "请申请劳动仲裁。", "mn": ""}})
    assert resp.status == 200, await resp.text()

    key = str(uuid.uuid4())
    resp = await complain(client, device, asked["id"], "impolite", key)
    assert resp.status == 201
    sent = await resp.json()
    assert sent["reason"] == "impolite" and sent["question"]["number"] == asked["number"]
    again = await complain(client, device, asked["id"], "impolite", key)   # a retry after a lost reply
    assert again.status == 200 and (await again.json())["id"] == sent["id"]
    assert (await complain(client, device, asked["id"], "angry")).status == 422

    # the lawyer concerned: no API, no page, no queue or history entry shows it
    assert (await client.get("/api/v1/desk/complaints", headers=lawyer)).status == 403
    detail = await (await client.get(f"/api/v1/desk/questions/{asked['id']}", headers=lawyer)).text()
    assert "impolite" not in detail and "complaint" not in detail

    boss = make_account("odgerel", "supervisor")
    listed = (await (await client.get("/api/v1/desk/complaints", headers=boss)).json())["complaints"]
    assert [(c["question"]["number"], c["reason"], c["lawyer"]) for c in listed] == [
        (asked["number"], "impolite", "bayar")]
    resp = await client.post(f"/api/v1/desk/complaints/{sent['id']}/handled", headers=boss,
                             json={"note": "已回访，向农户道歉。"})
    assert resp.status == 200
    listed = (await (await client.get("/api/v1/desk/complaints", headers=boss)).json())["complaints"]
    assert listed[0]["handled_by"] == "odgerel" and listed[0]["note"] == "已回访，向农户道歉。"


async def test_another_box_cannot_complain_about_a_household_s_question(client, device):
    from .test_questions import register
    asked = await (await ask(client, device)).json()
    stranger = await register(client)
    assert (await complain(client, stranger, asked["id"])).status == 404


async def test_the_consoles_show_complaints_to_supervisors_only(client, device, make_account):
    asked = await (await ask(client, device)).json()
    boss_api = make_account("saran", "supervisor")
    await client.post(f"/api/v1/desk/questions/{asked['id']}/close", headers=boss_api,
                      json={"version": 1, "note": "asked twice"})
    assert (await complain(client, device, asked["id"], "not_called")).status == 201
    await sign_in(client, "wulan", "staff")
    assert (await client.get("/console/supervisor/complaints")).status == 403
    for page in ("/console/staff", f"/console/staff/questions/{asked['id']}"):
        assert translate("Nobody called me", "zh") not in await (await client.get(page + "?lang=zh")).text()
    await sign_in(client, "odgerel", "supervisor")
    html = await (await client.get("/console/supervisor/complaints")).text()
    row = html[html.index(f'data-number="{asked["number"]}"'):]
    assert 'class="complaint open"' in html and "/handled" in row[:row.index("</tr>")]
    assert translate("Nobody called me", "zh") in html
