"""An editor in Chromium: adds a category, uploads a real video over tus, watches it become ready."""
from __future__ import annotations

import json
import subprocess
import urllib.request

import pytest

from .browser import live_server, new_page, screenshot, sign_in  # noqa: F401 - fixture
from .test_uploads import in_own_browser  # Chromium in its own thread, so asyncio tests can follow

pytestmark = pytest.mark.slow


def tiny_video(path, seconds: int = 3) -> None:
    """A small 320×180 MP4 with a Chinese and a Mongolian audio track, like a phone's but small."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-y",
         "-f", "lavfi", "-i", f"testsrc=size=320x180:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}",
         "-map", "0:v", "-map", "1:a", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast",
         "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "32k", str(path)], check=True, timeout=60)


def script_errors(page) -> list[str]:
    """Errors of the page's scripts (CSP, exceptions); failed loads are checked by status instead."""
    return [e for e in page.errors if not e.startswith("Failed to load resource")]


def catalog(server) -> dict:
    with urllib.request.urlopen(f"{server.url}/api/v1/catalog", timeout=10) as resp:
        return json.loads(resp.read())


def test_an_editor_uploads_a_video_and_households_get_it(live_server, tmp_path):  # noqa: F811
    live_server.add_user("saran", "editor")
    video = tmp_path / "case.mp4"
    tiny_video(video)
    subtitles = tmp_path / "case.mn.srt"
    subtitles.write_text("1\n00:00:00,500 --> 00:00:02,500\nᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ\n", encoding="utf-8")
    in_own_browser(lambda browser: _upload_story(browser, live_server, video, subtitles))


def _upload_story(browser, live_server, video, subtitles) -> None:  # noqa: F811
    page = new_page(browser)
    refused = []
    page.on("response", lambda r: refused.append((r.status, r.url)) if r.status >= 400 else None)
    sign_in(page, live_server, "saran")
    assert page.url.endswith("/console/editor")

    # given a category the editor adds in the console
    page.fill("#new-category input[name=id]", "traffic")
    page.fill("#new-category input[name=zh]", "交通事故")
    page.fill("#new-category input[name=mn]", "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ")
    page.click("#new-category button[type=submit]")
    page.wait_for_selector("#categories li[data-category=traffic]")
    assert page.locator("#new-video select[name=category] option[value=traffic]").count() == 1

    # when the editor uploads a video with both titles
    page.set_input_files("#new-video input[name=file]", str(video))
    page.set_input_files("#new-video input[name=subtitles_mn]", str(subtitles))
    page.select_option("#new-video select[name=category]", "traffic")
    page.fill("#new-video input[name=title_zh]", "交通事故后怎样获得赔偿")
    page.fill("#new-video input[name=title_mn]", "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ ᠤᠨ ᠬᠣᠬᠢᠷᠠᠯ")
    page.fill("#new-video textarea[name=summary_zh]", "报警、就医、保存证据。")
    page.fill("#new-video input[name=publish_from]", "2026-01-01T08:00")  # Beijing time
    page.fill("#new-video input[name=publish_until]", "2036-01-01T08:00")
    page.click("#new-video button[type=submit]")

    # then the console shows it processing, then ready, by itself (polling)
    page.wait_for_selector("#videos tr[data-status]", timeout=30_000)
    page.wait_for_selector("#videos tr[data-status=ready]", timeout=120_000)
    screenshot(page, "editor-console-ready")
    assert "交通事故后怎样获得赔偿" in page.inner_text("#videos")
    assert "2026-01-01 08:00" in page.inner_text("#videos .publish-window")  # shown as it was entered
    assert page.inner_text("#upload-status")

    # and households find it in the catalog, with both audio languages
    [item] = catalog(live_server)["items"]
    assert item["title"] == {"zh": "交通事故后怎样获得赔偿", "mn": "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ ᠤᠨ ᠬᠣᠬᠢᠷᠠᠯ"}
    assert sorted(item["audio"]) == ["mn", "zh"] and item["category"] == "traffic"
    assert [s["lang"] for s in item["subtitles"]] == ["mn"]
    assert refused == [] and script_errors(page) == []


def test_an_editor_renames_and_reorders_categories_in_mongolian(live_server):  # noqa: F811
    live_server.add_user("bayar", "editor")
    in_own_browser(lambda browser: _categories_story(browser, live_server))


