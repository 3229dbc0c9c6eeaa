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
        """Rebuild from the app's data (called on entry and when fresh data arrives)."""

    def on_leave_screen(self) -> None:
        """Called before another screen replaces this one."""

    def on_remote(self, action) -> bool:
        """A screen may consume a remote action before the focus manager; True = consumed."""
        return False

    def focused_card(self):
        return self.app.navigator.current

    def focus(self, card) -> None:
        self.app.navigator.set_focus(card, self.name)
