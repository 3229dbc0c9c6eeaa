"""Driving the real box app under Xvfb from a test: one app per test module, keys pressed
through Kivy's window events, assertions on what is on screen.

Kivy can start only once per process, so a module opens one app and walks many steps.
"""
from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

KEYCODES = {"ok": 13, "back": 27, "menu": 1073741942, "up": 273, "down": 274, "right": 275,
            "left": 276, "delete": 8}


def start_xvfb(width: int = 1920, height: int = 1080) -> tuple[subprocess.Popen, str]:
    """An Xvfb display of its own. Xvfb picks the first free display number itself and tells it
    (-displayfd) once it accepts connections: box modules started at the same moment never share one."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    read, write = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", f"{width}x{height}x24",
                             "-nolisten", "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as told:
        ready, _, _ = select.select([told], [], [], 60)
        number = told.readline().strip() if ready else ""
    if not number.isdigit():
        proc.kill()
        raise RuntimeError("Xvfb did not start")
    return proc, f":{number}"


class BoxDriver:
    """The running app, stepped frame by frame from the test."""

    def __init__(self, app):
        from kivy.base import EventLoop
        self.app, self.loop = app, EventLoop

    # -- time -------------------------------------------------------------------------------------
    def pump(self, frames: int = 3) -> None:
        for _ in range(frames):
            self.loop.idle()

    def until(self, condition, timeout: float = 15.0, what: str = "condition") -> None:
        """Runs frames until `condition()` holds (bounded in time)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(1)
            try:
                if condition():
                    self.pump(2)
                    return
            except (KeyError, AttributeError, IndexError):
                pass
            time.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what}; screen={self.screen}, focus={self.focus}")

    # -- input ------------------------------------------------------------------------------------
    def press(self, *names: str) -> None:
        from kivy.core.window import Window
        for name in names:
            keycode = KEYCODES[name] if name in KEYCODES else 48 + int(name)
            Window.dispatch("on_key_down", keycode, 0, None, [])
            Window.dispatch("on_key_up", keycode, 0)
            self.pump(3)

    def joystick(self, button: int) -> None:
        from kivy.core.window import Window
        Window.dispatch("on_joy_button_down", 0, button)
        self.pump(3)

    # -- what is on screen ------------------------------------------------------------------------
    @property
    def screen(self) -> str:
        return self.app.sm.current

    @property
    def focus(self) -> str | None:
        card = self.app.navigator.current
        return card.focus_key if card is not None and card.focused else None

    def focused_card(self):
        return self.app.navigator.current

    def texts(self, root=None, lang: str | None = None) -> list[str]:
        """Every text the current screen shows (optionally only those drawn in `lang`)."""
        from stb_app.ui.widgets import BiLabel
        found = []

        def walk(w):
            if getattr(w, "opacity", 1) == 0:
                return
            if isinstance(w, BiLabel) and w.shown_text and (lang is None or w.shown_lang == lang):
                found.append(w.shown_text)
            for child in w.children:
                walk(child)
        walk(root or self.app.sm.current_screen)
        return found

    def screenshot(self, directory: Path, name: str) -> Path:
        from kivy.core.window import Window
        directory.mkdir(parents=True, exist_ok=True)
        self.pump(3)
        written = Window.screenshot(str(directory / f"{name}.png"))
        final = directory / f"{name}.png"
        if written and Path(written) != final:
            Path(written).replace(final)
        return final

    def go(self, *names: str, screen: str | None = None, focus: str | None = None) -> None:
        self.press(*names)
        if screen:
            self.until(lambda: self.screen == screen, what=f"screen {screen}")
            self.pump(6)  # let the new screen's layouts settle before arrows measure them
        if focus:
            self.until(lambda: self.focus == focus, what=f"focus {focus}")


def launch(server: str, data: Path, display: str, language: str = "zh", size=(1920, 1080),
           audio_driver: str = "dummy", region: str | None = "152500") -> BoxDriver:
    """Starts the app in this process on `display` and returns a driver once home is interactive
    (`audio_driver` names SDL's sound output; one that does not exist is a box without sound).
    `region` places the box as `--region` does; None starts it unplaced, on the place chooser."""
    os.environ["DISPLAY"] = display
    os.environ["SDL_AUDIODRIVER"] = audio_driver
    os.environ["KIVY_NO_CONSOLELOG"] = "1"
    # the box shares pytest's process: Kivy's own mode would take over the root logger and stderr of
    # every later test, sending all their records through a file handler that raises on a write error
    os.environ["KIVY_LOG_MODE"] = "MIXED"
    from stb_app.main import configure_kivy
    data.mkdir(parents=True, exist_ok=True)
    configure_kivy(size[0], size[1], data)
    from stb_app.ui.app import LegalTvApp

    app = LegalTvApp(server, data, language=language, region=region)
    app._run_prepare()
    driver = BoxDriver(app)
    driver.until(lambda: app.interactive and driver.focus is not None, what="interactive first screen")
    return driver


def window_rect(widget, box=None) -> tuple[float, float, float, float]:
    """`widget`'s rect in window pixels, or of `box` (x, y, width, height from its pos) inside it."""
    x, y, w, h = box if box is not None else (0, 0, widget.width, widget.height)
    left, bottom = widget.to_window(widget.x + x, widget.y + y)
    return left, bottom, w, h


def overlap(a, b) -> bool:
    """Whether two (x, y, width, height) rects share any area."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def assert_subtitles_clear_of_the_controls(box) -> None:
    """With the controls up, the subtitle drawn (its dark band included) and the label it may fill
    share no pixel with the control bar or panel, in whichever script either is shown."""
    from kivy.clock import Clock
    from kivy.metrics import dp
    screen = box.app.sm.current_screen
    screen.show_osd()
    Clock.unschedule(screen._hide_osd)  # up while measured: on a loaded machine 3 frames may outlast its 4 s
    box.pump(3)
    subtitle, osd = screen.ids.subtitle, screen.ids.osd
    assert subtitle.shown_text and osd.opacity == 1
    x, y, w, h = subtitle.shown_box
    band = window_rect(subtitle, (x - dp(12), y - dp(8), w + dp(24), h + dp(16)))
    bar = window_rect(osd)
    assert not overlap(band, bar), (subtitle.shown_lang, box.app.lang, band, bar)
    assert not overlap(window_rect(subtitle), bar), (subtitle.shown_lang, box.app.lang, window_rect(subtitle), bar)
    screen.show_osd()  # and goes after its 4 s again
