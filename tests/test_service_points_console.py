"""An editor adds a gacha office with what it offers and its hours with the console's form, in
headless Chromium against a real server; a Mongolian name typed in Latin letters is refused with
the field named and nothing is saved; the office then reaches the boxes of its banner, and the
editor corrects and removes it from the list. Screenshots in both scripts go to test-artifacts/."""
import json
import urllib.request

import pytest

from .browser import browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow


def near(server, region: str) -> list:
    return json.loads(urllib.request.urlopen(f"{server.url}/api/v1/services?region={region}", timeout=10).read())


@pytest.mark.parametrize("language, region", [("zh", "152523"), ("mn", "152525")])
def test_an_editor_adds_corrects_and_removes_a_gacha_office_with_the_form(browser, live_server, language,  # noqa: F811
                                                                         region):
    name = live_server.add_user(f"editor-{language}", "editor")
    point_id = f"gacha-adviser-{region}"
    page = new_page(browser)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, live_server, name, language)
    page.click("a[href='/console/editor/services']")
    page.wait_for_selector("#points tbody tr")
    before = near(live_server, region)
    page.fill("input[name=id]", point_id)
    page.fill("input[name=region]", region)
    page.select_option("select[name=level]", "gacha")
    page.fill("input[name=name_zh]", "嘎查法律顾问")
    page.fill("input[name=name_mn]", "Gachaa legal adviser")           # not in Mongolian script
    page.fill("input[name=phone]", "0479-12348")
    page.fill("input[name=hours_zh]", "每周三 9:00–12:00")
    page.fill("input[name=hours_mn]", "ᠭᠠᠷᠠᠭ\u202fᠤᠨ ᠭᠤᠷᠪᠠ 9:00–12:00")
    page.fill("input[name=address_zh]", "嘎查村委会")
    page.fill("input[name=address_mn]", "ᠭᠠᠴᠠᠭ\u202fᠤᠨ ᠠᠵᠢᠯ\u202fᠤᠨ ᠭᠠᠵᠠᠷ")
    page.check("#point-services input[value=village_legal_adviser]")
    page.check("#point-services input[value=mediation]")
    page.click("#save")
    page.wait_for_selector("#error:not(:empty)")
    assert page.get_attribute("#error", "data-field").endswith("].name.mn")
    assert near(live_server, region) == before                            # nothing saved
    screenshot(page, f"console-service-point-refused-{language}")

    page.fill("input[name=name_mn]", "ᠭᠠᠴᠠᠭ\u202fᠤᠨ ᠬᠠᠤᠯᠢ\u202fᠶᠢᠨ ᠵᠥᠪᠯᠡᠭᠴᠢ")
    page.click("#save")
    page.wait_for_selector(f"#points tbody tr[data-id='{point_id}']")
    added = next(p for p in near(live_server, region) if p["id"] == point_id)
    assert added["level"] == "gacha" and added["services"] == ["mediation", "village_legal_adviser"]
    assert added["hours"]["zh"] == "每周三 9:00–12:00"
    assert point_id in [p["id"] for p in near(live_server, region)[:2]]     # among its banner's own offices
    screenshot(page, f"console-service-point-saved-{language}")

    row = page.locator(f"#points tbody tr[data-id='{point_id}']")
    row.locator("button").first.click()                                   # Edit
    assert page.input_value("input[name=name_zh]") == "嘎查法律顾问"
    page.uncheck("#point-services input[value=mediation]")
    page.fill("input[name=hours_zh]", "每周三、周五 9:00–12:00")
    page.click("#save")
    page.wait_for_function(f"""() => {{ const r = document.querySelector("#points tbody tr[data-id='{point_id}']");
                                          return r && !r.cells[2].textContent.includes("、"); }}""")
    changed = next(p for p in near(live_server, region) if p["id"] == point_id)
    assert changed["services"] == ["village_legal_adviser"] and changed["hours"]["zh"].startswith("每周三、周五")
    assert len(near(live_server, region)) == len(before) + 1                  # corrected, not added twice

    page.locator(f"#points tbody tr[data-id='{point_id}'] button").last.click()  # Remove
    page.wait_for_selector(f"#points tbody tr[data-id='{point_id}']", state="detached")
    assert near(live_server, region) == before
    assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []  # the 422 and the favicon
