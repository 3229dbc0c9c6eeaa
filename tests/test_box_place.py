"""A household chooses its place with the remote alone, on the real box under Xvfb with a real
content server: on first start (no place stored) the box asks league → banner → sumu before home,
in either script; the place is kept, shown on home and is the region of the box's requests (the
notices of that banner reach it, its questions carry it); later the household changes it from
home. Screenshots in both scripts go to test-artifacts/box-place/."""
from __future__ import annotations

import json

import pytest

from content_server.kernel.config import DataRoot, Settings
from content_server.storage import Store, accounts

from . import given
from .box_ui import launch
from .conftest import ARTIFACTS, ServerProcess
from .test_box_notices import editor_token, post_notice
from .test_box_ui import walk_to

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box-place"
CLINIC = {"kind": "banner", "regions": ["152522"],
          "title": {"zh": "法律门诊周二在别力古台镇开诊", "mn": "ᠬᠠᠤᠯᠢ ᠵᠦᠢ\u202fᠶᠢᠨ ᠡᠮᠨᠡᠯᠭᠡ ᠮᠢᠭᠮᠠᠷ ᠡᠳᠦᠷ"},
          "body": {"zh": "带上身份证，律师当面解答。", "mn": "ᠪᠡᠶ᠎ᠡ\u202fᠶᠢᠨ ᠦᠨᠡᠮᠯᠡᠯ ᠢᠶᠡᠨ ᠠᠪᠴᠢᠷᠠᠷᠠᠢ᠃"}}


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("place")
    settings = Settings(data=root / "data")
    server = ServerProcess(settings.data).start()
    post_notice(server, editor_token(root), CLINIC)   # for households of Abag banner only
    box = launch(server.url, root / "box", box_display, language="zh", region=None)  # a new box, unplaced
    yield box, server, root
    box.app.player.close()
    server.stop()


def region_on_server(root, box) -> str:
    """The region the server holds for this box (its questions carry it)."""
    device_id = json.loads((root / "box" / "device.json").read_text())["device_id"]
    store = Store(DataRoot(root / "data").database)
    try:
        return given.read(store, accounts.device_by_id, device_id)["region"]
    finally:
        store.close()


def stored_place(root) -> str | None:
    return json.loads((root / "box" / "settings.json").read_text()).get("place") \
        if (root / "box" / "settings.json").exists() else None


def go_to(box, key: str) -> None:
    """Arrows only, towards the card `key` of the grid on show: rows first, then along the row."""
    from stb_app.ui.navigator import window_rect
    for _ in range(30):
        if box.focus == key:
            return
        target = next(c for c in box.app.navigator.cards(box.app.sm.current_screen) if c.focus_key == key)
        there, here = window_rect(target), window_rect(box.focused_card())
        if abs(there.cy - here.cy) > 2:
            box.press("down" if there.cy < here.cy else "up")
        else:
            box.press("right" if there.cx > here.cx else "left")
    raise AssertionError(f"could not reach {key}; focus is {box.focus}")


def choose(box, key: str) -> None:
    go_to(box, key)
    box.press("ok")


def cut_texts(box) -> list[str]:
    """The place names and chooser's words drawn cut (with "…"): none, on every step."""
    from stb_app.ui.widgets import BiLabel
    chooser = box.app.sm.get_screen("place").ids.scroll.parent
    labels = [w for w in chooser.walk(restrict=True) if isinstance(w, BiLabel) and w.shown_text]
    assert labels
    return [label.shown_text for label in labels if not label.shown_whole]


