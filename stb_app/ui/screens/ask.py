"""Want to ask: topic → preset phrases → short text → phone number → callback window →
consent → send. The question goes into the on-box outbox first, so it is never lost."""
from __future__ import annotations

import re

from kivy.metrics import dp
from kivy.properties import BooleanProperty, ListProperty, StringProperty

from ...i18n import N_, pick, translate
from ...keys import BACK, DELETE, DIGIT
from ..widgets import BiLabel, FocusCard
from .base import BaseScreen
from .questions import SENT_CALLS_BACK, URGENT_SENT, both, callback_window

STEPS = ("topic", "phrases", "text", "phone", "window", "consent", "done")
MAX_TEXT = 140
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
LANDLINE = re.compile(r"^0[0-9]{9,11}$")
WINDOWS = (
    # TRANSLATORS: TV app, ask screen, button: time of day for the lawyer to call, max 24 chars
    ("morning", N_("Morning (8–12)")),
    # TRANSLATORS: TV app, ask screen, button: time of day for the lawyer to call, max 24 chars
    ("afternoon", N_("Afternoon (12–18)")),
    # TRANSLATORS: TV app, ask screen, button: time of day for the lawyer to call, max 24 chars
    ("evening", N_("Evening (18–21)")),
    # TRANSLATORS: TV app, ask screen, button: the lawyer may call at any time, max 24 chars
    ("any", N_("Any time")),
)
# TRANSLATORS: TV app, ask screen, consent step: what will be sent, three short lines; {phrases} are the chosen sentences, max 200 chars
RECAP = N_("Topic: {topic}\nYou chose: {phrases}\nThe lawyer calls: {window}")
# the end of what is typed: a glyph both fonts have (a column turns it across, as a cursor in vertical text)
CURSOR = "|"
# arrow-driven keyboards: whole words for Chinese (no pinyin needed), letters for Mongolian
WORDS_ZH = ("我", "家里", "土地", "草场", "承包", "工资", "欠", "离婚", "孩子", "老人", "赡养", "借钱",
            "合同", "打工", "受伤", "邻居", "纠纷", "牛羊", "房子", "补偿", "怎么办", "请帮忙", "，", "。")
LETTERS_MN = ("ᠠ", "ᠡ", "ᠢ", "ᠣ", "ᠤ", "ᠥ", "ᠦ", "ᠨ", "ᠪ", "ᠫ", "ᠬ", "ᠭ", "ᠮ", "ᠯ", "ᠰ", "ᠱ",
              "ᠲ", "ᠳ", "ᠴ", "ᠵ", "ᠶ", "ᠷ", "ᠸ", "ᠹ", "ᠺ", "ᠻ", "ᠼ", "ᠽ", "ᠾ", "ᠿ", "ᡀ", "ᡁ")


def format_phone(digits: str) -> str:
    """Digits grouped for reading back: 138 1234 5678, or 0479 123 4567 for landlines."""
    if digits.startswith("0") and len(digits) > 4:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}".strip()
    return " ".join(filter(None, (digits[:3], digits[3:7], digits[7:])))


def phone_ok(digits: str) -> bool:
    return bool(MOBILE.match(digits) or LANDLINE.match(digits))


def card(key: str, msgid: str = "", texts=None, size=(dp(300), dp(130)), font=dp(32), params=None,
         lang: str = "", on_activate=None) -> FocusCard:
    c = FocusCard(focus_key=key, size_hint=(None, None), size=size)
    c.add_widget(BiLabel(msgid=msgid, texts=texts, params=params or {}, font_size=font,
                         halign="center", valign="middle", lang=lang))
    if on_activate is not None:
        c.bind(on_activate=lambda _c: on_activate())
    return c


