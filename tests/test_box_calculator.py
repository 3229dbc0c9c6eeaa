"""A household works out a case with the remote alone, in both scripts, and sends it to a lawyer:
the box's result equals the server's for the same answers, and the 12348 desk sees it."""
from __future__ import annotations

import datetime as dt
import json
import urllib.request

import pytest

from content_server.kernel.config import Settings

from .box_ui import launch
from .conftest import ARTIFACTS, ServerProcess
from .demo_content import fill_demo_copy
from .test_box_ui import call, home, set_language, staff_token, walk_to

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box-calculator"


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("calc")
    settings = Settings(data=root / "data", extra={"demo_seconds": 20, "demo_count": 1})
    fill_demo_copy(settings)
    server = ServerProcess(settings.data).start()
    box = launch(server.url, root / "box", box_display, language="zh")
    box.until(lambda: box.app.library.topics and box.app.library.figures, what="topics and figures")
    yield box, server, root
    box.app.player.close()
    server.stop()


def compute(server, calculator: str, answers: dict) -> dict:
    request = urllib.request.Request(f"{server.url}/api/v1/calculators/{calculator}", method="POST",
                                     data=json.dumps({"answers": answers, "region": "152500"}).encode(),
                                     headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def screen(box):
    return box.app.sm.current_screen


def open_calculator(box, calculator: str) -> None:
    home(box)
    walk_to(box, "choose", "right")
    box.go("ok", screen="choose")
    walk_to(box, "calculator", "down", "right")
    box.go("ok", screen="calculator")
    box.until(lambda: (box.focus or "").startswith("calculator:"), what="the calculators")
    seek(box, f"calculator:{calculator}")
    box.press("ok")
    box.until(lambda: screen(box).wizard is not None and box.focus is not None, what="the first question")


def seek(box, target: str) -> None:
    """Moves the focus to `target` somewhere among cards laid out in rows or columns (bounded)."""
    for direction in ("right", "down", "left", "up", "right", "down"):
        for _ in range(6):
            if box.focus == target:
                return
            before = box.focus
            box.press(direction)
            if box.focus == before:
                break
    assert box.focus == target, f"could not reach {target}; focus is {box.focus}"


def question(box) -> str:
    return screen(box).wizard.question.id if screen(box).wizard.question else "result"


def choose(box, value: str) -> None:
    here = question(box)
    seek(box, f"choice:{value}")
    box.press("ok")
    box.until(lambda: question(box) != here, what=f"past {here}")


def type_in(box, digits: str = "") -> None:
    here = question(box)
    box.until(lambda: box.focus == "digit:1", what=f"the digits of {here}")
    box.press(*digits)
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: question(box) != here, what=f"past {here}")


def assert_nothing_cut(box) -> None:
    """The question, the notice and the result lines are shown whole: no "…" on this screen, and
    the focused card, grown 1.1× with its ring, lies inside the list that scrolls it."""
    from kivy.uix.scrollview import ScrollView

    from stb_app.ui.widgets import BiLabel
    cut = [w.shown_text for w in screen(box).walk() if isinstance(w, BiLabel) and w.opacity and not w.shown_whole]
    assert not cut, cut
    card = box.focused_card()
    view = card.parent
    while view is not None and not isinstance(view, ScrollView):
        view = view.parent
    if view is not None:
        (cx, cy), (vx, vy) = card.to_window(*card.center), view.to_window(*view.pos)
        grown_w, grown_h = card.width * 1.1, card.height * 1.1
        assert vx - 1 <= cx - grown_w / 2 and cx + grown_w / 2 <= vx + view.width + 1, (card.focus_key, "sideways")
        assert vy - 1 <= cy - grown_h / 2 and cy + grown_h / 2 <= vy + view.height + 1, (card.focus_key, "up/down")


