"""The editor console's video table, in real headless Chromium against a real server process:
an editor finds a video, corrects its Mongolian title, withdraws it and restores it, and boxes
see each step at once. Screenshots in both console languages go to test-artifacts/."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from playwright.sync_api import expect

from content_server.kernel.config import Settings
from content_server.storage import Store

from . import media_samples as samples
from .browser import browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)
from .ready_video import add_ready_video
from .test_editor_console import script_errors

CORRECTED = "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ ᠤᠨ ᠬᠣᠬᠢᠷᠠᠯ ᠢ ᠶᠠᠭᠤ ᠪᠡᠷ ᠲᠥᠯᠥᠬᠦ"


def fetch(url: str) -> tuple[int, bytes]:
    """What a box gets (no session)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, b""


def catalog_titles(server) -> dict:
    status, body = fetch(server.url + "/api/v1/catalog")
    assert status == 200
    return {item["id"]: item["title"]["mn"] for item in json.loads(body)["items"]}


def test_an_editor_corrects_a_mongolian_title_then_withdraws_and_restores_the_video(browser, live_server):  # noqa: F811
    settings = Settings(data=live_server.process.data)
    store = Store(settings.database_url)
    try:
        vid = add_ready_video(store, settings, title_mn="ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ ᠪᠤᠷᠤᠭᠤ")  # the misspelt title
        other = add_ready_video(store, settings, title_zh="劳动合同纠纷", title_mn="ᠬᠥᠳᠡᠯᠮᠦᠷᠢ ᠶᠢᠨ ᠭᠡᠷ᠎ᠡ")
    finally:
        store.close()
    live_server.add_user("saran", "editor")
    page = new_page(browser)
    failed = []  # every request of the page answered (the thumbnails of withdrawn videos too)
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    sign_in(page, live_server, "saran", "zh")
    row = f"#videos tr[data-video='{vid}']"
    page.wait_for_selector(f"{row}[data-status=ready]")
    assert page.locator(f"{row} img.thumb").evaluate("img => img.complete && img.naturalWidth > 0")
    assert vid in page.inner_text(row) and "0:02" in page.inner_text(row)
    assert "中文 · ᠮᠣᠩᠭᠣᠯ" in page.inner_text(f"{row} .audio-languages")
    screenshot(page, "editor-video-table-zh")

    # the search finds the other video by its Chinese title, and only it
    page.fill("#video-search input[name=q]", "劳动")
    page.click("#video-search button[type=submit]")
    page.wait_for_selector(f"#videos tr[data-video='{other}']")
    assert page.locator("#videos tbody tr").count() == 1
    page.fill("#video-search input[name=q]", "")
    page.click("#video-search button[type=submit]")
    page.wait_for_selector(row)

    # correct the Mongolian title with the form
    page.click(f"{row} button.edit")
    page.fill("#edit-video input[name=title_mn]", CORRECTED)
    screenshot(page, "editor-video-edit-zh")
    page.click("#edit-video button[type=submit]")
    expect(page.locator(f"{row} .title-mn")).to_have_text(CORRECTED)
    assert catalog_titles(live_server)[vid] == CORRECTED

    # withdraw it with a reason in both languages: it leaves the catalog and its files
    page.click(f"{row} button.withdraw")
    page.fill("#reason-video input[name=reason_zh]", "新法施行，内容需要更新")
    page.fill("#reason-video input[name=reason_mn]", "ᠰᠢᠨ᠎ᠡ ᠬᠠᠤᠯᠢ ᠬᠡᠷᠡᠭᠵᠢᠪᠡ")
    page.click("#reason-video button[type=submit]")
    page.wait_for_selector(f"{row}[data-status=withdrawn]")
    assert vid not in catalog_titles(live_server)
    assert fetch(f"{live_server.url}/media/renditions/{vid}/master.m3u8")[0] == 404
    assert page.locator(f"{row} button.restore").is_visible()
    screenshot(page, "editor-video-withdrawn-zh")

    # restore it: back in the catalog, playable again
    page.click(f"{row} button.restore")
    page.fill("#reason-video input[name=reason_zh]", "已核对")
    page.fill("#reason-video input[name=reason_mn]", "ᠬᠢᠨᠠᠪᠠ")
    page.click("#reason-video button[type=submit]")
    page.wait_for_selector(f"{row}[data-status=ready]")
    assert catalog_titles(live_server)[vid] == CORRECTED
    assert fetch(f"{live_server.url}/media/renditions/{vid}/master.m3u8")[0] == 200

    # the history shows who did what, with the reasons
    page.click(f"{row} button.history")
    page.wait_for_selector("#video-history li[data-change=restore]")
    history = page.inner_text("#video-history .history")
    assert history.count("saran") == 3 and "新法施行，内容需要更新" in history and CORRECTED in history
    screenshot(page, "editor-video-history-zh")
    page.click("#video-history button.close")
    log = page.request.get(f"{live_server.url}/api/v1/videos/{vid}/audit").json()
    assert [(e["change"], e["who"]) for e in log] == [("edit", "saran"), ("withdraw", "saran"), ("restore", "saran")]
    assert log[0]["after"] == {"title_mn": CORRECTED}

    # the same table and form in Mongolian
    page.goto(f"{live_server.url}/console/editor?lang=mn")
    page.wait_for_selector(f"{row}[data-status=ready]")
    assert "ᠮᠣᠩᠭᠣᠯ" in page.inner_text(f"{row} .audio-languages")
    screenshot(page, "editor-video-table-mn")
    page.click(f"{row} button.withdraw")
    screenshot(page, "editor-video-withdraw-mn")
    page.click("#reason-video button.close")
    page.click(f"{row} button.edit")
    assert page.input_value("#edit-video input[name=title_mn]") == CORRECTED
    assert page.input_value("#edit-video select[name=audio_0]") == "zh"
    screenshot(page, "editor-video-edit-mn")
    page.click("#edit-video button.close")
    page.click(f"{row} button.history")
    page.wait_for_selector("#video-history li[data-change=restore]")
    assert "ᠰᠢᠨ᠎ᠡ ᠬᠠᠤᠯᠢ ᠬᠡᠷᠡᠭᠵᠢᠪᠡ" in page.inner_text("#video-history .history")
    screenshot(page, "editor-video-history-mn")
    assert failed == [] and script_errors(page) == []


