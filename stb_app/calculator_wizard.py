"""A calculator on the remote, one question a screen: what has been answered, which question
comes next (a question asked only after some answer is skipped otherwise), typing digits,
stepping a date with the arrows, and the result. Pure (no Kivy): ui/screens/calculator.py shows it."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from legaltv_calculators import Calculator, Figures, Result
from legaltv_calculators.answers import value_of
from legaltv_calculators.model import N_, AnswerError, Kind, Question

MAX_DIGITS = {Kind.MONEY: 9, Kind.NUMBER: 4, Kind.PERCENT: 3}
DATE_FIELDS = ("year", "month", "day")


def shift_date(day: dt.date, part: str, step: int, today: dt.date) -> dt.date:
    """`day` with its year, month or day moved by `step` (the day wraps within its month), never
    after today nor before 1950: what Up/Down do on a date."""
    year, month, mday = day.year, day.month, day.day
    if part == "year":
        year += step
    elif part == "month":
        month = (month - 1 + step) % 12 + 1
    else:
        mday = (mday - 1 + step) % calendar.monthrange(year, month)[1] + 1
    mday = min(mday, calendar.monthrange(year, month)[1])
    return min(max(dt.date(max(year, 1950), month, mday), dt.date(1950, 1, 1)), today)


@dataclass
class Wizard:
    calculator: Calculator
    today: dt.date
    answers: dict = field(default_factory=dict)   # question id → raw answer (str), as the server takes them
    index: int = 0                                # position in calculator.questions

    def asked(self) -> list[Question]:
        """The questions asked given the answers so far, in order."""
        return [q for q in self.calculator.questions if q.asked(self.answers)]

    @property
    def question(self) -> Question | None:
        """The question on screen; None once every question is answered (the result shows)."""
        return self.calculator.questions[self.index] if self.index < len(self.calculator.questions) else None

    def step(self) -> tuple[int, int]:
        """(number of this question, how many are asked) for "question 3 of 7"."""
        asked = self.asked()
        here = self.question
        return (asked.index(here) + 1 if here in asked else len(asked), len(asked))

    # -- typing -----------------------------------------------------------------------------------
    def typed(self) -> str:
        return str(self.answers.get(self.question.id, "")) if self.question else ""

    def digit(self, d: int) -> None:
        kind = self.question.kind
        if kind in MAX_DIGITS and len(self.typed()) < MAX_DIGITS[kind]:
            self.answers[self.question.id] = (self.typed() + str(d)).lstrip("0") or "0"

    def delete(self) -> None:
        if self.question.kind in MAX_DIGITS:
            self.answers[self.question.id] = self.typed()[:-1]

    def date(self) -> dt.date:
        try:
            return dt.date.fromisoformat(self.typed())
        except ValueError:
            return self.today

    def shift(self, part: str, step: int) -> None:
        self.answers[self.question.id] = shift_date(self.date(), part, step, self.today).isoformat()

    # -- moving -----------------------------------------------------------------------------------
    def choose(self, value: str) -> None:
        self.answers[self.question.id] = value
        self.forward()

    def forward(self) -> AnswerError | None:
        """Checks the answer on screen and moves to the next question asked; the refusal, if any
        (a question without default left empty, a number out of range)."""
        question = self.question
        raw = self.answers.get(question.id, "")
        if question.kind is Kind.DATE and not raw:
            raw = self.answers[question.id] = self.today.isoformat()  # the date shown is the answer
        if raw in ("", None):
            if question.default is None:
                return AnswerError(question.id, N_("Please answer this question."))
        else:
            try:
                value_of(question, raw, self.today)
            except AnswerError as refused:
                return refused
        self.index += 1
        while self.question is not None and not self.question.asked(self.answers):
            self.index += 1
        return None

    def back(self) -> bool:
        """To the question before (False on the first: Back leaves the calculator)."""
        earlier = [i for i, q in enumerate(self.calculator.questions[:self.index]) if q.asked(self.answers)]
        if not earlier:
            return False
        self.index = earlier[-1]
        return True

    def go_to(self, question_id: str) -> None:
        """Back to one question (the result found its answer wrong)."""
        self.index = next(i for i, q in enumerate(self.calculator.questions) if q.id == question_id)

    # -- the result -------------------------------------------------------------------------------
    def sent_answers(self) -> dict:
        """The answers as sent with a question: those asked and not left empty."""
        return {q.id: self.answers[q.id] for q in self.asked() if self.answers.get(q.id) not in (None, "")}

    def result(self, figures: Figures, region: str) -> Result:
        """Raises AnswerError (answers that contradict each other) or FigureMissing."""
        return self.calculator.compute(self.sent_answers(), figures, region, self.today)
