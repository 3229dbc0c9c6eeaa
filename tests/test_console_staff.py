"""The staff console over HTTP: the queue a lawyer sees, one question, the number kept hidden."""
import re
import time
import uuid

from content_server.storage import STORE, questions as db

from .console_session import sign_in
from . import given

FULL_NUMBER = re.compile(r"(?<!\d)(?:\+86)?1[3-9]\d{9}(?!\d)")  # a whole mobile number, not digits inside a timestamp


async def ask(client, device: dict, phone: str, topic: str = "traffic", language: str = "mn",
              phrases=("traffic.2",), window: str = "any") -> dict:
    """A household asks a question through the real API."""
    resp = await client.post("/api/v1/questions", headers={**device, "Idempotency-Key": str(uuid.uuid4())},
                             json={"topic": topic, "phrases": list(phrases), "text": "", "phone": phone,
                                   "callback_window": window, "language": language})
    assert resp.status == 201, await resp.text()
    return await resp.json()


def make_overdue(client, question_id: str) -> None:
    """Moves a question's callback window into the past (test setup only)."""
    past = time.time() - 3600
    given.write(client.server.app[STORE], given.run_sql, "UPDATE questions SET created_at = ?, window_start = ?, window_end = ?, due_at = ? WHERE id = ?", (past - 7200, past - 7200, past, past, question_id))


async def test_the_queue_shows_masked_numbers_and_never_a_full_one(client, device):
    mongolian = await ask(client, device, "13812348000")
    await sign_in(client, "bayar", "staff", languages="zh,mn")
    html = await (await client.get("/console/staff")).text()
    assert f'data-number="{mongolian["number"]}"' in html
    assert "138****8000" in html
    assert not FULL_NUMBER.search(html) and "12348000" not in html


async def test_questions_reach_only_staff_who_speak_their_language(client, device):
    mongolian = await ask(client, device, "13812348000", language="mn")
    chinese = await ask(client, device, "15847112345", topic="wages", phrases=("wages.1",), language="zh")
    await sign_in(client, "li", "staff", languages="zh")
    html = await (await client.get("/console/staff")).text()
    assert chinese["number"] in html and mongolian["number"] not in html


async def test_filters_narrow_the_queue_and_overdue_questions_come_first(client, device):
    first = await ask(client, device, "13812348000", topic="traffic", phrases=("traffic.2",))
    second = await ask(client, device, "15847112345", topic="wages", phrases=("wages.1",), language="zh")
    late = await ask(client, device, "13647198765", topic="land", phrases=("land.2",), language="zh")
    make_overdue(client, late["id"])
    await sign_in(client, "bayar", "staff", languages="zh,mn")

    html = await (await client.get("/console/staff")).text()
    order = [m for m in re.findall(r'data-number="(\d+)"', html)]
    assert order[0] == late["number"] and set(order) == {first["number"], second["number"], late["number"]}
    assert "badge sla-overdue" in html

    for query, expected in (("language=zh", {second["number"], late["number"]}),
                            ("topic=traffic", {first["number"]}),
                            ("sla=overdue", {late["number"]}),
                            ("region=1525", {first["number"], second["number"], late["number"]}),
                            ("region=1101", set())):
        html = await (await client.get(f"/console/staff?{query}")).text()
        assert set(re.findall(r'data-number="(\d+)"', html)) == expected, query
    # nonsense filters are ignored rather than refused or crashing
    resp = await client.get("/console/staff?language=xx&topic=<b>&sla=soon&region=abc")
    assert resp.status == 200 and "<b>" not in await resp.text()


async def test_the_queue_fragment_answers_304_until_something_changes(client, device):
    await ask(client, device, "13812348000")
    await sign_in(client, "bayar", "staff")
    resp = await client.get("/console/staff/queue")
    assert resp.status == 200 and resp.headers["ETag"]
    etag = resp.headers["ETag"]
    assert (await client.get("/console/staff/queue", headers={"If-None-Match": etag})).status == 304
    newer = await ask(client, device, "15847112345", topic="wages", phrases=("wages.1",))
    resp = await client.get("/console/staff/queue", headers={"If-None-Match": etag})
    assert resp.status == 200 and newer["number"] in await resp.text()


