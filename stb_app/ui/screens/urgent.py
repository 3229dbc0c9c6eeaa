"""An urgent notice (a flood warning, a road closed) over the whole screen, once: OK or Back
closes it, and the box never shows it again (remembered on disk)."""
from __future__ import annotations

from kivy.properties import ObjectProperty

from ... import keys
from .base import BaseScreen


class UrgentScreen(BaseScreen):
    kv_name = "urgent"
    default_focus = "close"
    notice = ObjectProperty(None, allownone=True)

    def on_data(self) -> None:
        self.notice = self.params.get("notice")

    def on_open(self) -> None:
        if self.notice is not None:
            self.library.notice_memory.mark_shown(self.notice["id"])

    def on_remote(self, action) -> bool:
        if action.action in (keys.OK, keys.BACK):
            self.app.back()
            return True
        return action.action in keys.DIRECTIONS  # nothing else to move to
