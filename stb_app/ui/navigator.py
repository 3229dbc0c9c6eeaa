"""The one focus manager of the app: every screen, every arrow key, both kinds of remote.

It collects the visible FocusCards of the current screen, moves with `focus.nearest`,
remembers the focused key per screen (`focus.FocusMemory`) and puts focus back after a
screen rebuilds its lists. A screen may handle arrows first (e.g. the virtual poster grid).
"""
from __future__ import annotations

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.uix.scrollview import ScrollView
from kivy.uix.recycleview import RecycleView

from ..focus import FocusMemory, Rect, nearest
from ..scrolling import reveal
from .widgets import FocusCard


def _visible(widget) -> bool:
    w = widget
    while w is not None:
        if getattr(w, "opacity", 1) == 0 or getattr(w, "disabled", False):
            return False
        w = w.parent if w.parent is not w else None
    return widget.width > 0 and widget.height > 0


def window_rect(widget) -> Rect:
    x, y = widget.to_window(*widget.pos)
    return Rect(x, y, widget.width, widget.height)


def _scroll_view_of(widget):
    """The nearest ScrollView holding `widget` (a list a page key moves through), or None."""
    w = widget.parent
    while w is not None and not isinstance(w, ScrollView):
        w = w.parent if w.parent is not w else None  # the Window is its own parent
    return w


def _in_content(card, view) -> tuple[float, float]:
    """Where `card` sits inside the content of scroll view `view` (unchanged by scrolling)."""
    content = view._viewport
    x, y = content.to_widget(*card.to_window(card.x, card.y))
    return x - content.x, y - content.y


class Navigator:
    def __init__(self):
        self.memory = FocusMemory()
        self.current: FocusCard | None = None
        self.screen_name = ""

    def cards(self, root) -> list[FocusCard]:
        found = []

        def walk(w):
            if getattr(w, "opacity", 1) == 0 or getattr(w, "disabled", False):
                return
            if isinstance(w, FocusCard):
                found.append(w)
            for child in reversed(w.children):
                walk(child)
        walk(root)
        return found

    def set_focus(self, card: FocusCard | None, screen_name: str | None = None) -> None:
        if self.current is not None and self.current is not card:
            self.current.focused = False
        self.current = card
        if card is None:
            return
        card.focused = True
        self.screen_name = screen_name or self.screen_name
        self.memory.remember(self.screen_name, card.key(), window_rect(card))
        self._scroll_into_view(card)
        # a screen just built is laid out before the next frame: scroll again once positions are real
        Clock.schedule_once(lambda _dt: card.focused and self._scroll_into_view(card), 0)

    def _scroll_into_view(self, card, pad: float | None = None) -> None:
        """Scrolls the nearest ScrollView around `card` so the whole card shows."""
        pad = dp(40) if pad is None else pad  # the same room at 1080p and 4K
        sv = card.parent
        while sv is not None and not (isinstance(sv, ScrollView) and not isinstance(sv, RecycleView)):
            sv = sv.parent if sv.parent is not sv else None  # the Window is its own parent
        if sv is None or sv._viewport is None:
            return
        vp = sv._viewport
        x, y = vp.to_widget(*card.to_window(card.x, card.y))
        x, y = x - vp.x, y - vp.y
        if vp.width > sv.width:
            left = reveal(sv.scroll_x * (vp.width - sv.width), sv.width, x, card.width, pad)
            sv.scroll_x = min(1.0, max(0.0, left / (vp.width - sv.width)))
        elif sv.scroll_x:
            sv.scroll_x = 0.0  # all of it fits now (e.g. the window grew): shown from its start
        if vp.height > sv.height:
            bottom = reveal(sv.scroll_y * (vp.height - sv.height), sv.height, y, card.height, pad)
            sv.scroll_y = min(1.0, max(0.0, bottom / (vp.height - sv.height)))
        elif sv.scroll_y != 1.0:
            sv.scroll_y = 1.0

    @staticmethod
    def _on_show(screen) -> bool:
        """Whether `screen` is the one on show (a screen prepared off screen never takes the focus)."""
        return screen.manager is None or screen.manager.current == screen.name

    def restore(self, screen) -> None:
        """Focus what was focused last time on this screen (or the nearest survivor)."""
        if not self._on_show(screen):
            return
        self.screen_name = screen.name
        cards = self.cards(screen)
        default = getattr(screen, "default_focus", "")
        if default and not self.memory.knows(screen.name) and any(c.key() == default for c in cards):
            self.memory.remember(screen.name, default)  # a first visit starts on the screen's main card
        key = self.memory.resolve(screen.name, [(c.key(), window_rect(c)) for c in cards])
        card = next((c for c in cards if c.key() == key), None)
        self.set_focus(card, screen.name)

    def ensure(self, screen) -> None:
        """After a screen rebuilt widgets: keep focus if the card is still there, else restore."""
        if not self._on_show(screen):
            return
        if self.current is None or self.current.get_root_window() is None or not _visible(self.current) \
                or self.current not in self.cards(screen):
            self.current = None
            self.restore(screen)

    def page(self, screen, forward: bool) -> bool:
        """Channel ± or Page ±: the focus moves on (or back) by about one view of the list it is
        in, along the way that list scrolls, never out of it; False when it is in no scrolling list."""
        start = self.current
        view = _scroll_view_of(start) if start is not None else None
        if view is None or view._viewport is None:
            return False
        across = view.do_scroll_x and (not view.do_scroll_y or view._viewport.height <= view.height)
        direction = ("right" if forward else "left") if across else ("down" if forward else "up")
        along = 0 if across else 1
        here = _in_content(start, view)[along]
        while True:
            before = self.current
            if not self.move(screen, direction):
                break
            if _scroll_view_of(self.current) is not view:  # left the list: one step back
                self.set_focus(before, screen.name)
                break
            if abs(_in_content(self.current, view)[along] - here) >= 0.9 * view.size[along]:
                break
        return self.current is not start

    def move(self, screen, direction: str) -> bool:
        if self.current is None or self.current not in self.cards(screen):
            self.restore(screen)
            return self.current is not None
        here = window_rect(self.current)
        cards = [c for c in self.cards(screen) if c is not self.current]
        key = nearest(here, [(c.key(), window_rect(c)) for c in cards], direction)
        target = next((c for c in cards if c.key() == key), None)
        if target is None:
            return False
        self.set_focus(target, screen.name)
        return True