async def test_the_number_is_shown_only_to_the_claimant_on_request_and_each_time_recorded(client, device):
    question = await ask(client, device, "13812348000")
    csrf = await sign_in(client, "bayar", "staff")
    page = f"/console/staff/questions/{question['id']}"
    html = await (await client.get(page)).text()
    assert "data-reveal" not in html and "138****8000" in html  # not claimed yet: no way to see it

    resp = await client.post(f"/api/v1/desk/questions/{question['id']}/claim", headers={"X-CSRF-Token": csrf})
    assert resp.status == 200
    html = await (await client.get(page)).text()
    assert "data-reveal" in html and "data-lease-renew" in html
    assert not FULL_NUMBER.search(html)  # still masked until asked for

    resp = await client.post(f"/api/v1/desk/questions/{question['id']}/reveal", headers={"X-CSRF-Token": csrf})
    assert resp.status == 200 and (await resp.json())["phone"] == "+8613812348000"
    assert resp.headers["Cache-Control"] == "no-store"
    actions = [row["action"] for row in await client.server.app[STORE].read(db.audit_log, question_id=question["id"])]
    assert actions.count("reveal") == 1
    html = await (await client.get(page)).text()
    assert not FULL_NUMBER.search(html)  # the page never carries it, even after a reveal


async def test_a_colleague_cannot_reveal_a_number_claimed_by_someone_else(client, device):
    question = await ask(client, device, "13812348000")
    csrf = await sign_in(client, "bayar", "staff")
    await client.post(f"/api/v1/desk/questions/{question['id']}/claim", headers={"X-CSRF-Token": csrf})
    csrf = await sign_in(client, "saruul", "staff")
    html = await (await client.get(f"/console/staff/questions/{question['id']}")).text()
    assert "data-reveal" not in html and "takeover" not in html
    resp = await client.post(f"/api/v1/desk/questions/{question['id']}/reveal", headers={"X-CSRF-Token": csrf})
    assert resp.status == 409
    assert [r["action"] for r in await client.server.app[STORE].read(db.audit_log, question_id=question["id"])].count("reveal") == 0


async def test_an_unknown_question_page_is_a_bilingual_404(client):
    await sign_in(client, "bayar", "staff")
    resp = await client.get("/console/staff/questions/nothing")
    assert resp.status == 404 and set((await resp.json())["message"]) == {"zh", "mn"}


async def test_pages_are_bilingual_and_mongolian_text_is_marked_for_vertical_setting(client, device):
    question = await ask(client, device, "13812348000")
    csrf = await sign_in(client, "bayar", "staff")
    await client.post(f"/api/v1/desk/questions/{question['id']}/claim", headers={"X-CSRF-Token": csrf})
    zh = await (await client.get(f"/console/staff/questions/{question['id']}?lang=zh")).text()
    mn = await (await client.get(f"/console/staff/questions/{question['id']}?lang=mn")).text()
    assert 'class="lang-zh"' in zh and "记录通话" in zh
    assert 'class="lang-mn"' in mn and re.search("[\u1820-\u1877]", mn.split("<main>")[1])
    assert 'name="summary_mn" class="summary-mn"' in mn


async def test_a_referred_question_is_followed_through_hand_over_and_feedback(client, device):
    question = await ask(client, device, "13812348000")
    csrf = await sign_in(client, "bayar", "staff")
    base, page = f"/api/v1/desk/questions/{question['id']}", f"/console/staff/questions/{question['id']}"
    headers = {"X-CSRF-Token": csrf}
    detail = await (await client.post(f"{base}/claim", headers=headers)).json()
    # the page's script sends the form's own fields
    resp = await client.post(f"{base}/refer", headers=headers, data={
        "version": str(detail["version"]), "to": "legal_aid", "summary_zh": "已转法律援助中心。", "summary_mn": ""})
    assert resp.status == 200, await resp.text()
    html = await (await client.get(page + "?lang=zh")).text()
    assert 'data-status="referred"' in html and "法律援助" in html and f"{base}/handoff" in html
    assert "data-reveal" not in html  # no longer claimed: the number stays hidden

    version = (await resp.json())["version"]
    resp = await client.post(f"{base}/handoff", headers=headers, data={"version": str(version), "note": ""})
    assert resp.status == 200
    html = await (await client.get(page)).text()
    assert 'data-status="revisit_pending"' in html and f"{base}/close" in html
    resp = await client.post(f"{base}/close", headers=headers,
                             data={"version": str((await resp.json())["version"]), "note": "household informed"})
    assert resp.status == 200
    html = await (await client.get(page)).text()
    assert 'data-status="closed"' in html and f"{base}/close" not in html


