"""Work it out: pick a calculator, answer its questions one a screen with digits, arrows and OK,
read the result line by line with its law, and send it with a question to a lawyer. Computed
on the box from the figures it last read, so it works offline."""
from __future__ import annotations

import datetime as dt

from kivy.clock import Clock
from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from legaltv_calculators import CALCULATORS, AnswerError, FigureMissing, Kind, Text
from legaltv_calculators.rendering import money, render

from ...calculator_wizard import DATE_FIELDS, Wizard
from ...i18n import N_, translate
from ...keys import BACK, DELETE, DIGIT, DOWN, UP
from ..widgets import FocusCard
from .ask import card
from .base import BaseScreen

LANGS = ("zh", "mn")
UNITS = {
    # TRANSLATORS: TV app, calculator, unit after a typed amount of money, max 6 chars
    Kind.MONEY: N_("yuan"),
    # TRANSLATORS: TV app, calculator, unit after a typed percentage, max 6 chars
    Kind.PERCENT: N_("%"),
}
# TRANSLATORS: TV app, calculator result: one line and its amount in yuan, max 40 chars
LINE = N_("{label}: {amount} yuan")
# TRANSLATORS: TV app, calculator result: one line paid every month and its amount in yuan, max 44 chars
MONTHLY = N_("{label}: {amount} yuan a month")
# TRANSLATORS: TV app, calculator, what the household does on a date, max 60 chars
DATE_HELP = N_("↑↓ change · ←→ year, month, day · OK next")


def both(text) -> dict:
    """A calculator text in both scripts, so the language key needs no recalculation."""
    return {lang: render(text, translate, lang) for lang in LANGS}


