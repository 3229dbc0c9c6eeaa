"""Home: the current banners, three large panels (watch / choose / ask), the channel's now/next,
continue watching."""
from __future__ import annotations

from kivy.properties import BooleanProperty, ListProperty

import legaltv_regions

from ... import appointments
from ...i18n import N_, pick
from ...keys import BLUE, GREEN, RED, YELLOW
from ...notices import banners
from ..widgets import VideoCard, fill_video_row
from .base import BaseScreen

# the colour keys open the four places home leads to, by the names on their panels
COLOUR_KEYS = {RED: ("watch", N_("Want to watch")), GREEN: ("choose", N_("Want to choose")),
               YELLOW: ("ask", N_("Want to ask")), BLUE: ("guide", N_("Programme guide"))}
HOME_POPULAR = 3  # as many as fit across the page in Chinese
HOME_BANNERS = 3  # the newest; their titles stay whole in either script (the notices screen lists all)


class HomeScreen(BaseScreen):
    kv_name = "home"
    default_focus = "watch"
    continuing = BooleanProperty(False)  # there are started videos to show in a row
    key_hints = ListProperty([])      # the colour keys and what they open, hinted beside the title
    bannered = BooleanProperty(False)  # the notices row shows: current banners, or a way to past notices
    reminding = BooleanProperty(False)  # an appointment is tomorrow: its reminder shows after the notices
    popular = BooleanProperty(False)  # the league's most finished videos show in a row below the first page

    def on_data(self) -> None:
        current = banners(self.library.notices)[:HOME_BANNERS]
        self.ids.banner_text.texts = {lang: "  ·  ".join(pick(n["title"], lang) for n in current)
                                      for lang in ("zh", "mn")} if current else None
        # TRANSLATORS: TV app, home screen, the notices row when no banner is current: opens past notices, max 30 chars
        self.ids.banner_text.msgid = "" if current else N_("Past notices")
        self.bannered = bool(current or self.library.notice_memory.past())
        # the day before an appointment, its reminder stands after the notices (an urgent notice
        # still takes the whole screen first); OK on it opens My appointments
        tomorrow = appointments.reminder(self.library.questions, self.app.today())
        self.ids.reminder_text.texts = tomorrow["text"] if tomorrow is not None else None
        self.reminding = tomorrow is not None
        now, upcoming = self.library.channel_now_next()
        self.ids.now_title.texts = now["title"] if now else None
        # TRANSLATORS: TV app, home screen, channel tile when nothing is on air, max 40 chars
        self.ids.now_title.msgid = "" if now else N_("Nothing on the channel right now")
        # TRANSLATORS: TV app, home screen, channel tile: the next programme, max 40 chars
        self.ids.next_title.msgid = N_("Next: {title}") if upcoming else ""
        self.ids.next_title.params = {"title": pick(upcoming["title"])} if upcoming else {}
        self.ids.channel_card.disabled = not self.library.channels
        self.ids.channel_card.opacity = 1 if self.library.channels else 0
        self.ids.guide_card.opacity = 1 if self.library.channels else 0
        self.ids.guide_card.disabled = not self.library.channels
        place = self.app.place or ""
        self.ids.place_name.texts = {lang: legaltv_regions.name(place, lang) or place for lang in ("zh", "mn")}
        hints = [(colour, name) for colour, (what, name) in COLOUR_KEYS.items() if self._leads_to(what)]
        if hints != self.key_hints:
            self.key_hints = hints
        # something happened to a question since the household last looked
        news = len(self.library.questions_seen.changed(self.library.questions))
        self.ids.questions_badge.texts = str(news) if news else ""  # a count in a red dot, read in either script
        row = self.ids.continue_row
        row.clear_widgets()
        for item in self.library.continue_watching():
            card = VideoCard(focus_key=f"continue:{item['id']}", item=item)
            card.bind(on_activate=lambda c: self.app.open("detail", item_id=c.item["id"]))
            row.add_widget(card)
        self.continuing = bool(row.children)
        self.popular = fill_video_row(self.ids.popular_row, self.library.popular_items(HOME_POPULAR), "popular",
                                      self.app)

    def _leads_to(self, what: str) -> bool:
        return what != "guide" or bool(self.library.channels)

    def on_colour(self, colour: str) -> bool:
        what = COLOUR_KEYS[colour][0] if colour in COLOUR_KEYS else None
        if what is None or not self._leads_to(what):
            return False
        self.activate(what)
        return True

    def activate(self, what: str) -> None:
        if what == "language":
            self.app.switch_language()
        elif what == "channel":
            self.app.open("player", live=True)
        elif what == "guide":
            self.app.open("channel")
        elif what == "place":
            self.app.open("place", reset_focus=True)
        else:
            self.app.open(what)

