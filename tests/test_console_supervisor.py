"""The supervisor console over HTTP: live board, take-over, revisits, reports with charts, audit."""
import re
import time

from content_server.storage import STORE, questions as db

from .console_session import sign_in
from .test_console_staff import FULL_NUMBER, ask
from . import given


async def _answered_and_rated(client, device, csrf: str, score: int) -> dict:
    """A question claimed, answered by the signed-in desk user, then rated by the household."""
    question = await ask(client, device, "13812348000")
    base = f"/api/v1/desk/questions/{question['id']}"
    detail = await (await client.post(f"{base}/claim", headers={"X-CSRF-Token": csrf})).json()
    resp = await client.post(f"{base}/answer", headers={"X-CSRF-Token": csrf},
                             data={"version": str(detail["version"]), "summary_zh": "可以申请法律援助。",
                                   "summary_mn": "ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠬᠡᠷᠡᠭ"})
    assert resp.status == 200, await resp.text()
    resp = await client.post(f"/api/v1/questions/{question['id']}/rating", headers=device, json={"score": score})
    assert resp.status == 200, await resp.text()
    return question


async def test_the_board_counts_the_queue_and_lets_the_supervisor_take_over_a_claim(client, device):
    question = await ask(client, device, "13812348000", language="mn")
    await ask(client, device, "15847112345", topic="wages", phrases=("wages.1",), language="zh")
    staff_csrf = await sign_in(client, "bayar", "staff")
    await client.post(f"/api/v1/desk/questions/{question['id']}/claim", headers={"X-CSRF-Token": staff_csrf})

    csrf = await sign_in(client, "tsetseg", "supervisor")
    html = await (await client.get("/console/supervisor")).text()
    assert 'data-language="mn" data-topic="traffic"' in html and 'data-language="zh" data-topic="wages"' in html
    claimed = html.split('id="claimed"')[1]
    assert question["number"] in claimed and "bayar" in claimed and "/takeover" in claimed
    assert not FULL_NUMBER.search(html)

    resp = await client.post(f"/api/v1/desk/questions/{question['id']}/takeover", headers={"X-CSRF-Token": csrf})
    assert resp.status == 200
    assert (await resp.json())["claimed_by_name"] == "tsetseg"
    audit = await (await client.get("/console/supervisor/audit")).text()
    assert 'data-action="takeover"' in audit


async def test_the_board_fragment_is_polled_with_etags(client, device):
    await sign_in(client, "tsetseg", "supervisor")
    resp = await client.get("/console/supervisor/board")
    etag = resp.headers["ETag"]
    assert (await client.get("/console/supervisor/board", headers={"If-None-Match": etag})).status == 304
    question = await ask(client, device, "13812348000")
    resp = await client.get("/console/supervisor/board", headers={"If-None-Match": etag})
    assert resp.status == 200 and question["number"] in await resp.text()


async def test_a_low_rating_lands_on_the_revisit_list_and_the_revisit_is_recorded(client, device):
    csrf = await sign_in(client, "tsetseg", "supervisor")
    low = await _answered_and_rated(client, device, csrf, score=2)
    html = await (await client.get("/console/supervisor/revisits")).text()
    card = html.split(f'data-number="{low["number"]}"')[1]
    assert "revisit-form" in card and 'class="rating">2<' in card and "sla-overdue" in card
    assert "ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠬᠡᠷᠡᠭ" in card  # the answer the household read, in Mongolian

    resp = await client.post(f"/api/v1/desk/questions/{low['id']}/revisit", headers={"X-CSRF-Token": csrf},
                             data={"reached": "1", "satisfied": "0", "note": "wants a lawyer visit"})
    assert resp.status == 200
    html = await (await client.get("/console/supervisor/revisits")).text()
    card = html.split(f'data-number="{low["number"]}"')[1].split("</li>")[0]
    assert "revisit-form" not in card and "wants a lawyer visit" in card


