"""Interest on a private loan (Provisions on Private Lending Cases, 2020 revision, arts. 24, 25, 31).

The court protects interest up to four times the one-year loan prime rate in force when the
contract was made. For contracts made before 20 August 2020 the old cap of 24 % a year applies
until 19 August 2020 and four times the rate in force on the day of the calculation after it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .figures import NATIONAL, Figures
from .model import N_, AnswerError, Kind, Line, Question, Result, Text
from .money import ZERO, percent, yuan

ID = "lending"
TOPIC = "lending"  # the question topic a household asking about this calculation starts on
# TRANSLATORS: calculator's name on the TV and in the consoles, max 40 chars
TITLE = N_("Interest on a private loan")
NEW_RULES = dt.date(2020, 8, 20)
OLD_CAP = Decimal(24)
DAYS_A_YEAR = 365

QUESTIONS = (
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("principal", Kind.MONEY, N_("Amount lent, in yuan"), minimum=Decimal("0.01"), maximum=Decimal(100_000_000)),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("rate", Kind.PERCENT, N_("Interest agreed per year, in percent (0 if none was agreed)"),
             maximum=Decimal(100)),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("lent_on", Kind.DATE, N_("Day the money was lent")),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("until", Kind.DATE, N_("Day it was repaid, or today")),
)


def _cap(figures: Figures, on: dt.date, used: list) -> Decimal:
    lpr = figures.in_force("lpr_one_year", NATIONAL, on)
    used.append(lpr.use())
    return lpr.value * 4


def _periods(answers: dict, figures: Figures, today: dt.date, used: list) -> list[tuple[int, Decimal]]:
    """(days, capped yearly rate in percent) for each stretch under one cap."""
    lent_on, until = answers["lent_on"], answers["until"]
    if lent_on >= NEW_RULES:
        return [((until - lent_on).days, _cap(figures, lent_on, used))]
    old_days = (min(until, NEW_RULES) - lent_on).days
    periods = [(old_days, OLD_CAP)]
    if until > NEW_RULES:
        periods.append(((until - NEW_RULES).days, _cap(figures, today, used)))
    return periods


def compute(answers: dict, figures: Figures, region: str, today: dt.date) -> Result:
    principal, rate = answers["principal"], Decimal(answers["rate"])
    if answers["until"] < answers["lent_on"]:
        # TRANSLATORS: line of a calculation result (what the amount is for), max 50 chars
        raise AnswerError("until", N_("The day of repayment must come after the day of the loan."))
    if not rate:
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        line = Line(N_("Interest the court protects"), ZERO,
                    # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                    Text(N_("no interest was agreed")),
                    # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                    N_("Provisions on Private Lending Cases art. 24"))
        # TRANSLATORS: what the total of a calculation result is, max 40 chars
        return Result((line,), ZERO, N_("Interest the lender can claim"),
                      # TRANSLATORS: note under a calculation result on the TV, max 200 chars
                      (Text(N_("Interest for late repayment may still be owed from the day repayment was due (art. 28).")),))
    used: list = []
    lines = []
    above = ZERO
    for days, cap in _periods(answers, figures, today, used):
        allowed = min(rate, cap)
        above += principal * percent(rate - allowed) * days / DAYS_A_YEAR
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines.append(Line(N_("Interest the court protects"), yuan(principal * percent(allowed) * days / DAYS_A_YEAR),
                          # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                          Text(N_("{principal} yuan × {rate} % × {days} days ÷ 365"),
                               {"principal": principal, "rate": format(allowed.normalize(), "f"), "days": days}),
                          # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                          N_("Provisions on Private Lending Cases arts. 25, 31")))
    if above:
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines.append(Line(N_("Interest above the cap, not protected"), yuan(above),
                          # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                          Text(N_("the agreed {rate} % above the cap"), {"rate": format(rate, "f")}),
                              # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                              N_("Provisions on Private Lending Cases art. 25"),
                          counted=False))
    return Result(tuple(lines), sum((l.amount for l in lines if l.counted), ZERO),
                  # TRANSLATORS: what the total of a calculation result is, max 40 chars
                  N_("Interest the lender can claim"), (), tuple(used))
