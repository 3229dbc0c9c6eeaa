"""My questions: number, status, the answer summary; rate an answered one with digits 1–5."""
from __future__ import annotations

from kivy.properties import DictProperty

from ..i18n import N_, pick
from ..keys import DIGIT
from ..widgets import FocusCard
from .base import BaseScreen

STATUS = {
    # TRANSLATORS: TV app, questions screen, state of a question, max 28 chars
    "queued": N_("Waiting for a lawyer"),
    # TRANSLATORS: TV app, questions screen, state of a question, max 28 chars
    "claimed": N_("A lawyer is on it"),
    "calling": N_("A lawyer is on it"),
    "in_progress": N_("A lawyer is on it"),
    # TRANSLATORS: TV app, questions screen, state of a question, max 28 chars
    "answered": N_("Answered"),
    # TRANSLATORS: TV app, questions screen, state of a question, max 28 chars
    "unreachable": N_("We could not reach you"),
    # TRANSLATORS: TV app, questions screen, state of a question, max 28 chars
    "closed": N_("Closed"),
    "rated": N_("Answered"),
    # TRANSLATORS: TV app, questions screen, state of a question saved offline, max 28 chars
    "waiting": N_("Waiting to send"),
}


class QuestionCard(FocusCard):
    question = DictProperty({})


class QuestionsScreen(BaseScreen):
    kv_name = "questions"

    def on_data(self) -> None:
        grid = self.ids.questions
        grid.clear_widgets()
        topics = {str(t["id"]): t["title"] for t in self.library.topics}
        for entry in reversed(self.library.outbox.waiting()):
            # a question the server asked to wait with says so in the server's words
            words = (entry.refusal or {}).get("message") if entry.later else None
            grid.add_widget(self._card({"id": entry.key, "number": "", "status": "waiting", "status_text": words,
                                        "topic": entry.body.get("topic")}, topics))
        for question in sorted(self.library.questions or [], key=lambda q: str(q.get("created_at")), reverse=True):
            grid.add_widget(self._card(question, topics))
        self.ids.empty.opacity = 0 if grid.children else 1

    def on_open(self) -> None:
        self.app.refresh_questions()  # the status as it is now, not as the last minute's refresh saw it

    def _card(self, question: dict, topics: dict) -> QuestionCard:
        card = QuestionCard(focus_key=f"question:{question['id']}", question=question)
        ids = card.ids
        # TRANSLATORS: TV app, questions screen, question number, max 16 chars
        ids.number.msgid = N_("No. {number}") if question.get("number") else ""
        ids.number.params = {"number": question.get("number") or ""}
        if question.get("status_text"):
            ids.status.texts = question["status_text"]  # the server's own words for its statuses
        else:
            ids.status.msgid = STATUS.get(question.get("status"), question.get("status") or "")
        ids.topic.texts = topics.get(str(question.get("topic"))) or ""
        ids.answer.texts = question.get("answer_summary") or None
        # TRANSLATORS: TV app, questions screen, hint under an answered question, max 40 chars
        ids.rate.msgid = N_("Press 1–5 to rate the answer") if question.get("can_rate") else ""
        if question.get("rating"):
            # TRANSLATORS: TV app, questions screen, shown after rating, max 30 chars
            ids.rate.msgid, ids.rate.params = N_("You rated {score} of 5"), {"score": question["rating"]}
        return card

    def on_remote(self, action) -> bool:
        card = self.focused_card()
        if action.action != DIGIT or not isinstance(card, QuestionCard):
            return False
        if not card.question.get("can_rate") or not 1 <= action.digit <= 5:
            return True
        score, question_id = action.digit, card.question["id"]
        card.ids.rate.msgid, card.ids.rate.params = N_("You rated {score} of 5"), {"score": score}

        def work():
            self.app.api.rate(question_id, score)
            self.library.refresh_questions()

        def done(result):
            if isinstance(result, Exception):
                # TRANSLATORS: TV app, questions screen, notice, max 80 chars
                card.ids.rate.msgid = N_("Could not send the rating. Please try again later.")
                return
            self.on_data()
            self.app.navigator.ensure(self)
        self.app.in_background(work, done)
        return True


__all__ = ["QuestionsScreen", "pick"]
