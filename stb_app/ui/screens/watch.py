"""Want to watch: categories on top, a virtual grid of posters (hundreds stay smooth). After
"All videos" comes Popular: what households of the league finished most lately, best first."""
from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty

from ...i18n import N_
from ...keys import DIRECTIONS, NEXT, PAGE_ON, PAGING
from ..virtual_grid import GridCard
from ..widgets import FocusCard
from .base import BaseScreen


class PosterCard(GridCard, FocusCard):
    item = ObjectProperty(None, allownone=True)

    def on_activate(self, *_):
        from kivy.app import App
        App.get_running_app().open("detail", item_id=self.item["id"])


class CategoryCard(FocusCard):
    category = ObjectProperty(None, allownone=True)
    current = BooleanProperty(False)


POPULAR = "*popular"  # not a category id the server can send (those are plain words)
POPULAR_SHOWN = 20


class WatchScreen(BaseScreen):
    kv_name = "watch"
    category = ObjectProperty(None, allownone=True)

    def on_data(self) -> None:
        row = self.ids.categories
        row.clear_widgets()
        everything = {"id": "", "title": None}
        popular = [{"id": POPULAR, "title": None}] if self.library.popular_items(POPULAR_SHOWN) else []
        if self.category == POPULAR and not popular:
            self.category = None
        for category in [everything, *popular, *self.library.catalog["categories"]]:
            card = CategoryCard(focus_key=f"category:{category['id']}", category=category,
                                current=(self.category or "") == category["id"])
            if category["id"] == POPULAR:
                card.ids.label.msgid = N_("Popular")
            elif category["title"] is None:
                # TRANSLATORS: TV app, watch screen, category button, max 16 chars
                card.ids.label.msgid = N_("All videos")
            else:
                card.ids.label.texts = category["title"]
            card.bind(on_activate=self._choose_category)
            row.add_widget(card)
        self._fill_grid()

    def _fill_grid(self) -> None:
        if self.category == POPULAR:
            items = self.library.popular_items(POPULAR_SHOWN)
        else:
            items = self.library.items_in(self.category or None)
        focused = self.focused_card()
        self.ids.grid.data = [{"item": item, "focus_key": f"item:{item['id']}",
                               "focused": bool(focused and focused.focus_key == f"item:{item['id']}")}
                              for item in items]
        self.ids.empty.opacity = 0 if items else 1
        self.ids.grid.keep_focus()  # fresh data: the focused poster's card may now show another

    def _choose_category(self, card) -> None:
        self.category = card.category["id"]
        for c in self.ids.categories.children:
            c.current = c is card
        self.ids.grid.scroll_y = 1
        self._fill_grid()

    def on_remote(self, action) -> bool:
        """Arrows inside the poster grid move by index (only what is visible has widgets);
        leaving the grid is the focus manager's job. Channel ± and Page ± turn a page of the grid."""
        if action.action in PAGING:
            return self.ids.grid.page(action.action in (NEXT, PAGE_ON))
        return action.action in DIRECTIONS and self.ids.grid.move(self.focused_card(), action.action)

    def focus_index(self, index: int) -> None:
        """Focuses poster `index` of the grid, scrolling it into view."""
        self.ids.grid.focus_index(index)
