"""Road accident compensation for a person hurt or killed (Civil Code arts. 1179, 1181, 1183;
the Supreme People's Court's interpretation on personal injury compensation, 2022 revision,
arts. 6–17). Courts use the figures of the year before the hearing, so the reference day is
the day of the calculation."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .figures import Figures
from .choices import GRADES, YES_NO
from .model import N_, Choice, Kind, Line, Question, Result, Text
from .money import ZERO, percent, yuan

ID = "road_accident"
TOPIC = "traffic"  # the question topic a household asking about this calculation starts on
# TRANSLATORS: calculator's name on the TV and in the consoles, max 40 chars
TITLE = N_("Road accident compensation")
HURT = ("injury", "disability")
SUFFERED = ("disability", "death")

QUESTIONS = (
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("outcome", Kind.CHOICE, N_("What happened to the person hurt?"),
             # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
             choices=(Choice("injury", N_("Injured, recovered")),
                      # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
                      Choice("disability", N_("Left disabled")),
                      # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
                      Choice("death", N_("Died")))),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("age", Kind.NUMBER, N_("Their age when the disability was assessed, or at death"),
             minimum=Decimal(0), maximum=Decimal(120), when=("outcome", SUFFERED), default=0),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("grade", Kind.CHOICE, N_("Disability grade in the assessment (1 is the most severe)"),
             choices=GRADES, when=("outcome", ("disability",)), default="10"),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("medical", Kind.MONEY, N_("Medical costs with receipts, in yuan"), maximum=Decimal(10_000_000), default=ZERO),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("lost_days", Kind.NUMBER, N_("Days of work lost"), maximum=Decimal(3650), when=("outcome", HURT), default=0),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("daily_income", Kind.MONEY, N_("Income lost per day, in yuan"), maximum=Decimal(100_000),
             when=("outcome", HURT), default=ZERO),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("nursing_days", Kind.NUMBER, N_("Days someone had to care for them"), maximum=Decimal(3650), default=0),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("nursing_daily", Kind.MONEY, N_("Cost of care per day, in yuan"), maximum=Decimal(100_000), default=ZERO),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("transport", Kind.MONEY, N_("Transport, lodging and hospital meals, in yuan"),
             maximum=Decimal(1_000_000), default=ZERO),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("has_dependants", Kind.CHOICE, N_("Did they support children or elderly people without income?"),
             choices=YES_NO, when=("outcome", SUFFERED), default="no"),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("dependants", Kind.NUMBER, N_("How many people did they support?"), minimum=Decimal(1),
             maximum=Decimal(9), when=("has_dependants", ("yes",)), default=1),
    Question("dependant_years", Kind.NUMBER,
             # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
             N_("Years of support still owed (a child: until 18; an adult who cannot work: 20)"),
             minimum=Decimal(1), maximum=Decimal(20), when=("has_dependants", ("yes",)), default=1),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("supporters", Kind.NUMBER, N_("How many people share that support, the person hurt included?"),
             minimum=Decimal(1), maximum=Decimal(9), when=("has_dependants", ("yes",)), default=1),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("own_share", Kind.PERCENT, N_("The hurt person's own share of the fault, in percent"),
             maximum=Decimal(100), default=0),
)


def years_by_age(age: int) -> int:
    """Twenty years; from 60 one year less for each year of age; from 75 five years (arts. 12, 15, 17)."""
    if age >= 75:
        return 5
    return 20 - max(0, age - 60)


def grade_share(grade: int) -> Decimal:
    """Grade 1 is a total loss (100 %), each grade below it 10 % less, as courts apply the grades."""
    return Decimal(11 - grade) / 10


def compute(answers: dict, figures: Figures, region: str, today: dt.date) -> Result:
    lines: list[Line] = []
    used = []

    def add(label: str, amount: Decimal, formula: Text, basis: str) -> None:
        if amount:
            lines.append(Line(label, yuan(amount), formula, basis))

    # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
    add(N_("Medical costs"), answers["medical"],
        # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
        Text(N_("as the receipts show")),
        # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
        N_("Civil Code art. 1179; interpretation art. 6"))
    # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
    add(N_("Lost income"), answers["lost_days"] * answers["daily_income"],
        # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
        Text(N_("{days} days × {amount} yuan"), {"days": answers["lost_days"], "amount": answers["daily_income"]}),
        # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
        N_("Civil Code art. 1179; interpretation art. 7"))
    # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
    add(N_("Nursing care"), answers["nursing_days"] * answers["nursing_daily"],
        # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
        Text(N_("{days} days × {amount} yuan"), {"days": answers["nursing_days"], "amount": answers["nursing_daily"]}),
        # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
        N_("Civil Code art. 1179; interpretation art. 8"))
    # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
    add(N_("Transport, lodging and meals"), answers["transport"],
        # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
        Text(N_("as the receipts show")),
        # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
        N_("Civil Code art. 1179; interpretation arts. 9, 10"))

    outcome = answers["outcome"]
    share = grade_share(int(answers["grade"])) if outcome == "disability" else Decimal(1)
    if outcome in SUFFERED:
        income = figures.in_force("urban_disposable_income", region, today)
        used.append(income.use())
        years = years_by_age(answers["age"])
        if outcome == "disability":
            # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
            add(N_("Disability compensation"), income.value * years * share,
                # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                Text(N_("{income} yuan × {years} years × {percent} %"),
                     {"income": income.value, "years": years, "percent": int(share * 100)}),
                # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                N_("Civil Code art. 1179; interpretation art. 12"))
        else:
            # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
            add(N_("Death compensation"), income.value * years,
                # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                Text(N_("{income} yuan × {years} years"), {"income": income.value, "years": years}),
                # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                N_("Civil Code art. 1179; interpretation art. 15"))
            wage = figures.in_force("average_wage", region, today)
            used.append(wage.use())
            # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
            add(N_("Funeral costs"), wage.value / 12 * 6,
                # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                Text(N_("{wage} yuan ÷ 12 months × 6 months"), {"wage": wage.value}),
                # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                N_("Civil Code art. 1179; interpretation art. 14"))
        if answers["has_dependants"] == "yes":
            spending = figures.in_force("urban_consumption_expenditure", region, today)
            used.append(spending.use())
            # each dependant's share is split among those who support them; all together at most
            # one year's spending per year (art. 17)
            part = min(Decimal(answers["dependants"]) / answers["supporters"], Decimal(1))
            # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
            add(N_("Living costs of dependants"), spending.value * part * answers["dependant_years"] * share,
                # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                Text(N_("{spending} yuan × {part} × {years} years × {percent} %"),
                     {"spending": spending.value, "part": format(part.normalize(), "f"),
                      "years": answers["dependant_years"], "percent": int(share * 100)}),
                # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                N_("Civil Code art. 1179; interpretation arts. 16, 17"))

    losses = sum((line.amount for line in lines), ZERO)
    if answers["own_share"]:
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines.append(Line(N_("Less the hurt person's own share of the fault"),
                          -yuan(losses * percent(answers["own_share"])),
                          # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                          Text(N_("{amount} yuan × {percent} %"), {"amount": losses, "percent": answers["own_share"]}),
                          # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                          N_("Civil Code art. 1173")))
    # TRANSLATORS: note under a calculation result on the TV, max 200 chars
    notes = (Text(N_("Compensation for mental suffering (Civil Code art. 1183) is decided by the court and is not included.")),
             # TRANSLATORS: note under a calculation result on the TV, max 200 chars
             Text(N_("The vehicle's compulsory insurance pays first, within its limits (Road Traffic Safety Law art. 76).")))
    return Result(tuple(lines), sum((line.amount for line in lines), ZERO),
                  # TRANSLATORS: what the total of a calculation result is, max 40 chars
                  N_("What the other side should pay"), notes, tuple(used))
