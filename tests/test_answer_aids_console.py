"""Staff answer better, in real Chromium: a supervisor adds, changes and removes answer templates;
on the next question from the same box, the lawyer reads the household's earlier question and its
answer and inserts the topic's template into the answer with one click; a household's complaint
reaches the supervisor's complaints page, never the lawyer's. Screenshots in both scripts go to
test-artifacts/."""
import json
import urllib.request
import uuid

import pytest

from .browser import browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow
MONGOLIAN = "ᠴᠠᠯᠢᠩ ᠤᠨ ᠲᠠᠰᠤᠯᠪᠤᠷᠢ ᠪᠡᠨ ᠬᠠᠳᠠᠭᠠᠯᠠᠭᠠᠷᠠᠢ᠃"


def post_json(url: str, body: dict, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def a_box_asks(server, device: dict, language: str, text: str) -> dict:
    """A household's box sends a wages question over HTTP, as the box's outbox does."""
    body = {"topic": "wages", "phrases": ["wages.1"], "text": text, "phone": device["phone"],
            "callback_window": "any", "language": language}
    return post_json(f"{server.url}/api/v1/questions", body,
                     {"Authorization": f"Bearer {device['token']}", "Idempotency-Key": str(uuid.uuid4())})


def claim_on_page(page, server, question: dict) -> None:
    page.goto(f"{server.url}/console/staff/questions/{question['id']}")
    page.click("#actions button.claim")
    page.wait_for_selector("#answer textarea[name=summary_zh]")


@pytest.mark.parametrize("language, phone", [("zh", "13812348001"), ("mn", "13812348002")])
def test_templates_kept_by_a_supervisor_and_the_household_s_earlier_answer_help_the_lawyer(
        browser, live_server, language, phone):  # noqa: F811
    if "odgerel" not in live_server.accounts:
        live_server.add_user("odgerel", "supervisor")
        live_server.add_user("wulan", "staff")
    name = f"工资条-{language}"
    boss = new_page(browser)
    sign_in(boss, live_server, "odgerel", language)
    boss.goto(f"{live_server.url}/console/supervisor/templates")
    form = boss.locator("#add-template")
    form.locator("select[name=topic]").select_option("wages")
    form.locator("input[name=title]").fill(f"{name}（草稿）")
    form.locator("textarea[name=text_mn]").fill(MONGOLIAN)
    form.locator("textarea[name=text_zh]").fill("请保留工资条和考勤记录。")
    form.locator("button[type=submit]").click()
    boss.wait_for_url("**/console/supervisor/templates")
    kept = boss.locator("details.template", has_text=f"{name}（草稿）")
    kept.locator("summary").click()                                  # change its name
    kept.locator("input[name=title]").fill(name)
    kept.locator("form.summary-form button[type=submit]").click()
    boss.wait_for_url("**/console/supervisor/templates")
    assert boss.locator("details.template", has_text=name).count() == 1
    assert boss.locator("details.template", has_text="（草稿）").count() == 0
    screenshot(boss, f"console-answer-templates-{language}")

    box = post_json(f"{live_server.url}/api/v1/devices", {"region": "152500", "language": language})
    device = {"token": box["token"], "phone": phone}
    first = a_box_asks(live_server, device, language, "老板三个月没发工资。")
    lawyer = new_page(browser)
    sign_in(lawyer, live_server, "wulan", language)
    claim_on_page(lawyer, live_server, first)
    lawyer.fill("#answer textarea[name=summary_zh]", "请先和老板协商，不成再申请劳动仲裁。")
    lawyer.click("#answer button[type=submit]")
    lawyer.wait_for_selector(".answer-zh")

    second = a_box_asks(live_server, device, language, "仲裁要带什么？")
    claim_on_page(lawyer, live_server, second)
    earlier = lawyer.locator("#earlier-questions tr.earlier")
    assert earlier.count() == 1 and first["number"] in earlier.inner_text()
    assert "请先和老板协商，不成再申请劳动仲裁。" in earlier.inner_text()
    assert phone not in lawyer.content()                             # masked in the list
    lawyer.fill("#answer textarea[name=summary_zh]", "您好。")
    lawyer.locator("#answer-templates button.insert-template", has_text=name).click()   # one click
    assert lawyer.input_value("#answer textarea[name=summary_zh]") == "您好。\n请保留工资条和考勤记录。"
    assert lawyer.input_value("#answer textarea[name=summary_mn]") == MONGOLIAN
    lawyer.fill("#insert-search", "劳动仲裁")                        # a legal word, found by searching
    words = lawyer.locator("#insert-picker .insert-entry.word:visible")
    assert 0 < words.count() < 5
    lawyer.locator("#insert-picker .insert-entry.word:visible", has_text="劳动仲裁").first.click()
    answer = lawyer.input_value("#answer textarea[name=summary_zh]")
    assert answer.startswith("您好。\n请保留工资条和考勤记录。\n劳动仲裁：") and len(answer) > 40
    assert "᠄" in lawyer.input_value("#answer textarea[name=summary_mn]")   # its Mongolian term and meaning too
    screenshot(lawyer, f"console-question-aids-{language}")

    kept = boss.locator("details.template", has_text=name)           # the supervisor removes it
    kept.locator("summary").click()
    kept.locator("form.inline button[type=submit]").click()
    boss.wait_for_url("**/console/supervisor/templates")
    assert boss.locator("details.template", has_text=name).count() == 0
    for page in (boss, lawyer):
        assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []  # the favicon


@pytest.mark.parametrize("language, phone", [("zh", "13812348003"), ("mn", "13812348004")])
def test_a_household_s_complaint_reaches_the_supervisor_s_page_and_not_the_lawyer_s(
        browser, live_server, language, phone):  # noqa: F811
    if "odgerel" not in live_server.accounts:
        live_server.add_user("odgerel", "supervisor")
        live_server.add_user("wulan", "staff")
    box = post_json(f"{live_server.url}/api/v1/devices", {"region": "152500", "language": language})
    device = {"token": box["token"], "phone": phone}
    asked = a_box_asks(live_server, device, language, "老板三个月没发工资。")
    lawyer = new_page(browser)
    sign_in(lawyer, live_server, "wulan", language)
    claim_on_page(lawyer, live_server, asked)
    lawyer.check("#record-call input[value=answered]")
    lawyer.click("#record-call button[type=submit]")
    lawyer.wait_for_selector("#calls")
    lawyer.fill("#answer textarea[name=summary_zh]", "请申请劳动仲裁。")
    lawyer.click("#answer button[type=submit]")
    lawyer.wait_for_selector(".answer-zh")
    # the box's outbox sends the household's complaint (the box test drives this with the remote)
    post_json(f"{live_server.url}/api/v1/questions/{asked['id']}/complaint", {"reason": "impolite"},
              {"Authorization": f"Bearer {device['token']}", "Idempotency-Key": str(uuid.uuid4())})

    boss = new_page(browser)
    sign_in(boss, live_server, "odgerel", language)
    boss.goto(f"{live_server.url}/console/supervisor/complaints")
    row = boss.locator(f"#complaints tr.complaint[data-number='{asked['number']}']")
    assert "open" in row.get_attribute("class") and "wulan" in row.inner_text()
    screenshot(boss, f"console-complaints-{language}")
    row.locator("input[name=note]").fill("已回访，向农户道歉。")
    row.locator("form.handle button[type=submit]").click()
    boss.wait_for_url("**/console/supervisor/complaints")
    row = boss.locator(f"#complaints tr.complaint[data-number='{asked['number']}']")
    assert "handled" in row.get_attribute("class") and "已回访，向农户道歉。" in row.inner_text()

    reason = row.locator("td.reason").inner_text()                  # the lawyer concerned sees none of it
    for page in (f"/console/staff/questions/{asked['id']}", "/console/staff"):
        lawyer.goto(f"{live_server.url}{page}")
        assert reason not in lawyer.content() and "/complaints" not in lawyer.content()
    assert lawyer.goto(f"{live_server.url}/console/supervisor/complaints").status == 403
    for page in (boss, lawyer):
        assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []  # the favicon
