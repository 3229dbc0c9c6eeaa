"""Named offices and what happens next, on the real box with the remote alone, in both scripts:
the service points filtered by service with the row of service cards; a referral naming the office
(its name and phone on the question's page); the badge on My questions appearing when something
changed and clearing once looked at; the next-step cards (the office, 12348, OK asks again); and
"Ask about this video" opening the ask flow on the video's topic. A lawyer's steps go through the
desk API. Screenshots go to test-artifacts/box-offices/."""
from __future__ import annotations

import pytest

from content_server.kernel.config import Settings
from stb_app.i18n import translate
from stb_app.offices import offering
from stb_app.question_outcomes import NEXT_STEPS, REFERRED_TO, WRONG_NUMBER, ASK_AGAIN, SEE_OFFICE

from .box_ui import launch
from .conftest import ARTIFACTS, ServerProcess
from .demo_content import fill_demo_copy
from .test_box_ui import call, home, set_language, staff_token, walk_to

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box-offices"
GACHA = "abag-belgutei-gacha-adviser"


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("box-offices")
    settings = Settings(data=root / "data", extra={"demo_seconds": 12, "demo_count": 1})
    fill_demo_copy(settings)                                      # a case video, topics, guides, service points
    server = ServerProcess(settings.data).start()
    box = launch(server.url, root / "box", box_display, language="zh")  # region 152500: Xilingol league
    box.until(lambda: box.app.library.services and box.app.library.catalog["items"] and box.app.library.topics,
              what="content")
    yield box, server, staff_token(root, "naran")
    box.app.player.close()
    server.stop()


def badge(box) -> str:
    return box.app.sm.get_screen("home").ids.questions_badge.shown_text


def ask_from_the_box(box, topic: str = "labour", phrase: str = "labour.1") -> str:
    """A question sent through the box's own outbox (the ask flow itself is walked in test_box_urgent);
    a busy server's 503 is sent again after its Retry-After, as on a real box."""
    outbox = box.app.library.outbox
    key = outbox.add({"topic": topic, "phrases": [phrase], "text": "", "phone": "13812348000",
                      "callback_window": "any", "language": box.app.lang})
    box.app.flush_outbox()
    box.until(lambda: outbox.entry(key).response, timeout=60, what="the question sent")
    return outbox.entry(key).response["id"]


def claimed_by_the_lawyer(server, token: str, question_id: str) -> dict:
    return call(server, f"/api/v1/desk/questions/{question_id}/claim", token, {})


def test_the_household_filters_service_points_by_service_in_both_scripts(world):
    box, _, _ = world
    set_language(box, "zh")
    walk_to(box, "choose", "right", "up")
    box.go("ok", screen="choose")
    walk_to(box, "services", "down", "left")
    box.go("ok", screen="services")
    points = box.app.library.services
    assert {p["level"] for p in points} >= {"league", "banner", "sumu", "gacha"}
    walk_to(box, "filter:all", "up", "left")
    walk_to(box, "filter:village_legal_adviser", "right")
    box.press("ok")
    screen = box.app.sm.current_screen
    shown = [c.service["id"] for c in reversed(screen.ids.services.children)]
    assert shown == [p["id"] for p in offering(points, "village_legal_adviser")] and GACHA in shown
    assert len(shown) < len(points) and box.focus == "filter:village_legal_adviser"
    assert "别力古台镇嘎查法律顾问" in box.texts()
    assert any("嘎查（村） · 嘎查法律顾问" in t for t in box.texts())  # its level and services on its card
    box.screenshot(SHOTS, "services-village-adviser-zh")
    walk_to(box, "filter:notary", "left")
    box.press("ok")
    assert "锡林浩特市公证处" in box.texts() and "别力古台镇嘎查法律顾问" not in box.texts()
    box.press("menu")                                               # the same screen in Mongolian
    box.until(lambda: box.app.lang == "mn", what="Mongolian")
    notary_mn = next(p for p in points if p["id"] == "xilinhot-notary")["name"]["mn"]
    box.until(lambda: notary_mn in box.texts(lang="mn"), what="the notary's office in Mongolian")
    assert box.focus == "filter:notary"
    box.screenshot(SHOTS, "services-notary-mn")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh", what="back to Chinese")


