"""Notices: every notice this box has received, newest first, current or past; the focused
one is shown beside the list, and OK opens it whole in large type."""
from __future__ import annotations

from kivy.properties import ObjectProperty

from ...i18n import N_
from ..widgets import FocusCard
from .base import BaseScreen


class NoticeCard(FocusCard):
    notice = ObjectProperty(None)

    def on_focused(self, _card, value):
        super().on_focused(_card, value)
        if value and self.notice is not None:
            from kivy.app import App
            App.get_running_app().sm.get_screen("notices").show(self.notice)


class NoticesScreen(BaseScreen):
    kv_name = "notices"

    def on_data(self) -> None:
        notices = self.library.notice_memory.past()
        current = {str(n["id"]) for n in self.library.notices}
        grid = self.ids.list
        grid.clear_widgets()
        for notice in notices:
            card = NoticeCard(focus_key=f"notice:{notice['id']}", notice=notice,
                              background=[0.30, 0.16, 0.14, 1] if str(notice["id"]) in current
                              else [0.16, 0.18, 0.24, 1])
            card.bind(on_activate=lambda c: self.ids.page.open(c.notice.get("title"), c.notice.get("body")))
            grid.add_widget(card)
        self.ids.empty.opacity = 0 if notices else 1
        if notices:
            self.show(notices[0])
        else:
            self.ids.title.texts = self.ids.body.texts = None

    def show(self, notice: dict) -> None:
        self.ids.title.texts = notice.get("title")
        self.ids.body.texts = notice.get("body")
        # TRANSLATORS: TV app, notices screen, when a notice was published, max 40 chars
        self.ids.when.msgid = N_("Published {date}")
        self.ids.when.params = {"date": str(notice.get("publish_from") or "")[:10]}

    def on_remote(self, action) -> bool:
        return self.ids.page.on_remote(action)

    def on_leave_screen(self) -> None:
        self.ids.page.close()
