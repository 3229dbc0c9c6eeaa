"""Remote-control input: key codes and joystick buttons, as Kivy reports them, mapped to the
app's few actions, so screens never see raw codes.

Where the codes come from (Kivy 2.3.1 on SDL2; python-for-android builds SDL2 too):
- Kivy's SDL2 window hands on SDL key codes, except arrows, Home/End and Page Up/Down, which it
  turns into its old codes 273–281 (`key_map` in kivy/core/window/window_sdl2.py).
- On Android, SDL turns a remote's KeyEvent into an SDL scancode by the table in SDL's
  src/video/android/SDL_androidkeyboard.c: DPAD_CENTER → SELECT, MENU → MENU, BACK → AC_BACK,
  PAGE_UP/DOWN → PAGEUP/PAGEDOWN; BUTTON_A/B (from a keyboard-like remote), INFO, CHANNEL_UP/DOWN,
  GUIDE and PROG_RED/GREEN/YELLOW/BLUE are SDL_SCANCODE_UNKNOWN there, which SDL drops: they
  reach the app only through the activity's own key listener, by their Android KeyEvent code
  (`from_android_key`).
- A remote that Android reports as a gamepad arrives as joystick buttons, numbered by
  `keycode_to_SDL` in SDL's src/joystick/android/SDL_sysjoystick.c: BUTTON_A and DPAD_CENTER → 0,
  BUTTON_B → 1, BUTTON_SELECT → 4, BUTTON_START → 6, D-pad 11–14.
- A desktop keyboard's Menu key (and `xdotool key Menu`) is SDL APPLICATION, not SDL MENU.
"""
from __future__ import annotations

from typing import NamedTuple

OK, BACK, MENU, UP, DOWN, LEFT, RIGHT, DIGIT, DELETE = (
    "ok", "back", "menu", "up", "down", "left", "right", "digit", "delete")
GUIDE, NEXT, PREVIOUS = "guide", "next", "previous"  # the channel guide; Channel ±
PAGE_ON, PAGE_BACK = "page_on", "page_back"          # Page Down, Page Up
RED, GREEN, YELLOW, BLUE = "red", "green", "yellow", "blue"
DIRECTIONS = (UP, DOWN, LEFT, RIGHT)
COLOURS = (RED, GREEN, YELLOW, BLUE)  # in the order they sit on a remote
PAGING = (NEXT, PREVIOUS, PAGE_ON, PAGE_BACK)  # a page on or back in a list; Channel ± steps a programme in the guide

_KEYS = {
    13: OK, 271: OK, 1073741943: OK,        # Enter, keypad Enter, SDLK_SELECT (Android DPAD_CENTER)
    27: BACK, 1073742094: BACK,             # Escape, SDLK_AC_BACK (Android BACK)
    1073741942: MENU,                       # SDLK_MENU (Android MENU)
    1073741925: MENU,                       # SDLK_APPLICATION (a desktop keyboard's Menu key)
    280: PAGE_BACK, 281: PAGE_ON,           # Page Up, Page Down (Kivy's codes for SDLK_PAGEUP/PAGEDOWN)
    273: UP, 274: DOWN, 275: RIGHT, 276: LEFT,
    8: DELETE,                              # Backspace on a keyboard remote
}
_BUTTONS = {0: OK, 1: BACK, 4: BACK, 6: MENU, 11: UP, 12: DOWN, 13: LEFT, 14: RIGHT}
# Android KeyEvent codes of the keys SDL2 drops (android.view.KeyEvent constants)
_ANDROID_KEYS = {
    96: OK, 97: BACK,                       # KEYCODE_BUTTON_A, KEYCODE_BUTTON_B
    165: None,                              # KEYCODE_INFO: nothing to show that the screen does not
    166: NEXT, 167: PREVIOUS,               # KEYCODE_CHANNEL_UP, KEYCODE_CHANNEL_DOWN
    172: GUIDE,                             # KEYCODE_GUIDE
    183: RED, 184: GREEN, 185: YELLOW, 186: BLUE,  # KEYCODE_PROG_RED … KEYCODE_PROG_BLUE
}


class RemoteAction(NamedTuple):
    action: str
    digit: int | None = None


def from_key(keycode: int) -> RemoteAction | None:
    """The action for a key code as Kivy's window reports it, or None for keys the app ignores."""
    if 48 <= keycode <= 57:
        return RemoteAction(DIGIT, keycode - 48)
    if 256 <= keycode <= 265:  # numeric keypad 0–9
        return RemoteAction(DIGIT, keycode - 256)
    action = _KEYS.get(keycode)
    return RemoteAction(action) if action else None


def from_joystick_button(button: int) -> RemoteAction | None:
    """The action for a joystick (D-pad) button, or None."""
    action = _BUTTONS.get(button)
    return RemoteAction(action) if action else None


def from_android_key(keycode: int) -> RemoteAction | None:
    """The action for an Android KeyEvent code that SDL2 does not pass on, or None."""
    action = _ANDROID_KEYS.get(keycode)
    return RemoteAction(action) if action else None
