"""An urgent notice (a flood warning, a road closed) over the whole screen, once: OK or Back
closes it, and the box never shows it again (remembered on disk)."""
from __future__ import annotations

from kivy.properties import ObjectProperty

from ... import keys
from ..widgets import read_on
from .base import BaseScreen


class UrgentScreen(BaseScreen):
    kv_name = "urgent"
    default_focus = "close"
    notice = ObjectProperty(None, allownone=True)

    def on_data(self) -> None:
        self.notice = self.params.get("notice")
        self.ids.scroll.scroll_x, self.ids.scroll.scroll_y = 0, 1

    def on_open(self) -> None:
        if self.notice is not None:
            self.library.notice_memory.mark_shown(self.notice["id"])

    def on_remote(self, action) -> bool:
        if action.action in (keys.OK, keys.BACK):
            self.app.back()
            return True
        if action.action in keys.DIRECTIONS:  # a long warning reads on; there is nothing else to move to
            read_on(self.ids.scroll, action.action in (keys.DOWN, keys.RIGHT))
            return True
        return False
