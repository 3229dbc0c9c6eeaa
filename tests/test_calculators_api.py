"""The calculators over HTTP: what the box, the consoles and the desk all read and compute."""
from __future__ import annotations

import re

import pytest

from legaltv_calculators import CALCULATORS

MONGOLIAN = re.compile(r"[\u1800-\u18af]")


def bilingual(value: dict) -> bool:
    return set(value) == {"zh", "mn"} and bool(value["zh"].strip()) and bool(MONGOLIAN.search(value["mn"]))


ROAD_DEATH = {"outcome": "death", "age": 65, "medical": "2000", "has_dependants": "yes", "dependants": 2,
              "dependant_years": 10, "supporters": 2, "own_share": 30}


async def test_a_fresh_server_describes_every_calculator_in_both_scripts_with_the_figures_in_force(client):
    resp = await client.get("/api/v1/calculators", params={"region": "152522"})
    body = await resp.json()

    assert resp.status == 200 and resp.headers["ETag"]
    assert [c["id"] for c in body["calculators"]] == list(CALCULATORS)
    for calculator in body["calculators"]:
        assert bilingual(calculator["title"])
        for question in calculator["questions"]:
            assert bilingual(question["label"]) and question["type"] in {"money", "date", "number", "percent", "choice"}
            assert all(bilingual(c["label"]) for c in question.get("choices", []))
    grades = next(q for q in body["calculators"][0]["questions"] if q["id"] == "grade")
    assert grades["choices"][6]["label"]["zh"] == "7级" and grades["when"] == {"question": "outcome", "is": ["disability"]}
    in_force = {(f["key"], f["region"]) for f in body["figures"]}
    assert {("lpr_one_year", "000000"), ("urban_disposable_income", "000000"),
            ("urban_disposable_income", "150000"), ("average_wage", "150000")} <= in_force
    assert all(bilingual(f["label"]) and f["source"] for f in body["figures"])


async def test_a_road_accident_comes_back_line_by_line_with_formula_and_law_in_both_scripts(client):
    resp = await client.post("/api/v1/calculators/road_accident", json={"answers": ROAD_DEATH, "region": "152522"})
    body = await resp.json()

    assert resp.status == 200
    labels = [line["label"]["zh"] for line in body["lines"]]
    assert labels == ["医疗费", "死亡赔偿金", "丧葬费", "被扶养人生活费", "减去受害人自己应负的责任部分"]
    for line in body["lines"]:
        assert bilingual(line["label"]) and bilingual(line["formula"]) and bilingual(line["basis"])
    death = body["lines"][1]
    assert death["basis"]["zh"].startswith("《民法典》第1179条") and "第15条" in death["basis"]["zh"]
    assert re.fullmatch(r"[\d,]+元 × 15年", death["formula"]["zh"])        # 65 years old: 20 − 5 years
    assert sum(float(line["amount"]) for line in body["lines"]) == pytest.approx(float(body["total"]))
    assert bilingual(body["total_label"]) and all(bilingual(n) for n in body["notes"])
    assert {f["key"] for f in body["figures"]} == {"urban_disposable_income", "average_wage",
                                                   "urban_consumption_expenditure"}


async def test_an_unusable_answer_is_refused_naming_the_question_in_both_scripts(client):
    resp = await client.post("/api/v1/calculators/road_accident", json={"answers": {**ROAD_DEATH, "age": 130}})
    body = await resp.json()
    assert resp.status == 422 and body["error"] == "invalid_answer" and body["field"] == "answers.age"
    assert "120" in body["message"]["zh"] and MONGOLIAN.search(body["message"]["mn"])

    unknown = await client.post("/api/v1/calculators/horse_trade", json={"answers": {}})
    assert unknown.status == 404 and bilingual((await unknown.json())["message"])
    no_answers = await client.post("/api/v1/calculators/court_fees", json={})
    assert no_answers.status == 422 and (await no_answers.json())["field"] == "answers"


async def test_an_injury_older_than_the_figures_says_a_lawyer_at_12348_will_work_it_out(client):
    resp = await client.post("/api/v1/calculators/work_injury", json={"answers": {
        "injury_date": "2012-05-01", "outcome": "disability", "grade": "9", "monthly_wage": "3000"}})
    body = await resp.json()
    assert resp.status == 409 and body["error"] == "figure_missing" and "12348" in body["message"]["zh"]


