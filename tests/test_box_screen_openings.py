"""Opening a screen with the remote shows it laid out at once: the first frame after the key
already has every widget in its final place and the focus on its card, in both scripts (the
household never sees the layout jump). Real demo server, keys only."""
from datetime import datetime

import pytest

from content_server.kernel.config import Settings

from stb_app import programme_guide

from .box_ui import KEYCODES, launch
from .conftest import ServerProcess
from .demo_content import fill_demo_copy
from .test_box_ui import home, walk_to

pytestmark = pytest.mark.slow
SETTLE_FRAMES = 8


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("openings")
    settings = Settings(data=root / "data", extra={"demo_seconds": 20, "demo_count": 1})
    fill_demo_copy(settings)
    server = ServerProcess(settings.data).start()
    display = box_display
    box = launch(server.url, root / "box", display, language="zh")
    box.until(lambda: box.app.library.catalog["items"] and box.app.library.topics and box.app.library.services
              and box.app.library.guide, what="content")
    for timer in box.app.timers:                     # no refresh in the middle of a look
        timer.cancel()
    yield box
    server.stop()


def what_is_seen(box) -> tuple:
    """Every widget of the screen on show, where it is in the window, and the focused card."""
    screen = box.app.sm.current_screen
    places = tuple((type(w).__name__, *map(round, w.to_window(*w.pos)), round(w.width), round(w.height))
                   for w in screen.walk(restrict=True))
    return box.screen, box.focus, places


def assert_opens_laid_out(box, target: str) -> None:
    """OK on the focused card: the first frame drawn shows `target` with its focus, and the
    frames after it show the same."""
    from kivy.core.window import Window
    Window.dispatch("on_key_down", KEYCODES["ok"], 0, None, [])
    Window.dispatch("on_key_up", KEYCODES["ok"], 0)
    box.pump(1)                                       # the first frame after the key
    first = what_is_seen(box)
    assert first[0] == target and first[1] is not None, f"{target}: first frame shows {first[:2]}"
    box.pump(SETTLE_FRAMES)
    settled = what_is_seen(box)
    moved = [a for a, b in zip(first[2], settled[2]) if a != b]
    assert first[1] == settled[1], f"{target}: the focus moved from {first[1]} to {settled[1]}"
    assert len(first[2]) == len(settled[2]) and not moved, f"{target}: {len(moved)} widgets moved, e.g. {moved[:3]}"


def back_to(box, screen: str) -> None:
    box.press("back")
    box.until(lambda: box.screen == screen, what=screen)


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_every_screen_from_home_is_laid_out_in_its_first_frame(world, lang):
    box = world
    home(box)
    if box.app.lang != lang:
        box.press("menu")
        box.until(lambda: box.app.lang == lang and box.focus is not None, what=lang)
    walk_to(box, "language", "up")
    box.press("down")                                  # 想问的, then Left: 想选的
    walk_to(box, "choose", "left")
    assert_opens_laid_out(box, "choose")
    assert_opens_laid_out(box, "topic")
    for target in ("services", "glossary"):
        walk_to(box, target, "up", "right", "right", "left", "left", "left")
        assert_opens_laid_out(box, target)
        back_to(box, "topic")
    back_to(box, "choose")
    back_to(box, "home")
    walk_to(box, "language", "up")
    box.press("down")                                  # 想问的
    assert_opens_laid_out(box, "ask")
    back_to(box, "home")
    walk_to(box, "language", "up")
    box.press("down", "down")
    walk_to(box, "guide", "left")

    def on_air_for_a_while() -> bool:                  # the guide moves on when a programme ends
        now = datetime.now().astimezone()
        slots = programme_guide.upcoming(box.app.library.guide, now)
        airing = programme_guide.airing_index(slots, now)
        return airing is not None and (slots[airing].end - now).total_seconds() > 6
    box.until(on_air_for_a_while, timeout=30, what="a programme with a few seconds left")
    assert_opens_laid_out(box, "channel")
    home(box)