def test_a_new_box_asks_its_place_before_home_and_uses_it(world):
    box, server, root = world
    # a first start: no place is stored, the chooser comes before home, on the leagues
    assert box.screen == "place" and stored_place(root) is None
    assert box.focus == "place:150100"
    box.screenshot(SHOTS, "place-leagues-zh")
    assert "锡林郭勒盟" in box.texts() and cut_texts(box) == []
    # the language key works here too: the leagues in Mongolian script
    box.press("menu")
    box.until(lambda: box.app.lang == "mn" and box.focus == "place:150100", what="Mongolian")
    box.until(lambda: "ᠰᠢᠯᠢ\u202fᠶᠢᠨ ᠭᠣᠣᠯ ᠠᠶᠢᠮᠠᠭ" in box.texts(lang="mn"), what="Xilingol in Mongolian")
    box.screenshot(SHOTS, "place-leagues-mn")
    assert cut_texts(box) == []
    # OK on the league lists its banners; Back goes up a step, onto the league it came from
    choose(box, "place:152500")
    box.until(lambda: box.focus == "place:152501", what="the banners of Xilingol")
    box.screenshot(SHOTS, "place-banners-mn")
    box.press("back")
    box.until(lambda: box.focus == "place:152500", what="back on the leagues")
    assert box.screen == "place"
    choose(box, "place:152500")
    box.until(lambda: box.focus == "place:152501", what="the banners again")
    # Abag banner has sumus in the table: they are the last step, the banner itself first
    choose(box, "place:152522")
    box.until(lambda: box.focus == "place:whole", what="the sumus of Abag")
    box.screenshot(SHOTS, "place-sumus-mn")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh" and "伊和高勒苏木" in box.texts(), what="the sumus in Chinese")
    assert "锡林郭勒盟 · 阿巴嘎旗" in box.texts()   # the path chosen so far, above the sumus
    box.screenshot(SHOTS, "place-sumus-zh")
    choose(box, "place:152522200")
    # home: the place shown, kept on disk, and the box's requests speak for Abag banner
    box.until(lambda: box.screen == "home", what="home")
    assert box.app.sm.get_screen("home").ids.place_name.shown_text == "伊和高勒苏木"
    assert stored_place(root) == "152522200"
    box.until(lambda: json.loads((root / "box" / "device.json").read_text())["region"] == "152522",
              what="the server told the new region")
    assert region_on_server(root, box) == "152522"
    box.until(lambda: CLINIC["title"]["zh"] in " ".join(box.texts()), what="the banner notice of Abag on home")
    box.screenshot(SHOTS, "place-home-zh")


def test_the_household_changes_its_place_later_from_home(world):
    box, server, root = world
    box.until(lambda: box.screen == "home", what="home")
    walk_to(box, "place", "down", "left")
    # Back from the chooser keeps the place chosen before
    box.press("ok")
    box.until(lambda: box.screen == "place" and box.focus == "place:150100", what="the chooser from home")
    box.press("back")
    box.until(lambda: box.screen == "home" and box.focus == "place", what="home again, unchanged")
    assert stored_place(root) == "152522200"
    # in Mongolian this time: Xilinhot city, not one of its sumus
    box.press("menu")
    box.until(lambda: box.app.lang == "mn", what="Mongolian")
    box.screenshot(SHOTS, "place-home-mn")
    box.press("ok")
    box.until(lambda: box.screen == "place" and box.focus == "place:150100", what="the chooser")
    choose(box, "place:152500")
    box.until(lambda: box.focus == "place:152501", what="the banners of Xilingol")
    choose(box, "place:152502")
    box.until(lambda: box.focus == "place:whole", what="the sumus of Xilinhot")
    box.press("ok")
    box.until(lambda: box.screen == "home", what="home")
    assert box.app.sm.get_screen("home").ids.place_name.shown_text == "ᠰᠢᠯᠢ\u202fᠶᠢᠨ ᠬᠣᠲᠠ"
    assert stored_place(root) == "152502"
    box.until(lambda: json.loads((root / "box" / "device.json").read_text())["region"] == "152502",
              what="the server told the new region")
    assert region_on_server(root, box) == "152502"
    # the banner notice for Abag is no longer this household's
    box.until(lambda: CLINIC["title"]["mn"] not in " ".join(box.texts()), what="Abag's notice gone")
    box.screenshot(SHOTS, "place-home-changed-mn")
