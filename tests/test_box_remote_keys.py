"""The keys boxes and remotes send, pressed on the real box app under Xvfb against a real
content server: OK from the D-pad centre and gamepad buttons, the desktop Menu key, Guide,
Channel ± and Page ±, the colour keys that do what the home screen names, and keys ignored."""
import pytest

from content_server.kernel.config import Settings

from stb_app.i18n import translate

from .box_ui import launch
from .conftest import ARTIFACTS, ServerProcess
from .demo_content import fill_demo_copy

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box"
SELECT, APPLICATION, PAGE_UP, PAGE_DOWN = 1073741943, 1073741925, 280, 281      # as Kivy's window reports them
BUTTON_A, BUTTON_B, INFO, CHANNEL_UP, CHANNEL_DOWN, GUIDE = 96, 97, 165, 166, 167, 172  # Android KeyEvent codes
RED, GREEN, YELLOW, BLUE = 183, 184, 185, 186


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("keys")
    settings = Settings(data=root / "data", extra={"demo_seconds": 12, "demo_count": 1})
    fill_demo_copy(settings)
    server = ServerProcess(settings.data).start()
    box = launch(server.url, root / "box", box_display, language="zh")
    box.until(lambda: box.app.library.catalog["items"] and box.app.library.channels, what="content")
    yield box
    box.app.player.close()
    server.stop()


def key(box, code: int) -> None:
    """A key as Kivy's SDL2 window hands it on."""
    from kivy.core.window import Window
    Window.dispatch("on_key_down", code, 0, None, [])
    Window.dispatch("on_key_up", code, 0)
    box.pump(3)


def tv_key(box, code: int) -> bool:
    """A key SDL2 drops on Android, as the activity's key listener hands it to the app."""
    taken = box.app.android_key(code)
    box.pump(3)
    return taken


def home(box) -> None:
    for _ in range(8):
        if box.screen == "home":
            break
        box.press("back")
    box.until(lambda: box.screen == "home", what="home")


def key_hints(box):
    return box.app.sm.get_screen("home").ids.key_hints


def footer_texts(box) -> list[str]:
    """The key hints from left to right (Kivy keeps children last first)."""
    return list(reversed(box.texts(key_hints(box))))


def test_home_names_what_each_colour_key_opens_in_both_scripts(world):
    box = world
    home(box)
    names = ["Want to watch", "Want to choose", "Want to ask", "Programme guide"]
    box.until(lambda: footer_texts(box) == [translate(n, "zh") for n in names], what="the key hints in Chinese")
    shown = key_hints(box)
    assert [k for k, _ in shown.hints] == ["red", "green", "yellow", "blue"]
    x, y = shown.to_window(*shown.pos)
    assert y >= 0 and y + shown.height <= box.app.root.height and shown.height > 0
    assert all(label.shown_whole and len(label.shown_lines) == 1 for label in _labels(shown))  # one line each
    # the panels keep the height of their longest word: no Mongolian word is broken into letters
    assert all(label.shown_whole and len(label.shown_columns) == 1 for label in _panel_names(box))
    box.screenshot(SHOTS, "home-keys-zh")
    key(box, APPLICATION)  # the desktop Menu key switches the script, as Android's MENU does
    box.until(lambda: box.app.lang == "mn" and footer_texts(box) == [translate(n, "mn") for n in names],
              what="the key hints in Mongolian")
    assert all(label.shown_whole for label in _labels(key_hints(box)))  # nothing cut with "…"
    assert all(label.shown_whole and len(label.shown_columns) == 1 for label in _panel_names(box))
    box.screenshot(SHOTS, "home-keys-mn")
    key(box, APPLICATION)
    box.until(lambda: box.app.lang == "zh", what="Chinese again")


def _panel_names(box):
    ids = box.app.sm.get_screen("home").ids
    return [label for card in (ids.watch, ids.choose, ids.ask) for label in _labels(card)
            if label.shown_lang == "mn"]


def _labels(widget):
    from stb_app.ui.widgets import BiLabel
    found = [widget] if isinstance(widget, BiLabel) and widget.shown_text else []
    for child in widget.children:
        found += _labels(child)
    return found


@pytest.mark.parametrize("code, screen", [(RED, "watch"), (GREEN, "choose"), (YELLOW, "ask"), (BLUE, "channel")])
def test_each_colour_key_opens_what_the_footer_names(world, code, screen):
    box = world
    home(box)
    assert tv_key(box, code)
    box.until(lambda: box.screen == screen, what=screen)
    tv_key(box, RED)  # a screen that names no colour key ignores them
    assert box.screen == screen


