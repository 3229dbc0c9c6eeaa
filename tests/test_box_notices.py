"""Notices on the real box under Xvfb, from a real content server, with the remote alone: an
urgent warning for the box's league takes the whole screen once and never again, even after the
app's state is read back from disk; a banner stays on home, whole; past notices have a screen of
their own; a box in another league gets none of them. Screenshots in both scripts go to
test-artifacts/box-notices/."""
from __future__ import annotations

import json
import urllib.request

import pytest

from content_server.kernel import auth
from content_server.kernel.config import DataRoot, Settings
from content_server.storage import Store, accounts
from stb_app.api import ApiClient
from stb_app.i18n import translate
from stb_app.library import Library
from stb_app.notices import NoticeMemory

from . import given
from .box_ui import launch
from .conftest import ARTIFACTS, ServerProcess, add_account
from .test_box_ui import set_language, walk_to

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box-notices"
FLOOD = {"kind": "urgent", "regions": ["1525"],
         "title": {"zh": "洪水预警：请远离河道", "mn": "ᠦᠶᠡᠷ ᠤᠨ ᠰᠡᠷᠡᠮᠵᠢᠯᠡᠯᠭᠡ"},
         "body": {"zh": "锡林河水位上涨，今明两天请不要靠近河道，看好老人和孩子。遇到财产损失需要法律帮助，请拨打12348。",
                  "mn": "ᠭᠣᠣᠯ ᠤᠨ ᠤᠰᠤ ᠨᠡᠮᠡᠭᠳᠡᠵᠡᠢ᠃ ᠭᠣᠣᠯ ᠳᠤ ᠪᠢᠳᠡ ᠣᠢᠷᠠᠳᠠᠬᠤ᠃ ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠲᠤᠰᠠᠯᠠᠮᠵᠢ 12348"}}
CLINIC = {"kind": "banner", "regions": ["152522", "1525"],
          "title": {"zh": "法律门诊周二上午在苏木司法所开诊", "mn": "ᠬᠠᠤᠯᠢ ᠵᠦᠢ ᠶᠢᠨ ᠡᠮᠨᠡᠯᠭᠡ ᠮᠢᠭᠮᠠᠷ ᠡᠳᠦᠷ ᠨᠡᠭᠡᠭᠡᠨ᠎ᠡ"},
          "body": {"zh": "带上身份证和相关材料，律师当面解答。", "mn": "ᠪᠡᠶ᠎ᠡ ᠶᠢᠨ ᠦᠨᠡᠮᠯᠡᠯ ᠢᠶᠡᠨ ᠠᠪᠴᠢᠷᠠᠷᠠᠢ᠃"}}
SNOW = {**FLOOD, "regions": ["15"], "title": {"zh": "暴雪预警", "mn": "ᠴᠠᠰᠤᠨ ᠰᠢᠭᠤᠷᠭ᠎ᠠ ᠶᠢᠨ ᠰᠡᠷᠡᠮᠵᠢᠯᠡᠯᠭᠡ"}}


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("notices")
    settings = Settings(data=root / "data")
    server = ServerProcess(settings.data).start()
    box = launch(server.url, root / "box", box_display, language="zh")  # region 152500: league 1525
    yield box, server, root
    box.app.player.close()
    server.stop()


def editor_token(root) -> str:
    store = Store(DataRoot(root / "data").database)
    try:
        user_id = add_account(store, "altan", "editor")
        token, token_hash = auth.new_token("ltv")
        given.write(store, accounts.add_api_token, user_id, token_hash)
    finally:
        store.close()
    return token


