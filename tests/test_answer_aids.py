"""Staff answer better: the question page lists the household's earlier questions and answers
(same box; same phone once the number was shown, never an unmasked number), and supervisors keep
bilingual answer templates per topic that the claimant's page offers."""
import pytest

from .console_session import sign_in
from .test_questions import ask, register

pytestmark = pytest.mark.both_engines  # server tests on SQLite and on PostgreSQL

PHONE = "13812348000"
MONGOLIAN = "ᠴᠠᠯᠢᠩ ᠤᠨ ᠲᠠᠰᠤᠯᠪᠤᠷᠢ ᠪᠡᠨ ᠬᠠᠳᠠᠭᠠᠯᠠᠭᠠᠷᠠᠢ᠃"


def template_body(**changes) -> dict:
    body = {"topic": "wages", "title": "工资条",
            "text": {"zh": "请保留工资条和考勤记录，它们是讨薪的证据。", "mn": MONGOLIAN}}
    body.update(changes)
    return body


async def answer_next(client, staff, summary: str) -> dict:
    claimed = await (await client.post("/api/v1/desk/claim", headers=staff)).json()
    resp = await client.post(f"/api/v1/desk/questions/{claimed['id']}/answer", headers=staff,
                             json={"version": claimed["version"], "summary": {"zh": summary, "mn": ""}})
    assert resp.status == 200, await resp.text()
    return claimed


async def test_supervisors_keep_bilingual_templates_per_topic_and_staff_only_read_them(client, make_account):
    boss, staff = make_account("saran", "supervisor"), make_account("wulan", "staff")
    resp = await client.post("/api/v1/desk/templates", json=template_body(), headers=staff)
    assert resp.status == 403                                      # staff do not edit templates
    resp = await client.post("/api/v1/desk/templates", json=template_body(), headers=boss)
    assert resp.status == 201
    made = await resp.json()
    assert made["topic"] == "wages" and made["text"]["mn"] == MONGOLIAN
    resp = await client.post("/api/v1/desk/templates", json=template_body(text={"zh": "只有中文"}), headers=boss)
    assert resp.status == 422 and (await resp.json())["field"] == "text.mn"   # both languages, always
    resp = await client.post("/api/v1/desk/templates", json=template_body(topic="nowhere"), headers=boss)
    assert resp.status == 422 and (await resp.json())["field"] == "topic"
    await client.post("/api/v1/desk/templates", json=template_body(topic="traffic", title="事故认定"), headers=boss)

    listed = await (await client.get("/api/v1/desk/templates?topic=wages", headers=staff)).json()
    assert [t["title"] for t in listed["templates"]] == ["工资条"]
    resp = await client.post(f"/api/v1/desk/templates/{made['id']}", headers=boss,
                             json=template_body(title="保留证据", text={"zh": "请保留证据。", "mn": MONGOLIAN}))
    assert resp.status == 200 and (await resp.json())["title"] == "保留证据"
    assert (await client.post(f"/api/v1/desk/templates/{made['id']}/delete", headers=boss)).status == 200
    listed = await (await client.get("/api/v1/desk/templates", headers=staff)).json()
    assert [t["title"] for t in listed["templates"]] == ["事故认定"]
    assert (await client.post(f"/api/v1/desk/templates/{made['id']}/delete", headers=boss)).status == 404


async def test_the_question_page_lists_the_household_s_earlier_questions_and_after_the_reveal_its_phone_s(
        client, device, make_account):
    answerer = make_account("bayar", "staff")
    await ask(client, device, text="第一次问工资。")
    first = await answer_next(client, answerer, "请先和老板协商，再申请劳动仲裁。")
    other_box = await register(client)                             # the same phone, from a neighbour's box
    await ask(client, other_box, topic="traffic", phrases=["traffic.1"], text="邻居家的车祸。")
    await answer_next(client, answerer, "先报警，保护现场。")
    await ask(client, device, topic="lending", phrases=["lending.1"], text="第二次问借钱。")

    csrf = await sign_in(client, "wulan", "staff")
    claimed = await (await client.post("/api/v1/desk/claim", headers={"X-CSRF-Token": csrf})).json()
    page = f"/console/staff/questions/{claimed['id']}"
    html = await (await client.get(page)).text()
    earlier = html[html.index('id="earlier-questions"'):html.index("</section>", html.index('id="earlier-questions"'))]
    assert first["number"] in earlier and "请先和老板协商，再申请劳动仲裁。" in earlier and "第一次问工资。" in earlier
    assert "邻居家的车祸" not in earlier                           # another box: not before the number is shown
    assert PHONE not in html and "138****8000" in earlier

    resp = await client.post(f"/api/v1/desk/questions/{claimed['id']}/reveal", headers={"X-CSRF-Token": csrf})
    assert resp.status == 200
    html = await (await client.get(page)).text()
    earlier = html[html.index('id="earlier-questions"'):html.index("</section>", html.index('id="earlier-questions"'))]
    assert "邻居家的车祸" in earlier and "先报警，保护现场。" in earlier   # the same phone, now listed
    assert PHONE not in html                                        # still masked in the list


async def test_the_claimant_s_page_offers_the_topic_s_templates_to_insert(client, device, make_account):
    boss = make_account("saran", "supervisor")
    await client.post("/api/v1/desk/templates", json=template_body(), headers=boss)
    await client.post("/api/v1/desk/templates", json=template_body(topic="traffic", title="事故认定"), headers=boss)
    await ask(client, device)
    csrf = await sign_in(client, "wulan", "staff")
    claimed = await (await client.post("/api/v1/desk/claim", headers={"X-CSRF-Token": csrf})).json()
    html = await (await client.get(f"/console/staff/questions/{claimed['id']}")).text()
    offered = html[html.index('id="answer-templates"'):]
    offered = offered[:offered.index("</section>")]
    templates = offered[:offered.index('id="insert-search"')]
    assert 'data-insert-zh="请保留工资条和考勤记录，它们是讨薪的证据。"' in templates and "工资条" in templates
    assert "事故认定" not in templates                             # another topic's template
    guides = offered[offered.index('id="insert-picker"'):]
    first = guides[guides.index("insert-entry guide"):]
    assert "工资被拖欠怎么办" in first[:first.index("</button>")]                # the question's topic's guide first
    assert guides.count("insert-entry guide") == 9 and guides.count("insert-entry word") == 37
