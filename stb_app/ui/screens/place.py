"""Where the household lives, chosen with the remote: league → banner → sumu, from the region
table, in either script. Shown before home on a box's first start, and from home's place card.
OK on a place goes a step down (or chooses it at the last step); Back goes a step up."""
from __future__ import annotations

from kivy.properties import ObjectProperty, StringProperty

import legaltv_regions as regions

from ... import keys
from ...i18n import N_
from ..screen_preparation import lay_out
from ..widgets import FocusCard
from .base import BaseScreen

WHOLE = "whole"  # the card choosing the banner itself at its sumu step


class PlaceCard(FocusCard):
    place = ObjectProperty(None, allownone=True)   # a legaltv_regions.Place
    texts = ObjectProperty(None, allownone=True)   # its name in both scripts
    msgid = StringProperty("")                     # or a sentence (the whole banner)
    params = ObjectProperty({})


class PlaceScreen(BaseScreen):
    kv_name = "place"
    under = StringProperty(regions.PROVINCE)  # the place whose parts are offered now

    def on_data(self) -> None:
        grid = self.ids.places
        grid.clear_widgets()
        if regions.level_of(self.under) == "banner":
            banner = regions.place(self.under)
            # TRANSLATORS: TV app, choosing one's place: the banner itself, not one of its sumus, max 30 chars
            card = PlaceCard(focus_key=f"place:{WHOLE}", place=banner, msgid=N_("Elsewhere in {place}"),
                             params={"place": banner.name(self.app.lang)})
            card.bind(on_activate=lambda c: self.app.choose_place(c.place.code))
            grid.add_widget(card)
        for place in regions.children(self.under):
            card = PlaceCard(focus_key=f"place:{place.code}", place=place, texts={"zh": place.zh, "mn": place.mn})
            card.bind(on_activate=lambda c: self.choose(c.place))
            grid.add_widget(card)
        chosen = regions.path(self.under) if self.under != regions.PROVINCE else []
        self.ids.path.texts = {lang: regions.SEPARATOR.join(p.name(lang) for p in chosen)
                               for lang in regions.LANGUAGES} if chosen else None
        self.ids.scroll.scroll_y = 1  # a new step or script starts at the top (the focus scrolls on)

    def on_refresh(self) -> None:
        """The table is the box's own: news from the server changes nothing here."""

    def choose(self, place) -> None:
        """A league or a banner with sumus opens its parts; anything else is the household's place."""
        if place.level in ("province", "league") or (place.level == "banner" and regions.children(place.code)):
            self.step(place.code)
        else:
            self.app.choose_place(place.code)

    def step(self, under: str, focus: str | None = None) -> None:
        """Shows the parts of `under`, laid out before the focus lands (on `focus`, else the first)."""
        self.under = under
        self.on_data()
        lay_out(self, self.manager)
        cards = self.app.navigator.cards(self)
        card = next((c for c in cards if c.focus_key == f"place:{focus}"), cards[0] if cards else None)
        self.focus(card)

    def on_remote(self, action) -> bool:
        if action.action != keys.BACK:
            return False
        if self.under != regions.PROVINCE:
            self.step(regions.parent_code(self.under), focus=self.under)
        elif self.app.history:
            self.app.back()  # changing the place later: Back keeps the one chosen before
        else:
            self.app.open("exit")  # a first start: Back at the first step asks before leaving, as home does
        return True

    def on_leave_screen(self) -> None:
        self.under = regions.PROVINCE  # the next visit starts from the leagues
