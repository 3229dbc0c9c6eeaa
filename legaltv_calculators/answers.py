"""A household's raw answers (JSON from the box, the console or the desk) made into values."""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from .model import N_, AnswerError, Kind, Question

EARLIEST = dt.date(1950, 1, 1)


def read(questions: tuple[Question, ...], raw: object, today: dt.date) -> dict:
    """The answers of the questions asked (their defaults for those skipped); the first unusable
    answer raises AnswerError naming its question. Unknown keys are refused, so a typo is not
    silently ignored."""
    if not isinstance(raw, dict):
        # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
        raise AnswerError("answers", N_("Send the answers as an object."))
    known = {q.id for q in questions}
    for key in raw:
        if key not in known:
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise AnswerError(str(key)[:40], N_("This calculator has no such question."))
    answers: dict = {}
    for question in questions:
        if not question.asked(answers):
            answers[question.id] = question.default
            continue
        value = raw.get(question.id)
        if value is None or value == "":
            if question.default is None:
                # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
                raise AnswerError(question.id, N_("Please answer this question."))
            answers[question.id] = question.default
            continue
        answers[question.id] = value_of(question, value, today)
    return answers


def value_of(question: Question, value: object, today: dt.date):
    """One answer made into its value; raises AnswerError naming the question."""
    if question.kind is Kind.CHOICE:
        if value not in {c.value for c in question.choices}:
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise AnswerError(question.id, N_("Choose one of the cards shown."))
        return value
    if question.kind is Kind.DATE:
        try:
            day = dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None:
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise AnswerError(question.id, N_("Choose the day, the month and the year."))
        if not EARLIEST <= day <= today:
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise AnswerError(question.id, N_("The day must be between 1950 and today."))
        return day
    number = _number(question, value)
    low = question.minimum if question.minimum is not None else Decimal(0)
    high = question.maximum if question.maximum is not None else Decimal(10) ** 10
    if not low <= number <= high:
        # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
        raise AnswerError(question.id, N_("Enter a number from {low} to {high}."), low=low, high=high)
    if question.kind is Kind.MONEY:
        if number != number.quantize(Decimal("0.01"), rounding=ROUND_DOWN):
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise AnswerError(question.id, N_("Yuan have at most two decimals (fen)."))
    elif number != number.to_integral_value():
        # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
        raise AnswerError(question.id, N_("Enter a whole number."))
    return int(number) if question.kind in (Kind.NUMBER, Kind.PERCENT) else number


def _number(question: Question, value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
        raise AnswerError(question.id, N_("Enter a number with the digit keys."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
        raise AnswerError(question.id, N_("Enter a number with the digit keys.")) from None
    if not number.is_finite():
        # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
        raise AnswerError(question.id, N_("Enter a number with the digit keys."))
    return number
