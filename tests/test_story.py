"""The whole callback story in real headless Chromium against a real server process.

A household asks from its set-top box; a Mongolian-speaking lawyer claims the question, shows
the number, records the call and writes the answer; the household reads it and rates it 2; the
supervisor finds it on the revisit list, records the revisit and reads the report.
Screenshots of every console page, in Chinese and Mongolian, go to test-artifacts/.
"""
import json
import re
import urllib.error
import urllib.request
import uuid

import pytest

from .conftest import ARTIFACTS
from .browser import LAPTOP, PHONE, browser, live_server, new_page, screenshot, sign_in  # noqa: F401

pytestmark = pytest.mark.slow
PHONE_NUMBER = "13812348000"
ANSWER_MN = "ᠲᠠ ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠲᠤᠰᠠᠯᠠᠮᠵᠢ ᠶᠢᠨ ᠲᠥᠪ ᠲᠦ ᠬᠠᠨᠳᠤᠨ᠎ᠠ ᠤᠤ᠃"
ANSWER_ZH = "请到旗法律援助中心申请法律援助，可免费代理。"


def api(server, method: str, path: str, body=None, headers=None):
    """One JSON call to the live server, as the box makes it."""
    request = urllib.request.Request(
        server.url + path, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def household(server) -> dict:
    status, body = api(server, "POST", "/api/v1/devices", {"region": "152502", "language": "mn"})
    assert status == 201
    return {"Authorization": f"Bearer {body['token']}"}


def ask(server, box: dict, phone: str, topic: str = "traffic", phrases=("traffic.2",)) -> dict:
    status, body = api(server, "POST", "/api/v1/questions",
                       {"topic": topic, "phrases": list(phrases), "text": "", "phone": phone,
                        "callback_window": "any", "language": "mn"},
                       {**box, "Idempotency-Key": str(uuid.uuid4())})
    assert status == 201, body
    return body


def real_errors(page) -> list[str]:
    return [e for e in page.errors if "favicon" not in e and "404 (Not Found)" not in e]


@pytest.fixture(scope="module")
def people(live_server):
    live_server.add_user("bayar", "staff", "zh,mn")
    live_server.add_user("tsetseg", "supervisor", "zh,mn")
    live_server.add_user("root", "admin", "zh")
    return live_server


def test_a_question_goes_from_the_box_to_a_lawyer_and_back_to_the_tv(browser, people):
    server = people
    box = household(server)
    question = ask(server, box, PHONE_NUMBER)

    # The lawyer signs in (Mongolian console) and finds the question in the queue.
    staff = new_page(browser, LAPTOP)
    sign_in(staff, server, "bayar", "mn")
    assert staff.url.endswith("/console/staff")
    card = staff.locator(f'#queue-items [data-number="{question["number"]}"]')
    card.wait_for()
    assert "138****8000" in card.inner_text()
    assert PHONE_NUMBER not in staff.content()
    screenshot(staff, "staff-queue-mn-laptop")

    # A second household asks while the page is open: it appears without reloading.
    later = ask(server, household(server), "15847112345", topic="wages", phrases=("wages.1",))
    staff.locator(f'#queue-items [data-number="{later["number"]}"]').wait_for(timeout=20_000)

    # Claim, then show the number on purpose.
    card.locator("button.claim").click()
    staff.wait_for_url(f"**/console/staff/questions/{question['id']}")
    assert PHONE_NUMBER not in staff.content()
    staff.click("#reveal")
    revealed = staff.locator("a.phone.revealed")
    revealed.wait_for()
    assert revealed.inner_text() == PHONE_NUMBER
    assert revealed.get_attribute("href") == "tel:+86" + PHONE_NUMBER

    # Record the call, then write the answer in both languages.
    staff.check('#record-call input[value="answered"]')
    staff.fill('#record-call input[name="note"]', "household reached")
    with staff.expect_navigation():
        staff.click("#record-call button[type=submit]")
    assert staff.locator("#calls").inner_text().count("household reached") == 1
    staff.fill('#answer textarea[name="summary_mn"]', ANSWER_MN)
    staff.fill('#answer textarea[name="summary_zh"]', ANSWER_ZH)
    staff.locator("#answer").screenshot(path=str(ARTIFACTS / "staff-answer-typed-mn-laptop.png"))
    with staff.expect_navigation():
        staff.click("#answer button[type=submit]")
    assert staff.locator("#question").get_attribute("data-status") == "resolved"
    answer_mn = staff.locator(".answer-mn")
    assert answer_mn.inner_text().strip() == ANSWER_MN
    assert answer_mn.evaluate("e => getComputedStyle(e).writingMode") == "vertical-lr"
    screenshot(staff, "staff-question-answered-mn-laptop")
    staff.goto(staff.url.split("?")[0] + "?lang=zh")
    screenshot(staff, "staff-question-answered-zh-laptop")
    assert real_errors(staff) == []

    # The household's box sees the answer, and rates the call 2 of 5.
    status, listing = api(server, "GET", "/api/v1/questions", headers=box)
    mine = next(q for q in listing if q["id"] == question["id"])
    assert mine["answer_summary"] == {"zh": ANSWER_ZH, "mn": ANSWER_MN} and mine["can_rate"]
    status, _ = api(server, "POST", f"/api/v1/questions/{question['id']}/rating", {"score": 2}, box)
    assert status == 200

    # The supervisor finds it on the revisit list, calls back and records it.
    supervisor = new_page(browser, LAPTOP)
    sign_in(supervisor, server, "tsetseg", "zh")
    assert supervisor.url.endswith("/console/supervisor")
    screenshot(supervisor, "supervisor-board-zh-laptop")
    supervisor.click('a[href="/console/supervisor/revisits"] >> nth=0')
    revisit = supervisor.locator(f'li.revisit[data-number="{question["number"]}"]')
    assert "2" == revisit.locator(".rating").inner_text()
    screenshot(supervisor, "supervisor-revisits-zh-laptop")
    revisit.locator("button.reveal").click()  # to call the household back
    revisit.locator("a.phone.revealed").wait_for()
    assert revisit.locator("a.phone.revealed").inner_text() == PHONE_NUMBER
    revisit.locator('select[name="reached"]').select_option("1")
    revisit.locator('select[name="satisfied"]').select_option("0")
    revisit.locator('input[name="note"]').fill("wants a lawyer to visit")
    with supervisor.expect_navigation():
        revisit.locator("button[type=submit]").click()
    assert "wants a lawyer to visit" in supervisor.locator(f'li.revisit[data-number="{question["number"]}"]').inner_text()

    # ... and reads this week's report, with charts, in both languages; the CSV downloads.
    supervisor.goto(f"{server.url}/console/supervisor/reports?period=week")
    totals = supervisor.locator("#totals").inner_text()
    assert re.search(r"\b2\b", totals) and "100" in totals
    assert supervisor.locator("svg.chart").count() == 5
    screenshot(supervisor, "supervisor-reports-zh-laptop")
    supervisor.goto(f"{server.url}/console/supervisor/reports?period=week&lang=mn")
    screenshot(supervisor, "supervisor-reports-mn-laptop")
    csv = supervisor.request.get(f"{server.url}/api/v1/desk/reports/week.csv")
    assert csv.ok and "answer_rate" in csv.text().splitlines()[0]

    # Every reveal is in the audit log, and no page ever showed the number.
    supervisor.goto(f"{server.url}/console/supervisor/audit?lang=mn")
    assert supervisor.locator(f'tr[data-action="reveal"][data-number="{question["number"]}"]').count() == 2
    assert PHONE_NUMBER not in supervisor.content()
    screenshot(supervisor, "supervisor-audit-mn-laptop")
    assert real_errors(supervisor) == []
    log = server.process.data.parent / f"server-{server.process.port}.log"
    assert PHONE_NUMBER not in log.read_text(errors="replace")  # the server never logs a number


def test_every_console_page_fits_a_phone_screen_in_both_languages(browser, people):
    server = people
    waiting = ask(server, household(server), "13647198765", topic="land", phrases=("land.2",))
    pages = {"staff": ["/console/staff", f"/console/staff/questions/{waiting['id']}"],
             "supervisor": ["/console/supervisor", "/console/supervisor/revisits",
                            "/console/supervisor/reports?period=month", "/console/supervisor/audit"],
             "admin": ["/console/admin"]}
    names = {"staff": "bayar", "supervisor": "tsetseg", "admin": "root"}
    for role, paths in pages.items():
        page = new_page(browser, PHONE)
        sign_in(page, server, names[role], "zh")
        for language in ("zh", "mn"):
            for path in paths:
                page.goto(f"{server.url}{path}{'&' if '?' in path else '?'}lang={language}")
                slug = path.strip("/").replace("/", "-").split("?")[0].replace(waiting["id"], "question")
                screenshot(page, f"{slug}-{language}-phone")
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, f"{path} in {language} is wider than a phone by {overflow}px"
        if role == "supervisor":  # the Mongolian heading stands upright on a laptop
            page.set_viewport_size(LAPTOP)
            page.goto(f"{server.url}/console/supervisor?lang=mn")
            heading = page.locator("#board-panel .panel-title")
            assert heading.evaluate("e => getComputedStyle(e).writingMode") == "vertical-lr"
            assert heading.evaluate("e => getComputedStyle(e).fontFamily").startswith('"Noto Sans Mongolian"')
            screenshot(page, "supervisor-board-mn-laptop")
        assert real_errors(page) == []


def test_an_administrator_adds_a_lawyer_in_the_browser(browser, people):
    server = people
    page = new_page(browser, LAPTOP)
    sign_in(page, server, "root", "mn")
    page.fill('#add-account input[name="name"]', "saruul")
    page.select_option('#add-account select[name="role"]', "staff")
    page.check('#add-account input[value="mn"]')
    page.fill('#add-account input[name="password"]', "a long enough secret")
    with page.expect_navigation():
        page.click("#add-account button[type=submit]")
    assert page.locator('tr[data-user="saruul"]').count() == 1
    assert page.locator(".notice").inner_text().strip() == "ᠳᠠᠩᠰᠠ ᠨᠡᠮᠡᠭᠳᠡᠪᠡ᠃"
    screenshot(page, "admin-mn-laptop")
    fresh = new_page(browser, PHONE)
    fresh.goto(f"{server.url}/console/login")
    fresh.fill("input[name=name]", "saruul")
    fresh.fill("input[name=password]", "a long enough secret")
    with fresh.expect_navigation():
        fresh.click("form.login button[type=submit]")
    assert fresh.url.endswith("/console/staff")
    assert real_errors(page) == [] and real_errors(fresh) == []


def test_an_open_page_keeps_its_claim_and_learns_when_the_supervisor_takes_it_over(browser, people):
    server = people
    question = ask(server, household(server), "13912345678", topic="labour", phrases=("labour.1",))
    staff = new_page(browser, LAPTOP)
    staff.clock.install()  # the page's timers run on a clock the test can move forward
    sign_in(staff, server, "bayar", "zh")
    staff.goto(f"{server.url}/console/staff/questions/{question['id']}")
    with staff.expect_navigation():
        staff.click("#actions button.claim")
    with staff.expect_response("**/renew") as renewal:
        staff.clock.fast_forward("01:05")
    assert renewal.value.status == 200

    supervisor = new_page(browser, LAPTOP)
    sign_in(supervisor, server, "tsetseg", "zh")
    card = supervisor.locator(f'#claimed [data-number="{question["number"]}"]')
    assert "bayar" in card.inner_text()
    with supervisor.expect_navigation():
        card.locator("button.takeover").click()
    assert supervisor.url.endswith(f"/console/staff/questions/{question['id']}")
    assert "tsetseg" in supervisor.locator("#question .badge").first.inner_text()
    assert supervisor.locator("#reveal").count() == 1  # the number is now the supervisor's to show

    with staff.expect_response("**/renew") as renewal:
        staff.clock.fast_forward("01:05")
    assert renewal.value.status == 409
    lost = staff.locator("p[data-lease-renew]")
    lost.wait_for(state="visible")
    assert lost.inner_text().strip() == "您已不再持有此问题，请返回队列。"
    assert staff.locator("#answer button[type=submit]").is_disabled()
    screenshot(staff, "staff-claim-taken-over-zh-laptop")
    assert real_errors(staff) == [] or all("409" in e for e in real_errors(staff))
