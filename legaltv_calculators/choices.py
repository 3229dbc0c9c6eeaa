"""Answer cards more than one calculator offers."""
from __future__ import annotations

from .model import N_, Choice

# TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
GRADES = tuple(Choice(str(g), N_("Grade {grade}"), {"grade": g}) for g in range(1, 11))
# TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
YES_NO = (Choice("no", N_("No")),
          # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
          Choice("yes", N_("Yes")))