def _categories_story(browser, live_server) -> None:  # noqa: F811
    page = new_page(browser)
    sign_in(page, live_server, "bayar", language="mn")
    for cid, zh, mn in (("wages", "劳动工资", "ᠴᠠᠯᠢᠩ"), ("land", "土地承包", "ᠭᠠᠵᠠᠷ")):
        page.fill("#new-category input[name=id]", cid)
        page.fill("#new-category input[name=zh]", zh)
        page.fill("#new-category input[name=mn]", mn)
        page.click("#new-category button[type=submit]")
        page.wait_for_selector(f"#categories li[data-category={cid}]")
    # when the editor moves "land" up and renames it
    page.click("#categories li[data-category=land] .move-up")
    page.wait_for_function("() => [...document.querySelectorAll('#categories li')]"
                           ".map(li => li.dataset.category).join().includes('land,wages')")
    page.fill("#categories li[data-category=land] input[name=mn]", "ᠭᠠᠵᠠᠷ ᠤᠨ ᠭᠡᠷ᠎ᠡ")
    page.click("#categories li[data-category=land] button[type=submit]")
    page.wait_for_function(
        "() => document.querySelector('#categories li[data-category=land] input[name=mn]').defaultValue"
        " === 'ᠭᠠᠵᠠᠷ ᠤᠨ ᠭᠡᠷ᠎ᠡ'")
    # then the new order and name are kept; a duplicate id is refused with a Mongolian message
    order = page.eval_on_selector_all("#categories li", "items => items.map(li => li.dataset.category)")
    assert order.index("land") < order.index("wages")
    page.fill("#new-category input[name=id]", "land")
    page.fill("#new-category input[name=zh]", "重复")
    page.fill("#new-category input[name=mn]", "ᠳᠠᠪᠬᠤᠷ")
    page.click("#new-category button[type=submit]")
    page.wait_for_selector("#category-status.error")
    assert any("\u1800" <= ch <= "\u18af" for ch in page.inner_text("#category-status"))
    screenshot(page, "editor-console-categories-mn")
    assert script_errors(page) == []


def test_an_editor_cancels_a_transcode_and_retries_it(live_server, tmp_path):  # noqa: F811
    live_server.add_user("tuya", "editor")
    video = tmp_path / "long.mp4"
    tiny_video(video, seconds=20)  # long enough to still be converting when the editor clicks
    in_own_browser(lambda browser: _cancel_story(browser, live_server, video))


def _cancel_story(browser, live_server, video) -> None:  # noqa: F811
    page = new_page(browser)
    sign_in(page, live_server, "tuya")
    page.fill("#new-category input[name=id]", "family")
    page.fill("#new-category input[name=zh]", "婚姻继承")
    page.fill("#new-category input[name=mn]", "ᠭᠡᠷᠯᠡᠯᠲᠡ")
    page.click("#new-category button[type=submit]")
    page.wait_for_selector("#categories li[data-category=family]")
    # given a video the editor has just uploaded and which is still converting
    page.set_input_files("#new-video input[name=file]", str(video))
    page.select_option("#new-video select[name=category]", "family")
    page.fill("#new-video input[name=title_zh]", "父母的遗产怎样继承")
    page.fill("#new-video input[name=title_mn]", "ᠥᠪ ᠵᠠᠯᠭᠠᠮᠵᠢᠯᠠᠯ")
    page.click("#new-video button[type=submit]")
    row = page.locator("#videos tr", has_text="父母的遗产怎样继承")
    # when the editor cancels it, then changes their mind and retries
    row.locator("button.cancel").click(timeout=30_000)
    page.wait_for_selector("#videos tr[data-status=cancelled]", timeout=30_000)
    assert all(i["title"]["zh"] != "父母的遗产怎样继承" for i in catalog(live_server)["items"])
    row.locator("button.retry").click(timeout=30_000)
    # then it converts again and becomes ready, and households get it
    page.wait_for_selector("#videos tr[data-status=ready] >> text=父母的遗产怎样继承", timeout=120_000)
    assert any(i["title"]["zh"] == "父母的遗产怎样继承" for i in catalog(live_server)["items"])
    assert script_errors(page) == []
