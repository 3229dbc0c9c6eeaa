"""The channel guide as the box shows it: what has not ended yet, what is on now, when each starts.

Pure logic (no Kivy, no clock): `now` is always passed in as an aware datetime.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from .i18n import N_


@dataclass(frozen=True)
class Slot:
    start: datetime   # in the box's local time zone
    end: datetime
    entry: dict       # the guide entry as the server sent it

    @cached_property  # asked of thousands of slots each time the guide is shown
    def key(self) -> str:
        """A focus key that stays the same when the guide is fetched again."""
        return f"guide:{self.start.isoformat()}"


def upcoming(guide, now: datetime) -> list[Slot]:
    """The entries that have not ended at `now`, in start order, times in local time.

    Entries with missing or unreadable times are left out, never shown half."""
    slots = []
    for entry in guide or []:
        try:
            start = datetime.fromisoformat(entry["start"]).astimezone(now.tzinfo)
            end = datetime.fromisoformat(entry["end"]).astimezone(now.tzinfo)
        except (KeyError, ValueError, TypeError, AttributeError):
            continue
        if end > now:
            slots.append(Slot(start, end, entry))
    slots.sort(key=lambda s: s.start)
    return slots


def airing_index(slots: list[Slot], now: datetime) -> int | None:
    """The index of the slot on air at `now`, or None in a gap."""
    return next((i for i, s in enumerate(slots) if s.start <= now < s.end), None)


def index_near(slots: list[Slot], key: str, start: datetime | None) -> int | None:
    """Where focus goes after the guide changed: the slot with `key`, else the first slot
    starting at or after `start` (the focused one ended), else the last; None when empty."""
    if not slots:
        return None
    for i, slot in enumerate(slots):
        if slot.key == key:
            return i
    if start is not None:
        for i, slot in enumerate(slots):
            if slot.start >= start:
                return i
        return len(slots) - 1
    return 0


def start_label(slot: Slot, now: datetime) -> tuple[str, dict]:
    """(msgid, params) for when `slot` starts: "Now", a time today, tomorrow, or a date and time."""
    if slot.start <= now < slot.end:
        # TRANSLATORS: TV app, channel screen, label of the programme on air now, max 8 chars
        return N_("Now"), {}
    time = f"{slot.start:%H:%M}"
    days = (slot.start.date() - now.date()).days
    if days == 0:
        return "{time}", {"time": time}
    if days == 1:
        # TRANSLATORS: TV app, channel screen, start of a programme tomorrow, e.g. "Tomorrow 08:30", max 16 chars
        return N_("Tomorrow {time}"), {"time": time}
    return "{date} {time}", {"date": f"{slot.start:%m-%d}", "time": time}