async def test_a_stale_form_is_refused_with_a_conflict_and_changes_nothing(client, device):
    question = await ask(client, device, "13812348000")
    csrf = await sign_in(client, "bayar", "staff")
    base = f"/api/v1/desk/questions/{question['id']}"
    detail = await (await client.post(f"{base}/claim", headers={"X-CSRF-Token": csrf})).json()
    stale = detail["version"] - 1
    resp = await client.post(f"{base}/answer", headers={"X-CSRF-Token": csrf},
                             data={"version": str(stale), "summary_zh": "x", "summary_mn": ""})
    assert resp.status == 409 and set((await resp.json())["message"]) == {"zh", "mn"}
    html = await (await client.get(f"/console/staff/questions/{question['id']}")).text()
    assert 'data-status="claimed"' in html


async def test_an_unanswered_call_shows_when_to_call_again(client, device):
    question = await ask(client, device, "13812348000")
    csrf = await sign_in(client, "bayar", "staff")
    base = f"/api/v1/desk/questions/{question['id']}"
    detail = await (await client.post(f"{base}/claim", headers={"X-CSRF-Token": csrf})).json()
    resp = await client.post(f"{base}/attempts", headers={"X-CSRF-Token": csrf},
                             data={"version": str(detail["version"]), "outcome": "no_answer", "note": ""})
    assert resp.status == 200 and (await resp.json())["status"] == "queued"
    html = await (await client.get("/console/staff?lang=zh")).text()
    card = html.split(f'data-number="{question["number"]}"')[1].split("</li>")[0]
    assert 'class="attempts"' in card and 'class="retry"' in card


async def test_only_a_supervisor_may_close_a_question_without_an_answer(client, device):
    question = await ask(client, device, "13812348000")
    page = f"/console/staff/questions/{question['id']}"
    await sign_in(client, "bayar", "staff")
    assert "supervisor-close" not in await (await client.get(page)).text()
    csrf = await sign_in(client, "tsetseg", "supervisor")
    html = await (await client.get(page)).text()
    assert 'id="supervisor-close"' in html
    version = re.search(r'data-version="(\d+)"', html).group(1)
    resp = await client.post(f"/api/v1/desk/questions/{question['id']}/close", headers={"X-CSRF-Token": csrf},
                             data={"version": version, "note": "asked twice"})
    assert resp.status == 200
    assert 'data-status="closed"' in await (await client.get(page)).text()


async def test_the_queue_and_the_question_name_the_households_place_not_its_code(client, device):
    question = await ask(client, device, "13812348000")   # the box of the fixture lives in 152500
    await sign_in(client, "bayar", "staff")
    for lang, place in (("zh", "锡林郭勒盟"), ("mn", "ᠰᠢᠯᠢ\u202fᠶᠢᠨ ᠭᠣᠣᠯ ᠠᠶᠢᠮᠠᠭ")):
        queue = await (await client.get(f"/console/staff?lang={lang}")).text()
        page = await (await client.get(f"/console/staff/questions/{question['id']}?lang={lang}")).text()
        for html in (queue, page):
            assert f'<span class="place">{place} <small class="code">152500</small></span>' in html
    # the region filter names the leagues and banners it offers, and the one chosen
    queue = await (await client.get("/console/staff?lang=zh&region=152522")).text()
    assert '<option value="1525">锡林郭勒盟</option>' in queue
    assert '<option value="152522">锡林郭勒盟 · 阿巴嘎旗</option>' in queue
    assert '<span class="place">锡林郭勒盟 · 阿巴嘎旗 <small class="code">152522</small></span>' in queue
