"""The box app on a box that has been used for a while (a "continue watching" row, questions
asked, the network dropping and coming back), driven with remote keys only in both scripts
against a real content server; screenshots go to test-artifacts/box-lived-in/.

The app's minute timers are stopped: every refresh here is the app's own `refresh()` called
at a known moment, so nothing depends on how fast this machine is.
"""
import json
import time
import urllib.error
import urllib.request
import uuid

import pytest

from content_server.kernel.config import Settings

from stb_app.i18n import pick, translate

from .box_ui import launch
from .conftest import ARTIFACTS, ServerProcess
from .demo_content import fill_demo_copy
from .test_box_ui import call, home, set_language, staff_token, walk_to

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box-lived-in"


def lived_in_box(tmp_path_factory, display: str, size=(1920, 1080)):
    """The app on a used box (`size` its window), its server, and its data root; stops both after."""
    root = tmp_path_factory.mktemp("lived-in")
    settings = Settings(data=root / "data", extra={"demo_seconds": 20, "demo_count": 1})
    fill_demo_copy(settings)
    server = ServerProcess(settings.data).start()
    # a box that was used: a video stopped at 0:06 of 0:20 makes a "continue watching" row
    catalog = json.loads(urllib.request.urlopen(server.url + "/api/v1/catalog", timeout=10).read())
    (root / "box").mkdir()
    (root / "box" / "resume.json").write_text(json.dumps(
        {str(catalog["items"][0]["id"]): {"position": 6.0, "duration": 20.0, "at": time.time()}}))
    box = launch(server.url, root / "box", display, language="zh", size=size)
    box.until(lambda: box.app.library.catalog["items"] and box.app.library.topics, what="content")
    for timer in box.app.timers:                     # refreshes happen when a test says so
        timer.cancel()
    yield box, server, root
    box.app.player.close()
    server.stop()


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    yield from lived_in_box(tmp_path_factory, box_display)


def shot(box, name: str) -> None:
    """A screenshot in test-artifacts/box-lived-in/, named for the window's size beyond 1080p."""
    from kivy.core.window import Window
    box.screenshot(SHOTS, name if Window.width <= 1920 else f"{name}-{Window.width}x{Window.height}")


def refresh_now(box) -> None:
    """The background refresh, run now through the app's own entry point, and waited for."""
    version = box.app.data_version
    box.app.refresh()
    box.until(lambda: box.app.data_version > version and not box.app._refreshing, timeout=30, what="the refresh")


def home_focus(box, key: str) -> None:
    """Home, Up to the top row, Down onto 想问的, then Left along the panels to `key`."""
    home(box)
    walk_to(box, "language", "up")
    box.press("down")
    walk_to(box, key, "left")


def wizard_to_phone(box) -> None:
    """Home → Want to ask → the first topic → its first sentence → no words → the phone step."""
    open_the_wizards_phrases(box)
    box.press("ok")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "key:0", what="the keyboard")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "digit:1", what="the phone step")


def wizard_send(box, phone: str) -> None:
    """From the phone step: the number, a callback window, consent, OK: the done step."""
    box.press(*phone)
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "window:morning", what="callback window")
    box.press("ok")
    box.until(lambda: box.focus == "send", what="consent")
    box.press("ok")
    box.until(lambda: box.app.sm.current_screen.step == "done" and box.focus == "questions", timeout=30,
              what="the last step")


def device_token(root) -> str:
    return json.loads((root / "box" / "device.json").read_text())["token"]


def ask_directly(server, token: str, topic: str, phone: str):
    """A question sent with the box's own token over HTTP: (status, JSON answer)."""
    body = {"topic": topic, "phrases": [], "text": "邻居占了我家草场", "phone": phone, "callback_window": "any",
            "language": "zh"}
    request = urllib.request.Request(server.url + "/api/v1/questions", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                                              "Idempotency-Key": str(uuid.uuid4())})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_a_refresh_mid_wizard_keeps_the_focus_the_number_and_the_notice(world, lang):
    box, _, _ = world
    set_language(box, lang)
    wizard_to_phone(box)
    ask = box.app.sm.current_screen
    box.press(*"1381234567")                                     # one digit short
    walk_to(box, "next", "up", "right")
    box.press("ok")
    notice = translate("Please check the number: 11 digits for a mobile phone", lang)
    assert notice in box.texts()
    # when the background refresh comes while "Next" has the focus
    refresh_now(box)
    box.pump(5)
    # then the step is as the household left it: same focus, same digits, same notice
    assert ask.step == "phone" and box.focus == "next"
    assert ask.phone == "1381234567" and notice in box.texts()
    assert ask.ids.notice.shown_whole and broken_mongolian_words(box) == []     # an error is never cut
    shot(box, f"ask-phone-after-refresh-{lang}")
    # and the last digit, then OK, moves on (OK does not type a 12th digit into the number)
    box.press("8", "ok")
    box.until(lambda: ask.step == "window", what="the callback step")
    assert ask.phone == "13812345678"
    home(box)


