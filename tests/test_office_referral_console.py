"""A lawyer refers a question to a named office in real Chromium: types a few words into the office
search, picks the village legal adviser of the household's sumu, sends the referral, and the
household's list names the office with its phone and hours. Screenshots in both scripts go to
test-artifacts/."""
import pytest

from .browser import browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)
from .test_story import api, ask, real_errors

pytestmark = pytest.mark.slow


def household_in_abag(server) -> dict:
    status, body = api(server, "POST", "/api/v1/devices", {"region": "152522", "language": "mn"})
    assert status == 201
    return {"Authorization": f"Bearer {body['token']}"}


@pytest.mark.parametrize("language, search, office_id, office_zh", [
    ("zh", "别力古台镇嘎查", "abag-belgutei-gacha-adviser", "别力古台镇嘎查法律顾问"),
    # a Mongolian word keeps its suffix (after U+202F): typed whole, it finds the notary's office
    ("mn", "ᠭᠡᠷᠡᠴᠢᠯᠡᠯ\u202fᠦᠨ ᠭᠠᠵᠠᠷ", "xilinhot-notary", "锡林浩特市公证处"),
])
def test_a_lawyer_picks_the_office_by_typing_and_the_household_reads_its_name_and_phone(
        browser, live_server, language, search, office_id, office_zh):  # noqa: F811
    if "naran" not in live_server.accounts:
        live_server.add_user("naran", "staff", "zh,mn")
    box = household_in_abag(live_server)
    question = ask(live_server, box, "13812348000")
    page = new_page(browser)
    sign_in(page, live_server, "naran", language)
    page.goto(f"{live_server.url}/console/staff/questions/{question['id']}")
    with page.expect_navigation():
        page.click("#actions button.claim")

    def shown() -> list[str]:
        return page.eval_on_selector_all("#refer select[name=office] option",
                                         "options => options.filter(o => !o.hidden).map(o => o.value)")
    everything = shown()
    page.fill("#office-search", search)
    assert shown() == [office_id] and len(everything) > 20  # the words narrowed the whole list to one
    assert page.locator("#refer select[name=office]").input_value() == office_id  # the first match is chosen
    screenshot(page, f"console-refer-office-{language}")
    page.fill("#office-search", "no office is called this")
    assert page.locator("#office-none").is_visible()
    page.fill("#office-search", search)
    page.select_option("#refer select[name=to]", "mediation" if office_id.endswith("adviser") else "notary")
    page.fill('#refer textarea[name="summary_zh"]', "请带身份证到这里办理。")
    with page.expect_navigation():
        page.click("#refer button[type=submit]")

    assert page.locator("#question").get_attribute("data-status") == "referred"
    assert "0479-12348" in page.locator("#referred-office").inner_text()
    screenshot(page, f"console-referred-office-{language}")
    status, listing = api(live_server, "GET", "/api/v1/questions", headers=box)
    mine = next(q for q in listing if q["id"] == question["id"])
    assert status == 200 and mine["office"]["id"] == office_id and mine["office"]["name"]["zh"] == office_zh
    assert mine["office"]["phone"] == "0479-12348" and mine["office"]["hours"]["mn"]
    assert real_errors(page) == []