def test_an_editor_replaces_a_video_with_a_shorter_cut_from_the_table(browser, live_server, tmp_path):  # noqa: F811
    settings = Settings(data=live_server.process.data)
    store = Store(settings.database_url)
    try:
        vid = add_ready_video(store, settings, title_zh="遗产继承", title_mn="ᠥᠪ ᠵᠠᠯᠭᠠᠮᠵᠢᠯᠠᠯ")
    finally:
        store.close()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(samples.two_languages(1, "320x240"))  # shorter than the 2 s video it replaces
    live_server.add_user("tana", "editor")
    page = new_page(browser)
    sign_in(page, live_server, "tana", "mn")
    row = f"#videos tr[data-video='{vid}']"
    page.wait_for_selector(f"{row}[data-status=ready]")
    old_hls = json.loads(fetch(live_server.url + "/api/v1/catalog")[1])
    old_hls = next(item["hls"] for item in old_hls["items"] if item["id"] == vid)
    page.click(f"{row} button.replace")
    page.set_input_files("#replace-video input[name=file]", str(cut))
    screenshot(page, "editor-video-replace-mn")
    page.click("#replace-video button[type=submit]")
    # the new cut is made while the old one stays in the catalog; then the row shows the new length
    expect(page.locator(f"{row} td").nth(4)).to_have_text("0:01", timeout=120_000)
    expect(page.locator(row)).to_have_attribute("data-replacing", "no")
    item = next(i for i in json.loads(fetch(live_server.url + "/api/v1/catalog")[1])["items"] if i["id"] == vid)
    assert item["hls"] != old_hls and item["duration"] < 2
    assert fetch(live_server.url + item["hls"])[0] == 200 and fetch(live_server.url + old_hls)[0] == 200
    page.goto(f"{live_server.url}/console/editor?lang=zh")
    page.wait_for_selector(f"{row}[data-status=ready]")
    page.click(f"{row} button.replace")
    screenshot(page, "editor-video-replace-zh")
    assert script_errors(page) == []