def assert_the_focused_card_is_seen_whole(box) -> None:
    """The focused card, grown 1.1× with its ring, is inside every scroll area around it and drawn
    after (above) its neighbours."""
    from kivy.metrics import dp
    from kivy.uix.scrollview import ScrollView
    from stb_app.ui.navigator import window_rect
    box.pump(4)  # a scroll to the focused card lands in the frame after the layout
    card = box.focused_card()
    shown = window_rect(card)
    left, bottom, right, top = shown.x - 0.05 * shown.w - 1.1 * dp(5), shown.y - 0.05 * shown.h - 1.1 * dp(5), \
        shown.x + 1.05 * shown.w + 1.1 * dp(5), shown.y + 1.05 * shown.h + 1.1 * dp(5)
    w = card.parent
    while w is not None and w is not w.parent:
        if isinstance(w, ScrollView):
            view = window_rect(w)
            assert view.x - 1 <= left and right <= view.x + view.w + 1, \
                f"{box.focus}: the ring is clipped sideways ({left}–{right} in {view}, card {shown})"
            assert view.y - 1 <= bottom and top <= view.y + view.h + 1, f"{box.focus}: the ring is clipped"
        w = w.parent
    drawn = card.parent.canvas.children
    siblings = [c.canvas for c in card.parent.children if c is not card and c.canvas in drawn]
    assert all(drawn.index(card.canvas) > drawn.index(other) for other in siblings), \
        f"{box.focus} is drawn below a neighbour"


def open_the_wizards_phrases(box):
    """From home, OK on 想问的 and on the first topic: the wizard's phrases (returns its screen)."""
    home_focus(box, "ask")
    box.go("ok", screen="ask")
    box.press("ok")
    box.until(lambda: (box.focus or "").startswith("phrase:"), what="phrases")
    return box.app.sm.current_screen


def broken_mongolian_words(box) -> list:
    """Mongolian labels on screen whose words were broken between columns (letters set apart)."""
    from stb_app.ui.widgets import BiLabel
    from .box_screens_probe import _words
    return [label.shown_columns for label in box.app.sm.current_screen.walk()
            if isinstance(label, BiLabel) and label.shown_lang == "mn" and label.shown_columns
            and label.get_root_window() is not None and not label.shown_columns[-1].endswith("…")
            and _words(" ".join(label.shown_columns)) != _words(label.shown_text)]


def assert_right_and_left_stay_in_the_row(box, start: str, direction: str) -> str:
    """Presses `direction` until the focus stops moving; every card passed shares the start's row.
    Returns the card at the row's end."""
    from stb_app.focus import same_row
    from stb_app.ui.navigator import window_rect
    assert box.focus == start
    row = window_rect(box.focused_card())
    for _ in range(40):
        before = box.focus
        box.press(direction)
        if box.focus == before:
            return before
        assert box.focus != "language", "the language card was reached sideways"
        assert_the_focused_card_is_seen_whole(box)
        assert same_row(row, window_rect(box.focused_card())), f"{direction} left the row: {before} → {box.focus}"
    raise AssertionError(f"{direction} never reached the end of the row")


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_left_and_right_never_leave_a_row_and_the_language_card_is_not_reached_by_accident(world, lang):
    box, _, _ = world
    set_language(box, lang)
    home_screen = box.app.sm.current_screen
    box.until(lambda: home_screen.continuing, what="the continue watching row")
    # home: Right on 想问的 stays on it (the language card above it is not one step sideways)
    home_focus(box, "ask")
    assert assert_right_and_left_stay_in_the_row(box, "ask", "right") == "ask"
    assert box.app.lang == lang
    box.press("down")
    assert assert_right_and_left_stay_in_the_row(box, "questions", "right") == "questions"
    box.press("down")
    assert box.focus.startswith("continue:")
    assert assert_right_and_left_stay_in_the_row(box, box.focus, "right").startswith("continue:")
    # with the continue row, every Mongolian word on home stays whole, the cards' titles too
    assert broken_mongolian_words(box) == []
    title = next(w for w in box.focused_card().walk() if getattr(w, "texts", None))
    assert title.shown_whole and title.shown_text
    box.press("ok")
    box.press("ok")                                              # OK on a card still does what it says
    box.until(lambda: box.screen in ("detail", "player"), what="the continue card opened")
    home(box)
    shot(box, f"home-continue-{lang}")
    # watch: Right on the last poster of a row stays; Right on the last category stays
    home_focus(box, "watch")
    box.go("ok", screen="watch")
    box.press("down")
    assert box.focus.startswith("item:")
    assert assert_right_and_left_stay_in_the_row(box, box.focus, "right").startswith("item:")
    box.press("up")
    assert box.focus.startswith("category:")
    assert assert_right_and_left_stay_in_the_row(box, box.focus, "right").startswith("category:")
    assert assert_right_and_left_stay_in_the_row(box, box.focus, "left") == "category:"
    shot(box, f"watch-row-end-{lang}")
    # a situation's guide: Right after the last step stays on it, Left on the first too
    home_focus(box, "choose")
    box.go("ok", screen="choose")
    box.go("ok", screen="topic")
    walk_to(box, "ask", "up", "left")
    box.press("down")
    walk_to(box, "step:1", "left")
    assert box.focus == "step:1"
    last = assert_right_and_left_stay_in_the_row(box, "step:1", "right")
    assert last.startswith("step:") and last != "step:1"
    # every step is shown whole (none cut with "…"), its Mongolian words unbroken
    steps = box.app.sm.current_screen.ids.steps.children
    assert steps and all(step.ids.text.shown_whole for step in steps)
    assert broken_mongolian_words(box) == []
    shot(box, f"topic-last-step-{lang}")
    assert assert_right_and_left_stay_in_the_row(box, last, "left") == "step:1"
    # and Up/Down still change rows
    box.press("up")
    assert box.focus in ("ask", "services", "glossary")
    # the service points: the focused card is drawn whole, above the card beside it
    walk_to(box, "services", "right", "left")
    box.go("ok", screen="services")
    assert_the_focused_card_is_seen_whole(box)
    assert assert_right_and_left_stay_in_the_row(box, box.focus, "right").startswith("service")
    shot(box, f"services-row-end-{lang}")
    home(box)


