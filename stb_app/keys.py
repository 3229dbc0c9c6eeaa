"""Remote-control input: SDL key codes and joystick buttons mapped to the app's few actions.

Android TV remotes arrive either as keys or, when SDL opens the D-pad as a joystick, as
joystick buttons; both map to the same actions so screens never see raw codes.
"""
from __future__ import annotations

from typing import NamedTuple

OK, BACK, MENU, UP, DOWN, LEFT, RIGHT, DIGIT, DELETE = (
    "ok", "back", "menu", "up", "down", "left", "right", "digit", "delete")
DIRECTIONS = (UP, DOWN, LEFT, RIGHT)

_KEYS = {
    13: OK, 271: OK, 1073741943: OK,        # Enter, keypad Enter, SDLK_SELECT
    27: BACK, 1073742094: BACK,             # Escape, SDLK_AC_BACK (Android back)
    1073741942: MENU,                       # SDLK_MENU
    273: UP, 274: DOWN, 275: RIGHT, 276: LEFT,
    8: DELETE,                              # Backspace on a keyboard remote
}
_BUTTONS = {0: OK, 4: BACK, 6: MENU, 11: UP, 12: DOWN, 13: LEFT, 14: RIGHT}


class RemoteAction(NamedTuple):
    action: str
    digit: int | None = None


def from_key(keycode: int) -> RemoteAction | None:
    """The action for a key code, or None for keys the app ignores."""
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
