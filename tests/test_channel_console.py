"""An editor builds the legal channel in the web console, in headless Chromium against a real server."""
import pytest

from content_server.kernel.config import DataRoot
from content_server.storage import Store

from .browser import PHONE, browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)
from .channel_media import install, install_slate
from .test_channel_live import renditions  # noqa: F401  (session fixture)


@pytest.mark.slow
def test_editor_creates_a_channel_fixes_a_bad_slot_and_previews_the_guide(browser, live_server, renditions):  # noqa: F811
    root = DataRoot(live_server.process.data)
    store = Store(root.database)
    try:
        install(store, root, renditions, "talk", title={"zh": "交通事故怎么赔", "mn": "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"})
        install(store, root, renditions, "short", title={"zh": "工资被拖欠怎么办", "mn": "ᠴᠠᠯᠢᠩ ᠤᠨ ᠥᠷ᠎ᠡ"})
        install_slate(root, renditions)
    finally:
        store.close()
    live_server.add_user("saran", "editor")
    page = new_page(browser)
    sign_in(page, live_server, "saran")
    page.goto(f"{live_server.url}/console/editor/channels?lang=zh")

    # given a new channel made with the form
    page.fill("#new-channel input[name=id]", "legal")
    page.fill("#new-channel input[name=title_zh]", "法治频道")
    page.fill("#new-channel input[name=title_mn]", "ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠰᠤᠪᠠᠭ")
    page.click("#new-channel button[type=submit]")
    page.wait_for_url("**/console/editor/channels?channel=legal")

    # when the editor adds a slot that ends before it starts and saves
    page.click("#add-slot")
    row = page.locator("#slots tbody tr").last
    inputs = row.locator("input")
    inputs.nth(1).fill("08:00")
    inputs.nth(2).fill("07:00")
    inputs.nth(3).fill("早间法治")
    inputs.nth(4).fill("ᠦᠭᠡᠯᠡᠭᠡ")
    # the programme is picked from the list of ready videos by its title, not typed as an id
    row.locator("select.kind").select_option("videos")
    row.locator(".video-picker input[type=search]").fill("交通")
    assert row.locator(".video-picker select option").all_inner_texts() == ["交通事故怎么赔 · ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ (0:06)"]
    row.locator(".video-picker button.add-video").click()
    assert row.locator(".ordered-videos li .video-name").all_inner_texts() == ["交通事故怎么赔 · ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ (0:06)"]
    page.click("#save")

    # then the refusal is shown in Chinese, naming the slot's end
    page.wait_for_selector("#error:not(:empty)")
    assert "结束" in page.inner_text("#error") and page.get_attribute("#error", "data-field") == "slots[0].end"

    # when it is corrected, it saves and the preview lists the programme
    inputs.nth(2).fill("09:00")
    page.click("#save")
    page.wait_for_selector("#status:not(:empty)")
    assert page.inner_text("#status") == "已保存。" and page.inner_text("#error") == ""
    page.click("#preview")
    page.wait_for_selector("#guide:not([hidden]) tbody tr")
    assert "交通事故怎么赔" in page.inner_text("#guide")
    # and the day's timeline shows the slot at its hour with the chosen video
    block = page.locator("#timeline .block.programme")
    assert block.count() >= 1 and "交通事故怎么赔" in block.first.inner_text()
    assert "早间法治" in block.first.inner_text()
    assert page.locator("#timeline .hour").count() == 25
    screenshot(page, "channel-console")

    # a playlist is edited as an ordered list: videos added by title, moved, removed
    page.fill("#new-playlist input[name=name]", "evening")
    page.click("#new-playlist button[type=submit]")
    playlist = page.locator("#playlist-list .playlist[data-playlist=evening]")
    for query in ("交通", "工资"):
        playlist.locator(".video-picker input[type=search]").fill(query)
        playlist.locator("button.add-video").click()
    playlist.locator("li[data-video=short] button.move-up").click()
    playlist.locator("li[data-video=talk] button.remove").click()
    playlist.locator(".video-picker input[type=search]").fill("ᠵᠠᠮ")  # found by its Mongolian title too
    playlist.locator("button.add-video").click()
    assert playlist.locator("li").evaluate_all("items => items.map(li => li.dataset.video)") == ["short", "talk"]
    # and an evening slot plays it, chosen from the list of playlists
    page.click("#add-slot")
    evening = page.locator("#slots tbody tr").last
    for n, value in ((1, "20:00"), (2, "21:00"), (3, "晚间法治"), (4, "ᠣᠷᠣᠢ")):
        evening.locator("input").nth(n).fill(value)
    evening.locator("select.kind").select_option("playlist")
    evening.locator("select.playlist-choice").select_option("evening")
    with page.expect_response(lambda r: r.request.method == "PUT") as saved:
        page.click("#save")
    assert saved.value.ok
    page.reload()
    playlist.locator("li").first.wait_for()
    assert playlist.locator("li .video-name").all_inner_texts()[0].startswith("工资被拖欠怎么办")
    assert page.locator("#slots tbody tr").last.locator("select.playlist-choice").input_value() == "evening"
    # no script error; the only failed loads are the refused save (422) and the missing favicon
    assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []

    # and on a phone, in Mongolian, the page is no wider than the screen (wide tables scroll inside)
    phone = new_page(browser, PHONE)
    sign_in(phone, live_server, "saran", "mn")
    phone.goto(f"{live_server.url}/console/editor/channels?channel=legal&lang=mn")
    phone.wait_for_selector("#slots tbody tr")
    screenshot(phone, "channel-console-mn-phone")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    phone.click("#preview")
    phone.wait_for_selector("#timeline .block.programme")
    assert "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ" in phone.inner_text("#timeline")  # titles in the console's language
    screenshot(phone, "channel-console-timeline-mn-phone")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