class CalculatorScreen(BaseScreen):
    kv_name = "calculator"

    def on_data(self) -> None:
        if not self.params.get("_started"):
            self.params["_started"] = True
            self.wizard, self.result = None, None
        self.show()

    def on_refresh(self) -> None:
        """New figures mid-calculation change nothing on screen: the household's answers stay."""

    # -- what is on screen ----------------------------------------------------------------------
    def show(self, notice: dict | str | None = None) -> None:
        ids = self.ids
        ids.body.clear_widgets()
        ids.actions.clear_widgets()
        ids.entry.texts, ids.entry.msgid, ids.entry.lang = None, "", ""
        ids.entry.font_size = dp(80)  # digits and the total large; a date's help smaller
        ids.notice.texts, ids.notice.msgid = notice, ""
        ids.step_count.msgid = ""
        self.app.navigator.memory.forget(self.name)
        if self.wizard is None:
            self._show_list()
        elif self.result is not None:
            self._show_result()
        else:
            self._show_question()
        first = next(iter(self.app.navigator.cards(ids.body)), None)
        self.default_focus = first.focus_key if first is not None else ""
        Clock.schedule_once(lambda _dt: self.app.navigator.restore(self), 0)

    def _tall(self) -> float:
        return dp(230) if self.app.lang == "mn" else dp(130)

    def _show_list(self) -> None:
        # TRANSLATORS: TV app, calculator screen title: work out what one is owed, max 40 chars
        self.ids.title.msgid = N_("Work it out")
        # TRANSLATORS: TV app, calculator screen, under the title, max 90 chars
        self.ids.heading.msgid = N_("An estimate to know where you stand. A lawyer at 12348 answers for free.")
        for calculator in CALCULATORS.values():
            self.ids.body.add_widget(card(f"calculator:{calculator.id}", texts=both(calculator.title),
                                          size=(dp(420), self._tall()),
                                          on_activate=lambda c=calculator: self._start(c)))

    def _start(self, calculator) -> None:
        self.wizard = Wizard(calculator, dt.date.today())
        self.result = None
        self.show()

    def _show_question(self) -> None:
        wizard, ids = self.wizard, self.ids
        question = wizard.question
        ids.title.texts = both(wizard.calculator.title)
        # TRANSLATORS: TV app, calculator, above each question: where the household is, max 24 chars
        ids.step_count.msgid = N_("Question {number} of {count}")
        number, count = wizard.step()
        ids.step_count.params = {"number": number, "count": count}
        ids.heading.texts = both(question.label)
        tall = self._tall()
        if question.kind is Kind.CHOICE:
            for choice in question.choices:
                c = self._whole_card(f"choice:{choice.value}", both(Text(choice.label, choice.params)), dp(32),
                                     width=dp(560), height=tall, halign="center",
                                     on_activate=lambda v=choice.value: self._choose(v))
                c.selected = wizard.answers.get(question.id) == choice.value
                ids.body.add_widget(c)
            return
        if question.kind is Kind.DATE:
            day = wizard.date()
            # year, month, day side by side in both scripts: ←→ moves between them, ↑↓ changes one
            fields = BoxLayout(size_hint=(None, None), size=(3 * dp(260) + 2 * dp(26), dp(160)), spacing=dp(26))
            for part, value in zip(DATE_FIELDS, (day.year, day.month, day.day)):
                fields.add_widget(card(f"date:{part}", texts=str(value), lang="zh", font=dp(64),
                                       size=(dp(260), dp(160)), on_activate=self._forward))
            ids.body.add_widget(fields)
            ids.entry.msgid, ids.entry.font_size = DATE_HELP, dp(34)
            return
        self._show_typed()
        for d in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0):
            ids.body.add_widget(card(f"digit:{d}", texts=str(d), lang="zh", size=(dp(130), dp(110)), font=dp(48),
                                     on_activate=lambda d=d: self._digit(d)))
        ids.actions.add_widget(self._action("key:delete", N_("Delete"), self._delete))
        ids.actions.add_widget(self._action("next", N_("Next"), self._forward))

    def _show_typed(self) -> None:
        question, typed = self.wizard.question, self.wizard.typed()
        unit = UNITS.get(question.kind)
        shown = f"{typed or '_'} {translate(unit)}" if unit else (typed or "_")
        self.ids.entry.lang, self.ids.entry.texts = "zh", shown

    def _show_result(self) -> None:
        ids, result = self.ids, self.result
        ids.title.texts = both(self.wizard.calculator.title)
        ids.heading.texts = both(result.total_label)
        ids.entry.lang = "zh"
        # TRANSLATORS: TV app, calculator result: the total in yuan, shown very large, max 20 chars
        ids.entry.msgid, ids.entry.params = N_("{amount} yuan"), {"amount": money(result.total, "zh")}
        # TRANSLATORS: TV app, calculator result, under the total, max 120 chars
        ids.notice.msgid = N_("This is an estimate. A court decides each case; 12348 answers for free.")
        for i, line in enumerate(result.lines):
            amount = money(line.amount, "zh")
            head = {lang: translate(MONTHLY if line.monthly else LINE, lang, label=render(line.label, translate, lang),
                                    amount=amount) for lang in LANGS}
            texts = {lang: "\n".join((head[lang], render(line.formula, translate, lang),
                                      render(line.basis, translate, lang))) for lang in LANGS}
            c = self._whole_card(f"line:{i}", texts, dp(30))
            c.bind(on_activate=lambda _c, t=texts, label=line.label: self.ids.page.open(both(label), t))
            ids.body.add_widget(c)
        for i, note in enumerate(result.notes):
            ids.body.add_widget(self._whole_card(f"note:{i}", both(note), dp(28)))
        # TRANSLATORS: TV app, calculator result, button: send the calculation with a question to a lawyer, max 24 chars
        ids.actions.add_widget(self._action("ask", N_("Ask a lawyer"), self._ask))
        # TRANSLATORS: TV app, calculator result, button: start the calculator again, max 16 chars
        ids.actions.add_widget(self._action("again", N_("Start again"), lambda: self._start(self.wizard.calculator)))

    def _whole_card(self, key: str, texts: dict, font: float, width: float | None = None,
                    height: float | None = None, halign: str = "left", on_activate=None) -> FocusCard:
        """A card as long as its text: `width` wide in Chinese and as tall as its lines, `height`
        tall in Mongolian and as wide as its columns (without them: across the list, leaving room
        for the card grown 1.1× when focused). A choice, a line of the result, its formula and its
        law are never cut."""
        mn = self.app.lang == "mn"
        c = card(key, texts=texts, size=(dp(300), height or 0) if mn else (width or 0, dp(120)), font=font,
                 on_activate=on_activate)
        if mn and height is None:
            c.size_hint_y = 0.9
        elif not mn and width is None:
            c.size_hint_x = 0.9
        label = c.children[0]
        label.halign, label.whole = halign, True
        pad = dp(48)  # the card's own padding on both sides and room for the focus ring
        if mn:
            label.size_hint_x = None
            label.bind(width=lambda _l, width: setattr(c, "width", width + pad))
        else:
            label.size_hint_y = None
            label.bind(height=lambda _l, height: setattr(c, "height", height + pad))
        return c

    def _action(self, key: str, msgid: str, on_activate) -> FocusCard:
        size = (dp(130), dp(260)) if self.app.lang == "mn" else (dp(300), dp(100))
        return card(key, msgid, size=size, on_activate=on_activate)

    # -- answering ----------------------------------------------------------------------------------
    def _choose(self, value: str) -> None:
        self.wizard.answers[self.wizard.question.id] = value
        self._forward()

    def _digit(self, d: int) -> None:
        self.wizard.digit(d)
        self._show_typed()

    def _delete(self) -> None:
        self.wizard.delete()
        self._show_typed()

    def _forward(self) -> None:
        refused = self.wizard.forward()
        if refused is not None:
            self.ids.notice.texts = both(Text(refused.message, refused.params))
            return
        if self.wizard.question is None:
            self._finish()
            return
        self.show()

    def _finish(self) -> None:
        try:
            self.result = self.wizard.result(self.library.calculator_figures(), self.app.library.api.region)
        except AnswerError as refused:  # answers that contradict each other: back to the one to change
            self.wizard.go_to(refused.question)
            self.show(both(Text(refused.message, refused.params)))
            return
        except FigureMissing:
            self.wizard.back()
            # TRANSLATORS: TV app, calculator, when a published figure is missing on the box, max 120 chars
            self.show(both(Text(N_("This box lacks a figure for that date. Please call 12348: a lawyer works it out for free."))))
            return
        self.show()

    def _ask(self) -> None:
        """The ask wizard on the calculator's topic, the calculation going with the question."""
        calculator = self.wizard.calculator
        topic = calculator.topic if any(str(t["id"]) == calculator.topic for t in self.library.topics) else None
        summary = {lang: translate(LINE, lang, label=render(calculator.title, translate, lang),
                                   amount=money(self.result.total, "zh")) for lang in LANGS}
        self.app.open("ask", topic_id=topic, reset_focus=True,
                      calculation={"calculator": calculator.id, "answers": self.wizard.sent_answers()},
                      calculation_summary=summary)

    # -- remote -----------------------------------------------------------------------------------
    def on_remote(self, action) -> bool:
        if self.ids.page.on_remote(action):
            return True
        question = self.wizard.question if self.wizard is not None and self.result is None else None
        if question is not None and question.kind in (Kind.MONEY, Kind.NUMBER, Kind.PERCENT):
            if action.action == DIGIT:
                self._digit(action.digit)
                return True
            if action.action == DELETE:
                self._delete()
                return True
        focused = self.app.navigator.current
        if question is not None and question.kind is Kind.DATE and focused is not None \
                and focused.focus_key.startswith("date:") and action.action in (UP, DOWN):
            self.wizard.shift(focused.focus_key.split(":")[1], 1 if action.action == UP else -1)
            day = self.wizard.date()
            for c in self.app.navigator.cards(self):
                if c.focus_key.startswith("date:"):
                    part = c.focus_key.split(":")[1]
                    c.children[0].texts = str({"year": day.year, "month": day.month, "day": day.day}[part])
            return True
        if action.action == BACK and self.wizard is not None:
            if self.result is not None:  # from the result to the last question
                self.result = None
                self.wizard.back()
                self.show()
            elif not self.wizard.back():
                self.wizard = None
                self.show()
            else:
                self.show()
            return True
        return False

    def on_leave_screen(self) -> None:
        self.ids.page.close()
