"""My questions: number, status, the answer summary; rate an answered one with digits 1–5.
OK on a question opens it whole in large type (the answer page), read on with ↓."""
from __future__ import annotations

from datetime import datetime

from kivy.properties import BooleanProperty, DictProperty, ListProperty

from legaltv_locale.formatting import format_date, format_time

from ...api import Rejected
from ...i18n import N_, pick, translate
from ... import glossary_index
from ...keys import BACK, DIGIT, DOWN, GREEN, LEFT, NEXT, OK, PAGE_ON, PAGING, RIGHT, UP
from ...question_outcomes import ASK_AGAIN, CALL_HOTLINE, HOTLINE, NEXT_STEPS, SEE_OFFICE, next_steps, \
    office_lines, outcome_text
from ..widgets import FocusCard, read_on
from .base import BaseScreen
from .complain import complaint_about, complaint_words, ended_questions

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


# TRANSLATORS: TV app, answer page, when the question was asked; {date} is a date and time, max 40 chars
ASKED_ON = N_("Asked on {date}")
# TRANSLATORS: TV app, answer page, when the lawyer calls; {window} is a day and hours, max 50 chars
CALLS_BACK = N_("The lawyer calls you back {window}")
# TRANSLATORS: TV app, ask screen and My questions, an urgent question: beside 110 in large digits, max 140 chars
URGENT_SENT = N_("This is urgent. A lawyer on duty will call you within 30 minutes. In immediate danger, call 110 now.")
# TRANSLATORS: TV app, ask screen, after sending: when the lawyer calls, above the question's number shown large; {window} is a day and hours, max 140 chars
SENT_CALLS_BACK = N_("Your question was sent. The lawyer calls you back {window}. Your question's number:")
# TRANSLATORS: TV app, questions screen, under a question still waiting: when the lawyer calls; {window} is a day and hours, max 60 chars
CARD_CALLS_BACK = N_("Call {window}")
# TRANSLATORS: TV app, questions screen, state of an urgent question not yet called, max 28 chars
URGENT_STATUS = N_("Urgent: a lawyer calls soon")
OPEN = ("queued", "claimed")
# TRANSLATORS: TV app, answer page, shown before a lawyer has answered, max 60 chars
NO_ANSWER_YET = N_("No answer yet. The lawyer will call you.")


def both(msgid: str, **fill) -> dict:
    """`msgid` in both scripts, each placeholder filled by `fill[name](lang)`: a bilingual text."""
    return {lang: translate(msgid, lang, **{name: make(lang) for name, make in fill.items()}) for lang in ("zh", "mn")}


def still_to_call(question: dict) -> bool:
    """A lawyer is still to call about this question: it has not ended (answered, passed on, closed)."""
    return question.get("status") in OPEN


def _show_status(label, question: dict) -> None:
    if question.get("urgent") and question.get("status") in OPEN:
        label.texts, label.msgid = None, URGENT_STATUS
    elif question.get("status_text"):
        label.texts = question["status_text"]  # the server's own words for its statuses
    else:
        label.texts = None
        label.msgid = STATUS.get(question.get("status"), question.get("status") or "")


class QuestionCard(FocusCard):
    question = DictProperty({})


