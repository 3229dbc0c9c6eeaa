"""Want to watch: categories on top, a virtual grid of posters (hundreds stay smooth)."""
from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ObjectProperty
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from ..focus import grid_move
from ..i18n import N_
from ..keys import DIRECTIONS
from ..widgets import FocusCard
from .base import BaseScreen

COLUMNS = 5


class PosterCard(RecycleDataViewBehavior, FocusCard):
    item = ObjectProperty(None, allownone=True)
    index = 0

    rv = None

    def refresh_view_attrs(self, rv, index, data):
        self.index, self.rv = index, rv
        super().refresh_view_attrs(rv, index, data)

    def on_focused(self, _card, value):
        # keep the grid's data in step, so a recycled view never shows a stale focus
        if self.rv is not None and self.index < len(self.rv.data):
            self.rv.data[self.index]["focused"] = value

    def on_activate(self, *_):
        from kivy.app import App
        App.get_running_app().open("detail", item_id=self.item["id"])


class CategoryCard(FocusCard):
    category = ObjectProperty(None, allownone=True)
    current = BooleanProperty(False)


class WatchScreen(BaseScreen):
    kv_name = "watch"
    category = ObjectProperty(None, allownone=True)

    def on_data(self) -> None:
        row = self.ids.categories
        row.clear_widgets()
        everything = {"id": "", "title": None}
        for category in [everything, *self.library.catalog["categories"]]:
            card = CategoryCard(focus_key=f"category:{category['id']}", category=category,
                                current=(self.category or "") == category["id"])
            if category["title"] is None:
                # TRANSLATORS: TV app, watch screen, category button, max 16 chars
                card.ids.label.msgid = N_("All videos")
            else:
                card.ids.label.texts = category["title"]
            card.bind(on_activate=self._choose_category)
            row.add_widget(card)
        self._fill_grid()

    def _fill_grid(self) -> None:
        items = self.library.items_in(self.category or None)
        focused = self.focused_card()
        self.ids.grid.data = [{"item": item, "focus_key": f"item:{item['id']}",
                               "focused": bool(focused and focused.focus_key == f"item:{item['id']}")}
                              for item in items]
        self.ids.empty.opacity = 0 if items else 1

    def _choose_category(self, card) -> None:
        self.category = card.category["id"]
        for c in self.ids.categories.children:
            c.current = c is card
        self.ids.grid.scroll_y = 1
        self._fill_grid()

    def on_remote(self, action) -> bool:
        """Arrows inside the poster grid move by index (the grid only has widgets for what is
        visible), scrolling as needed; leaving the grid is the focus manager's job."""
        card = self.focused_card()
        if action.action not in DIRECTIONS or not isinstance(card, PosterCard):
            return False
        data = self.ids.grid.data
        keys = [d["focus_key"] for d in data]
        if card.focus_key not in keys:
            return False
        target = grid_move(keys.index(card.focus_key), action.action, COLUMNS, len(data))
        if target is None:
            return False
        self.focus_index(target)
        return True

    def focus_index(self, index: int) -> None:
        grid = self.ids.grid
        for i, d in enumerate(grid.data):
            d["focused"] = i == index
        key = grid.data[index]["focus_key"]
        before = grid.scroll_y
        layout = grid.layout_manager
        row = index // COLUMNS
        rows = (len(grid.data) + COLUMNS - 1) // COLUMNS
        row_h = layout.default_size[1] + layout.spacing[1]
        scrollable = rows * row_h - grid.height
        if scrollable > 0:
            top_of_row = row * row_h
            view_top = (1 - grid.scroll_y) * scrollable
            if top_of_row < view_top:
                grid.scroll_y = max(0.0, 1 - top_of_row / scrollable)
            elif top_of_row + row_h > view_top + grid.height:
                grid.scroll_y = max(0.0, 1 - (top_of_row + row_h - grid.height) / scrollable)

        def land(_dt=None):
            for view in grid.layout_manager.children:
                if view.focus_key == key:
                    self.focus(view)
                    return
        # the data dicts already hold the focus, so no relayout of all 500 cells: a visible
        # target takes focus now; after a scroll it does once the grid has placed its views
        if grid.scroll_y == before:
            land()
        else:
            Clock.schedule_once(land, 0)
