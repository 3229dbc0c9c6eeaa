"""The bilingual legal glossary: terms on the left, the focused term's definition on the right."""
from __future__ import annotations

from kivy.properties import ObjectProperty

from ..widgets import FocusCard
from .base import BaseScreen


class TermCard(FocusCard):
    entry = ObjectProperty(None)

    def on_focused(self, _card, value):
        if value and self.entry is not None:
            from kivy.app import App
            screen = App.get_running_app().sm.get_screen("glossary")
            screen.ids.term.texts = self.entry["term"]
            screen.ids.definition.texts = self.entry["definition"]


class GlossaryScreen(BaseScreen):
    kv_name = "glossary"

    def on_data(self) -> None:
        only = set(self.params.get("only") or [])
        entries = [g for g in self.library.glossary if not only or str(g["id"]) in only] or self.library.glossary
        grid = self.ids.terms
        grid.clear_widgets()
        for entry in entries:
            grid.add_widget(TermCard(focus_key=f"term:{entry['id']}", entry=entry))
        self.ids.empty.opacity = 0 if entries else 1