def test_my_questions_shows_the_status_as_it_is_now_when_it_opens(world):
    box, server, root = world
    set_language(box, "zh")
    # given a question the box sent, and a lawyer who took it on since the last refresh
    wizard_to_phone(box)
    wizard_send(box, "13900001111")
    [sent] = [q for q in call(server, "/api/v1/questions", device_token(root))]
    lawyer = staff_token(root, "baatar")
    call(server, f"/api/v1/desk/questions/{sent['id']}/claim", lawyer, {})
    [claimed] = call(server, "/api/v1/questions", device_token(root))
    on_it = claimed["status_text"]["zh"]                          # the server's words for "claimed"
    assert claimed["status"] == "claimed" and on_it not in box.texts()
    # when My questions opens, then it shows the status as it is now
    box.go("ok", screen="questions")
    box.until(lambda: on_it in box.texts(), what="the fresh status")
    shot(box, "questions-fresh-zh")


def test_the_offline_note_shows_as_soon_as_a_request_fails(world):
    box, server, _ = world
    # given the network drops, when the household asks again, then the offline note shows at once
    server.kill()
    home(box)
    wizard_to_phone(box)
    wizard_send(box, "13900002222")
    assert box.app.offline
    note = box.app.root.ids.offline_note
    assert note.opacity == 1 and note.shown_text == translate("Offline: showing saved content", "zh")
    shot(box, "ask-saved-offline-zh")


def test_a_saved_question_leaves_as_soon_as_a_request_succeeds(world):
    box, server, _ = world
    [waiting] = box.app.library.outbox.waiting()                 # saved while the network was down
    note = box.app.root.ids.offline_note
    # when the network returns and My questions asks the server (the first request to succeed),
    # then the saved question goes out at once, its number on screen, the note gone
    server.start()
    box.go("ok", screen="questions")
    box.until(lambda: not box.app.library.outbox.waiting(), what="the saved question sent")
    number = box.app.library.outbox.entry(waiting.key).response["number"]
    box.until(lambda: translate("No. {number}", "zh", number=number) in box.texts(), what="its number listed")
    assert not box.app.offline and note.opacity == 0
    shot(box, "questions-sent-after-return-zh")
    home(box)


def test_a_fourth_open_question_is_refused_in_the_servers_words_with_12348_large(world):
    box, server, root = world
    set_language(box, "zh")
    token = device_token(root)
    open_now = [q for q in call(server, "/api/v1/questions", token) if q["status"] not in ("answered", "closed")]
    topic = str(box.app.library.topics[0]["id"])
    for i in range(3 - len(open_now)):                          # three questions waiting for a lawyer
        assert ask_directly(server, token, topic, f"1370000{i:04d}")[0] == 201
    status, refusal = ask_directly(server, token, topic, "13700009999")
    assert status == 429                                         # what the server says to a 4th
    # when the household asks a 4th time on the TV
    wizard_to_phone(box)
    wizard_send(box, "13655501234")
    # then the box says what the server said, with the hotline large, and does not pretend it waits
    texts = box.texts()
    assert refusal["message"]["zh"] in texts
    assert "12348" in texts
    assert translate("Saved on this box; waiting to send. It goes out by itself when the connection returns.",
                     "zh") not in texts
    assert box.app.library.outbox.waiting() == []                # final: not retried as a network fault
    hotline = next(w for w in box.app.sm.current_screen.walk() if getattr(w, "shown_text", "") == "12348")
    assert hotline.font_size >= 2 * box.app.sm.current_screen.ids.entry.font_size
    shot(box, "ask-refused-zh")
    # and in Mongolian, the server's Mongolian words
    box.press("menu")
    box.until(lambda: refusal["message"]["mn"] in box.texts(lang="mn"), what="the Mongolian words")
    assert "12348" in box.texts()
    shot(box, "ask-refused-mn")
    box.press("menu")
    home(box)