def post_notice(server, token: str, notice: dict) -> dict:
    request = urllib.request.Request(server.url + "/api/v1/notices", data=json.dumps(notice).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def refreshed(box, during_a_poll: bool = False) -> None:
    """The box refreshes everything from the server, as when it wakes (and has finished); with
    `during_a_poll`, it wakes while a poll is under way (one that asks only what is due)."""
    box.until(lambda: not box.app._refreshing, what="an earlier refresh")
    if during_a_poll:
        box.app.poll()
    box.app.refresh()
    box.until(lambda: not box.app._refreshing, what="the refresh")
    box.pump(6)


def test_an_urgent_notice_shows_once_a_banner_stays_and_another_league_sees_neither(world, tmp_path):
    box, server, root = world
    token = editor_token(root)
    flood, clinic = post_notice(server, token, FLOOD), post_notice(server, token, CLINIC)
    # when the box next refreshes, the flood warning takes the whole screen, 12348 in large digits
    refreshed(box)
    box.until(lambda: box.screen == "urgent", what="the urgent notice")
    shown = box.texts()
    assert FLOOD["title"]["zh"] in shown and FLOOD["body"]["zh"] in shown and "12348" in shown
    assert all(w.shown_whole for w in box.app.sm.current_screen.walk() if hasattr(w, "shown_whole") and w.opacity)
    box.screenshot(SHOTS, "urgent-zh")
    # the arrows read on and never close it; OK closes it; home shows the banner's title whole
    box.press("down", "right")
    assert box.screen == "urgent"
    box.go("ok", screen="home")
    banner = box.app.sm.get_screen("home").ids.banner_text
    assert banner.shown_text == CLINIC["title"]["zh"] and banner.shown_whole
    box.screenshot(SHOTS, "home-banner-zh")
    # another refresh never shows the flood warning again
    refreshed(box)
    assert box.screen == "home"
    # in Mongolian: a new warning for the whole province shows once, Back closes it
    set_language(box, "mn")
    snow = post_notice(server, token, SNOW)
    refreshed(box)
    box.until(lambda: box.screen == "urgent", what="the second urgent notice")
    assert SNOW["title"]["mn"] in box.texts(lang="mn")
    box.screenshot(SHOTS, "urgent-mn")
    box.go("back", screen="home")
    assert banner.shown_text == CLINIC["title"]["mn"] and banner.shown_whole
    box.screenshot(SHOTS, "home-banner-mn")
    # the past notices screen, reached with the remote from the banner, lists all three
    walk_to(box, "banner", "up")
    box.go("ok", screen="notices")
    box.until(lambda: box.focus and box.focus.startswith("notice:"), what="the list of notices")
    keys = {c.focus_key for c in box.app.sm.current_screen.ids.list.children}
    assert keys == {f"notice:{n['id']}" for n in (flood, clinic, snow)}
    box.screenshot(SHOTS, "notices-mn")
    page = box.app.sm.current_screen.ids.page
    box.press("ok")  # the focused notice whole, in large type; Back returns to the list
    assert page.is_open and page.ids.body.shown_text in {n["body"]["mn"] for n in (FLOOD, CLINIC, SNOW)}
    box.press("back")
    assert not page.is_open and box.screen == "notices"
    box.go("back", screen="home")
    # when the app's state is read back from disk (as after a restart), neither warning shows again
    assert NoticeMemory(box.app.data_dir / "notices.json").shown == {str(flood["id"]), str(snow["id"])}
    box.until(lambda: not box.app._refreshing, what="an earlier refresh")
    box.app.library = Library(box.app.api, box.app.data_dir)
    box.app.library.load_cached()
    box.app.show_urgent_notice()
    refreshed(box)
    assert box.screen == "home" and len(box.app.library.notices) == 3
    set_language(box, "zh")
    # when the banner is withdrawn, it leaves home and the past notices, and the row leads to those
    request = urllib.request.Request(f"{server.url}/api/v1/notices/{clinic['id']}", method="DELETE",
                                     headers={"Authorization": f"Bearer {token}"})
    urllib.request.urlopen(request, timeout=10).read()
    refreshed(box, during_a_poll=True)
    assert banner.shown_text == translate("Past notices", "zh") and box.screen == "home"
    walk_to(box, "banner", "up")
    box.go("ok", screen="notices")
    box.until(lambda: box.focus and box.focus.startswith("notice:"), what="the list of notices")
    keys = {c.focus_key for c in box.app.sm.current_screen.ids.list.children}
    assert keys == {f"notice:{n['id']}" for n in (flood, snow)}
    box.screenshot(SHOTS, "notices-zh")
    box.go("back", screen="home")
    # a box in another league (Hohhot, 1501) never gets the league's warning nor its banner, only
    # the one for the whole province
    other = Library(ApiClient(server.url, tmp_path, region="150102"), tmp_path)
    other.refresh()
    assert [n["id"] for n in other.notices] == [snow["id"]]
    assert other.notice_memory.urgent_to_show(other.notices)["id"] == snow["id"]
