"""The legal channel's guide, 48 hours ahead in both languages; OK plays the channel live, or on a
later programme offers that video now (its page), rather than making the household wait for it.

Every entry is browsable: a short-video channel has thousands of slots in 48 h, so the guide
is a virtual grid (3 columns in Chinese, 5 tall Mongolian columns)."""
from __future__ import annotations

from datetime import datetime

from kivy.clock import Clock
from kivy.properties import BooleanProperty, DictProperty, ObjectProperty, StringProperty

from ... import programme_guide
from ...keys import DIRECTIONS
from ..virtual_grid import GridCard
from ..widgets import FocusCard
from .base import BaseScreen


class GuideCard(GridCard, FocusCard):
    entry = ObjectProperty(None, allownone=True)
    airing = BooleanProperty(False)
    when_msgid = StringProperty("")
    when_params = DictProperty({})
    slot_start = ObjectProperty(None, allownone=True)  # a datetime: where focus goes if this one ends

    def on_activate(self, *_):
        from kivy.app import App
        app = App.get_running_app()
        item_id = (self.entry or {}).get("item_id")
        if not self.airing and item_id is not None and app.library.item(item_id) is not None:
            app.open("detail", item_id=item_id)
        else:
            app.open("player", live=True)


class ChannelScreen(BaseScreen):
    kv_name = "channel"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._entered = False  # the next on_data is a fresh visit: focus what is on air
        self._programme_ends = None

    def on_leave_screen(self) -> None:
        self._entered = False
        if self._programme_ends is not None:
            self._programme_ends.cancel()

    def on_data(self) -> None:
        grid = self.ids.guide
        channel = self.library.channels[0] if self.library.channels else None
        self.ids.title.texts = channel["title"] if channel else None
        now = datetime.now().astimezone()
        slots = programme_guide.upcoming(self.library.guide, now)
        focused = grid.focused_index() if self._entered else None
        if focused is not None:  # a refresh or a language switch: stay on the same programme
            was = grid.data[focused]
            target = programme_guide.index_near(slots, was["focus_key"], was["slot_start"])
        else:
            target = programme_guide.airing_index(slots, now)
            target = 0 if target is None and slots else target
        data = []
        for i, slot in enumerate(slots):
            msgid, params = programme_guide.start_label(slot, now)
            data.append({"entry": slot.entry, "slot_start": slot.start, "airing": slot.start <= now < slot.end,
                         "when_msgid": msgid, "when_params": params, "focus_key": slot.key,
                         "focused": i == target})
        grid.data = data
        self.ids.empty.opacity = 0 if data else 1
        airing = programme_guide.airing_index(slots, now)
        if self._programme_ends is not None:
            self._programme_ends.cancel()
        if airing is not None:  # "Now" moves on when the programme ends, not at the next refresh
            seconds = (slots[airing].end - now).total_seconds() + 0.2
            self._programme_ends = Clock.schedule_once(lambda _dt: self.on_data(), seconds)
        if target is None:
            return
        if not self._entered:
            self._entered = True
            # a fresh visit starts on the programme on air, not where the last visit ended
            self.app.navigator.memory.forget(self.name)
            self.default_focus = slots[target].key
        grid.focus_index(target)

    def on_remote(self, action) -> bool:
        """Arrows inside the guide move through all of it by index; OK plays the channel."""
        return action.action in DIRECTIONS and self.ids.guide.move(self.focused_card(), action.action)