LONG_ANSWER = {
    "zh": ("草场纠纷先找嘎查村民委员会调解，带上草原承包经营权证和界址图。调解不成，可以向苏木乡镇人民政府申请处理，"
           "对处理决定不服的，可以在三十日内向人民法院起诉。期间不要自行拆除围栏，也不要与邻居发生冲突，"
           "保留好照片、证人和以往的协议。需要帮助写申请书，可以到旗司法局法律援助中心，也可以再拨打12348。"
           "如果对方继续放牧，可以请派出所和草原监理部门到现场记录。\n"
           "调解时可以请亲属或者村里信得过的人陪同，说清楚草场的四至和使用年限。调解达成协议的，要写成书面协议，"
           "双方签字按手印，各留一份。政府处理需要时间，一般在受理后三个月内作出决定，期间可以打电话询问进度。"
           "到法院起诉不会很贵，生活困难的可以申请减免诉讼费，法律援助中心也可以为您指派律师。"
           "不会写字也没有关系，工作人员可以帮您记录。最后一句：请把这些材料都放在一起保管好。"),
    "mn": ("ᠮᠠᠯᠴᠢᠨ ᠤ ᠪᠠᠢᠴᠠᠭᠠᠨ ᠤ ᠮᠦᠷᠭᠦᠯᠳᠦᠭᠡᠨ ᠢ ᠡᠬᠢᠯᠡᠭᠡᠳ ᠭᠠᠴᠠᠭ᠎ᠠ ᠶᠢᠨ ᠵᠠᠬᠢᠷᠭᠠᠨ ᠦ ᠬᠣᠷᠢᠶ᠎ᠠ ᠳᠤ ᠡᠪᠯᠡᠷᠡᠭᠦᠯᠦᠯᠭᠡ ᠬᠢᠯᠭᠡᠭᠦᠯᠦᠨ᠎ᠡ᠃ "
           "ᠡᠪᠯᠡᠷᠡᠭᠦᠯᠦᠯᠭᠡ ᠪᠦᠲᠦᠬᠦ ᠦᠭᠡᠢ ᠪᠣᠯ ᠰᠤᠮᠤ ᠶᠢᠨ ᠠᠷᠠᠳ ᠤᠨ ᠵᠠᠰᠠᠭ ᠤᠨ ᠭᠠᠵᠠᠷ ᠲᠤ ᠬᠠᠨᠳᠤᠨ᠎ᠠ᠃ "
           "ᠬᠠᠰᠢᠶ᠎ᠠ ᠵᠢ ᠪᠢᠲᠡᠭᠡᠢ ᠡᠪᠳᠡᠯᠡᠢ ᠂ ᠵᠢᠷᠤᠭ ᠬᠢᠭᠡᠳ ᠭᠡᠷᠡᠴᠢ ᠶᠢ ᠬᠠᠳᠠᠭᠠᠯᠠᠭᠠᠷᠠᠢ᠃ "
           "ᠬᠣᠰᠢᠭᠤᠨ ᠤ ᠬᠠᠤᠯᠢ ᠵᠦᠢ ᠶᠢᠨ ᠲᠤᠰᠠᠯᠠᠮᠵᠢ ᠶᠢᠨ ᠲᠥᠪ ᠲᠦ ᠬᠠᠨᠳᠤᠵᠤ ᠪᠣᠯᠣᠨ᠎ᠠ ᠂ 12348 ᠳᠤ ᠳᠠᠬᠢᠨ ᠤᠲᠠᠰᠤᠳᠠᠵᠤ ᠪᠣᠯᠣᠨ᠎ᠠ᠃ "
           "ᠡᠪᠯᠡᠷᠡᠭᠦᠯᠦᠯᠭᠡ ᠶᠢᠨ ᠦᠶ᠎ᠡ ᠳᠤ ᠠᠬ᠎ᠠ ᠳᠡᠭᠦᠦ ᠪᠤᠶᠤ ᠢᠲᠡᠭᠡᠮᠵᠢᠲᠡᠢ ᠬᠦᠮᠦᠨ ᠢ ᠳᠠᠭᠠᠭᠤᠯᠵᠤ ᠪᠣᠯᠣᠨ᠎ᠠ᠃\n"
           "ᠬᠡᠯᠡᠯᠴᠡᠭᠡᠷ ᠢ ᠪᠢᠴᠢᠭ ᠦᠨ ᠭᠡᠷᠡᠭᠡ ᠪᠣᠯᠭᠠᠵᠤ ᠬᠣᠶᠠᠷ ᠲᠠᠯ᠎ᠠ ᠭᠠᠷ ᠤᠨ ᠦᠰᠦᠭ ᠵᠢᠷᠤᠵᠤ ᠨᠢᠭᠡ ᠨᠢᠭᠡ ᠬᠤᠪᠢ ᠬᠠᠳᠠᠭᠠᠯᠠᠨ᠎ᠠ᠃ "
           "ᠵᠠᠰᠠᠭ ᠤᠨ ᠭᠠᠵᠠᠷ ᠤᠨ ᠰᠢᠢᠳᠪᠦᠷᠢ ᠭᠠᠷᠭᠠᠬᠤ ᠳᠤ ᠴᠠᠭ ᠬᠡᠷᠡᠭᠲᠡᠢ ᠂ ᠤᠲᠠᠰᠤ ᠪᠠᠷ ᠠᠰᠠᠭᠤᠵᠤ ᠪᠣᠯᠣᠨ᠎ᠠ᠃ "
           "ᠱᠦᠭᠦᠬᠡ ᠳᠤ ᠬᠠᠨᠳᠤᠬᠤ ᠳᠤ ᠲᠥᠯᠥᠪᠦᠷᠢ ᠶᠢ ᠬᠦᠩᠭᠡᠷᠡᠭᠦᠯᠵᠦ ᠪᠣᠯᠣᠨ᠎ᠠ ᠂ ᠬᠠᠤᠯᠢ ᠵᠢᠨ ᠲᠤᠰᠠᠯᠠᠮᠵᠢ ᠶᠢᠨ ᠲᠥᠪ ᠴᠦ ᠬᠠᠤᠯᠢᠴᠢ ᠣᠯᠭᠣᠨ᠎ᠠ᠃ "
           "ᠪᠢᠴᠢᠵᠦ ᠴᠢᠳᠠᠬᠤ ᠦᠭᠡᠢ ᠪᠣᠯ ᠠᠵᠢᠯᠲᠠᠨ ᠲᠠᠨ ᠳᠤ ᠲᠤᠰᠠᠯᠠᠨ᠎ᠠ᠃ "
           "ᠡᠳᠡᠭᠡᠷ ᠮᠠᠲ᠋ᠧᠷᠢᠶᠠᠯ ᠢ ᠬᠠᠮᠲᠤ ᠳᠤ ᠨᠢ ᠰᠠᠢᠨ ᠬᠠᠳᠠᠭᠠᠯᠠᠭᠠᠷᠠᠢ ᠰᠡᠭᠦᠯ ᠦᠨ ᠦᠭᠡ"),
}


