"""An editor writes, corrects and withdraws a notice to households with the console's form, in
headless Chromium against a real server; a wrong region is named and nothing is saved; what the
form saves is what boxes of the region read."""
import json
import urllib.request

import pytest

import legaltv_regions

from .browser import browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)


def for_region(server, region: str) -> list:
    url = f"{server.url}/api/v1/notices?region={region}"
    return json.loads(urllib.request.urlopen(url, timeout=10).read())["notices"]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "mn"])
def test_an_editor_posts_corrects_and_withdraws_a_notice_with_the_form(browser, live_server, language):  # noqa: F811
    name = live_server.add_user(f"editor-{language}", "editor")
    region = {"zh": "152522", "mn": "152502"}[language]   # one server for both runs: a region each
    page = new_page(browser)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server, name, language)
    page.click("a[href='/console/editor/notices']")
    page.wait_for_selector("#notice-form")
    # a region code of three digits is refused, named, and nothing is saved
    page.select_option("select[name=kind]", "urgent")
    page.fill("input[name=title_zh]", "洪水预警")
    page.fill("input[name=title_mn]", "ᠦᠶᠡᠷ ᠤᠨ ᠰᠡᠷᠡᠮᠵᠢᠯᠡᠯᠭᠡ")
    page.fill("textarea[name=body_zh]", "河水上涨，请远离河道。需要法律帮助请拨打12348。")
    page.fill("textarea[name=body_mn]", "ᠭᠣᠣᠯ ᠤᠨ ᠤᠰᠤ ᠨᠡᠮᠡᠭᠳᠡᠵᠡᠢ᠃ 12348")
    page.fill("input[name=regions]", "152")
    page.click("#save")
    page.wait_for_selector("#error:not(:empty)")
    assert page.get_attribute("#error", "data-field") == "regions"
    assert for_region(live_server, region) == []
    # with the right code it is saved, listed, and boxes of that banner read it; the editor sees
    # the code read as its place as it is typed, and the list names the place, not the code
    page.fill("input[name=regions]", region)
    place = legaltv_regions.label(region, language)   # 锡林郭勒盟 · 阿巴嘎旗
    assert page.text_content(".place-hint .place") == f"{place} {region}"
    page.click("#save")
    page.wait_for_selector("#status:not(:empty)")
    page.wait_for_selector("#notices tbody tr")
    [notice] = for_region(live_server, region)
    listed = page.locator(f"#notices tbody tr[data-id='{notice['id']}'] td.regions")
    assert listed.text_content() == f"{place} {region}" and listed.locator("small.code").text_content() == region
    assert notice["kind"] == "urgent" and notice["title"]["mn"] == "ᠦᠶᠡᠷ ᠤᠨ ᠰᠡᠷᠡᠮᠵᠢᠯᠡᠯᠭᠡ"
    assert for_region(live_server, "150102") == []
    # the editor corrects the Chinese title through the list's Edit button
    row = page.locator(f"#notices tbody tr[data-id='{notice['id']}']")
    row.locator("button").first.click()
    assert page.input_value("input[name=title_zh]") == "洪水预警"
    page.fill("input[name=title_zh]", "洪水预警：请远离河道")
    page.click("#save")
    page.wait_for_selector("#status:not(:empty)")
    assert for_region(live_server, region)[0]["title"]["zh"] == "洪水预警：请远离河道"
    screenshot(page, f"console-notices-{language}")
    # then withdraws it: boxes no longer read it
    page.locator(f"#notices tbody tr[data-id='{notice['id']}'] button").last.click()
    page.wait_for_selector(f"#notices tr[data-id='{notice['id']}'] button", state="detached")
    assert for_region(live_server, region) == []
    assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []
