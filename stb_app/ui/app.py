"""The Kivy application: screens, the remote, the language switch, and the data refresh loop."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.logger import Logger
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

import legaltv_regions

from .. import appointments, i18n, keys, screen_order, shaping
from ..api import ApiClient
from ..library import Library
from . import android_keys, screen_preparation, text as textdraw
from .navigator import Navigator
from .player import Player

HERE = Path(__file__).resolve().parent
POLL_TICK_SECONDS = 5  # how often the box looks whether a request is due (library.poll decides)
OUTBOX_SECONDS = 5
DEVICE_CLASS_HEIGHT = {"sd": 360, "hd": 720, "fhd": 1080, "uhd": 2160}
MONGOLIAN_NOTE_SECONDS = 20  # how long the note that Mongolian cannot be shown stays up


class LegalTvApp(App):
    lang = StringProperty("zh")
    offline = BooleanProperty(False)
    data_version = NumericProperty(0)   # bumps whenever fresh data arrived: screens rebuild
    shaping = StringProperty(shaping.RAQM)  # the path that draws Mongolian joined here, or "none"
    mongolian_note = BooleanProperty(False)  # the Chinese note that this box cannot show Mongolian is up
    title = "legal-tv"

    def __init__(self, server: str, data_dir: Path, language: str | None = None, region: str | None = None,
                 device_class: str = "fhd", **kwargs):
        super().__init__(**kwargs)
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings_file = self.data_dir / "settings.json"
        saved = self._read_settings()
        self.lang = language or saved.get("language", "zh")
        i18n.set_language(self.lang)
        # the household's own choice wins; `region` (command line, a build's server.json) places a
        # box that has not chosen yet; with neither, the box asks on its first start
        self.chosen_place: str | None = saved.get("place")
        self.place: str | None = self.chosen_place or region
        self.api = ApiClient(server, self.data_dir, region=legaltv_regions.six_digit(self.place or legaltv_regions.PROVINCE),
                             language=self.lang)
        self.library = Library(self.api, self.data_dir)
        self.player = Player(self.api, DEVICE_CLASS_HEIGHT.get(device_class, 1080))
        self.navigator = Navigator()
        self.history: list[str] = []
        self.playback_prefs: dict = {}  # audio and subtitle language chosen on the detail page
        self.interactive = False
        self._refreshing = False
        self._refresh_next = False  # a refresh was asked for while a poll was under way
        self._reachable: bool | None = None  # the last request's outcome; None before the first
        self.api.on_reach = lambda ok: Clock.schedule_once(lambda _dt: self._reached(ok))
        self.timers: list = []  # the periodic refresh and outbox ticks (a test may cancel them)
        self.wall_clock = time.time  # the day it is (appointments, reminders); a test sets another

    def today(self):
        """Today in China by the box's wall clock."""
        return appointments.today(self.wall_clock())

    # -- settings ------------------------------------------------------------------------------
    def _read_settings(self) -> dict:
        try:
            return json.loads(self.settings_file.read_text())
        except (OSError, ValueError):
            return {}

    def _write_settings(self) -> None:
        tmp = self.settings_file.with_suffix(".tmp")
        settings = {"language": self.lang, **({"place": self.chosen_place} if self.chosen_place else {})}
        tmp.write_text(json.dumps(settings))
        tmp.replace(self.settings_file)

    def choose_place(self, code: str) -> None:
        """The household chose where it lives (league → banner → sumu): remembered across restarts,
        and the region of every request from now on; home shows it."""
        self.place = self.chosen_place = code
        self.api.region = legaltv_regions.six_digit(code)
        self._write_settings()
        self.in_background(self.library.refresh_regional, self._regional_fetched)
        self.go_home()

    def _regional_fetched(self, _result) -> None:
        self.data_version += 1
        self.refresh_screen()
        self.show_urgent_notice()  # an urgent notice of the new place shows at once

    def switch_language(self) -> None:
        """Menu: the other script everywhere at once; remembered across restarts. On a box that
        cannot join Mongolian letters the key says so instead (never Mongolian drawn unjoined)."""
        if self.shaping == shaping.NONE:
            self.show_mongolian_note()
            return
        self.lang = "mn" if self.lang == "zh" else "zh"
        i18n.set_language(self.lang)
        self._write_settings()
        self.sm.current_screen.on_data()
        Clock.schedule_once(lambda _dt: self.navigator.ensure(self.sm.current_screen), 0.05)

    def show_mongolian_note(self) -> None:
        self.mongolian_note = True
        Clock.unschedule(self._hide_mongolian_note)
        Clock.schedule_once(self._hide_mongolian_note, MONGOLIAN_NOTE_SECONDS)

    def _hide_mongolian_note(self, _dt) -> None:
        self.mongolian_note = False

    def _check_shaping(self) -> None:
        """Measures which text path joins Mongolian here; the server hears it at registration."""
        verdict = textdraw.check_shaping()
        self.shaping = self.api.shaping = verdict.path
        for reason in verdict.reasons:
            Logger.warning(f"Shaping: {reason}")
        Logger.info(f"Shaping: Mongolian is drawn with {verdict.path}")
        if verdict.path == shaping.NONE:
            Logger.error("Shaping: no text path joins Mongolian letters on this box; Mongolian is unavailable")
            if self.lang == "mn":
                self.lang = self.api.language = "zh"
                i18n.set_language(self.lang)
            self.show_mongolian_note()

    # -- build ---------------------------------------------------------------------------------
    def build(self):
        textdraw.register_fonts(self.data_dir / "fonts")
        self._check_shaping()
        textdraw.warm_mongolian([dp(s) * textdraw.fonts.MONGOLIAN_SCALE for s in (28, 30, 32, 36, 44, 56, 72)])
        Builder.load_file(str(HERE / "widgets.kv"))
        from .screens import SCREENS
        root = Builder.load_file(str(HERE / "root.kv"))
        self.sm: ScreenManager = root.ids.sm
        self.sm.transition = NoTransition()
        for cls in SCREENS:
            Builder.load_file(str(HERE / "screens" / f"{cls.kv_name}.kv"))
            self.sm.add_widget(cls(name=cls.kv_name))
        Window.clearcolor = (0.07, 0.08, 0.11, 1)
        Window.bind(on_key_down=self._on_key_down, on_joy_button_down=self._on_joy_button)
        android_keys.install(self)  # Guide, Channel ± and the colour keys, which SDL2 drops on Android
        self.library.load_cached()
        self.data_version += 1
        self.sm.current = "home" if self.place else "place"  # a box not yet placed asks first
        Clock.schedule_once(self._first_focus, 0)
        Clock.schedule_once(lambda _dt: self.poll(), 0)
        self.timers = [Clock.schedule_interval(lambda _dt: self.poll(), POLL_TICK_SECONDS),
                       Clock.schedule_interval(lambda _dt: self.flush_outbox(), OUTBOX_SECONDS)]
        return root

    def _first_focus(self, _dt) -> None:
        self.sm.current_screen.on_data()
        self.navigator.restore(self.sm.current_screen)
        self.interactive = True
        self.show_urgent_notice()
        Clock.schedule_once(lambda _dt: screen_preparation.warm_up(self, self._warm_up_plan()), 1.0)

    def _warm_up_plan(self) -> list:
        """The screens a household opens from home, with what they need to be built."""
        return screen_order.warm_up_plan(self.library.topics)

    # -- data ----------------------------------------------------------------------------------
    def in_background(self, work, done=None) -> None:
        """Runs `work()` on a worker thread and `done(result)` on the UI thread."""
        def run():
            try:
                result = work()
            except Exception as err:  # noqa: BLE001 — the UI must survive any network oddity
                result = err
            if done is not None:
                Clock.schedule_once(lambda _dt: done(result))
        threading.Thread(target=run, daemon=True).start()

    def refresh(self) -> None:
        """Revalidates everything with the server in the background, at once: right after the
        poll under way, if one is (a poll fetches only what is due, not what this asks for)."""
        if self._refreshing:
            self._refresh_next = True
            return
        self._refreshing = True
        self.in_background(self.library.refresh, self._refreshed)

    def poll(self) -> None:
        """Asks the server whatever the polling schedule says is due (the changes document, the
        moved documents, the household's questions); the screens update only if something came."""
        if self._refreshing:
            return
        self._refreshing = True
        self.in_background(self.library.poll, lambda fetched: self._refreshed(fetched, fetched is True))

    def _refreshed(self, _result, changed: bool = True) -> None:
        self._refreshing = False
        if changed:
            self.data_version += 1
            self.refresh_screen()
        self.show_urgent_notice()
        if self._refresh_next:
            self._refresh_next = False
            self.refresh()

    def show_urgent_notice(self) -> None:
        """An urgent notice this box has not shown yet takes the whole screen, once; never over a
        video playing, nor over what a household is typing (it waits until they leave)."""
        if self.sm.current in ("urgent", "player", "ask", "calculator", "exit", "place"):
            return
        notice = self.library.notice_memory.urgent_to_show(self.library.notices)
        if notice is not None:
            self.open("urgent", notice=notice, reset_focus=True)

    def refresh_screen(self) -> None:
        """Fresh data reached the screen on show: it updates in place and the focus stays put
        (a refresh never rebuilds the step a household is on, never moves focus)."""
        screen = self.sm.current_screen
        screen.on_refresh()
        self.navigator.ensure(screen)

    def refresh_questions(self) -> None:
        """The household's questions fetched now (e.g. My questions opened), not at the next refresh."""
        def done(_result):
            self.data_version += 1
            self.refresh_screen()
        self.in_background(self.library.refresh_questions, done)

    def _reached(self, ok: bool) -> None:
        """Every request's outcome, on the UI thread: the offline note follows the first failure,
        and the first success after one (or after start) sends what waits in the outbox."""
        came_back = ok and self._reachable is not True
        self._reachable = ok
        self.offline = not ok
        if came_back and self.library.has_waiting():
            self.library.retry_now()
            self.flush_outbox()

    def flush_outbox(self, then=None) -> None:
        if not self.library.has_waiting():
            if then:
                then()
            return

        def work():
            sent = self.library.send_outbox()
            if sent:
                self.library.refresh_questions()
            return sent

        def done(result):
            if isinstance(result, int) and result:
                self.data_version += 1
                self.refresh_screen()
            if then:
                then()
        self.in_background(work, done)

    # -- screens -------------------------------------------------------------------------------
    def open(self, name: str, **params) -> None:
        """Shows screen `name` (remembering where we came from) with `params`."""
        current = self.sm.current_screen
        if name != current.name:
            self.history.append(current.name)
        current.on_leave_screen()
        screen = self.sm.get_screen(name)
        screen.params = params
        if params.get("reset_focus"):
            self.navigator.memory.forget(name)
        self._show(screen)

    def _show(self, screen) -> None:
        """Builds and lays out `screen` before it is shown, then shows it with its focus set:
        its first frame is its final layout."""
        screen.on_data()
        screen_preparation.lay_out(screen, self.sm)
        self.sm.current = screen.name
        screen.on_open()
        self.navigator.restore(screen)

    def back(self) -> None:
        if not self.history:
            return
        current = self.sm.current_screen
        current.on_leave_screen()
        self._show(self.sm.get_screen(self.history.pop()))

    def go_home(self) -> None:
        self.history.clear()
        self.sm.current_screen.on_leave_screen()
        self._show(self.sm.get_screen("home"))

    # -- the remote ----------------------------------------------------------------------------
    def _on_key_down(self, _window, keycode, *_args):
        action = keys.from_key(keycode)
        if action is None:
            return False
        self.handle(action)
        return True  # consumed: Escape never closes the app behind our back

    def _on_joy_button(self, _window, _stickid, button):
        action = keys.from_joystick_button(button)
        if action is not None:
            self.handle(action)
        return True

    def android_key(self, keycode: int) -> bool:
        """A remote key SDL2 drops on Android (Guide, Channel ±, Info, the colour keys), by its
        KeyEvent code, from the activity's key listener; True when the app has a use for it."""
        action = keys.from_android_key(keycode)
        if action is not None:
            self.handle(action)
        return action is not None

    def handle(self, action: keys.RemoteAction) -> None:
        screen = self.sm.current_screen
        if screen.on_remote(action):
            return
        if action.action in keys.DIRECTIONS:
            self.navigator.move(screen, action.action)
        elif action.action == keys.OK:
            card = self.navigator.current
            if card is not None:
                card.dispatch("on_activate")
        elif action.action == keys.MENU:
            self.switch_language()
        elif action.action == keys.GUIDE:
            if screen.name != "channel":
                self.open("channel")
        elif action.action in keys.PAGING:
            self.navigator.page(screen, action.action in (keys.NEXT, keys.PAGE_ON))  # a page on in lists
        elif action.action in keys.COLOURS:
            screen.on_colour(action.action)
        elif action.action == keys.BACK:
            if self.sm.current == "home":
                self.open("exit")
            else:
                self.back()

    def on_stop(self):
        self.player.close()
