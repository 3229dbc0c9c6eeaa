"""The legal calculators, worked by hand from the texts of the laws: every rule a household's
figure depends on, with the article in each test's name. Figures are given per test, so the
examples hold whatever the bundled data says."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from legaltv_calculators import CALCULATORS, AnswerError, Figure, FigureMissing, Figures
from legaltv_calculators.court_fees import acceptance_fee
from legaltv_calculators.leaving_job import service_years
from legaltv_calculators.road_accident import years_by_age
from legaltv_calculators.work_injury import own_wage

TODAY = dt.date(2026, 12, 6)
D = Decimal


def figure(key, value, applies_from="2025-01-01", region="150000", year=2024) -> Figure:
    return Figure(key, region, year, D(value), dt.date.fromisoformat(applies_from), "test")


FIGURES = Figures([
    figure("urban_disposable_income", "50000"),
    figure("urban_consumption_expenditure", "30000"),
    figure("average_wage", "96000"),            # 8,000 a month
    figure("average_wage", "96000", "2005-01-01", year=2004),
    figure("urban_disposable_income", "54188", region="000000"),
    figure("urban_disposable_income", "51821", "2024-01-01", region="000000", year=2023),
    figure("lpr_one_year", "3.65", "2022-08-22", region="000000", year=2022),
    figure("lpr_one_year", "3.45", "2023-08-21", region="000000", year=2023),
    figure("lpr_one_year", "3.10", "2024-10-21", region="000000", year=2024),
])


def compute(calculator: str, answers: dict, figures: Figures = FIGURES):
    return CALCULATORS[calculator].compute(answers, figures, "152522", TODAY)


def amounts(result) -> dict:
    return {line.label: line.amount for line in result.lines}


# ---- road accidents: Civil Code arts. 1173, 1179; SPC interpretation on personal injury (2022) ----

def test_compensation_years_are_twenty_less_one_per_year_over_60_and_five_from_75_interpretation_arts_12_15():
    assert [years_by_age(a) for a in (30, 59, 60, 61, 65, 74, 75, 90)] == [20, 20, 20, 19, 15, 6, 5, 5]


def test_a_death_at_65_gives_15_years_of_income_and_six_months_wages_for_the_funeral_arts_14_15():
    result = compute("road_accident", {"outcome": "death", "age": 65})
    assert amounts(result) == {"Death compensation": D("750000.00"),      # 50,000 × 15
                               "Funeral costs": D("48000.00")}            # 96,000 ÷ 12 × 6
    assert result.total == D("798000.00")


def test_disability_grade_7_is_40_percent_of_twenty_years_income_art_12():
    result = compute("road_accident", {"outcome": "disability", "age": 40, "grade": "7", "medical": "12000.50",
                                       "lost_days": 90, "daily_income": "150", "nursing_days": 30,
                                       "nursing_daily": "120", "transport": "800"})
    assert amounts(result) == {"Medical costs": D("12000.50"), "Lost income": D("13500.00"),
                               "Nursing care": D("3600.00"), "Transport, lodging and meals": D("800.00"),
                               "Disability compensation": D("400000.00")}   # 50,000 × 20 × 40 %
    assert result.total == D("429900.50")


def test_dependants_costs_split_among_supporters_and_capped_at_one_years_spending_art_17():
    two_children_two_parents = compute("road_accident", {"outcome": "death", "age": 35, "has_dependants": "yes",
                                                         "dependants": 2, "dependant_years": 10, "supporters": 2})
    three_children_two_parents = compute("road_accident", {"outcome": "death", "age": 35, "has_dependants": "yes",
                                                           "dependants": 3, "dependant_years": 10, "supporters": 2})
    one_child_two_parents = compute("road_accident", {"outcome": "death", "age": 35, "has_dependants": "yes",
                                                      "dependants": 1, "dependant_years": 10, "supporters": 2})
    assert amounts(one_child_two_parents)["Living costs of dependants"] == D("150000.00")     # 30,000 × ½ × 10
    assert amounts(two_children_two_parents)["Living costs of dependants"] == D("300000.00")  # 30,000 × 1 × 10
    assert amounts(three_children_two_parents)["Living costs of dependants"] == D("300000.00")  # capped


def test_the_hurt_persons_own_fault_reduces_what_the_other_side_pays_civil_code_art_1173():
    result = compute("road_accident", {"outcome": "injury", "medical": "10000", "own_share": 30})
    assert amounts(result)["Less the hurt person's own share of the fault"] == D("-3000.00")
    assert result.total == D("7000.00")


def test_a_recovered_injury_asks_no_age_and_uses_no_published_figure():
    result = compute("road_accident", {"outcome": "injury", "medical": "500"}, Figures([]))
    assert result.total == D("500.00") and result.figures == ()


# ---- work injury: Regulations on Work-Related Injury Insurance arts. 35–39, 64 ----

@pytest.mark.parametrize("grade, months", [(1, 27), (2, 25), (3, 23), (4, 21), (5, 18), (6, 16), (7, 13), (8, 11),
                                           (9, 9), (10, 7)])
def test_one_time_disability_subsidy_by_grade_arts_35_to_37(grade, months):
    result = compute("work_injury", {"injury_date": "2025-06-01", "outcome": "disability", "grade": str(grade),
                                     "monthly_wage": "6000"})
    assert amounts(result)["One-time disability subsidy"] == D(6000 * months)
    assert result.total == D(6000 * months)


@pytest.mark.parametrize("grade, percent", [(1, 90), (2, 85), (3, 80), (4, 75), (5, 70), (6, 60)])
def test_monthly_disability_allowance_of_grades_1_to_6_is_shown_beside_the_total_arts_35_36(grade, percent):
    result = compute("work_injury", {"injury_date": "2025-06-01", "outcome": "disability", "grade": str(grade),
                                     "monthly_wage": "6000"})
    allowance = next(line for line in result.lines if line.label == "Disability allowance each month")
    assert allowance.amount == D(60 * percent) and allowance.monthly and not allowance.counted


def test_the_own_wage_is_held_between_60_and_300_percent_of_the_regions_average_art_64():
    assert own_wage(D(3000), D(8000)) == D(4800)
    assert own_wage(D(30000), D(8000)) == D(24000)
    assert own_wage(D(7000), D(8000)) == D(7000)
    low = compute("work_injury", {"injury_date": "2025-06-01", "outcome": "disability", "grade": "10",
                                  "monthly_wage": "2000"})
    assert amounts(low)["One-time disability subsidy"] == D("33600.00")   # 4,800 × 7


def test_a_work_death_gives_twenty_times_the_national_income_of_the_year_before_and_funeral_art_39():
    in_2025 = compute("work_injury", {"injury_date": "2025-03-01", "outcome": "death", "monthly_wage": "6000",
                                      "spouse": "yes", "relatives": 2})
    in_2024 = compute("work_injury", {"injury_date": "2024-03-01", "outcome": "death", "monthly_wage": "6000"},
                      Figures([*FIGURES.all, figure("average_wage", "90000", "2024-01-01", year=2023)]))
    assert amounts(in_2025)["One-time work-related death subsidy"] == D("1083760.00")   # 54,188 × 20
    assert amounts(in_2024)["One-time work-related death subsidy"] == D("1036420.00")   # 51,821 × 20
    assert amounts(in_2025)["Funeral subsidy"] == D("48000.00")
    pensions = next(line for line in in_2025.lines if line.label == "Pensions for the family each month")
    assert pensions.amount == D("6000.00")       # 40 % + 2 × 30 % = 100 %, never more than the wage
    assert in_2025.total == D("1131760.00")


# ---- leaving a job: Labour Contract Law arts. 47, 82, 85, 87 ----

@pytest.mark.parametrize("start, end, years", [
    ("2020-03-01", "2023-08-31", "4"),     # 3 years 6 months: six months or more count as a year
    ("2020-03-01", "2023-07-31", "3.5"),   # 3 years 5 months: less than six months count as half
    ("2020-03-01", "2023-02-28", "3"),     # exactly three years
    ("2025-01-10", "2025-02-20", "0.5"),   # a few weeks
])
def test_years_of_service_round_as_article_47_says(start, end, years):
    assert service_years(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == D(years)


def test_economic_compensation_is_a_months_wage_per_year_art_47():
    result = compute("leaving_job", {"start": "2020-03-01", "end": "2023-08-31", "monthly_wage": "6000",
                                     "ending": "compensated"})
    assert amounts(result) == {"Economic compensation": D("24000.00")}


def test_a_wage_over_three_times_the_local_average_is_capped_and_so_are_the_years_at_12_art_47():
    result = compute("leaving_job", {"start": "2005-01-01", "end": "2025-12-31", "monthly_wage": "30000",
                                     "ending": "compensated"})
    assert amounts(result) == {"Economic compensation": D("288000.00")}   # 24,000 × 12
    assert [n.msgid for n in result.notes] == ["Years worked before 2008 are counted under the rules of that time (art. 97)."]


def test_unlawful_dismissal_pays_the_compensation_twice_art_87():
    result = compute("leaving_job", {"start": "2022-01-01", "end": "2024-12-31", "monthly_wage": "5000",
                                     "ending": "unlawful"})
    assert result.total == D("30000.00")   # 5,000 × 3 × 2


def test_double_wages_for_months_without_a_contract_at_most_eleven_art_82():
    def double(months):
        result = compute("leaving_job", {"start": "2024-01-01", "end": "2025-12-31", "monthly_wage": "4000",
                                         "ending": "own_wish", "months_without_contract": months})
        return amounts(result).get("Double wages without a written contract", D(0))
    assert [double(m) for m in (0, 1, 2, 12, 24)] == [0, 0, D(4000), D(44000), D(44000)]


def test_leaving_of_ones_own_wish_owes_no_compensation_but_unpaid_wages_and_art_85_extra():
    result = compute("leaving_job", {"start": "2024-01-01", "end": "2025-12-31", "monthly_wage": "4000",
                                     "ending": "own_wish", "unpaid": "8000", "ordered": "yes"})
    assert amounts(result) == {"Unpaid wages": D("8000.00"), "Additional compensation, at least": D("4000.00")}


def test_the_last_day_before_the_first_is_refused_naming_it():
    with pytest.raises(AnswerError) as refused:
        compute("leaving_job", {"start": "2025-01-01", "end": "2024-01-01", "monthly_wage": "4000", "ending": "own_wish"})
    assert refused.value.question == "end"


# ---- private lending: Provisions on Private Lending Cases (2020 revision) arts. 24, 25, 31 ----

def test_interest_above_four_times_the_lpr_of_the_contract_day_is_not_protected_art_25():
    result = compute("lending", {"principal": "100000", "rate": 20, "lent_on": "2023-01-01", "until": "2024-01-01"})
    protected, above = result.lines
    assert protected.amount == D("14600.00")      # 100,000 × 14.6 % (4 × 3.65) × 365/365
    assert above.amount == D("5400.00") and not above.counted
    assert result.total == D("14600.00")


def test_an_agreed_rate_under_the_cap_is_protected_whole():
    result = compute("lending", {"principal": "50000", "rate": 6, "lent_on": "2024-11-01", "until": "2025-05-01"})
    assert [line.amount for line in result.lines] == [D("1487.67")]   # 50,000 × 6 % × 181 / 365
    assert result.figures[0].value == D("3.10")                       # the LPR of the contract day


def test_no_agreed_interest_means_none_is_owed_art_24():
    assert compute("lending", {"principal": "50000", "rate": 0, "lent_on": "2024-01-01", "until": "2025-01-01"}).total == 0


def test_a_contract_from_before_20_august_2020_uses_24_percent_until_then_art_31():
    result = compute("lending", {"principal": "100000", "rate": 30, "lent_on": "2020-02-19", "until": "2021-02-19"})
    old, new, above = result.lines
    assert old.amount == D("12032.88")          # 100,000 × 24 % × 183 days (to 19 August 2020) ÷ 365
    assert new.amount == D("6216.99")           # 100,000 × 12.4 % (4 × 3.10, today's LPR) × 183 days ÷ 365
    assert above.amount == D("11832.33")        # 100,000 × (6 % × 183 + 17.6 % × 183) ÷ 365


def test_a_loan_before_any_lpr_in_the_data_says_the_figure_is_missing():
    with pytest.raises(FigureMissing):
        compute("lending", {"principal": "1000", "rate": 10, "lent_on": "2021-01-01", "until": "2022-01-01"})


# ---- court fees: Measures on the Payment of Litigation Costs arts. 13, 16 ----

@pytest.mark.parametrize("claim, fee", [("5000", "50"), ("10000", "50"), ("50000", "1050"), ("100000", "2300"),
                                        ("150000", "3300"), ("200000", "4300"), ("500000", "8800"),
                                        ("1000000", "13800"), ("30000000", "191800")])
def test_the_acceptance_fee_adds_each_bands_percentage_art_13(claim, fee):
    assert acceptance_fee(D(claim)) == D(fee)


def test_the_simple_procedure_halves_the_fee_art_16_and_labour_cases_cost_ten_yuan():
    assert compute("court_fees", {"kind": "property", "claim": "150000", "procedure": "simple"}).total == D("1650.00")
    assert compute("court_fees", {"kind": "labour"}).total == D("10.00")


# ---- answers ----

def test_unusable_answers_name_their_question():
    for answers, question in [({"kind": "property"}, "claim"), ({"kind": "tax"}, "kind"),
                              ({"kind": "property", "claim": "12.345"}, "claim"),
                              ({"kind": "property", "claim": "-5"}, "claim"), ({"kind": "labour", "cost": 1}, "cost"),
                              ({"kind": "property", "claim": "abc"}, "claim")]:
        with pytest.raises(AnswerError) as refused:
            compute("court_fees", answers)
        assert refused.value.question == question


answers_values = st.one_of(st.none(), st.booleans(), st.integers(-10**15, 10**15), st.text(max_size=12),
                           st.floats(allow_nan=True), st.dates().map(str), st.sampled_from(["1", "yes", "no", "death"]))


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(sorted(CALCULATORS)), raw=st.dictionaries(st.sampled_from(
    ["outcome", "age", "grade", "medical", "principal", "rate", "lent_on", "until", "kind", "claim", "start", "end",
     "monthly_wage", "ending", "injury_date", "own_share", "has_dependants", "dependants", "unpaid"]), answers_values))
def test_any_answers_give_a_result_whose_total_adds_up_or_a_named_refusal(name, raw):
    calculator = CALCULATORS[name]
    try:
        result = calculator.compute(raw, FIGURES, "152522", TODAY)
    except AnswerError as refused:
        assert refused.question in {q.id for q in calculator.questions} | {"answers"} | set(raw)
        return
    except FigureMissing:
        return
    assert result.total == sum(line.amount for line in result.lines if line.counted)
    assert all(line.amount == line.amount.quantize(D("0.01")) for line in result.lines)


@given(st.decimals(min_value=1, max_value=10**9, places=2), st.decimals(min_value=0, max_value=10**6, places=2))
def test_a_larger_claim_never_costs_less(claim, more):
    assert acceptance_fee(claim + more) >= acceptance_fee(claim)
