"""What a calculator is made of: questions it asks, lines it answers, texts both languages read.

Texts are English msgids with parameters, translated by whoever shows them (the box with its
catalogs, the server with its own), so the package itself holds no language.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


def N_(msgid: str) -> str:
    """Marks a msgid for extraction; the reader translates it."""
    return msgid


class Kind(StrEnum):
    MONEY = "money"      # yuan, typed with the digit keys, up to two decimals
    DATE = "date"        # a day, chosen day/month/year with the arrows
    NUMBER = "number"    # a whole number: age, days, months, people
    PERCENT = "percent"  # 0–100, a share of fault or a yearly rate
    CHOICE = "choice"    # one of a few cards


@dataclass(frozen=True)
class Text:
    """A msgid and its parameters; numbers are Decimals or ints, formatted by the reader."""
    msgid: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str  # msgid
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    id: str
    kind: Kind
    label: str                       # msgid
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    choices: tuple[Choice, ...] = ()
    when: tuple[str, tuple[str, ...]] | None = None  # asked only when that answer is one of these
    default: object = None           # used when the question is skipped or left empty

    def asked(self, answers: dict) -> bool:
        if self.when is None:
            return True
        other, values = self.when
        return answers.get(other) in values


@dataclass(frozen=True)
class Line:
    label: str                 # msgid
    amount: Decimal            # yuan, rounded to the fen
    formula: Text
    basis: str                 # msgid naming the law and article
    counted: bool = True       # False: shown beside the total, not added (monthly amounts, capped parts)
    monthly: bool = False


@dataclass(frozen=True)
class FigureUse:
    """A published figure the result relied on, so a lawyer can check it."""
    key: str
    region: str
    year: int
    value: Decimal
    source: str


@dataclass(frozen=True)
class Result:
    lines: tuple[Line, ...]
    total: Decimal
    total_label: str                       # msgid: what the total is
    notes: tuple[Text, ...] = ()           # what the estimate leaves out, what may change it
    figures: tuple[FigureUse, ...] = ()


class AnswerError(ValueError):
    """An answer that cannot be used; `question` names it, `message` is a msgid for the household."""

    def __init__(self, question: str, message: str, **params):
        super().__init__(f"{question}: {message}")
        self.question = question
        self.message = message
        self.params = params
