"""The legal channel's guide, 48 hours ahead in both languages; OK plays the channel live, or on a
later programme offers that video now (its page), rather than making the household wait for it.

Every entry is browsable: a short-video channel has thousands of slots in 48 h, so the guide
is a virtual grid (3 columns in Chinese, 5 tall Mongolian columns)."""
from __future__ import annotations

from datetime import datetime

from kivy.clock import Clock
from kivy.properties import BooleanProperty, DictProperty, ListProperty, ObjectProperty, StringProperty

from ... import programme_guide
from ...i18n import N_
from ...keys import DIRECTIONS, NEXT, PAGE_ON, PAGING, PREVIOUS
from ..virtual_grid import GridCard
from ..widgets import FocusCard
from .base import BaseScreen


class GuideCard(GridCard, FocusCard):
    entry = ObjectProperty(None, allownone=True)
    airing = BooleanProperty(False)
    when_msgid = StringProperty("")
    when_params = DictProperty({})
    slot_start = ObjectProperty(None, allownone=True)  # a datetime: where focus goes if this one ends
    slot = ObjectProperty(None, allownone=True)

    def refresh_view_attrs(self, rv, index, data):
        super().refresh_view_attrs(rv, index, data)
        # when it starts is worked out for the cards on screen only, as they are shown (never for
        # the thousands of entries of 48 hours at once)
        if self.slot is not None:
            self.when_msgid, self.when_params = programme_guide.start_label(self.slot, datetime.now().astimezone())

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
    key_hints = ListProperty([(
        # TRANSLATORS: TV app, channel guide, name of the remote's channel up and down keys, max 8 chars
        N_("Channel ±"),
        # TRANSLATORS: TV app, channel guide, what the channel up and down keys do there, max 30 chars
        N_("Next or earlier programme"))])

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
        slots = self._upcoming(now)
        focused = grid.focused_index() if self._entered else None
        if focused is not None:  # a refresh or a language switch: stay on the same programme
            was = grid.data[focused]
            target = programme_guide.index_near(slots, was["focus_key"], was["slot_start"])
        else:
            target = programme_guide.airing_index(slots, now)
            target = 0 if target is None and slots else target
        grid.data = [{"entry": slot.entry, "slot": slot, "slot_start": slot.start, "airing": slot.start <= now < slot.end,
                      "focus_key": slot.key, "focused": i == target} for i, slot in enumerate(slots)]
        self.ids.empty.opacity = 0 if grid.data else 1
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

    def _upcoming(self, now: datetime) -> list:
        """The guide's slots not ended at `now`: read once per guide fetched, then only the ended
        ones dropped (a reopening does not parse 48 hours of entries again)."""
        guide = self.library.guide
        if self._slots_of is not guide:
            self._slots_of, self._slots = guide, programme_guide.upcoming(guide, now)
        else:
            self._slots = [slot for slot in self._slots if slot.end > now]
        return self._slots

    _slots_of, _slots = None, []

    def on_remote(self, action) -> bool:
        """Arrows inside the guide move through all of it by index; Channel ± goes to the next or
        the earlier programme, Page ± a page on or back; OK plays the channel."""
        if action.action in (NEXT, PREVIOUS):
            self.ids.guide.step(action.action == NEXT)
            return True
        if action.action in PAGING:
            self.ids.guide.page(action.action == PAGE_ON)
            return True
        return action.action in DIRECTIONS and self.ids.guide.move(self.focused_card(), action.action)
