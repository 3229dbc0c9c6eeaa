"""An editor previews a real HLS video in the console: it plays through the vendored hls.js, the
sound switch changes the language heard, and the chosen subtitles show on the picture."""
from __future__ import annotations

import urllib.request

import pytest

from content_server.kernel.config import Settings
from content_server.storage import Store

from .browser import browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)
from .ready_video import add_ready_video
from .test_editor_console import script_errors

pytestmark = pytest.mark.slow


def test_the_player_is_served_by_the_server_itself_not_a_cdn(live_server):  # noqa: F811
    with urllib.request.urlopen(f"{live_server.url}/console/static/vendor/hls.min.js", timeout=30) as resp:
        assert resp.status == 200 and b"Hls" in resp.read()


def test_an_editor_previews_a_video_in_both_sound_languages_with_subtitles(browser, live_server):  # noqa: F811
    settings = Settings(data=live_server.process.data)
    store = Store(settings.database_url)
    try:  # a ready video with a Chinese and a Mongolian sound track and subtitles in both
        vid = add_ready_video(store, settings, title_zh="交通事故先做什么")
    finally:
        store.close()
    live_server.add_user("oyun", "editor")
    for language in ("zh", "mn"):
        page = new_page(browser)
        media = []  # what the player fetched of the video
        page.on("response", lambda r: media.append(r.url) if "/media/renditions/" in r.url and r.ok else None)
        sign_in(page, live_server, "oyun", language=language)
        # when the editor opens the video's preview
        page.click(f"#videos tr[data-video='{vid}'] button.preview")
        player = page.locator("#preview-video")
        # then it plays, with the first sound track, and only from this server
        page.wait_for_function("() => document.querySelector('#preview-video video').currentTime > 0")
        assert page.eval_on_selector("#preview-video video", "v => v.videoWidth") == 320
        assert player.locator("select[name=audio] option").all_inner_texts() == ["中文", "ᠮᠣᠩᠭᠣᠯ"]
        assert any("/audio_zh/" in url and url.endswith(".ts") for url in media)
        # when they switch the sound to Mongolian, the Mongolian track is fetched and played
        player.locator("select[name=audio]").select_option(label="ᠮᠣᠩᠭᠣᠯ")
        page.wait_for_selector("#preview-video[data-audio=mn]")
        page.wait_for_function("() => performance.getEntriesByType('resource')"
                               ".some(e => e.name.includes('/audio_mn/') && e.name.endsWith('.ts'))")
        # and choose Mongolian subtitles: the line shows on the picture
        player.locator("select[name=subtitles]").select_option(label="ᠮᠣᠩᠭᠣᠯ")
        page.eval_on_selector("#preview-video video", "v => { v.pause(); v.currentTime = 1; }")
        page.wait_for_function("""() => [...document.querySelector('#preview-video video').textTracks]
            .some(t => t.mode === 'showing' && t.activeCues && [...t.activeCues].some(c => c.text.includes('ᠣᠳᠣᠯ')))""")
        assert player.get_attribute("data-subtitles") == "mn"
        screenshot(page, f"editor-console-preview-{language}")
        player.locator("button.close").click()
        assert all(url.startswith(live_server.url) for url in media)
        assert script_errors(page) == []
        page.context.close()