def test_guide_opens_the_channel_guide_from_anywhere_and_channel_keys_step_through_programmes(world):
    box = world
    home(box)
    tv_key(box, RED)
    box.until(lambda: box.screen == "watch", what="watch")
    assert tv_key(box, GUIDE)
    box.until(lambda: box.screen == "channel", what="the channel guide")
    grid = box.app.sm.current_screen.ids.guide
    box.until(lambda: grid.focused_index() is not None and box.focus == grid.data[grid.focused_index()]["focus_key"],
              what="a programme focused")
    box.press("down")  # off the programme on air, which may end during the test

    def focused_key():
        return box.focus

    def next_key(k, step):  # by key: the programme on air may end meanwhile
        order = [d["focus_key"] for d in grid.data]
        return order[order.index(k) + step]

    for code, step in [(CHANNEL_UP, 1), (CHANNEL_UP, 1), (CHANNEL_DOWN, -1)]:
        before = focused_key()
        wanted = next_key(before, step)
        tv_key(box, code)
        box.until(lambda: box.focus == wanted, what=f"the programme {'after' if step > 0 else 'before'} {before}")
    # Page ± turns a page of the guide: rows further on, in the same column, and back
    before = focused_key()
    key(box, PAGE_DOWN)
    box.until(lambda: box.focus not in (None, before), what="a page of the guide on")
    order = [d["focus_key"] for d in grid.data]  # positions apart do not change when the one on air ends
    apart = order.index(box.focus) - order.index(before)
    assert apart >= 2 * grid.columns and apart % grid.columns == 0
    key(box, PAGE_UP)
    box.until(lambda: box.focus == before, what="the page back")
    # the guide names what Channel ± does there, in both scripts, whole
    hints = box.app.sm.current_screen.ids.key_hints
    for lang in ("zh", "mn"):
        if box.app.lang != lang:
            key(box, APPLICATION)
        box.until(lambda: list(reversed(box.texts(hints))) == [translate("Channel ±", lang),
                                                                 translate("Next or earlier programme", lang)],
                  what=f"the channel keys named in {lang}")
        assert all(label.shown_whole for label in _labels(hints))
        box.screenshot(SHOTS, f"channel-keys-{lang}")
    key(box, APPLICATION)
    box.until(lambda: box.app.lang == "zh", what="Chinese again")


def test_page_keys_turn_a_page_of_a_list_and_stay_in_it(world):
    box = world
    home(box)
    box.app.open("glossary", reset_focus=True)
    box.until(lambda: box.screen == "glossary" and (box.focus or "").startswith("term:"), what="the first term")
    screen = box.app.sm.current_screen
    terms = [c.focus_key for c in reversed(screen.ids.terms.children)]
    view = screen.ids.terms.parent
    first = box.focus

    def shown(card) -> bool:
        _x, y = card.to_window(*card.pos)
        _vx, vy = view.to_window(*view.pos)
        return vy <= y and y + card.height <= vy + view.height

    hidden_before = {c.focus_key for c in screen.ids.terms.children if not shown(c)}
    assert hidden_before  # 37 terms: more than a view
    key(box, PAGE_DOWN)
    box.until(lambda: box.focus in hidden_before, what="a term from the next page")
    box.until(lambda: shown(box.focused_card()), what="the page turned")
    assert terms.index(box.focus) >= 4  # a page on is several rows, not one step
    tv_key(box, CHANNEL_UP)
    for _ in range(10):  # to the last page: the focus stays in the list
        key(box, PAGE_DOWN)
    assert box.focus in terms and terms.index(box.focus) >= len(terms) - 2
    for _ in range(12):
        tv_key(box, CHANNEL_DOWN)
    box.until(lambda: box.focus == first, what="back on the first term")


def test_ok_and_back_from_the_d_pad_centre_and_gamepad_buttons(world):
    box = world
    home(box)
    box.until(lambda: box.focus is not None, what="focus")
    # the D-pad centre of a keyboard-like remote (SDL SELECT) opens the focused panel
    focused = box.focus
    key(box, SELECT)
    box.until(lambda: box.screen != "home", what=f"{focused} opened")
    box.joystick(1)  # BUTTON_B of a gamepad-like remote: back
    box.until(lambda: box.screen == "home", what="home")
    box.joystick(0)  # BUTTON_A (and DPAD_CENTER) of a gamepad-like remote: OK
    box.until(lambda: box.screen != "home", what="opened by button A")
    assert tv_key(box, BUTTON_B)  # BUTTON_B of a keyboard-like remote, which SDL drops
    box.until(lambda: box.screen == "home", what="home")
    assert tv_key(box, BUTTON_A)
    box.until(lambda: box.screen != "home", what="opened by BUTTON_A")
    home(box)


def test_info_and_keys_without_a_meaning_change_nothing(world):
    box = world
    home(box)
    screen, focus, lang = box.screen, box.focus, box.app.lang
    from stb_app.ui import android_keys
    assert not android_keys.install(box.app)  # off Android SDL's own key handling stays alone
    assert not tv_key(box, INFO)
    for code in (1073741882, 1073741952, 278):  # F1, volume up, Home
        key(box, code)
    assert (box.screen, box.focus, box.app.lang) == (screen, focus, lang)