@pytest.fixture(scope="module")
def answered(world):
    """The household's newest question, answered by a 12348 lawyer at length, seen by the box."""
    box, server, root = world
    token, lawyer = device_token(root), staff_token(root, "saruul")
    if not call(server, "/api/v1/questions", token):
        ask_directly(server, token, str(box.app.library.topics[0]["id"]), "13700001234")
    newest = max(call(server, "/api/v1/questions", token), key=lambda q: (q["created_at"], q["number"]))
    url = f"/api/v1/desk/questions/{newest['id']}"
    claimed = call(server, url + "/claim", lawyer, {})
    called = call(server, url + "/attempts", lawyer, {"version": claimed["version"], "outcome": "answered"})
    call(server, url + "/answer", lawyer, {"version": called["version"], "summary": LONG_ANSWER})
    refresh_now(box)
    return next(q for q in call(server, "/api/v1/questions", token) if q["id"] == newest["id"])


def assert_the_page_has_no_gap_where_a_hidden_part_stood(page, lang: str) -> None:
    """The parts the page shows follow one another at its spacing: a part with nothing to say (the
    call's day once the question ended, an urgency it does not have) leaves no doubled gap."""
    if lang == "mn":  # columns left to right
        shown = sorted((w for w in page.children if w.width > 0), key=lambda w: w.x)
        gaps = [b.x - (a.x + a.width) for a, b in zip(shown, shown[1:])]
    else:  # lines top to bottom
        shown = sorted((w for w in page.children if w.height > 0), key=lambda w: -w.top)
        gaps = [a.y - b.top for a, b in zip(shown, shown[1:])]
    assert len(shown) >= 5 and all(abs(gap - page.spacing) < 1 for gap in gaps), (gaps, page.spacing)


def answer_page_label(box):
    return box.app.sm.current_screen.ids.read_answer


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_ok_on_an_answered_question_opens_the_whole_answer_large_and_down_reads_on(world, answered, lang):
    from stb_app.ui.navigator import window_rect
    box, _, _ = world
    set_language(box, lang)
    home_focus(box, "ask")
    box.press("down")
    box.go("ok", screen="questions")
    key = f"question:{answered['id']}"
    walk_to(box, key, "up", "left", "right", "down")  # the newest is in the first row (two asked in one second: either place)
    screen = box.app.sm.current_screen
    card = box.focused_card()
    assert not card.ids.answer.shown_whole                      # the card has room for the beginning only
    assert card.ids.more.shown_whole and card.ids.rate.shown_whole  # and says in full how to read it all
    assert card.ids.rate.shown_text == translate("Press 1–5 to rate the answer", lang)  # no call promised
    assert translate("OK reads the whole answer", lang) in box.texts()
    shot(box, f"questions-long-answer-{lang}")
    # when OK is pressed on the card, then the answer page shows
    box.press("ok")
    box.until(lambda: screen.ids.reader.opacity == 1, what="the answer page")
    box.pump(8)
    texts = box.texts(lang=lang)
    number = translate("No. {number}", lang, number=answered["number"])
    assert number in texts
    page = screen.ids
    assert page.read_number.font_size >= 1.8 * card.ids.answer.font_size  # the number read out large
    assert page.read_answer.font_size > card.ids.answer.font_size
    asked = page.read_asked.shown_text
    assert str(int(answered["created_at"][8:10])) in asked and answered["created_at"][11:16] in asked
    # an answered question promises no call: no callback day, and no room kept for one
    assert not page.read_window.shown_text and not page.read_window.width * page.read_window.height
    assert translate("No answer yet. The lawyer will call you.", lang) not in texts
    assert_the_page_has_no_gap_where_a_hidden_part_stood(page.reader, lang)
    label = answer_page_label(box)
    assert label.shown_text == LONG_ANSWER[lang] and label.shown_whole
    if lang == "mn":
        assert " ".join(label.shown_columns).split() == LONG_ANSWER["mn"].split()  # no word broken
    shot(box, f"answer-page-{lang}")
    # the answer is longer than a page: ↓ brings the rest into view, to its end
    view = page.read_scroll
    seen = window_rect(view)
    def end_visible() -> bool:
        shown = window_rect(label)
        return shown.x + shown.w <= seen.x + seen.w + 1 if lang == "mn" else shown.y >= seen.y - 1

    assert not end_visible()
    for _ in range(10):
        if end_visible():
            break
        box.press("down")
        box.pump(4)
    assert end_visible()
    assert box.screen == "questions" and screen.reading
    shot(box, f"answer-page-end-{lang}")
    # Back returns to the list, focus on the same question
    box.press("back")
    assert box.screen == "questions" and page.reader.opacity == 0 and box.focus == key
    home(box)


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_a_chosen_sentence_is_ticked_not_marked_by_colour_alone(world, lang):
    box, _, _ = world
    set_language(box, lang)
    open_the_wizards_phrases(box)
    label = box.focused_card().children[0]
    plain = label.shown_text
    assert not plain.startswith("✓")
    box.press("ok")
    assert box.focused_card().selected and label.shown_text == f"✓ {plain}"
    shot(box, f"ask-phrase-ticked-{lang}")
    box.press("ok")
    assert not box.focused_card().selected and label.shown_text == plain
    home(box)


