"""The bilingual legal dictionary (蒙汉法律实用词典): every term in both scripts side by side (the
Chinese line beside the Mongolian column), browsed by topic and by first letter (the pinyin
initial in Chinese, the first Mongolian letter in Mongolian); the focused term's definition on the
right. Guides open it on one term (`term` parameter), an answer on the words it uses (`words`)."""
from __future__ import annotations

from kivy.properties import ObjectProperty, StringProperty

from ... import glossary_index
from ...i18n import N_, translate
from ..widgets import FocusCard
from .base import BaseScreen

ALL = ""


def _all() -> dict:
    # TRANSLATORS: TV app, glossary screen, the topic or letter that shows every term, max 12 chars
    return {lang: translate(N_("All"), lang) for lang in ("zh", "mn")}


class TermCard(FocusCard):
    entry = ObjectProperty(None)

    def on_focused(self, card, value):
        super().on_focused(card, value)
        if value and self.entry is not None:
            from kivy.app import App
            App.get_running_app().sm.get_screen("glossary").show_term(self.entry)


class FilterCard(FocusCard):
    """A topic or a letter to browse by (OK chooses it; the chosen one is marked)."""
    kind = StringProperty("")    # topic | letter
    value = StringProperty("")
    label = ObjectProperty(None)  # {"zh", "mn"} or a str


class GlossaryScreen(BaseScreen):
    kv_name = "glossary"
    topic = StringProperty(ALL)
    letter = StringProperty(ALL)

    only: set = set()  # the words of one answer (`words` parameter), until a topic is chosen

    def on_open(self) -> None:
        self.only = set(self.params.get("words") or [])
        if self.only:  # opened on the words an answer uses: those only
            self.topic = self.letter = ALL
            self.on_data()
        term = self.params.get("term")
        if term:  # opened on one term: all terms, that one focused
            self.topic = self.letter = ALL
            self.on_data()
            self.app.navigator.memory.remember(self.name, f"term:{term}")
        elif "topic" in self.params:
            self.topic, self.letter = str(self.params["topic"] or ALL), ALL
            self.on_data()

    def on_data(self) -> None:
        lang = self.app.lang
        glossary = [e for e in self.library.glossary if not self.only or str(e["id"]) in self.only]
        topics_of = glossary_index.topics_of(glossary, self.library.guides)
        used = {t for ids in topics_of.values() for t in ids}
        topics = [t for t in self.library.topics if str(t["id"]) in used]
        if self.topic not in {str(t["id"]) for t in topics}:
            self.topic = ALL
        in_topic = [e for e in glossary if self.topic == ALL or self.topic in topics_of[str(e["id"])]]
        letters = glossary_index.letters(in_topic, lang)
        if self.letter not in letters:
            self.letter = ALL
        self._fill_filters(self.ids.topics, "topic",
                           [(ALL, _all())] + [(str(t["id"]), t["title"]) for t in topics],
                           self.topic)
        self._fill_filters(self.ids.letters, "letter", [(ALL, _all())]
                           + [(letter, letter) for letter in letters], self.letter)
        entries = [e for e in glossary_index.in_order(in_topic, lang)
                   if self.letter == ALL or glossary_index.initial(e, lang) == self.letter]
        grid = self.ids.terms
        grid.clear_widgets()
        for entry in entries:
            grid.add_widget(TermCard(focus_key=f"term:{entry['id']}", entry=entry))
        self.default_focus = f"term:{entries[0]['id']}" if entries else ""
        self.ids.empty.opacity = 0 if entries else 1
        if entries and not any(self.ids.term_zh.texts == e["term"]["zh"] for e in entries):
            self.show_term(entries[0])

    def _fill_filters(self, row, kind: str, options: list, chosen: str) -> None:
        row.clear_widgets()
        for value, label in options:
            card = FilterCard(focus_key=f"{kind}:{value or 'all'}", kind=kind, value=value, label=label,
                              selected=value == chosen)
            card.bind(on_activate=self.choose)
            row.add_widget(card)

    def choose(self, card: FilterCard) -> None:
        """OK on a topic or a letter: the list shows only its terms (a topic starts at every letter)."""
        if card.kind == "topic":
            self.topic, self.letter, self.only = card.value, ALL, set()
        else:
            self.letter = card.value
        self.on_data()
        self.app.navigator.ensure(self)

    def show_term(self, entry: dict) -> None:
        """The term in both scripts and its definition in the household's language."""
        self.ids.term_zh.texts = entry["term"]["zh"]
        self.ids.term_mn.texts = entry["term"]["mn"]
        self.ids.definition.texts = entry["definition"]


__all__ = ["GlossaryScreen", "N_"]