def _moment(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def asked_on(question: dict, lang: str) -> str:
    """The day and time the question was asked, as the household reads dates."""
    moment = _moment(question.get("created_at"))
    return f"{format_date(moment.date(), lang)} {format_time(moment, lang)}" if moment else ""


def callback_window(question: dict, lang: str) -> str:
    """When the lawyer calls back: the day, then from–until."""
    start, end = _moment(question.get("callback_from")), _moment(question.get("callback_until"))
    if start is None or end is None:
        return ""
    until = format_time(end, lang) if end.date() == start.date() else \
        f"{format_date(end.date(), lang)} {format_time(end, lang)}"
    return f"{format_date(start.date(), lang)} {format_time(start, lang)}–{until}"


class QuestionsScreen(BaseScreen):
    kv_name = "questions"
    can_complain = BooleanProperty(False)  # a question has ended: the household may complain about it
    answer_word_hints = ListProperty([])   # the green key's hint while an answer using legal words is read
    answer_words: list = []                # the glossary ids that answer uses

    def on_data(self) -> None:
        self.can_complain = bool(ended_questions(self.library.questions, self.library.complaints))
        grid = self.ids.questions
        grid.clear_widgets()
        topics = self._topics = {str(t["id"]): t["title"] for t in self.library.topics}
        for entry in reversed(self.library.outbox.waiting()):
            if entry.body.get("kind") in ("request", "cancel"):  # listed in My appointments
                continue
            # a question the server asked to wait with says so in the server's words
            words = (entry.refusal or {}).get("message") if entry.later else None
            grid.add_widget(self._card({"id": entry.key, "number": "", "status": "waiting", "status_text": words,
                                        "topic": entry.body.get("topic")}, topics))
        for question in sorted(self.library.questions or [], key=lambda q: str(q.get("created_at")), reverse=True):
            if question.get("kind") == "request":  # listed in My appointments
                continue
            grid.add_widget(self._card(question, topics))
        self.ids.empty.opacity = 0 if grid.children else 1
        if self.reading:  # a refresh while the answer page is open updates it in place
            fresh = next((c.question for c in grid.children if c.question.get("id") == self.reading.get("id")),
                         None)
            if fresh is not None:
                self.read(fresh)

    def on_open(self) -> None:
        self.library.questions_seen.mark_seen(self.library.questions)  # home's badge clears
        self.app.refresh_questions()  # the status as it is now, not as the last minute's refresh saw it

    def on_refresh(self) -> None:
        self.on_data()
        if self.manager is not None and self.manager.current == self.name:
            self.library.questions_seen.mark_seen(self.library.questions)  # read as it arrives

    # -- the answer page: the whole question and answer in large type ---------------------------
    reading = DictProperty({})  # the question on the answer page ({} when closed)
    next_steps = ListProperty([])  # what the household can do next from the answer page
    _topics: dict = {}

    def read(self, question: dict) -> None:
        """Opens the answer page on `question` (OK on its card)."""
        ids = self.ids
        ids.read_number.msgid = N_("No. {number}") if question.get("number") else ""
        ids.read_number.params = {"number": question.get("number") or ""}
        _show_status(ids.read_status, question)
        ids.read_topic.texts = self._topics.get(str(question.get("topic"))) or ""
        ids.read_asked.texts = both(ASKED_ON, date=lambda lang: asked_on(question, lang)) \
            if question.get("created_at") else None
        # the call's day only while the call is to come: an ended question promises no call
        ids.read_window.texts = both(CALLS_BACK, window=lambda lang: callback_window(question, lang)) \
            if still_to_call(question) and callback_window(question, "zh") else None
        # what happened, in the household's own words, and the next step as cards
        ids.read_outcome.texts = outcome_text(question)
        # a complaint about it: sent to the supervisors, or saved on the box until it is
        ids.read_complaint.msgid = complaint_words(complaint_about(self.library.complaints, question.get("id")))
        steps = self.next_steps = next_steps(question)
        office = question.get("office") if SEE_OFFICE in steps else None
        ids.read_office_step.msgid = NEXT_STEPS[SEE_OFFICE] if office else (
            NEXT_STEPS[ASK_AGAIN] if ASK_AGAIN in steps else "")
        ids.read_office.texts = office_lines(office) if office else None
        ids.read_hotline_step.msgid = NEXT_STEPS[CALL_HOTLINE] if CALL_HOTLINE in steps else ""
        ids.read_hotline.texts = HOTLINE if CALL_HOTLINE in steps else ""
        # an urgent question still open: the lawyer on duty calls soon; 110 for immediate danger
        ids.read_urgent_text.msgid = URGENT_SENT if question.get("urgent") and question.get("status") in OPEN else ""
        answer = question.get("answer_summary")
        ids.read_answer.texts = answer or None
        ids.read_answer.msgid = NO_ANSWER_YET if not answer and still_to_call(question) else ""
        self._find_answer_words(answer)
        self.reading = question
        ids.reader.opacity, ids.reader.disabled = 1, False
        ids.read_scroll.scroll_x, ids.read_scroll.scroll_y = 0, 1

    # -- legal words in an answer: the green key opens the dictionary on them -----------------
    def _find_answer_words(self, answer) -> None:
        self.answer_words = [str(e["id"]) for e in glossary_index.terms_used([answer] if answer else [],
                                                                             self.library.glossary)]
        # TRANSLATORS: TV app, answer page, what the green key does: the dictionary on the legal words this answer uses, max 40 chars
        self.answer_word_hints = [(GREEN, N_("Legal words in this answer"))] if self.answer_words else []

    def on_colour(self, colour: str) -> bool:
        if colour != GREEN or not (self.reading and self.answer_words):
            return False
        self.app.open("glossary", words=list(self.answer_words), reset_focus=True)
        return True

    def ask_again(self) -> None:
        """The ask screen, on the topic of the question just read."""
        topic = self.reading.get("topic")
        known = any(str(t["id"]) == str(topic) for t in self.library.topics)
        self.close_reader()
        self.app.open("ask", topic_id=topic if known else None, reset_focus=True)

    def close_reader(self) -> None:
        self.reading = {}
        self.ids.reader.opacity = 0
        self.ids.reader.disabled = True

    def on_leave_screen(self) -> None:
        self.close_reader()

    def _card(self, question: dict, topics: dict) -> QuestionCard:
        card = QuestionCard(focus_key=f"question:{question['id']}", question=question)
        card.bind(on_activate=lambda c: self.read(c.question))
        ids = card.ids
        # TRANSLATORS: TV app, questions screen, question number, max 16 chars
        ids.number.msgid = N_("No. {number}") if question.get("number") else ""
        ids.number.params = {"number": question.get("number") or ""}
        _show_status(ids.status, question)
        ids.topic.texts = topics.get(str(question.get("topic"))) or ""
        ids.complaint.msgid = complaint_words(complaint_about(self.library.complaints, question.get("id")), on_card=True)
        ids.answer.texts = question.get("answer_summary") or None
        # TRANSLATORS: TV app, questions screen, hint under an answer, max 30 chars
        ids.more.msgid = N_("OK reads the whole answer") if question.get("answer_summary") else ""
        # TRANSLATORS: TV app, questions screen, hint under an answered question, max 40 chars
        ids.rate.msgid = N_("Press 1–5 to rate the answer") if question.get("can_rate") else ""
        if still_to_call(question) and not question.get("urgent") and callback_window(question, "zh"):
            # still waiting: the day and hours the lawyer calls
            ids.rate.texts = both(CARD_CALLS_BACK, window=lambda lang: callback_window(question, lang))
        if question.get("rating"):
            # TRANSLATORS: TV app, questions screen, shown after rating, max 30 chars
            ids.rate.msgid, ids.rate.params = N_("You rated {score} of 5"), {"score": question["rating"]}
        return card

    def on_remote(self, action) -> bool:
        if self.reading and action.action != DIGIT:
            if action.action in (DOWN, RIGHT, UP, LEFT, *PAGING):
                read_on(self.ids.read_scroll, action.action in (DOWN, RIGHT, NEXT, PAGE_ON))
            elif action.action == OK and ASK_AGAIN in self.next_steps:
                self.ask_again()
            elif action.action in (BACK, OK):
                self.close_reader()
            else:
                return False  # the language switch works on the page too
            return True
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
            words = result.answer["message"] if isinstance(result, Rejected) else None
            if words:
                card.ids.rate.texts = words  # a refusal in the server's own words, as everywhere
                return
            if isinstance(result, Exception):
                # TRANSLATORS: TV app, questions screen, notice, max 80 chars
                card.ids.rate.msgid = N_("Could not send the rating. Please try again later.")
                return
            self.on_data()
            self.app.navigator.ensure(self)
        self.app.in_background(work, done)
        return True


__all__ = ["QuestionsScreen", "pick"]