def test_the_language_card_ticks_the_language_in_use_and_keeps_its_hint_on_one_line(world):
    box, _, _ = world
    set_language(box, "zh")
    card = box.app.sm.current_screen.ids.language
    names = box.app.sm.current_screen.ids
    assert names.name_zh.shown_text == "✓ 中文" and names.name_mn.shown_text == "ᠮᠣᠩᠭᠣᠯ"
    hint = next(w for w in card.walk() if getattr(w, "msgid", "") == "Menu key")
    assert hint.shown_box[3] < 2 * hint.font_size                  # "按菜单键切换" on one line, no lone "换"
    box.press("menu")
    box.until(lambda: box.app.lang == "mn", what="Mongolian")
    box.pump(4)
    assert names.name_mn.shown_text == "✓ ᠮᠣᠩᠭᠣᠯ" and names.name_zh.shown_text == "中文"
    shot(box, "home-language-mn")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh", what="Chinese")


def test_back_from_my_questions_opened_after_asking_goes_home_not_to_thank_you(world):
    box, _, _ = world
    set_language(box, "zh")
    wizard_to_phone(box)
    wizard_send(box, "13900003333")
    box.go("ok", screen="questions")
    box.press("back")
    box.until(lambda: box.screen == "home" and box.focus is not None, what="home")
    assert box.screen == "home"


def row_end(box, direction: str) -> str:
    """Presses `direction` until the focus stops moving; returns where it stopped."""
    for _ in range(40):
        before = box.focus
        box.press(direction)
        if box.focus == before:
            return before
    raise AssertionError(f"{direction} never reached the end of the row")


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_ok_on_a_guide_step_or_a_service_point_shows_it_whole_and_large_and_back_returns_to_it(world, lang):
    box, _, _ = world
    set_language(box, lang)
    home_focus(box, "choose")
    box.go("ok", screen="choose")
    box.go("ok", screen="topic")
    walk_to(box, "ask", "up", "left")
    box.press("down")
    walk_to(box, "step:1", "left")
    screen = box.app.sm.current_screen
    page = screen.ids.page
    # the step that names the hotline
    for _ in range(12):
        if "12348" in box.focused_card().ids.text.shown_text:
            break
        box.press("right")
    step, key = box.focused_card(), box.focus
    assert "12348" in step.ids.text.shown_text
    # when OK is pressed on the step, then it shows whole, in large type
    box.press("ok")
    box.until(lambda: page.opacity == 1, what="the step read whole")
    box.pump(6)
    body = page.ids.body
    assert body.shown_text == step.ids.text.shown_text and body.shown_whole
    assert body.font_size >= 1.5 * step.ids.text.font_size
    assert translate("Step {number}", lang, number=key.split(":")[1]) == page.ids.heading.shown_text
    assert broken_mongolian_words(box) == []
    shot(box, f"topic-step-read-{lang}")
    # Back returns to the same step
    box.press("back")
    assert box.screen == "topic" and page.opacity == 0 and box.focus == key
    # the service points: every Mongolian name whole, every phone number on one line (one column)
    box.press("up")
    walk_to(box, "services", "right", "left")
    box.go("ok", screen="services")
    screen = box.app.sm.current_screen
    box.pump(6)
    cards = [c for c in screen.ids.services.children if c.get_root_window() is not None]
    for card in cards:
        assert card.ids.name.shown_whole, card.ids.name.shown_text
        phone = card.ids.phone
        if lang == "mn":
            assert phone.shown_columns == [card.service["phone"]], phone.shown_columns
        else:
            assert phone.shown_box[3] < 2 * phone.font_size, "the phone number is split over lines"
    assert broken_mongolian_words(box) == []
    shot(box, f"services-{lang}")
    # OK on a point shows its name, phone, hours and address whole, in large type
    box.press("right")
    card, key = box.focused_card(), box.focus
    box.press("ok")
    page = screen.ids.page
    box.until(lambda: page.opacity == 1, what="the service point read whole")
    box.pump(6)
    body = page.ids.body.shown_text
    service = card.service
    assert page.ids.heading.shown_text == pick(service["name"], lang) and page.ids.heading.shown_whole
    assert service["phone"] in body and pick(service["hours"], lang) in body and pick(service["address"], lang) in body
    assert page.ids.body.shown_whole and page.ids.body.font_size > card.ids.hours.font_size
    assert broken_mongolian_words(box) == []
    shot(box, f"services-read-{lang}")
    box.press("back")
    assert box.screen == "services" and page.opacity == 0 and box.focus == key
    home(box)


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_the_consent_keeps_the_phone_number_on_one_line(world, lang):
    box, _, _ = world
    set_language(box, lang)
    wizard_to_phone(box)
    box.press(*"13812345678")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "window:morning", what="callback window")
    box.press("ok")
    box.until(lambda: box.focus == "send", what="consent")
    consent = box.app.sm.current_screen.ids.entry
    # the number as the household reads it back, never broken between lines (or columns)
    drawn = consent.shown_columns if lang == "mn" else consent.shown_lines
    assert any("138 1234 5678" in part for part in drawn), drawn
    assert consent.shown_whole
    shot(box, f"ask-consent-{lang}")
    home(box)


