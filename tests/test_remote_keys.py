"""Every key a box or remote sends, as Kivy reports it, mapped to what it does in the app (or
ignored); where each code comes from is in stb_app/keys.py."""
import pytest

from stb_app import keys
from stb_app.focus import grid_page

SDL_KEYS = {  # key code as Kivy's SDL2 window hands it on → action
    13: keys.OK,                    # Enter
    1073741943: keys.OK,            # SDLK_SELECT: Android DPAD_CENTER from a keyboard-like remote
    27: keys.BACK,                  # Escape
    1073742094: keys.BACK,          # SDLK_AC_BACK: Android BACK
    1073741942: keys.MENU,          # SDLK_MENU: Android MENU
    1073741925: keys.MENU,          # SDLK_APPLICATION: a desktop's Menu key, xdotool key Menu
    280: keys.PAGE_BACK,            # Page Up (Kivy's code for SDLK_PAGEUP; Android PAGE_UP too)
    281: keys.PAGE_ON,              # Page Down
}
JOYSTICK_BUTTONS = {  # SDL joystick button of a remote Android reports as a gamepad → action
    0: keys.OK,                     # BUTTON_A, and DPAD_CENTER
    1: keys.BACK,                   # BUTTON_B
    4: keys.BACK,                   # BUTTON_SELECT
    6: keys.MENU,                   # BUTTON_START
}
ANDROID_KEYS = {  # Android KeyEvent code SDL2 drops → action (None: ignored)
    96: keys.OK,                    # KEYCODE_BUTTON_A
    97: keys.BACK,                  # KEYCODE_BUTTON_B
    165: None,                      # KEYCODE_INFO
    166: keys.NEXT,                 # KEYCODE_CHANNEL_UP
    167: keys.PREVIOUS,             # KEYCODE_CHANNEL_DOWN
    172: keys.GUIDE,                # KEYCODE_GUIDE
    183: keys.RED, 184: keys.GREEN, 185: keys.YELLOW, 186: keys.BLUE,  # KEYCODE_PROG_RED … BLUE
}


@pytest.mark.parametrize("code", SDL_KEYS)
def test_each_key_kivy_reports_does_its_action(code):
    assert keys.from_key(code) == keys.RemoteAction(SDL_KEYS[code])


@pytest.mark.parametrize("button", JOYSTICK_BUTTONS)
def test_each_remote_button_does_its_action(button):
    assert keys.from_joystick_button(button) == keys.RemoteAction(JOYSTICK_BUTTONS[button])


@pytest.mark.parametrize("code", ANDROID_KEYS)
def test_each_tv_key_sdl_drops_is_mapped_or_ignored(code):
    expected = ANDROID_KEYS[code]
    assert keys.from_android_key(code) == (keys.RemoteAction(expected) if expected else None)


@pytest.mark.parametrize("code", [1073741882, 1073741952, 1073741953, 97, 278])
def test_keys_without_a_meaning_are_ignored(code):
    # F1, volume up and down, the letter a, Home: nothing happens
    assert keys.from_key(code) is None


@pytest.mark.parametrize("code", [0, 4, 23, 82, 24, 3, 187])
def test_android_codes_sdl_passes_on_are_not_taken_twice(code):
    # UNKNOWN, BACK, DPAD_CENTER, MENU, VOLUME_UP, HOME, APP_SWITCH: SDL delivers or the system keeps them
    assert keys.from_android_key(code) is None


def test_a_page_moves_a_view_of_rows_in_the_same_column_and_stops_at_the_ends():
    # 3 columns, 10 entries (rows 0..3, the last holds one), 2 rows in view
    assert grid_page(1, True, 3, 2, 10) == 7
    assert grid_page(7, True, 3, 2, 10) == 9        # the last row is short: its last entry
    assert grid_page(9, True, 3, 2, 10) is None     # already on the last row
    assert grid_page(7, False, 3, 2, 10) == 1
    assert grid_page(2, False, 3, 2, 10) is None    # already on the first row
    assert grid_page(5, False, 3, 5, 10) == 2       # a page longer than the rest: the first row