class AskScreen(BaseScreen):
    kv_name = "ask"
    steps = STEPS
    step = StringProperty("topic")
    small_hotline = BooleanProperty(True)  # 12348 at the notice row's end (not while shown large)
    phrases = ListProperty([])
    text = StringProperty("")
    phone = StringProperty("")

    def on_data(self) -> None:
        if self.params.get("_started"):
            self.show(self.step)
            return
        self.params["_started"] = True
        self.topic_id = self.params.get("topic_id")
        self.calculation = self.params.get("calculation")  # sent with the question (from a calculator)
        self.phrases, self.text, self.phone, self.window, self.result = [], "", "", "any", None
        self.show("phrases" if self.topic_id else "topic")

    def on_refresh(self) -> None:
        """Fresh data mid-wizard: the step stays as it is (focus, what was typed, the notice);
        only the fate of a question already sent is brought up to date."""
        if self.step == "done":
            self._show_result()

    def topic(self) -> dict | None:
        return next((t for t in self.library.topics if str(t["id"]) == str(self.topic_id)), None)

    # -- steps ------------------------------------------------------------------------------------
    def show(self, step: str) -> None:
        self.step = step
        body, actions, ids = self.ids.body, self.ids.actions, self.ids
        body.clear_widgets()
        actions.clear_widgets()
        ids.notice.msgid = ""
        self.small_hotline = True
        ids.entry.texts = None
        ids.entry.msgid = ""
        ids.entry.lang = ""
        self.app.navigator.memory.forget(self.name)
        mn = self.app.lang == "mn"
        tall = dp(230) if mn else dp(130)
        topic = self.topic()
        asking = self.steps[:-1]  # the steps before "done"
        # TRANSLATORS: TV app, ask screen, above each step's heading: where the household is, max 20 chars
        ids.step_count.msgid = N_("Step {number} of {count}") if step in asking else ""
        ids.step_count.params = {"number": asking.index(step) + 1, "count": len(asking)} if step in asking else {}
        ids.heading.msgid = {
            # TRANSLATORS: TV app, ask screen, heading of step 1 (choose a topic), max 60 chars
            "topic": N_("What is your question about?"),
            # TRANSLATORS: TV app, ask screen, heading of step 2 (ready-made sentences), max 60 chars
            "phrases": N_("Choose what fits (OK marks, choose several)"),
            # TRANSLATORS: TV app, ask screen, heading of step 3 (on-screen keyboard), max 60 chars
            "text": N_("Add a few words if you like (digits type directly)"),
            # TRANSLATORS: TV app, ask screen, heading of step 4 (phone number), max 60 chars
            "phone": N_("Your phone number (press the digit keys)"),
            # TRANSLATORS: TV app, ask screen, heading of step 5 (call time), max 60 chars
            "window": N_("When should the lawyer call you?"),
            # TRANSLATORS: TV app, ask screen, heading of step 6 (consent), max 30 chars
            "consent": N_("Before we send"),
            # TRANSLATORS: TV app, ask screen, heading of the last step, max 24 chars
            "done": N_("Thank you"),
        }[step]
        if step == "topic":
            for t in self.library.topics:
                body.add_widget(card(f"topic:{t['id']}", texts=t["title"], size=(dp(360), tall),
                                     on_activate=lambda t=t: self._pick_topic(t)))
        elif step == "phrases":
            ids.entry.texts = topic["title"] if topic else None
            for phrase in (topic or {}).get("phrases") or []:
                c = card(f"phrase:{phrase['id']}", texts=phrase["text"], size=(dp(400), tall))
                self._mark(c, phrase, phrase["id"] in self.phrases)
                c.bind(on_activate=lambda c, p=phrase: self._toggle(c, p))
                body.add_widget(c)
            actions.add_widget(self._next("text"))
        elif step == "text":
            self._show_text()
            letters = LETTERS_MN if mn else WORDS_ZH
            for i, letter in enumerate(letters):
                body.add_widget(card(f"key:{i}", texts=letter, size=(dp(110) if mn else dp(150), dp(90)),
                                     font=dp(36), lang="mn" if mn else "zh",
                                     on_activate=lambda s=letter: self._type(s)))
            # TRANSLATORS: TV app, ask screen, on-screen keyboard button, max 10 chars
            actions.add_widget(self._action("key:space", N_("Space"), dp(200), lambda: self._type(" ")))
            # TRANSLATORS: TV app, ask screen, on-screen keyboard button, max 10 chars
            actions.add_widget(self._action("key:delete", N_("Delete"), dp(200), self._delete))
            # TRANSLATORS: TV app, ask screen, button to the next step, max 12 chars
            actions.add_widget(self._action("next", N_("Next"), dp(260), self._text_done))
        elif step == "phone":
            self._show_phone()
            for d in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0):
                body.add_widget(card(f"digit:{d}", texts=str(d), lang="zh", size=(dp(130), dp(110)),
                                     font=dp(48), on_activate=lambda d=d: self._digit(d)))
            actions.add_widget(self._action("key:delete", N_("Delete"), dp(200), self._delete))
            actions.add_widget(self._action("next", N_("Next"), dp(260), self._phone_done))
        elif step == "window":
            for value, msgid in WINDOWS:
                body.add_widget(card(f"window:{value}", msgid, size=(dp(360), tall),
                                     on_activate=lambda v=value: self._pick_window(v)))
        elif step == "consent":
            # TRANSLATORS: TV app, ask screen, consent text before sending, max 160 chars
            ids.entry.msgid = N_("We send your phone number and question to the 12348 legal hotline so "
                                 "that a lawyer can call you back at {phone}. They are used for nothing else.")
            ids.entry.params = {"phone": format_phone(self.phone)}
            # what will be sent, read over before agreeing: the topic, the sentences chosen, the call time
            self._recap = BiLabel(texts=self.recap(), font_size=dp(34), color=(0.45, 0.85, 0.55, 1), whole=True,
                                  size_hint=(None, None) if mn else (1, None), size=(0, tall) if mn else (0, 0))
            body.add_widget(self._recap)
            # TRANSLATORS: TV app, ask screen, button that gives consent and sends the question, max 20 chars
            body.add_widget(card("send", N_("Agree and send"), size=(dp(400), tall), on_activate=self.send))
            # TRANSLATORS: TV app, ask screen, button that leaves without sending, max 14 chars
            body.add_widget(card("cancel", N_("Not now"), size=(dp(300), tall), on_activate=self.app.go_home))
        elif step == "done":
            # the hotline in large digits, shown when the server did not take the question
            self._hotline = BiLabel(texts="", lang="zh", font_size=dp(120), halign="center", valign="middle",
                                    size_hint=(None, None), size=(0, tall))
            body.add_widget(self._hotline)
            # the question's number large on its own, to read out when the lawyer calls
            # (in Mongolian a column long enough for "No." and six digits, each whole)
            self._number = BiLabel(font_size=dp(72) if mn else dp(96), color=(1.0, 0.85, 0.45, 1), halign="center",
                                   valign="middle", size_hint=(None, None), size=(0, dp(380) if mn else tall), whole=mn)
            body.add_widget(self._number)
            self._show_result()
            # TRANSLATORS: TV app, button and screen title: the household's own questions, max 24 chars
            body.add_widget(card("questions", N_("Questions I asked"), size=(dp(360), tall),
                                 on_activate=self._to_questions))
            # TRANSLATORS: TV app, ask screen, button back to the home screen, max 12 chars
            body.add_widget(card("home", N_("Home"), size=(dp(300), tall), on_activate=self.app.go_home))
        # each step starts on its first choice; "Next" waits at the top right
        first = next((c for c in reversed(body.children) if isinstance(c, FocusCard)), None)
        self.default_focus = first.focus_key if first is not None else ""
        from kivy.clock import Clock
        Clock.schedule_once(lambda _dt: self.app.navigator.restore(self), 0)

    def _action(self, key: str, msgid: str, width: float, on_activate) -> FocusCard:
        """A button beside the heading: wide and low in Chinese, a tall narrow column in Mongolian."""
        size = (dp(130), dp(260)) if self.app.lang == "mn" else (width, dp(100))
        return card(key, msgid, size=size, on_activate=on_activate)

    def _next(self, step: str) -> FocusCard:
        return self._action("next", N_("Next"), dp(260), lambda: self.show(step))

    def _pick_topic(self, topic) -> None:
        self.topic_id, self.phrases = topic["id"], []
        self.show("phrases")

    def _toggle(self, c, phrase) -> None:
        if phrase["id"] in self.phrases:
            self.phrases.remove(phrase["id"])
        else:
            self.phrases.append(phrase["id"])
        self._mark(c, phrase, phrase["id"] in self.phrases)

    def _to_questions(self) -> None:
        """My questions from the last step, by way of home: Back there goes home, not to "Thank you"."""
        self.app.go_home()
        self.app.open("questions")

    @staticmethod
    def _mark(c, phrase, chosen: bool) -> None:
        """A chosen sentence is ticked ✓ (not marked by colour alone) and outlined."""
        c.selected = chosen
        text = phrase["text"]
        tick = (lambda t: f"✓ {t}") if chosen else (lambda t: t)
        c.children[0].texts = {k: tick(v) for k, v in text.items()} if isinstance(text, dict) else tick(text)

    def _text_done(self) -> None:
        if self.phrases or self.text.strip() or self.calculation:
            self.show("phone")
        else:
            # TRANSLATORS: TV app, ask screen, notice when step 2 and 3 are both empty, max 80 chars
            self.ids.notice.msgid = N_("Please choose a sentence or write a few words")

    def _show_text(self) -> None:
        self.ids.entry.lang = ""
        self.ids.entry.texts = self.text + CURSOR

    def _type(self, s: str) -> None:
        if len(self.text) + len(s) <= MAX_TEXT:
            self.text += s
        self._show_text()

    def _delete(self) -> None:
        if self.step == "phone":
            self.phone = self.phone[:-1]
            self._show_phone()
        else:
            self.text = self.text[:-1]
            self._show_text()

    def _show_phone(self) -> None:
        self.ids.entry.lang = "zh"  # digits read back large, horizontally, in both scripts
        self.ids.entry.texts = format_phone(self.phone) or "_"

    def _digit(self, d: int) -> None:
        if len(self.phone) < 12:
            self.phone += str(d)
        self._show_phone()

    def _phone_done(self) -> None:
        if phone_ok(self.phone):
            self.show("window")
        else:
            # TRANSLATORS: TV app, ask screen, notice under a wrong phone number, max 80 chars
            self.ids.notice.msgid = N_("Please check the number: 11 digits for a mobile phone")

    def _pick_window(self, value: str) -> None:
        self.window = value
        self.show("consent")

    # -- sending ----------------------------------------------------------------------------------
    def recap(self) -> dict:
        """The question as it will be sent, in both scripts: its topic, the chosen sentences (or the
        words typed), when the lawyer calls."""
        topic = self.topic() or {}
        chosen = [p["text"] for p in topic.get("phrases") or [] if p["id"] in self.phrases]
        window = dict(WINDOWS).get(self.window, "")
        joiner = {"zh": "；", "mn": " ᠂ "}
        return {lang: translate(RECAP, lang, topic=pick(topic.get("title") or "", lang),
                                phrases=joiner[lang].join(pick(c, lang) for c in chosen) or self.text.strip()
                                or pick(self.params.get("calculation_summary") or "", lang) or "—",
                                window=translate(window, lang) if window else "—")
                for lang in ("zh", "mn")}

    def body(self) -> dict:
        body = {"topic": self.topic_id, "phrases": list(self.phrases), "text": self.text.strip(),
                "phone": self.phone, "callback_window": self.window, "language": self.app.lang}
        if self.calculation:
            body["calculation"] = self.calculation
        return body

    def send(self) -> None:
        self.key = self.library.outbox.add(self.body())  # durable before any network traffic
        # TRANSLATORS: TV app, ask screen, notice while the question is sent, max 16 chars
        self.ids.notice.msgid = N_("Sending…")
        self.app.flush_outbox(then=self._sent)

    def _sent(self) -> None:
        self.show("done")

    def urgent(self) -> bool:
        """Whether the question is urgent: as the server said, or, before it answered, as the topics
        the box has say (an urgent topic or a chosen urgent sentence)."""
        entry = self.library.outbox.entry(self.key)
        if entry is not None and entry.response and "urgent" in entry.response:
            return bool(entry.response["urgent"])
        topic = self.topic() or {}
        return bool(topic.get("urgent")) or any(p.get("urgent") and p["id"] in self.phrases
                                                for p in topic.get("phrases") or [])

    def _show_result(self) -> None:
        entry = self.library.outbox.entry(self.key)
        refused = entry is not None and (entry.state == "rejected" or entry.later)
        words = (entry.refusal or {}).get("message") if refused else None
        urgent = self.urgent() and not refused
        self.ids.entry.texts = words  # the server's own words, in the household's script
        # the hotline in large digits: 12348 when the question was not taken, 110 when it is urgent
        self._hotline.texts = "12348" if refused else "110" if urgent else ""
        self.small_hotline = not refused  # one 12348 on screen: the large one when refused
        self._hotline.width = dp(420) if refused or urgent else 0
        number = entry.response.get("number", "") if entry is not None and entry.response else ""
        self._number.msgid, self._number.params = (N_("No. {number}"), {"number": number}) if number else ("", {})
        if self.app.lang == "zh":
            self._number.width = dp(560) if number else 0
        if urgent:
            self.ids.entry.msgid = URGENT_SENT
        elif entry is not None and entry.response and callback_window(entry.response, "zh"):
            # the day and hours the lawyer calls, as the household reads dates
            self.ids.entry.texts = both(SENT_CALLS_BACK, window=lambda lang: callback_window(entry.response, lang))
        elif entry is not None and entry.response:
            # TRANSLATORS: TV app, ask screen, message after sending, above the question's number shown large, max 120 chars
            self.ids.entry.msgid = N_("Your question was sent. A lawyer will call you. Your question's number:")
        elif refused:
            # TRANSLATORS: TV app, ask screen, message when the server refused the question, max 100 chars
            self.ids.entry.msgid = N_("The question could not be accepted. Please call 12348.")
        else:
            # TRANSLATORS: TV app, ask screen, message when offline, max 120 chars
            self.ids.entry.msgid = N_("Saved on this box; waiting to send. It goes out by itself when the connection returns.")

    # -- remote -----------------------------------------------------------------------------------
    def on_remote(self, action) -> bool:
        if action.action == DIGIT:
            if self.step == "phone":
                self._digit(action.digit)
            elif self.step == "text":
                self._type(str(action.digit))
            return True
        if action.action == DELETE and self.step in ("text", "phone"):
            self._delete()
            return True
        if action.action == BACK:
            order = ["topic", "phrases", "text", "phone", "window", "consent"]
            if self.step in order and order.index(self.step) > 0 and not (self.step == "phrases" and
                                                                          self.params.get("topic_id")):
                self.show(order[order.index(self.step) - 1])
                return True
        return False


__all__ = ["AskScreen", "pick"]