@pytest.mark.both_engines
async def test_an_editor_replaces_the_figures_and_the_next_calculation_uses_them(client, make_account):
    editor = make_account("editor1", "editor")
    before = await client.get("/api/v1/calculators")
    figures = (await (await client.get("/api/v1/calculators/figures")).json())["items"]
    lpr = {"key": "lpr_one_year", "region": "000000", "year": 2026, "value": "2.50", "applies_from": "2026-01-20",
           "source": "全国银行间同业拆借中心"}
    loan = {"answers": {"principal": "100000", "rate": 20, "lent_on": "2026-02-01", "until": "2026-08-01"}}
    old = await (await client.post("/api/v1/calculators/lending", json=loan)).json()

    resp = await client.put("/api/v1/calculators/figures", json={"items": [*figures, lpr]}, headers=editor)
    new = await (await client.post("/api/v1/calculators/lending", json=loan)).json()
    after = await client.get("/api/v1/calculators")

    assert resp.status == 200 and len((await resp.json())["items"]) == len(figures) + 1
    assert old["lines"][0]["formula"]["zh"].startswith("100,000元 × 12%")     # 4 × 3.00
    assert new["lines"][0]["formula"]["zh"].startswith("100,000元 × 10%")     # 4 × 2.50
    assert after.headers["ETag"] != before.headers["ETag"]


@pytest.mark.both_engines
async def test_a_broken_figure_set_is_refused_with_the_field_named_and_nothing_changes(client, make_account):
    editor = make_account("editor1", "editor")
    figures = (await (await client.get("/api/v1/calculators/figures")).json())["items"]
    broken = [*figures[:3], {**figures[3], "value": "-1"}]

    resp = await client.put("/api/v1/calculators/figures", json={"items": broken}, headers=editor)
    body = await resp.json()
    assert resp.status == 422 and body["field"] == "items[3].value" and MONGOLIAN.search(body["message"]["mn"])
    assert (await (await client.get("/api/v1/calculators/figures")).json())["items"] == figures


@pytest.mark.parametrize("role", [None, "staff", "supervisor"])
async def test_only_editors_change_the_figures(client, make_account, device, role):
    headers = device if role is None else make_account(f"{role}1", role)
    resp = await client.put("/api/v1/calculators/figures", json={"items": []}, headers=headers)
    assert resp.status in (401, 403)


async def _send(client, device, **extra):
    import uuid
    body = {"topic": "traffic", "phrases": [], "text": "", "phone": "13812348000", "callback_window": "any",
            "language": "mn", **extra}
    return await client.post("/api/v1/questions", json=body,
                             headers={**device, "Idempotency-Key": str(uuid.uuid4())})


@pytest.mark.both_engines
async def test_a_calculation_sent_with_a_question_is_worked_out_again_and_shown_to_staff(client, device):
    from .console_session import sign_in
    resp = await _send(client, device, calculation={"calculator": "road_accident", "answers": ROAD_DEATH})
    assert resp.status == 201, await resp.text()
    question = await resp.json()

    await sign_in(client, "bayar", "staff")
    detail = await (await client.get(f"/api/v1/desk/questions/{question['id']}")).json()
    html = await (await client.get(f"/console/staff/questions/{question['id']}?lang=zh")).text()

    calculation = detail["calculation"]
    assert calculation["calculator"] == "road_accident" and calculation["answers"] == ROAD_DEATH
    computed = await (await client.post("/api/v1/calculators/road_accident",
                                        json={"answers": ROAD_DEATH, "region": "152500"})).json()
    assert calculation["result"]["total"] == computed["total"]     # the server's figures, for the box's region
    assert 'id="calculation"' in html and "死亡赔偿金" in html and computed["total"] in html


async def test_a_question_with_a_broken_calculation_is_refused_naming_the_answer(client, device):
    resp = await _send(client, device, calculation={"calculator": "road_accident", "answers": {"outcome": "flood"}})
    body = await resp.json()
    assert resp.status == 422 and body["field"] == "calculation.answers.outcome"
    unknown = await _send(client, device, calculation={"calculator": "tax", "answers": {}})
    assert unknown.status == 422 and (await unknown.json())["field"] == "calculation.calculator"
