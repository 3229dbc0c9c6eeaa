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
        install(store, root, renditions, "talk")
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
    row.locator("select").first.select_option("videos")
    inputs.nth(5).fill("talk")
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
    assert "talk 节目" in page.inner_text("#guide")
    screenshot(page, "channel-console")
    # no script error; the only failed loads are the refused save (422) and the missing favicon
    assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []

    # and on a phone, in Mongolian, the page is no wider than the screen (wide tables scroll inside)
    phone = new_page(browser, PHONE)
    sign_in(phone, live_server, "saran", "mn")
    phone.goto(f"{live_server.url}/console/editor/channels?channel=legal&lang=mn")
    phone.wait_for_selector("#slots tbody tr")
    screenshot(phone, "channel-console-mn-phone")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