def test_a_road_accident_worked_out_in_mongolian_goes_to_a_lawyer_with_its_lines(world):
    box, server, root = world
    set_language(box, "mn")
    open_calculator(box, "road_accident")
    box.screenshot(SHOTS, "choice-mn")
    assert_nothing_cut(box)
    choose(box, "death")
    type_in(box, "65")
    box.screenshot(SHOTS, "number-mn")
    type_in(box, "2000")
    type_in(box, "130")                            # days of care
    type_in(box)                                   # cost of care left empty: none
    type_in(box)                                   # transport: none
    choose(box, "yes")
    type_in(box, "2")
    type_in(box, "10")
    type_in(box, "2")
    type_in(box, "30")
    box.until(lambda: screen(box).result is not None and box.focus is not None, what="the result")
    assert_nothing_cut(box)
    box.screenshot(SHOTS, "result-mn")

    answers = screen(box).wizard.sent_answers()
    assert answers["nursing_days"] == "130" and answers["own_share"] == "30"
    expected = compute(server, "road_accident", answers)
    assert str(screen(box).result.total) == expected["total"]
    shown = " ".join(box.texts())
    assert "{:,.2f}".format(float(expected["total"])) in shown
    assert expected["lines"][1]["label"]["mn"] in shown                   # death compensation, in Mongolian

    walk_to(box, "ask", "up", "right")
    box.go("ok", screen="ask")
    box.until(lambda: (box.focus or "").startswith("phrase:"), what="the topic's sentences")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "key:0", what="the keyboard")
    walk_to(box, "next", "up", "right")
    box.press("ok")                                                      # no words needed: the calculation says it
    box.until(lambda: box.focus == "digit:1", what="the phone step")
    box.press(*"13912340000")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "window:morning", what="callback window")
    box.press("ok")
    box.until(lambda: box.focus == "send", what="consent")
    assert any(expected["total"].split(".")[0][:3] in t.replace(",", "") for t in box.texts())  # the recap names it
    box.press("ok")
    box.until(lambda: box.focus == "questions", timeout=20, what="sent")
    walk_to(box, "home", "right")
    box.go("ok", screen="home")

    token = json.loads((root / "box" / "device.json").read_text())["token"]
    [mine] = call(server, "/api/v1/questions", token)
    desk = call(server, f"/api/v1/desk/questions/{mine['id']}", staff_token(root))
    assert desk["calculation"]["calculator"] == "road_accident"
    assert desk["calculation"]["result"]["total"] == expected["total"]


def test_a_loan_date_is_chosen_with_the_arrows_and_the_cap_is_shown(world):
    box, server, _ = world
    set_language(box, "zh")
    open_calculator(box, "lending")
    type_in(box, "100000")
    type_in(box, "20")
    box.until(lambda: box.focus == "date:year", what="the date")
    box.screenshot(SHOTS, "date-zh")
    box.press("down")                              # a year earlier
    walk_to(box, "date:month", "right")
    box.press("up", "up")
    assert screen(box).wizard.date() .year == dt.date.today().year - 1
    box.press("ok")
    box.until(lambda: question(box) == "until", what="the repayment day")
    box.press("ok")                                # today
    box.until(lambda: screen(box).result is not None and box.focus is not None, what="the result")
    box.screenshot(SHOTS, "result-zh")
    answers = screen(box).wizard.sent_answers()
    expected = compute(server, "lending", answers)
    assert str(screen(box).result.total) == expected["total"]
    assert "法院支持的利息" in " ".join(box.texts()) and "超过上限的利息，法院不支持" in " ".join(box.texts())
    assert_nothing_cut(box)
    box.press("back")                              # back to the last question, answers kept
    box.until(lambda: question(box) == "until", what="back to the last question")
    for _ in range(4):                             # and back through every question to the list
        box.press("back")
    box.until(lambda: screen(box).wizard is None, what="the list of calculators")


def answer_simply(box) -> None:
    """The first card, the date shown, or 1 typed: the way through every question."""
    from legaltv_calculators import Kind
    here = screen(box).wizard.question
    if here.kind is Kind.CHOICE:
        choose(box, here.choices[0].value)
    elif here.kind is Kind.DATE:
        box.press("ok")
        box.until(lambda: question(box) != here.id, what=f"past {here.id}")
    else:
        type_in(box, "1")


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_every_screen_of_every_calculator_is_whole_in_both_scripts(world, lang):
    box, _, _ = world
    set_language(box, lang)
    for calculator in ("road_accident", "work_injury", "leaving_job", "lending", "court_fees"):
        open_calculator(box, calculator)
        if question(box) == "injury_date":          # a date: → and ← move along it, ↓ changes one part
            before = screen(box).wizard.date()
            box.press("right")
            assert box.focus == "date:month"
            box.press("left", "down")
            changed = screen(box).wizard.date()
            assert box.focus == "date:year" and (changed.year, changed.month) == (before.year - 1, before.month)
        for step in range(1, 20):                    # every question asked, then the result
            assert_nothing_cut(box)
            box.screenshot(SHOTS, f"{calculator}-{step}-{lang}")
            if question(box) == "result":
                break
            answer_simply(box)
            box.until(lambda: box.focus is not None, what="the next screen's focus")
        assert question(box) == "result" and screen(box).result is not None
        box.press("back")                            # from the result to the last question
        box.until(lambda: question(box) != "result", what="the last question")
        for _ in range(20):                          # and back through them to the list
            if screen(box).wizard is None:
                break
            box.press("back")
        box.until(lambda: screen(box).wizard is None, what="the list of calculators")
    box.screenshot(SHOTS, f"list-{lang}")