def test_a_refused_rating_is_shown_in_the_servers_words(world, answered):
    box, server, root = world
    set_language(box, "zh")
    home_focus(box, "ask")
    box.press("down")
    box.go("ok", screen="questions")
    box.until(lambda: any(c.question.get("id") == answered["id"] and c.question.get("can_rate")
                          for c in box.app.sm.current_screen.ids.questions.children), what="the answer to rate")
    key = f"question:{answered['id']}"
    walk_to(box, key, "up", "left", "right", "down")
    # given the answer was rated meanwhile (from another remote), as the server now knows
    request = urllib.request.Request(f"{server.url}/api/v1/questions/{answered['id']}/rating",
                                     data=json.dumps({"score": 5}).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {device_token(root)}",
                                              "Content-Type": "application/json"})
    assert urllib.request.urlopen(request, timeout=10).status == 200
    for lang in ("zh", "mn"):
        # when the household presses 4 on the card, then the box says what the server said
        card = box.focused_card()
        assert box.focus == key and card.question.get("can_rate")
        box.press("4")
        words = translate("You have already rated this answer. Thank you.", lang)
        box.until(lambda: card.ids.rate.shown_text == words, what="the server's words")
        assert card.ids.rate.shown_whole and broken_mongolian_words(box) == []
        assert translate("Could not send the rating. Please try again later.", lang) not in box.texts()
        shot(box, f"questions-rating-refused-{lang}")
        if lang == "zh":
            box.press("menu")                                    # and in Mongolian, its Mongolian words
            box.until(lambda: box.app.lang == "mn" and box.focus == key, what="Mongolian")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh", what="Chinese")
    home(box)


def gap_after_heading(ask) -> float:
    """Mongolian: the empty width between the heading's last column and what is drawn after it."""
    from kivy.metrics import dp
    from stb_app.ui.navigator import window_rect
    from stb_app.ui.widgets import BiLabel, FocusCard
    heading = ask.ids.heading
    x, _ = heading.to_window(heading.x + heading.shown_box[0], heading.y)
    end = x + heading.shown_box[2]
    after = []
    for w in heading.parent.walk(restrict=True):
        if isinstance(w, BiLabel) and w.shown_text and w is not heading:
            after.append(w.to_window(w.x + w.shown_box[0], w.y)[0])
        elif isinstance(w, FocusCard):
            after.append(window_rect(w).x)
    return min([a for a in after if a >= end - 1], default=end + dp(36)) - end


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_every_wizard_step_says_which_of_six_it_is_under_a_heading_shown_whole(world, lang):
    from kivy.metrics import dp

    from stb_app.ui import text as textdraw
    box, _, _ = world
    set_language(box, lang)
    ask = None

    def says(number: int) -> None:
        words = translate("Step {number} of {count}", lang, number=number, count=6)
        assert words in box.texts(), (ask.step, box.texts())
        assert ask.ids.step_count.shown_whole and broken_mongolian_words(box) == []
        # the heading is whole, and in Mongolian no column's width lies empty beside it
        box.pump(4)
        assert ask.ids.heading.shown_whole, (ask.step, ask.ids.heading.shown_columns)
        if lang == "mn":
            column = textdraw.column_width(ask.ids.heading.font_size * textdraw.fonts.MONGOLIAN_SCALE)
            assert gap_after_heading(ask) < dp(36) + column, (ask.step, gap_after_heading(ask), column)
    home_focus(box, "ask")
    box.go("ok", screen="ask")
    ask = box.app.sm.current_screen
    says(1)
    box.press("ok")
    box.until(lambda: (box.focus or "").startswith("phrase:"), what="phrases")
    says(2)
    box.press("ok")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "key:0", what="the keyboard")
    says(3)
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "digit:1", what="the phone step")
    says(4)
    box.press(*"1381234567")                                     # one digit short: the error, whole
    walk_to(box, "next", "up", "right")
    box.press("ok")
    assert translate("Please check the number: 11 digits for a mobile phone", lang) in box.texts()
    says(4)
    assert ask.ids.notice.shown_whole
    box.press("8", "ok")
    box.until(lambda: box.focus == "window:morning", what="callback window")
    says(5)
    box.press("ok")
    box.until(lambda: box.focus == "send", what="consent")
    says(6)
    assert ask.ids.entry.shown_whole                             # the consent, never cut
    shot(box, f"ask-step-6-of-6-{lang}")
    home(box)


