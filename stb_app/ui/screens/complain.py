"""Complain about a service, with the remote: which ended question, then one of a few reasons.
The complaint goes into its own on-box outbox first (never lost, sent exactly once like a
question) and reaches the supervisors of 12348, not the lawyer concerned."""
from __future__ import annotations

from kivy.properties import ObjectProperty, StringProperty

from ...i18n import N_, translate
from ...keys import BACK
from ...outbox import REJECTED, SENT, Entry, Outbox
from ..widgets import FocusCard
from .base import BaseScreen

ENDED = ("resolved", "referred", "revisit_pending", "closed")  # a question no lawyer works on any more
REASONS = (
    # TRANSLATORS: supervisor console and TV app, why a household complains, max 40 chars
    ("not_called", N_("Nobody called me")),
    # TRANSLATORS: supervisor console and TV app, why a household complains, max 40 chars
    ("not_helpful", N_("The answer did not help")),
    # TRANSLATORS: supervisor console and TV app, why a household complains, max 40 chars
    ("impolite", N_("The lawyer was impolite")),
    # TRANSLATORS: supervisor console and TV app, why a household complains, max 40 chars
    ("too_slow", N_("It took too long")),
)
# TRANSLATORS: TV app, complaint screen, first step, max 60 chars
WHICH = N_("Which question is your complaint about?")
# TRANSLATORS: TV app, complaint screen, second step; {number} is the question's number, max 60 chars
WHY = N_("Why do you complain about question {number}? Choose one.")
# TRANSLATORS: TV app, complaint screen, after sending, max 120 chars
SENT_WORDS = N_("Your complaint was sent to the supervisors of 12348. They will look into it and may call you.")
# TRANSLATORS: TV app, complaint screen, saved while the box is offline, max 120 chars
SAVED_WORDS = N_("Your complaint is saved on the TV box. It is sent as soon as the box is online.")


# TRANSLATORS: TV app, My questions, on a question's card: the household complained about it, max 16 chars
CARD_SENT = N_("Complaint sent")
# TRANSLATORS: TV app, My questions, on a question's card: a complaint about it waits on the box to be sent, max 24 chars
CARD_SAVED = N_("Complaint waiting to send")


def complaint_about(complaints: Outbox, question_id) -> Entry | None:
    """The complaint the box keeps about a question, sent or still to send (one the server
    refused does not count: the household may complain again)."""
    return next((entry for entry in reversed(complaints.entries())
                 if entry.body.get("question_id") == question_id and entry.state != REJECTED), None)


def complaint_words(entry: Entry | None, on_card: bool = False) -> str:
    """What the household reads of its complaint: sent, or saved on the box until it is."""
    if entry is None:
        return ""
    if entry.state == SENT:
        return CARD_SENT if on_card else SENT_WORDS
    return CARD_SAVED if on_card else SAVED_WORDS


def ended_questions(questions: list, complaints: Outbox | None = None) -> list:
    """The household's questions it may complain about, newest first: ended, and not yet
    complained about from this box (one complaint a question)."""
    return sorted((q for q in questions or [] if q.get("status") in ENDED
                   and (complaints is None or complaint_about(complaints, q["id"]) is None)),
                  key=lambda q: str(q.get("created_at")), reverse=True)


class ChoiceCard(FocusCard):
    texts = ObjectProperty(None, allownone=True)
    msgid = StringProperty("")


class ComplainScreen(BaseScreen):
    kv_name = "complain"
    step = StringProperty("question")   # question → reason → sent
    question = ObjectProperty(None, allownone=True)
    key = StringProperty("")

    def on_open(self) -> None:
        self.question, self.key = None, ""
        wanted = self.params.get("question_id")
        self.question = next((q for q in ended_questions(self.library.questions, self.library.complaints)
                              if q["id"] == wanted), None)
        self.step = "reason" if self.question else "question"
        self.on_data()
        self.app.navigator.memory.forget(self.name)

    def on_data(self) -> None:
        ids, choices = self.ids, self.ids.choices
        choices.clear_widgets()
        ids.prompt.texts, ids.prompt.msgid, ids.prompt.params = None, "", {}
        if self.step == "question":
            ids.prompt.msgid = WHICH
            topics = {str(t["id"]): t["title"] for t in self.library.topics}
            for question in ended_questions(self.library.questions, self.library.complaints):
                title = topics.get(str(question.get("topic"))) or {}
                card = ChoiceCard(focus_key=f"question:{question['id']}", texts={
                    lang: f"{translate(N_('No. {number}'), lang, number=question['number'])}  {title.get(lang, '')}"
                    for lang in ("zh", "mn")})
                card.question = question
                card.bind(on_activate=self.choose_question)
                choices.add_widget(card)
        elif self.step == "reason":
            ids.prompt.msgid, ids.prompt.params = WHY, {"number": self.question["number"]}
            for code, msgid in REASONS:
                card = ChoiceCard(focus_key=f"reason:{code}", msgid=msgid)
                card.reason = code
                card.bind(on_activate=self.send)
                choices.add_widget(card)
        else:
            self._show_result()
            # TRANSLATORS: TV app, complaint screen, button back to My questions, max 24 chars
            card = ChoiceCard(focus_key="done", msgid=N_("Back to my questions"))
            card.bind(on_activate=lambda _card: self.app.back())
            choices.add_widget(card)

    def _show_result(self) -> None:
        entry = self.library.complaints.entry(self.key) if self.key else None
        if entry is not None and entry.state == REJECTED and (entry.refusal or {}).get("message"):
            self.ids.prompt.texts = entry.refusal["message"]  # the server's own words
        elif entry is not None and entry.state == SENT:
            self.ids.prompt.msgid = SENT_WORDS
        else:
            self.ids.prompt.msgid = SAVED_WORDS

    def choose_question(self, card: ChoiceCard) -> None:
        self.question, self.step = card.question, "reason"
        self._rebuild()

    def send(self, card: ChoiceCard) -> None:
        self.key = self.library.complaints.add({"question_id": self.question["id"], "reason": card.reason})
        self.step = "sent"
        self._rebuild()
        self.app.flush_outbox(then=self._rebuild)

    def _rebuild(self) -> None:
        self.app.navigator.memory.forget(self.name)
        self.on_data()
        self.app.navigator.current = None
        self.app.navigator.restore(self)

    def on_remote(self, action) -> bool:
        if action.action == BACK and self.step == "reason" and not self.params.get("question_id"):
            self.step = "question"  # one step back: the choice of question
            self._rebuild()
            return True
        return False


__all__ = ["ComplainScreen"]
