"""The court's acceptance fee (Measures on the Payment of Litigation Costs, arts. 13, 15, 16, 45–47),
so a household knows what going to court costs and when it need not pay."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from .figures import Figures
from .model import N_, Choice, Kind, Line, Question, Result, Text
from .money import ZERO, yuan

ID = "court_fees"
TOPIC = "other"  # the question topic a household asking about this calculation starts on
# TRANSLATORS: calculator's name on the TV and in the consoles, max 40 chars
TITLE = N_("Court fees")
# (upper end of the band in yuan, percent on the part within it); the first 10,000 cost 50 yuan
BANDS = ((100_000, Decimal("2.5")), (200_000, Decimal(2)), (500_000, Decimal("1.5")), (1_000_000, Decimal(1)),
         (2_000_000, Decimal("0.9")), (5_000_000, Decimal("0.8")), (10_000_000, Decimal("0.7")),
         (20_000_000, Decimal("0.6")), (None, Decimal("0.5")))
FIRST_BAND, FIRST_FEE = 10_000, Decimal(50)
LABOUR_FEE = Decimal(10)

QUESTIONS = (
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("kind", Kind.CHOICE, N_("What is the case about?"),
             # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
             choices=(Choice("property", N_("Money or property (a debt, compensation, a contract)")),
                      # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
                      Choice("labour", N_("A labour dispute after arbitration")))),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("claim", Kind.MONEY, N_("Amount claimed, in yuan"), minimum=Decimal("0.01"), maximum=Decimal(10_000_000_000),
             when=("kind", ("property",))),
    # TRANSLATORS: calculator question on the TV, one screen each, max 90 chars
    Question("procedure", Kind.CHOICE, N_("Which procedure?"),
             # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
             choices=(Choice("ordinary", N_("Ordinary procedure")),
                      # TRANSLATORS: answer card of a calculator question on the TV, max 70 chars
                      Choice("simple", N_("Simple procedure (small, clear cases)"))), default="ordinary"),
)


def acceptance_fee(claim: Decimal) -> Decimal:
    """50 yuan up to 10,000, then each band's percentage on the part of the claim within it (art. 13)."""
    fee, lower = FIRST_FEE, Decimal(FIRST_BAND)
    for upper, rate in BANDS:
        if claim <= lower:
            break
        part = (claim if upper is None else min(claim, Decimal(upper))) - lower
        fee += part * rate / 100
        lower = Decimal(upper) if upper is not None else claim
    return yuan(fee)


def compute(answers: dict, figures: Figures, region: str, today: dt.date) -> Result:
    if answers["kind"] == "labour":
        fee = LABOUR_FEE
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines = [Line(N_("Acceptance fee"), fee,
                      # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                      Text(N_("{amount} yuan a case"), {"amount": fee}),
                      # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                      N_("Measures on the Payment of Litigation Costs art. 13"))]
    else:
        fee = acceptance_fee(answers["claim"])
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines = [Line(N_("Acceptance fee"), fee,
                      # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                      Text(N_("by the bands of {amount} yuan claimed"), {"amount": answers["claim"]}),
                      # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                      N_("Measures on the Payment of Litigation Costs art. 13"))]
    if answers["procedure"] == "simple":
        # TRANSLATORS: line of a calculation result (what the amount is for), max 70 chars
        lines.append(Line(N_("Half for the simple procedure"), -yuan(fee / 2),
                          # TRANSLATORS: formula under a line of a calculation result, {names} are numbers, max 70 chars
                          Text(N_("{amount} yuan ÷ 2"), {"amount": fee}),
                          # TRANSLATORS: legal basis under a line of a calculation result, max 90 chars
                          N_("Measures on the Payment of Litigation Costs art. 16")))
    # TRANSLATORS: note under a calculation result on the TV, max 200 chars
    notes = (Text(N_("A case settled by mediation or withdrawn pays half (art. 15).")),
             # TRANSLATORS: note under a calculation result on the TV, max 200 chars
             Text(N_("People without income, claims for maintenance or pensions, and people receiving legal aid "
                     "can ask the court to waive, reduce or defer the fee (arts. 45 to 47).")))
    # TRANSLATORS: what the total of a calculation result is, max 40 chars
    return Result(tuple(lines), sum((l.amount for l in lines), ZERO), N_("Fee to pay when filing"), notes, ())
