"""A virtualised grid of focusable cards (hundreds or thousands stay smooth) moved by the remote.

Only the cards on screen exist as widgets (a RecycleView), so the spatial focus manager cannot
see the rest: arrows inside the grid move a cursor over the data (`focus.grid_move`), scroll
that row into view and hand the card showing it to the focus manager. Each data dict carries
"focus_key" and "focused"; the flag is the truth, so a recycled card never shows a stale focus.
"""
from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.metrics import dp
from kivy.properties import NumericProperty
from kivy.uix.recyclegridlayout import RecycleGridLayout
from kivy.uix.recycleview import RecycleView
from kivy.uix.recycleview.views import RecycleDataViewBehavior
from kivy.uix.screenmanager import Screen

from ..focus import grid_move, grid_page
from ..scrolling import cell_width, row_scroll_y

LAND_FRAMES = 10  # a card is laid out within a frame or two of a scroll; never wait forever


class GridCard(RecycleDataViewBehavior):
    """Mix into a FocusCard shown by a VirtualGrid: keeps the grid's data in step with its focus."""
    index = 0
    rv = None

    def refresh_view_attrs(self, rv, index, data):
        self.index, self.rv = index, rv
        super().refresh_view_attrs(rv, index, data)

    def on_focused(self, _card, value):
        if self.rv is not None and self.index < len(self.rv.data):
            self.rv.data[self.index]["focused"] = value


class VirtualGrid(RecycleView):
    """A RecycleView over a RecycleGridLayout of `columns` equal columns of `row_height` cells
    (both may change, e.g. with the language). The layout child declares only its padding and
    spacing; this class sizes the cells, moves focus and scrolls."""
    columns = NumericProperty(1)
    row_height = NumericProperty(dp(200))

    def __init__(self, **kwargs):
        kwargs.setdefault("do_scroll_x", False)
        kwargs.setdefault("bar_width", dp(6))
        kwargs.setdefault("scroll_type", ["bars"])
        self._fit = Clock.create_trigger(self._fit_cells, -1)
        self._keep = Clock.create_trigger(lambda _dt: self.keep_focus(), 0)
        super().__init__(**kwargs)
        self._landing = None
        self._land_tries = 0
        self.bind(columns=self._fit, row_height=self._fit, width=self._fit, height=self._keep)

    def add_widget(self, widget, *args, **kwargs):
        super().add_widget(widget, *args, **kwargs)
        if isinstance(widget, RecycleGridLayout):
            widget.bind(padding=self._fit, spacing=self._fit)
            self._fit()

    def _fit_cells(self, *_):
        # cells of a fixed width: a category of two videos must not stretch them across the row
        layout = self.layout_manager
        if not isinstance(layout, RecycleGridLayout):
            return
        columns = max(1, int(self.columns))
        left, _top, right, _bottom = layout.padding
        layout.cols = columns
        layout.default_size_hint = (None, None)
        layout.default_size = (cell_width(self.width, columns, left, right, layout.spacing[0]), self.row_height)
        self._keep()

    # -- what is where ----------------------------------------------------------------------------
    def index_of(self, key: str) -> int | None:
        return next((i for i, d in enumerate(self.data) if d.get("focus_key") == key), None)

    def focused_index(self) -> int | None:
        """The index of the entry holding the focus, or None when the focus is elsewhere."""
        return next((i for i, d in enumerate(self.data) if d.get("focused")), None)

    # -- the remote -------------------------------------------------------------------------------
    def move(self, card, direction: str) -> bool:
        """An arrow pressed on `card`: focus the neighbouring entry; False when the move leaves
        the grid (or `card` is not one of this grid's), so the focus manager takes over."""
        if not isinstance(card, GridCard) or card.rv is not self:
            return False
        index = card.index
        if not (index < len(self.data) and self.data[index].get("focus_key") == card.focus_key):
            index = self.index_of(card.focus_key)
            if index is None:
                return False
        target = grid_move(index, direction, max(1, int(self.columns)), len(self.data))
        if target is None:
            return False
        self.focus_index(target)
        return True

    def page(self, forward: bool) -> bool:
        """Channel ± or Page ±: the entry a view of rows on (or back), in the same column; False
        when the focus is not in the grid or cannot go further."""
        index = self.focused_index()
        layout = self.layout_manager
        if index is None or layout is None:
            return False
        rows = int(self.height // (self.row_height + layout.spacing[1])) if self.row_height else 1
        target = grid_page(index, forward, max(1, int(self.columns)), rows, len(self.data))
        if target is None:
            return False
        self.focus_index(target)
        return True

    def step(self, forward: bool) -> bool:
        """The next (or previous) entry in order, e.g. the next programme; False at either end."""
        index = self.focused_index()
        target = None if index is None else index + (1 if forward else -1)
        if target is None or not 0 <= target < len(self.data):
            return False
        self.focus_index(target)
        return True

    def focus_index(self, index: int) -> None:
        """Focuses entry `index`: marks it in the data, scrolls its row into view, focuses its card."""
        for i, d in enumerate(self.data):
            d["focused"] = i == index
        self._land(index)

    def keep_focus(self) -> None:
        """After new data, a new column count or a new size: the focused entry's row back into
        view and its card focused. Nothing happens while the grid is off screen or unfocused."""
        index = self.focused_index()
        if index is not None and self.get_root_window() is not None:
            self._land(index)

    # -- scrolling and landing --------------------------------------------------------------------
    def _scroll_to_row(self, index: int) -> None:
        """Scrolls the least so the row of `index` shows whole, with room for a card grown 1.1×."""
        layout = self.layout_manager
        if layout is None or not self.data:
            return
        _left, pad_top, _right, pad_bottom = layout.padding
        self.scroll_y = row_scroll_y(index, len(self.data), max(1, int(self.columns)), self.row_height,
                                     layout.spacing[1], pad_top, pad_bottom, self.height, self.scroll_y,
                                     margin=0.05 * self.row_height + dp(4))

    def _land(self, index: int) -> None:
        self._landing, self._land_tries = index, 0
        self._scroll_to_row(index)
        # a visible card takes focus now; after a scroll or a relayout, once the grid placed its cards
        if not self._try_land():
            Clock.schedule_once(self._retry_land, 0)

    def _retry_land(self, _dt) -> None:
        if self._landing is None or self._landing >= len(self.data):
            return
        self._land_tries += 1
        self._scroll_to_row(self._landing)
        if not self._try_land() and self._land_tries < LAND_FRAMES:
            Clock.schedule_once(self._retry_land, 0)

    def _try_land(self) -> bool:
        index = self._landing
        if index is None or index >= len(self.data) or self.layout_manager is None:
            return False
        key = self.data[index]["focus_key"]
        if self.get_root_window() is None:
            return False  # the screen is not shown yet
        for view in self.layout_manager.children:
            if getattr(view, "focus_key", None) == key and getattr(view, "index", None) == index:
                self._landing = None
                App.get_running_app().navigator.set_focus(view, self._screen_name())
                return True
        return False

    def _screen_name(self) -> str | None:
        # the focus is remembered for the screen the grid is on, even before that screen is current
        w = self.parent
        while w is not None and not isinstance(w, Screen):
            w = w.parent if w.parent is not w else None
        return w.name if w is not None else None
