"""Want to choose: pick your situation (a topic), or go straight to service points and the glossary."""
from __future__ import annotations

from kivy.properties import ObjectProperty

from ..widgets import FocusCard
from .base import BaseScreen


class TopicCard(FocusCard):
    topic = ObjectProperty(None)


class ChooseScreen(BaseScreen):
    kv_name = "choose"

    def on_data(self) -> None:
        grid = self.ids.topics
        grid.clear_widgets()
        for topic in self.library.topics:
            card = TopicCard(focus_key=f"topic:{topic['id']}", topic=topic)
            card.bind(on_activate=lambda c: self.app.open("topic", topic_id=c.topic["id"]))
            grid.add_widget(card)
        self.ids.empty.opacity = 0 if self.library.topics else 1
