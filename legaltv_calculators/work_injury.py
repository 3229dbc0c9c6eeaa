"""Work injury benefits (Regulations on Work-Related Injury Insurance, 2010 revision, arts. 35–39
and 64). The figures are those of the year before the injury, so the reference day is the
day of the injury."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .figures import NATIONAL, Figures
from .model import N_, Choice, Kind, Line, Question, Result, Text
from .money import ZERO, percent, yuan
from .choices import GRADES, YES_NO

ID = "work_injury"
TOPIC = "labour"  # the question topic a household asking about this calculation starts on
# TRANSLATORS: calculator's name on the TV and in the consoles, max 40 chars
TITLE = N_("Work injury benefits")
# months of the worker's own wage paid once, by disability grade 1–10 (arts. 35, 36, 37)
SUBSIDY_MONTHS = (27, 25, 23, 21, 18, 16, 13, 11, 9, 7)
# monthly allowance in percent of the own wage: grades 1–4 always (art. 35), 5–6 while the
# employer cannot give suitable work (art. 36)
ALLOWANCE_PERCENT = {1: 90, 2: 85, 3: 80, 4: 75, 5: 70, 6: 60}
SPOUSE_PERCENT, RELATIVE_PERCENT = 40, 30  # of the own wage each month (art. 39)

QUESTIONS = (
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("injury_date", Kind.DATE, N_("Day of the injury")),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("outcome", Kind.CHOICE, N_("What did the injury lead to?"),
             # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
             choices=(Choice("disability", N_("A disability grade")),
                      # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
                      Choice("death", N_("Death")))),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("grade", Kind.CHOICE, N_("Disability grade in the assessment (1 is the most severe)"),
             choices=GRADES, when=("outcome", ("disability",)), default="10"),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("monthly_wage", Kind.MONEY, N_("Average monthly wage in the 12 months before the injury, in yuan"),
             maximum=Decimal(1_000_000)),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("spouse", Kind.CHOICE, N_("Did the worker leave a spouse they supported?"),
             # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
             choices=YES_NO, when=("outcome", ("death",)), default="no"),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("relatives", Kind.NUMBER, N_("Other relatives the worker supported (children, parents)"),
             maximum=Decimal(9), when=("outcome", ("death",)), default=0),
)


def own_wage(wage: Decimal, region_average_month: Decimal) -> Decimal:
    """The wage benefits are counted from: at least 60 % and at most 300 % of the region's average (art. 64)."""
    return min(max(wage, region_average_month * Decimal("0.6")), region_average_month * 3)


def compute(answers: dict, figures: Figures, region: str, today: dt.date) -> Result:
    day = answers["injury_date"]
    average = figures.in_force("average_wage", region, day)
    used = [average.use()]
    month = average.value / 12
    wage = own_wage(answers["monthly_wage"], month)
    lines: list[Line] = []
    if wage != answers["monthly_wage"]:
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines.append(Line(N_("Wage the benefits are counted from"), yuan(wage),
                          # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                          Text(N_("between 60 % and 300 % of {average} yuan"), {"average": yuan(month)}),
                          # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                          N_("Regulations on Work-Related Injury Insurance art. 64"), counted=False, monthly=True))
    if answers["outcome"] == "disability":
        grade = int(answers["grade"])
        months = SUBSIDY_MONTHS[grade - 1]
        # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
        article = N_("Regulations on Work-Related Injury Insurance art. 35") if grade <= 4 else (
            # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
            N_("Regulations on Work-Related Injury Insurance art. 36") if grade <= 6 else
            # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
            N_("Regulations on Work-Related Injury Insurance art. 37"))
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines.append(Line(N_("One-time disability subsidy"), yuan(wage * months),
                          # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                          Text(N_("{wage} yuan × {months} months"), {"wage": yuan(wage), "months": months}), article))
        if grade in ALLOWANCE_PERCENT:
            # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
            lines.append(Line(N_("Disability allowance each month"), yuan(wage * percent(ALLOWANCE_PERCENT[grade])),
                              # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                              Text(N_("{wage} yuan × {percent} %"), {"wage": yuan(wage), "percent": ALLOWANCE_PERCENT[grade]}),
                              article, counted=False, monthly=True))
        # TRANSLATORS: note under a calculation result on the TV, max 200 chars
        notes = (Text(N_("Grades 7 to 10 also receive one-time medical and employment subsidies when the job ends, "
                         "at the rates of the autonomous region (art. 37).")),) if grade >= 7 else ()
        return Result(tuple(lines), sum((l.amount for l in lines if l.counted), ZERO),
                      # TRANSLATORS: what the total of a calculation result is, max 40 chars
                      N_("Paid once"), notes, tuple(used))
    national = figures.in_force("urban_disposable_income", NATIONAL, day)
    used.append(national.use())
    # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
    lines.append(Line(N_("Funeral subsidy"), yuan(month * 6),
                      # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                      Text(N_("{wage} yuan ÷ 12 months × 6 months"), {"wage": average.value}),
                      # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                      N_("Regulations on Work-Related Injury Insurance art. 39")))
    # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
    lines.append(Line(N_("One-time work-related death subsidy"), yuan(national.value * 20),
                      # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                      Text(N_("{income} yuan × {years} years"), {"income": national.value, "years": 20}),
                      # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                      N_("Regulations on Work-Related Injury Insurance art. 39")))
    pension_percent = (SPOUSE_PERCENT if answers["spouse"] == "yes" else 0) + RELATIVE_PERCENT * answers["relatives"]
    if pension_percent:
        # all pensions together never exceed the worker's own wage (art. 39)
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines.append(Line(N_("Pensions for the family each month"), yuan(wage * percent(min(pension_percent, 100))),
                          # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                          Text(N_("{wage} yuan × {percent} %"), {"wage": yuan(wage), "percent": min(pension_percent, 100)}),
                          # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                          N_("Regulations on Work-Related Injury Insurance art. 39"), counted=False, monthly=True))
    # TRANSLATORS: what the total of a calculation result is, max 40 chars
    return Result(tuple(lines), sum((l.amount for l in lines if l.counted), ZERO), N_("Paid once"),
                  # TRANSLATORS: note under a calculation result on the TV, max 200 chars
                  (Text(N_("Lonely elderly relatives and orphans receive 10 % more each month (art. 39).")),), tuple(used))
