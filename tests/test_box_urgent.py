"""What happens next, on the real box, keys only: after sending and in My questions the household
reads the day and hours of the lawyer's call; for an urgent question, that a lawyer on duty calls
within 30 minutes, and 110 in large digits for immediate danger; in both scripts.
Screenshots go to test-artifacts/box/."""
import pytest

from content_server.kernel.config import Settings

from stb_app.i18n import translate

from .box_ui import launch
from .conftest import ARTIFACTS, ServerProcess
from .test_box_ui import home, walk_to

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box"


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("box-urgent")
    settings = Settings(data=root / "data")
    settings.data.mkdir(parents=True)
    server = ServerProcess(settings.data).start()  # topics, urgent ones among them, are seeded on start
    box = launch(server.url, root / "box", box_display, language="zh")
    box.until(lambda: box.app.library.topics, what="topics")
    yield box, server, root
    box.app.player.close()
    server.stop()


def snake_to(box, target: str, rows: int = 8) -> None:
    """Walks the cards row by row (→ to the row's end, ↓, ← to its start, ↓ …) until `target` has the focus."""
    for row in range(rows):
        for _ in range(8):
            if box.focus == target:
                return
            before = box.focus
            box.press("right" if row % 2 == 0 else "left")
            if box.focus == before:
                break
        if box.focus == target:
            return
        box.press("down")
    if box.focus != target:
        raise AssertionError(f"could not reach {target}; focus is {box.focus}")


def send_question(box, topic: str, phrase: str) -> None:
    """Home → ask → the topic and sentence, a word, a phone number, the morning, agree and send."""
    home(box)
    walk_to(box, "ask", "right")
    box.go("ok", screen="ask")
    snake_to(box, f"topic:{topic}")
    box.press("ok")
    box.until(lambda: (box.focus or "").startswith("phrase:"), what="phrases")
    snake_to(box, f"phrase:{phrase}")
    box.press("ok")
    assert box.focused_card().selected
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "key:0", what="the keyboard")
    box.press("ok", "3")                                         # a word from the keyboard, a digit directly
    walk_to(box, "next", "up", "right", "up", "right", "right")
    box.press("ok")
    box.until(lambda: box.focus == "digit:1", what="the phone step")
    box.press(*"13812345678")
    walk_to(box, "next", "up", "right", "up", "right", "right")
    box.press("ok")
    box.until(lambda: box.focus == "window:morning", what="callback window")
    box.press("ok")
    box.until(lambda: box.focus == "send", what="consent")
    box.press("ok")
    box.until(lambda: box.focus == "questions", timeout=20, what="sent")


def test_after_sending_and_in_my_questions_the_household_sees_the_day_and_hours_of_the_call(world):
    box, _, _ = world
    from stb_app.ui.screens.questions import CARD_CALLS_BACK, SENT_CALLS_BACK, both, callback_window
    send_question(box, "traffic", "traffic.1")
    box.until(lambda: box.app.library.outbox.entry(box.app.sm.current_screen.key).response, timeout=20,
              what="the server's reply")
    reply = box.app.library.outbox.entry(box.app.sm.current_screen.key).response
    assert not reply["urgent"]
    sent = both(SENT_CALLS_BACK, window=lambda lang: callback_window(reply, lang))
    box.until(lambda: sent["zh"] in box.texts(), what="the day and hours of the call")
    assert callback_window(reply, "zh")[:4] in sent["zh"]           # a real date, not a placeholder
    box.screenshot(SHOTS, "ask-done-callback-zh")
    box.go("ok", screen="questions")
    card = both(CARD_CALLS_BACK, window=lambda lang: callback_window(reply, lang))
    box.until(lambda: card["zh"] in box.texts(), timeout=20, what="the call's day on the card")
    box.screenshot(SHOTS, "questions-callback-zh")
    box.press("menu")
    box.until(lambda: card["mn"] in box.texts(lang="mn"), what="the call's day on the card in Mongolian")
    box.screenshot(SHOTS, "questions-callback-mn")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh", what="back to Chinese")


def test_an_urgent_question_tells_the_household_a_lawyer_on_duty_calls_and_110_is_for_danger(world):
    box, _, _ = world
    from stb_app.ui.screens.questions import URGENT_SENT, URGENT_STATUS  # Kivy only once the window is sized
    send_question(box, "family", "family.6")                     # 家庭暴力, family violence
    box.until(lambda: translate(URGENT_SENT, "zh") in box.texts(), timeout=20, what="the urgent message")
    assert "110" in box.texts()
    box.screenshot(SHOTS, "ask-urgent-done-zh")
    box.press("menu")                                               # the same step in Mongolian
    box.until(lambda: translate(URGENT_SENT, "mn") in box.texts(lang="mn") and "110" in box.texts(),
              what="the urgent message in Mongolian")
    box.screenshot(SHOTS, "ask-urgent-done-mn")

    box.go("ok", screen="questions")                                # My questions, still in Mongolian
    box.app.refresh_questions()
    box.until(lambda: any((q.get("urgent") for q in box.app.library.questions or [])), timeout=20,
              what="the urgent question listed")
    box.until(lambda: translate(URGENT_STATUS, "mn") in box.texts(lang="mn"), what="urgent status")
    urgent = next(q for q in box.app.library.questions if q.get("urgent"))
    walk_to(box, f"question:{urgent['id']}", "up", "left")          # the newest, first in the list
    box.press("ok")                                                 # the question whole, in large type
    box.until(lambda: translate(URGENT_SENT, "mn") in box.texts(lang="mn") and "110" in box.texts(),
              what="the urgent page in Mongolian")
    box.screenshot(SHOTS, "questions-urgent-mn")
    box.press("menu")
    box.until(lambda: translate(URGENT_SENT, "zh") in box.texts() and "110" in box.texts(),
              what="the urgent page in Chinese")
    box.screenshot(SHOTS, "questions-urgent-zh")
