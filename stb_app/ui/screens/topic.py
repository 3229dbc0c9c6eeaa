"""One situation: the step-by-step guide, related case videos, service points, related words,
and "ask about this"."""
from __future__ import annotations

from kivy.properties import ObjectProperty

from ... import glossary_index
from ...i18n import N_, translate
from ..widgets import FocusCard, VideoCard
from .base import BaseScreen


class StepCard(FocusCard):
    step = ObjectProperty(None)


class WordLink(FocusCard):
    """A glossary word a guide uses: OK opens the dictionary on it."""
    entry = ObjectProperty(None)


class TopicScreen(BaseScreen):
    kv_name = "topic"
    guide_words: list = []  # the glossary ids the guide uses or lists: its "legal words" button opens those

    def topic(self) -> dict | None:
        return next((t for t in self.library.topics if str(t["id"]) == str(self.params.get("topic_id"))), None)

    def on_data(self) -> None:
        topic = self.topic()
        if topic is None:
            return
        guide = self.library.guides.get(str(topic["id"])) or {}
        self.ids.title.texts = topic["title"]
        steps = self.ids.steps
        steps.clear_widgets()
        for number, step in enumerate(guide.get("steps") or [], 1):
            text = step.get("text", step) if isinstance(step, dict) and "text" in step else step
            card = StepCard(focus_key=f"step:{number}", step=text)
            card.ids.number.params = {"number": number}
            card.bind(on_activate=self.read)
            steps.add_widget(card)
        self.ids.no_guide.opacity = 0 if steps.children else 1
        videos = self.ids.videos
        videos.clear_widgets()
        category = guide.get("category")
        related = self.library.items_in(category) if category else []
        for item in related[:8]:
            card = VideoCard(focus_key=f"video:{item['id']}", item=item)
            card.bind(on_activate=lambda c: self.app.open("detail", item_id=c.item["id"]))
            videos.add_widget(card)
        self.ids.videos_title.opacity = 1 if videos.children else 0
        self._fill_words(guide)

    def _fill_words(self, guide: dict) -> None:
        """The glossary terms the guide's title and steps use (then those it lists), as links."""
        glossary = self.library.glossary
        steps = [s.get("text", s) if isinstance(s, dict) else s for s in guide.get("steps") or []]
        used = glossary_index.terms_used([guide.get("title"), *steps], glossary)
        listed = {str(g) for g in guide.get("glossary") or []}
        used += [e for e in glossary if str(e["id"]) in listed and e not in used]
        self.guide_words = [str(e["id"]) for e in used]
        words = self.ids.words
        words.clear_widgets()
        for entry in used if self.app.lang == "zh" else []:
            link = WordLink(focus_key=f"word:{entry['id']}", entry=entry)
            link.bind(on_activate=lambda card: self.app.open("glossary", term=str(card.entry["id"])))
            words.add_widget(link)
        self.ids.words_row.opacity = 1 if used and self.app.lang == "zh" else 0

    def read(self, card: StepCard) -> None:
        """OK on a step: the step whole, in large type."""
        number = card.ids.number.params["number"]
        self.ids.page.open({lang: translate(N_("Step {number}"), lang, number=number) for lang in ("zh", "mn")},
                           card.step)

    def on_remote(self, action) -> bool:
        return self.ids.page.on_remote(action)

    def on_leave_screen(self) -> None:
        self.ids.page.close()

    def ask(self) -> None:
        self.app.open("ask", topic_id=self.params.get("topic_id"), reset_focus=True)

    def glossary(self) -> None:
        self.app.open("glossary", words=self.guide_words, reset_focus=True)


__all__ = ["TopicScreen", "N_"]
