"""Calculators and results as the contract's JSON: every text as {"zh", "mn"}, every amount as a
string of yuan with two decimals. `translate(msgid, language)` is the reader's catalog lookup."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Callable

from legaltv_locale import LANGUAGES, format_number, mongolian_digits

from .figures import KEYS, NATIONAL, FigureMissing, Figures, regions_up
from .model import Question, Result, Text

Translate = Callable[[str, str], str]


def _number(value, language: str, digits: str) -> str:
    if isinstance(value, Decimal):
        return money(value, language, digits)
    return format_number(value, language, digits)


def money(value: Decimal, language: str, digits: str = "ascii") -> str:
    """Grouped, with the fen only when there are any: 765,375 or 790,912.50."""
    text = f"{value:,.2f}" if value != value.to_integral_value() else f"{value:,.0f}"
    return mongolian_digits(text) if language == "mn" and digits == "mongolian" else text


def render(text: Text | str, translate: Translate, language: str, digits: str = "ascii") -> str:
    """One text in one language, its numbers grouped (and in Mongolian digits when asked)."""
    if isinstance(text, str):
        return translate(text, language)
    params = {k: _number(v, language, digits) if isinstance(v, (int, Decimal)) else v for k, v in text.params.items()}
    return translate(text.msgid, language).format(**params)


def both(text: Text | str, translate: Translate) -> dict[str, str]:
    return {language: render(text, translate, language) for language in LANGUAGES}


def _question(question: Question, translate: Translate) -> dict:
    body = {"id": question.id, "type": str(question.kind), "label": both(question.label, translate)}
    if question.minimum is not None:
        body["min"] = str(question.minimum)
    if question.maximum is not None:
        body["max"] = str(question.maximum)
    if question.choices:
        body["choices"] = [{"value": c.value, "label": both(Text(c.label, c.params), translate)} for c in question.choices]
    if question.when is not None:
        body["when"] = {"question": question.when[0], "is": list(question.when[1])}
    if question.default is not None:
        body["default"] = str(question.default)
    return body


def describe(calculators: dict, figures: Figures, region: str, today: dt.date, translate: Translate) -> dict:
    """Every calculator's questions, and the figures in force for the region today."""
    places = set(regions_up(region)) | {NATIONAL}
    in_force = []
    for key, place in sorted({(f.key, f.region) for f in figures.all if f.region in places}):
        try:
            figure = figures.in_force(key, place, today)
        except FigureMissing:  # the series begins after today
            continue
        label, unit = KEYS[key]
        in_force.append({**figure.as_json(), "label": both(label, translate), "unit": unit})
    return {"calculators": [{"id": c.id, "title": both(c.title, translate),
                             "questions": [_question(q, translate) for q in c.questions]}
                            for c in calculators.values()],
            "figures": in_force}


def result_json(result: Result, translate: Translate) -> dict:
    return {
        "lines": [{"label": both(line.label, translate), "amount": str(line.amount),
                   "formula": both(line.formula, translate), "basis": both(line.basis, translate),
                   "counted": line.counted, "monthly": line.monthly} for line in result.lines],
        "total": str(result.total),
        "total_label": both(result.total_label, translate),
        "notes": [both(note, translate) for note in result.notes],
        "figures": [{"key": f.key, "region": f.region, "year": f.year, "value": str(f.value), "source": f.source}
                    for f in result.figures],
    }
