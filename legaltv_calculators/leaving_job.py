"""Unpaid wages and leaving a job (Labour Contract Law arts. 47, 82, 85, 87; its Implementing
Regulations art. 7). The local average wage is the one in force on the last day of work."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .choices import YES_NO
from .figures import Figures
from .model import N_, AnswerError, Choice, Kind, Line, Question, Result, Text
from .money import ZERO, yuan

ID = "leaving_job"
TOPIC = "wages"  # the question topic a household asking about this calculation starts on
# TRANSLATORS: calculator's name on the TV and in the consoles, max 40 chars
TITLE = N_("Unpaid wages and leaving a job")
CAP_YEARS = 12
MAX_DOUBLE_MONTHS = 11   # the 2nd to the 12th month without a written contract
LAW_IN_FORCE = dt.date(2008, 1, 1)

QUESTIONS = (
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("start", Kind.DATE, N_("First day of work")),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("end", Kind.DATE, N_("Last day of work")),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("monthly_wage", Kind.MONEY, N_("Average monthly wage in the last 12 months, in yuan"),
             maximum=Decimal(1_000_000)),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("ending", Kind.CHOICE, N_("How did the job end?"),
             # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
             choices=(Choice("compensated", N_("The employer ended it, or I left because the employer broke the law")),
                      # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
                      Choice("unlawful", N_("The employer dismissed me unlawfully")),
                      # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
                      Choice("own_wish", N_("I left of my own wish")))),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("months_without_contract", Kind.NUMBER, N_("Months worked without a written contract"),
             maximum=Decimal(120), default=0),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("unpaid", Kind.MONEY, N_("Wages still unpaid, in yuan"), maximum=Decimal(10_000_000), default=ZERO),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("ordered", Kind.CHOICE, N_("Did the labour inspectors order the employer to pay, in vain?"),
             # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
             choices=YES_NO, default="no"),
)


def service_years(start: dt.date, end: dt.date) -> Decimal:
    """Full years, then six months or more count as a year and less than six as half (art. 47)."""
    end = end + dt.timedelta(days=1)  # the last day of work is a day worked
    months = (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)
    years, rest = divmod(max(months, 0), 12)
    if rest >= 6:
        return Decimal(years + 1)
    if rest > 0 or years == 0:
        return Decimal(years) + Decimal("0.5")
    return Decimal(years)


def compute(answers: dict, figures: Figures, region: str, today: dt.date) -> Result:
    start, end, wage = answers["start"], answers["end"], answers["monthly_wage"]
    if end < start:
        # TRANSLATORS: line of a calculation result (what the amount is for), max 50 chars
        raise AnswerError("end", N_("The last day of work must come after the first."))
    lines: list[Line] = []
    notes = []
    used = []
    if answers["ending"] != "own_wish":
        average = figures.in_force("average_wage", region, end)
        used.append(average.use())
        cap = average.value / 12 * 3
        years = service_years(start, end)
        if wage > cap:  # a high wage is counted at three times the local average, for 12 years at most
            paid_wage, years = cap, min(years, CAP_YEARS)
            # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
            formula = Text(N_("{wage} yuan (three times the local average) × {years} years"),
                           {"wage": yuan(cap), "years": years})
        else:
            paid_wage = wage
            # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
            formula = Text(N_("{wage} yuan × {years} years"), {"wage": wage, "years": years})
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines.append(Line(N_("Economic compensation"), yuan(paid_wage * years), formula,
                          # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                          N_("Labour Contract Law art. 47")))
        if answers["ending"] == "unlawful":
            # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
            lines.append(Line(N_("Doubled for unlawful dismissal"), yuan(paid_wage * years),
                              # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                              Text(N_("the compensation once more")),
                                  # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                                  N_("Labour Contract Law arts. 48, 87")))
        if start < LAW_IN_FORCE:
            # TRANSLATORS: note under a calculation result on the TV, max 200 chars
            notes.append(Text(N_("Years worked before 2008 are counted under the rules of that time (art. 97).")))
    months = min(answers["months_without_contract"] - 1, MAX_DOUBLE_MONTHS) if answers["months_without_contract"] > 1 else 0
    if months:
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines.append(Line(N_("Double wages without a written contract"), yuan(wage * months),
                          # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                          Text(N_("{wage} yuan × {months} months"), {"wage": wage, "months": months}),
                          # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                          N_("Labour Contract Law art. 82; Implementing Regulations art. 7")))
    if answers["unpaid"]:
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines.append(Line(N_("Unpaid wages"), yuan(answers["unpaid"]),
                          # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                          Text(N_("as owed")),
                          # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                          N_("Labour Contract Law art. 30")))
        if answers["ordered"] == "yes":
            # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
            lines.append(Line(N_("Additional compensation, at least"), yuan(answers["unpaid"] / 2),
                              # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                              Text(N_("{amount} yuan × 50 % (up to 100 %)"), {"amount": answers["unpaid"]}),
                              # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                              N_("Labour Contract Law art. 85")))
    # TRANSLATORS: what the total of a calculation result is, max 40 chars
    return Result(tuple(lines), sum((l.amount for l in lines), ZERO), N_("What the employer owes"),
                  tuple(notes), tuple(used))
