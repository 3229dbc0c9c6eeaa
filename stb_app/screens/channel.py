"""The legal channel's guide, 48 hours ahead in both languages; OK plays the channel live."""
from __future__ import annotations

from datetime import datetime

from kivy.properties import BooleanProperty, DictProperty

from ..i18n import N_
from ..widgets import FocusCard
from .base import BaseScreen


class GuideCard(FocusCard):
    entry = DictProperty({})
    airing = BooleanProperty(False)


MAX_ENTRIES = 40  # a channel of short videos has hundreds of slots in 48 h: show what comes first


class ChannelScreen(BaseScreen):
    kv_name = "channel"

    def on_data(self) -> None:
        grid = self.ids.guide
        grid.clear_widgets()
        channel = self.library.channels[0] if self.library.channels else None
        self.ids.title.texts = channel["title"] if channel else None
        now = datetime.now().astimezone()
        for i, entry in enumerate(self.library.guide or []):
            try:
                start, end = datetime.fromisoformat(entry["start"]), datetime.fromisoformat(entry["end"])
            except (KeyError, ValueError, TypeError):
                continue
            if end <= now:
                continue
            if len(grid.children) >= MAX_ENTRIES:
                break
            card = GuideCard(focus_key=f"guide:{i}", entry=entry, airing=start <= now < end)
            local = start.astimezone()
            # TRANSLATORS: TV app, channel screen, label of the programme on air now, max 8 chars
            card.ids.when.msgid = N_("Now") if card.airing else "{time}"
            card.ids.when.params = {} if card.airing else {"time": f"{local:%m-%d %H:%M}"}
            card.bind(on_activate=lambda _c: self.app.open("player", live=True))
            grid.add_widget(card)
        self.ids.empty.opacity = 0 if grid.children else 1