async def test_reports_show_totals_and_inline_charts_and_download_as_csv(client, device):
    csrf = await sign_in(client, "tsetseg", "supervisor")
    await _answered_and_rated(client, device, csrf, score=4)
    for period in ("day", "week", "month"):
        resp = await client.get(f"/console/supervisor/reports?period={period}")
        assert resp.status == 200
        html = await resp.text()
        totals = html.split('id="totals"')[1]
        assert re.search(r"<b>1</b>", totals) and "100.0 %" in totals and "<b>4.0</b>" in totals
        assert html.count('<svg class="chart"') == (2 if period == "day" else 5)
        assert not re.search(r'(src|href)="(https?:)?//', html)  # no CDN, nothing remote
        assert f'href="/api/v1/desk/reports/{period}.csv?date=' in html
    csv = await client.get("/api/v1/desk/reports/week.csv")
    assert csv.status == 200 and csv.content_type == "text/csv"
    assert "answer_rate" in (await csv.text()).splitlines()[0]


async def test_a_bad_report_date_is_a_bilingual_422(client):
    await sign_in(client, "tsetseg", "supervisor")
    resp = await client.get("/console/supervisor/reports?period=week&date=yesterday")
    assert resp.status == 422 and (await resp.json())["field"] == "date"
    resp = await client.get("/console/supervisor/reports?period=decade")  # unknown period: the default one
    assert resp.status == 200


async def test_the_audit_log_lists_every_reveal_without_the_number(client, device):
    question = await ask(client, device, "13812348000")
    csrf = await sign_in(client, "tsetseg", "supervisor")
    await client.post(f"/api/v1/desk/questions/{question['id']}/claim", headers={"X-CSRF-Token": csrf})
    await client.post(f"/api/v1/desk/questions/{question['id']}/reveal", headers={"X-CSRF-Token": csrf})
    html = await (await client.get("/console/supervisor/audit")).text()
    assert re.search(rf'data-action="reveal" data-number="{question["number"]}"', html)
    assert not FULL_NUMBER.search(html)
    assert len(await client.server.app[STORE].read(db.audit_log, question_id=question["id"])) >= 3


async def test_the_supervisor_sees_the_number_for_a_revisit_call_and_it_is_audited(client, device):
    csrf = await sign_in(client, "tsetseg", "supervisor")
    low = await _answered_and_rated(client, device, csrf, score=1)
    html = await (await client.get("/console/supervisor/revisits")).text()
    assert f'data-reveal="/api/v1/desk/questions/{low["id"]}/reveal"' in html
    assert not FULL_NUMBER.search(html)
    resp = await client.post(f"/api/v1/desk/questions/{low['id']}/reveal", headers={"X-CSRF-Token": csrf})
    assert resp.status == 200 and (await resp.json())["national"] == "13812348000"
    reveals = [r for r in await client.server.app[STORE].read(db.audit_log, question_id=low["id"]) if r["action"] == "reveal"]
    assert len(reveals) == 1 and "revisit" in reveals[0]["detail"]

    waiting = await ask(client, device, "15847112345", topic="wages", phrases=("wages.1",))
    resp = await client.post(f"/api/v1/desk/questions/{waiting['id']}/reveal", headers={"X-CSRF-Token": csrf})
    assert resp.status == 409  # an open question's number belongs to whoever claims it


async def test_the_board_warns_of_claims_about_to_lapse(client, device):
    question = await ask(client, device, "13812348000")
    staff_csrf = await sign_in(client, "bayar", "staff")
    await client.post(f"/api/v1/desk/questions/{question['id']}/claim", headers={"X-CSRF-Token": staff_csrf})
    await sign_in(client, "tsetseg", "supervisor")
    html = await (await client.get("/console/supervisor")).text()
    assert "badge sla-warning_80 expiring" not in html
    # the lawyer's page stopped renewing: two minutes of the lease are left (test setup)
    await client.server.app[STORE].write(given.run_sql, "UPDATE questions SET lease_until = ? WHERE id = ?", (time.time() + 120, question["id"]))
    html = await (await client.get("/console/supervisor")).text()
    card = html.split('id="claimed"')[1].split(f'data-number="{question["number"]}"')[1].split("</li>")[0]
    assert "badge sla-warning_80 expiring" in card