def test_a_referral_names_the_office_and_the_badge_comes_and_goes(world):
    box, server, lawyer = world
    set_language(box, "zh")
    question_id = ask_from_the_box(box)
    box.app.refresh_questions()
    box.until(lambda: any(q["id"] == question_id for q in box.app.library.questions), what="the question listed")
    assert badge(box) == ""                                         # a question waiting is not news

    claimed = claimed_by_the_lawyer(server, lawyer, question_id)
    call(server, f"/api/v1/desk/questions/{question_id}/refer", lawyer,
         {"version": claimed["version"], "to": "mediation", "office": GACHA,
          "summary": {"zh": "请找嘎查法律顾问调解。", "mn": "ᠭᠠᠴᠠᠭ ᠤᠨ ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠵᠥᠪᠯᠡᠭᠴᠢ ᠲᠡᠢ ᠤᠴᠠᠷᠠᠭᠠᠷᠠᠢ᠃"}})
    box.app.refresh_questions()                                     # the box's next poll of its questions
    box.until(lambda: badge(box) == "1", what="the badge on My questions")
    box.screenshot(SHOTS, "home-badge-zh")

    open_my_questions(box)
    box.until(lambda: not box.app.library.questions_seen.changed(box.app.library.questions), what="seen")
    walk_to(box, f"question:{question_id}", "up", "down", "left")
    box.press("ok")
    said = translate(REFERRED_TO, "zh", office="别力古台镇嘎查法律顾问")
    box.until(lambda: said in box.texts(), what="the office named")
    office = box.app.sm.current_screen.ids.read_office.shown_text
    assert "0479-12348" in office and "每周二" in office and "阿巴嘎旗别力古台镇" in office
    assert translate(NEXT_STEPS[SEE_OFFICE], "zh") in box.texts() and "12348" in box.texts()
    box.screenshot(SHOTS, "question-referred-zh")
    box.press("menu")
    name_mn = next(p for p in box.app.library.services if p["id"] == GACHA)["name"]["mn"]
    box.until(lambda: translate(REFERRED_TO, "mn", office=name_mn) in box.texts(lang="mn"),
              what="the office named in Mongolian")
    assert "0479-12348" in box.app.sm.current_screen.ids.read_office.shown_text
    box.screenshot(SHOTS, "question-referred-mn")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh", what="back to Chinese")
    box.press("back")                                               # the page closes
    home(box)
    box.until(lambda: badge(box) == "", what="the badge gone")
    box.screenshot(SHOTS, "home-no-badge-zh")


def test_a_wrong_number_says_so_and_ok_asks_again_on_the_same_topic(world):
    box, server, lawyer = world
    set_language(box, "mn")
    question_id = ask_from_the_box(box, "wages", "wages.1")
    claimed = claimed_by_the_lawyer(server, lawyer, question_id)
    call(server, f"/api/v1/desk/questions/{question_id}/attempts", lawyer,
         {"version": claimed["version"], "outcome": "wrong_number", "note": ""})
    box.app.refresh_questions()
    box.until(lambda: badge(box) == "1", what="the badge in Mongolian")
    box.screenshot(SHOTS, "home-badge-mn")
    open_my_questions(box)
    walk_to(box, f"question:{question_id}", "up", "down", "left")
    box.press("ok")
    box.until(lambda: translate(WRONG_NUMBER, "mn") in box.texts(lang="mn"), what="the wrong number said")
    assert translate(NEXT_STEPS[ASK_AGAIN], "mn") in box.texts(lang="mn") and "12348" in box.texts()
    box.screenshot(SHOTS, "question-wrong-number-mn")
    box.press("menu")
    box.until(lambda: translate(WRONG_NUMBER, "zh") in box.texts(), what="the wrong number said in Chinese")
    box.screenshot(SHOTS, "question-wrong-number-zh")
    box.go("ok", screen="ask")                                      # OK: ask again, on the same topic
    ask = box.app.sm.current_screen
    assert ask.topic_id == "wages" and ask.step == "phrases" and "12348" in box.texts()  # in Chinese
    box.until(lambda: (box.focus or "").startswith("phrase:wages"), what="the topic's sentences")
    box.screenshot(SHOTS, "ask-again-zh")
    home(box)
    assert badge(box) == ""


def test_ask_about_this_video_opens_the_ask_flow_on_its_topic(world):
    box, _, _ = world
    set_language(box, "zh")
    assert "12348" in box.texts()                                   # on home, in both scripts
    if box.focus in ("questions", "guide"):
        walk_to(box, "channel", "left")                             # the bottom row's start, under the panels
    walk_to(box, "watch", "up", "left")
    box.go("ok", screen="watch")
    box.press("down")
    item = box.app.library.item(box.focus.split(":", 1)[1])
    box.go("ok", screen="detail")
    walk_to(box, "ask_about", "right", "up")
    box.screenshot(SHOTS, "detail-ask-about-zh")
    box.go("ok", screen="ask")
    ask = box.app.sm.current_screen
    expected = box.app.library.topic_for_category(item["category"])
    assert expected is not None and ask.topic_id == expected and ask.step == "phrases"
    assert "12348" in box.texts()
    box.press("menu")
    box.until(lambda: box.app.lang == "mn", what="Mongolian")
    box.screenshot(SHOTS, "ask-about-video-mn")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh", what="back to Chinese")
    home(box)


def open_my_questions(box) -> None:
    """Home's My questions card, at the end of the cards' second row: Down from that row reaches
    the Popular row below the first page, so the walk comes to the row, then goes along it."""
    second_row = ("place", "channel", "guide", "questions")
    for _ in range(6):
        if box.focus in second_row:
            break
        box.press("up" if (box.focus or "").startswith(("popular:", "continue:")) else "down")
    walk_to(box, "questions", "right")
    box.go("ok", screen="questions")