LAWYERS: dict = {}  # the lawyer's token per box, the account made once


def answer_every_open_question(server, root) -> None:
    """A 12348 lawyer answers what the box has open (a household may have three open at once)."""
    lawyer = LAWYERS.get(str(root)) or LAWYERS.setdefault(str(root), staff_token(root, "oyun"))
    for question in call(server, "/api/v1/questions", device_token(root)):
        if question["status"] in ("answered", "closed", "rated"):
            continue
        url = f"/api/v1/desk/questions/{question['id']}"
        try:
            claimed = call(server, url + "/claim", lawyer, {})
        except urllib.error.HTTPError as err:
            assert err.code == 409                               # another lawyer has it: it stays open
            continue
        called = call(server, url + "/attempts", lawyer, {"version": claimed["version"], "outcome": "answered"})
        call(server, url + "/answer", lawyer, {"version": called["version"], "summary": LONG_ANSWER})


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_the_question_number_is_large_on_its_own_after_asking_and_in_my_questions(world, lang):
    box, server, root = world
    answer_every_open_question(server, root)
    set_language(box, lang)
    wizard_to_phone(box)
    wizard_send(box, "13900004444")
    ask = box.app.sm.current_screen
    number = box.app.library.outbox.entry(ask.key).response["number"]
    shown = translate("No. {number}", lang, number=number)
    big = next(w for w in ask.walk() if getattr(w, "shown_text", None) == shown)
    # the number stands large on its own, the sentence above it does not hide it inside
    assert big.font_size >= 2 * ask.ids.entry.font_size and big.shown_whole
    assert str(number) not in ask.ids.entry.shown_text
    assert broken_mongolian_words(box) == []
    shot(box, f"ask-thank-you-number-{lang}")
    # and in My questions, the number is the largest text of its card
    box.go("ok", screen="questions")
    key = f"question:{box.app.library.outbox.entry(ask.key).response['id']}"
    box.until(lambda: any(c.focus_key == key for c in box.app.sm.current_screen.ids.questions.children),
              what="the question listed")
    card = next(c for c in box.app.sm.current_screen.ids.questions.children if c.focus_key == key)
    assert card.ids.number.shown_text == shown and card.ids.number.shown_whole
    assert card.ids.number.font_size >= 1.4 * card.ids.status.font_size
    shot(box, f"questions-number-{lang}")
    home(box)


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_the_consent_recaps_the_topic_the_chosen_sentences_and_the_call_time(world, lang):
    box, _, _ = world
    set_language(box, lang)
    home_focus(box, "ask")
    box.go("ok", screen="ask")
    ask = box.app.sm.current_screen
    box.press("ok")                                              # the first topic
    box.until(lambda: (box.focus or "").startswith("phrase:"), what="phrases")
    box.press("ok")                                              # its first sentence, ticked
    phrase = box.focused_card().children[0].shown_text.removeprefix("✓ ")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "key:0", what="the keyboard")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "digit:1", what="the phone step")
    box.press(*"13812345678")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "window:morning", what="callback window")
    box.press("right", "ok")                                     # the afternoon
    box.until(lambda: box.focus == "send", what="consent")
    # then the consent shows what will be sent, whole
    topic = pick(ask.topic()["title"], lang)
    recap = next(t for t in box.texts() if topic in t and phrase in t)
    assert translate("Afternoon (12–18)", lang) in recap
    label = next(w for w in ask.walk() if getattr(w, "shown_text", None) == recap)
    assert label.shown_whole and broken_mongolian_words(box) == []
    shot(box, f"ask-consent-recap-{lang}")
    home(box)


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_typed_words_sit_in_a_visible_field_with_a_visible_cursor(world, lang):
    from fontTools.ttLib import TTFont
    from kivy.metrics import dp

    from stb_app import fonts
    from stb_app.ui.navigator import window_rect

    from .test_box_playback import window_pixels
    box, _, _ = world
    set_language(box, lang)
    ask = open_the_wizards_phrases(box)
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "key:0", what="the keyboard")
    # when a word is typed with the on-screen keys
    typed = box.focused_card().children[0].shown_text
    box.press("ok")
    box.pump(4)
    entry = ask.ids.entry
    # then it shows with a cursor after it, a glyph the font draws (not an empty box)
    assert entry.shown_text.startswith(typed) and len(entry.shown_text) == len(typed) + 1
    cursor = entry.shown_text[-1]
    assert ord(cursor) in TTFont(str(fonts.CHINESE_BUNDLED)).getBestCmap(), f"{cursor!r} is not in the font"
    # inside a field that stands out from the page
    rect = window_rect(entry)
    shot(box, f"ask-typed-field-{lang}")
    image = window_pixels(box)
    inside = image.getpixel((int(rect.x + rect.w - dp(4)), int(rect.y + dp(4))))  # rows as read: bottom first
    assert inside == pytest.approx((23, 26, 36), abs=4), (inside, rect)
    home(box)
