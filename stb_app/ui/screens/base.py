"""What every screen shares: parameters, the remote hook and a data hook."""
from __future__ import annotations

from kivy.app import App
from kivy.properties import DictProperty
from kivy.uix.screenmanager import Screen


def next_choice(options: list, current):
    """The option after `current`, wrapping round (the first when `current` is not among them):
    one key steps through audio or subtitle languages."""
    return options[(options.index(current) + 1) % len(options)] if current in options else options[0]


class BaseScreen(Screen):
    kv_name = ""
    default_focus = ""  # the focus key a first visit starts on (else the first card)
    params = DictProperty({})

    @property
    def app(self):
        return App.get_running_app()

    @property
    def library(self):
        return self.app.library

    def on_data(self) -> None:
        """Build from the app's data: on entry and when the language switches."""

    def on_refresh(self) -> None:
        """Fresh data arrived while the screen is on show: update what changed. The app keeps
        the focus on the same card (by its key) afterwards. Lists rebuild with the same keys by
        default; a screen holding a household's input (the ask wizard) updates in place only."""
        self.on_data()

    def on_open(self) -> None:
        """The screen was just opened (after on_data): fetch what must be fresh on arrival."""

    def on_leave_screen(self) -> None:
        """Called before another screen replaces this one."""

    def on_remote(self, action) -> bool:
        """A screen may consume a remote action before the focus manager; True = consumed."""
        return False

    def on_colour(self, colour: str) -> bool:
        """A colour key: the action its key hint names (a screen without one ignores it)."""
        return False

    def focused_card(self):
        return self.app.navigator.current

    def focus(self, card) -> None:
        self.app.navigator.set_focus(card, self.name)
