"""The dictionary of legal words on the real box, keys only: each term reads in both scripts side
by side, the list is browsed by first letter (pinyin initial in Chinese, first Mongolian letter in
Mongolian) and by topic, a word a guide uses opens the dictionary on that word (and the green key
on an answer's page on the words it uses); in both
scripts; and a complaint sent with the remote reaches the supervisors, not the lawyer concerned.
Screenshots go to test-artifacts/box/."""
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from content_server.kernel import auth
from content_server.kernel.config import DataRoot, Settings
from content_server.storage import Store, accounts
from stb_app.i18n import translate

from . import given
from .box_ui import launch, window_rect
from .conftest import ARTIFACTS, ServerProcess, add_account
from .test_box_ui import home, walk_to
from .test_box_urgent import send_question

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box"
SEED = json.loads((Path(__file__).parent.parent / "content_server/guidance/data/glossary.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("box-dictionary")
    settings = Settings(data=root / "data")
    settings.data.mkdir(parents=True)
    server = ServerProcess(settings.data).start()  # the glossary and guides are seeded on start
    box = launch(server.url, root / "box", box_display, language="zh")
    box.until(lambda: box.app.library.glossary and box.app.library.guides and box.app.library.topics,
              what="glossary, guides and topics")
    yield box, server
    box.app.player.close()
    server.stop()


def open_choose(box) -> None:
    """Home → 想选的 (want to choose)."""
    home(box)
    walk_to(box, "language", "up")
    box.press("down")
    walk_to(box, "choose", "left")
    box.go("ok", screen="choose")


def open_dictionary(box) -> None:
    open_choose(box)
    walk_to(box, "glossary", "down", "right")
    box.go("ok", screen="glossary")
    box.until(lambda: (box.focus or "").startswith("term:"), what="a term focused")


def up_to_row(box, prefix: str, direction: str = "up") -> None:
    """Up (or down) until a card whose key starts with `prefix` has the focus (a row of letters, topics, words)."""
    for _ in range(8):
        if (box.focus or "").startswith(prefix):
            return
        box.press(direction)
    raise AssertionError(f"no {prefix} row above; focus is {box.focus}")


def shown_terms(box) -> list[dict]:
    return [card.entry for card in reversed(box.app.sm.current_screen.ids.terms.children)]


def test_a_term_reads_in_both_scripts_side_by_side(world):
    box, _ = world
    open_dictionary(box)
    card = box.focused_card()
    term = card.entry["term"]
    zh, mn = card.ids.zh, card.ids.mn
    box.until(lambda: zh.shown_text == term["zh"] and mn.shown_text == term["mn"], what="both scripts on the card")
    assert (zh.shown_lang, mn.shown_lang) == ("zh", "mn")
    assert window_rect(zh)[0] < window_rect(mn)[0]               # the Chinese line, then the Mongolian column
    screen = box.app.sm.current_screen
    assert screen.ids.term_zh.shown_text == term["zh"] and screen.ids.term_mn.shown_text == term["mn"]
    box.screenshot(SHOTS, "dictionary-zh")
    box.press("menu")                                             # the same terms, the household's script Mongolian
    box.until(lambda: box.app.lang == "mn" and screen.ids.definition.shown_lang == "mn", what="Mongolian")
    focused = box.focused_card()
    assert focused.ids.zh.shown_text == focused.entry["term"]["zh"]
    assert focused.ids.mn.shown_text == focused.entry["term"]["mn"]
    box.screenshot(SHOTS, "dictionary-mn")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh", what="Chinese again")


def test_terms_are_browsed_by_pinyin_initial_and_by_first_mongolian_letter(world):
    box, _ = world
    open_dictionary(box)
    up_to_row(box, "letter:")                                    # from the list up to the letters, then along
    walk_to(box, "letter:all", "left")
    walk_to(box, "letter:L", "right")
    box.press("ok")
    box.until(lambda: len(shown_terms(box)) < len(SEED), what="the list narrowed")
    assert {e["term"]["zh"] for e in shown_terms(box)} == {"劳动合同", "劳动仲裁", "离婚", "利息", "律师"}
    assert box.focused_card().selected                           # the chosen letter is marked
    box.screenshot(SHOTS, "dictionary-letter-zh")

    box.press("menu")                                             # Mongolian: its own alphabet
    box.until(lambda: box.app.lang == "mn" and box.focus is not None, what="Mongolian")
    letter = "\u182d"                                             # ᠭ (ga)
    walk_to(box, "letter:all", "left")
    walk_to(box, f"letter:{letter}", "right")
    box.press("ok")
    expected = {e["term"]["mn"] for e in SEED if e["term"]["mn"].startswith(letter)}
    box.until(lambda: {e["term"]["mn"] for e in shown_terms(box)} == expected, what="the terms under ᠭ")
    assert len(expected) >= 5
    assert [e["term"]["mn"] for e in shown_terms(box)] == sorted(expected)
    box.screenshot(SHOTS, "dictionary-letter-mn")

    up_to_row(box, "topic:")
    walk_to(box, "topic:all", "left")
    walk_to(box, "topic:labour", "right")                  # a topic starts again at every letter
    box.press("ok")
    box.until(lambda: "labour_contract" in {e["id"] for e in shown_terms(box)}, what="the labour terms")
    assert "divorce" not in {e["id"] for e in shown_terms(box)}
    box.screenshot(SHOTS, "dictionary-topic-mn")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh", what="Chinese again")


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_a_word_a_guide_uses_opens_the_dictionary_on_it(world, lang):
    box, _ = world
    home(box)
    if box.app.lang != lang:
        box.press("menu")
        box.until(lambda: box.app.lang == lang and box.focus is not None, what=lang)
    open_choose(box)
    walk_to(box, "topic:traffic", "up", "left")
    box.go("ok", screen="topic")
    # step 4 of the traffic guide says 协商赔偿 (agree on compensation): 赔偿 is a link
    # the words: links under the steps in Chinese; in Mongolian the "legal words" button opens them
    if lang == "zh":
        up_to_row(box, "word:", "down")
        box.press(*["left"] * 8)                                  # to the row's start (left stops there)
        walk_to(box, "word:compensation", "right")
        box.screenshot(SHOTS, f"guide-words-{lang}")
        box.go("ok", screen="glossary", focus="term:compensation")
    else:
        walk_to(box, "ask", "up", "left")
        walk_to(box, "glossary", "right")
        box.screenshot(SHOTS, f"guide-words-{lang}")
        box.go("ok", screen="glossary")
        words = {e["id"] for e in shown_terms(box)}
        assert "compensation" in words and "divorce" not in words     # this guide's words only
        walk_to(box, "term:compensation", "right", "down", "left", "down")
    screen = box.app.sm.current_screen
    box.until(lambda: screen.ids.term_zh.shown_text == "赔偿" and screen.ids.definition.shown_lang == lang,
              what="the word's page")
    assert screen.ids.term_mn.shown_text == next(e for e in SEED if e["id"] == "compensation")["term"]["mn"]
    box.screenshot(SHOTS, f"dictionary-from-guide-{lang}")
    box.go("back", screen="topic")
    if lang == "mn":
        box.press("menu")
        box.until(lambda: box.app.lang == "zh", what="Chinese again")


# --- a complaint about a service --------------------------------------------------------------

def desk_token(root, name: str, role: str) -> str:
    """An API token for a desk account made on the server's data root."""
    store = Store(DataRoot(root / "data").database)
    try:
        user_id = add_account(store, name, role)
        token, token_hash = auth.new_token("ltv")
        given.write(store, accounts.add_api_token, user_id, token_hash)
    finally:
        store.close()
    return token


def desk(server, token: str, path: str, body: dict | None = None):
    request = urllib.request.Request(server.url + path, method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def assert_the_complaint_shows(box, question_id: str, on_card: str, on_page: str, name: str) -> None:
    """The question's card and its page say what became of the complaint, in both scripts; the
    complaint card of My questions is gone (one complaint a question). Leaves the page closed in Chinese."""
    screen = box.app.sm.current_screen
    key = f"question:{question_id}"
    for lang in ("mn", "zh"):
        if box.app.lang != lang:
            box.press("menu")
        walk_to(box, key, "down", "left", "right")
        card = box.focused_card()
        box.until(lambda: card.ids.complaint.shown_text == translate(on_card, lang) and card.ids.complaint.shown_whole,
                  what=f"the card's {name} complaint in {lang}")
        assert not screen.can_complain and screen.ids.complain.disabled
        box.screenshot(SHOTS, f"questions-complaint-{name}-{lang}")
        box.press("ok")
        box.until(lambda: screen.ids.read_complaint.shown_text == translate(on_page, lang)
                  and screen.ids.read_complaint.shown_whole, what=f"the page's {name} complaint in {lang}")
        box.screenshot(SHOTS, f"answer-complaint-{name}-{lang}")
        box.press("back")
        box.until(lambda: not screen.reading, what="the list again")


def test_a_complaint_sent_with_the_remote_reaches_supervisors_not_the_lawyer_concerned(world):
    from stb_app.ui.screens.complain import CARD_SAVED, CARD_SENT, SAVED_WORDS, SENT_WORDS, WHY
    box, server = world
    root = server.data.parent
    lawyer, supervisor = desk_token(root, "bayar", "staff"), desk_token(root, "odgerel", "supervisor")
    send_question(box, "wages", "wages.1")                          # keys only, as a household asks
    status, claimed = desk(server, lawyer, "/api/v1/desk/claim", {})
    assert status == 200, claimed
    url = f"/api/v1/desk/questions/{claimed['id']}"
    status, _ = desk(server, lawyer, url + "/attempts", {"version": claimed["version"], "outcome": "answered",
                                                         "note": ""})
    assert status == 200
    called = desk(server, lawyer, url)[1]
    status, _ = desk(server, lawyer, url + "/answer", {"version": called["version"],
                                                       "summary": {"zh": "请保留工资条，再申请劳动仲裁。", "mn": ""}})
    assert status == 200
    box.app.refresh_questions()
    box.until(lambda: any(q["status"] == "resolved" for q in box.app.library.questions or []), timeout=20,
              what="the answer on the box")

    home(box)
    walk_to(box, "questions", "down", "right")
    box.go("ok", screen="questions")
    box.until(lambda: box.app.sm.current_screen.can_complain, what="the complaint button")
    # the answer uses a legal word: on its page the green key opens the dictionary on it
    walk_to(box, f"question:{claimed['id']}", "down", "left")
    box.press("ok")
    box.until(lambda: box.app.sm.current_screen.answer_words == ["labour_arbitration"], what="the answer's words")
    box.screenshot(SHOTS, "answer-words-zh")
    box.press("menu")                                                  # the page and its key hint in Mongolian
    box.until(lambda: box.app.sm.current_screen.ids.read_answer.shown_lang == "mn", what="Mongolian")
    box.screenshot(SHOTS, "answer-words-mn")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh", what="Chinese again")
    box.app.android_key(184)                                          # KEYCODE_PROG_GREEN
    box.until(lambda: box.screen == "glossary" and box.focus == "term:labour_arbitration", what="the word")
    assert [e["id"] for e in shown_terms(box)] == ["labour_arbitration"]
    assert box.app.sm.current_screen.ids.term_zh.shown_text == "劳动仲裁"
    box.screenshot(SHOTS, "dictionary-from-answer-zh")
    box.go("back", screen="questions")
    up_to_row(box, "complain")
    box.go("ok", screen="complain", focus=f"question:{claimed['id']}")   # which question: the answered one
    box.screenshot(SHOTS, "complain-question-zh")
    box.press("ok")
    box.until(lambda: box.focus == "reason:not_called", what="the reasons")
    screen = box.app.sm.current_screen
    assert screen.ids.prompt.shown_text == translate(WHY, "zh", number=claimed["number"])
    box.press("menu")                                                # the reasons in Mongolian
    box.until(lambda: screen.ids.prompt.shown_lang == "mn" and screen.ids.prompt.shown_text, what="Mongolian")
    box.screenshot(SHOTS, "complain-reason-mn")
    walk_to(box, "reason:impolite", "right")                          # one row of four in Mongolian
    server.kill()                                                    # the network is down as it is sent
    box.press("ok")
    box.until(lambda: screen.ids.prompt.shown_text == translate(SAVED_WORDS, "mn"), timeout=20, what="saved")
    # My questions says so on the question's card and page, and offers no second complaint on it
    box.go("ok", screen="questions")
    assert_the_complaint_shows(box, claimed["id"], CARD_SAVED, SAVED_WORDS, "saved")
    # the network returns: the complaint goes, and the card and page say it was sent
    server.start()
    box.app.library.retry_now()
    box.app.flush_outbox()
    box.until(lambda: not box.app.library.complaints.waiting(), timeout=30, what="the complaint sent")
    assert_the_complaint_shows(box, claimed["id"], CARD_SENT, SENT_WORDS, "sent")

    status, listed = desk(server, supervisor, "/api/v1/desk/complaints")
    assert status == 200
    assert [(c["question"]["number"], c["reason"], c["lawyer"]) for c in listed["complaints"]] == [
        (claimed["number"], "impolite", "bayar")]
    assert desk(server, lawyer, "/api/v1/desk/complaints")[0] == 403          # the lawyer concerned: not theirs
    status, detail = desk(server, lawyer, url)
    assert status == 200 and "impolite" not in json.dumps(detail)
