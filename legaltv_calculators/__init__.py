"""Legal calculators a household works with on the remote: what it is owed and what court costs.

Pure functions shared by the box (offline, with its cached figures) and the server (which
describes and computes them for every other client), so both show the same lines.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import ModuleType

from . import answers, court_fees, leaving_job, lending, road_accident, work_injury
from .figures import INNER_MONGOLIA, Figure, FigureError, FigureMissing, Figures
from .model import AnswerError, Kind, Line, Question, Result, Text


@dataclass(frozen=True)
class Calculator:
    id: str
    title: str  # msgid
    topic: str  # the question topic a household asking a lawyer about the result starts on
    questions: tuple[Question, ...]
    module: ModuleType

    def compute(self, raw: object, figures: Figures, region: str = INNER_MONGOLIA,
                today: dt.date | None = None) -> Result:
        """Raises AnswerError for an unusable answer, FigureMissing when the data lacks a figure."""
        today = today or dt.date.today()
        return self.module.compute(answers.read(self.questions, raw, today), figures, region, today)


CALCULATORS = {m.ID: Calculator(m.ID, m.TITLE, m.TOPIC, m.QUESTIONS, m)
               for m in (road_accident, work_injury, leaving_job, lending, court_fees)}

__all__ = ["CALCULATORS", "Calculator", "AnswerError", "Figure", "FigureError", "FigureMissing", "Figures",
           "Kind", "Line", "Question", "Result", "Text"]
