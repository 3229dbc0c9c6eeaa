"""The dictionary of legal words on the real box, keys only: each term reads in both scripts side
by side, the list is browsed by first letter (pinyin initial in Chinese, first Mongolian letter in
Mongolian) and by topic, and a word a guide uses opens the dictionary on that word; in both
scripts. Screenshots go to test-artifacts/box/."""
import json
from pathlib import Path

import pytest

from content_server.kernel.config import Settings

from .box_ui import launch, window_rect
from .conftest import ARTIFACTS, ServerProcess
from .test_box_ui import home, walk_to

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
    up_to_row(box, "word:", "down")
    box.press(*["left"] * 6)                                      # to the row's start (left stops there)
    walk_to(box, "word:compensation", "right")
    box.screenshot(SHOTS, f"guide-words-{lang}")
    box.go("ok", screen="glossary", focus="term:compensation")
    screen = box.app.sm.current_screen
    box.until(lambda: screen.ids.term_zh.shown_text == "赔偿" and screen.ids.definition.shown_lang == lang,
              what="the word's page")
    assert screen.ids.term_mn.shown_text == next(e for e in SEED if e["id"] == "compensation")["term"]["mn"]
    box.screenshot(SHOTS, f"dictionary-from-guide-{lang}")
    box.go("back", screen="topic")
    if lang == "mn":
        box.press("menu")
        box.until(lambda: box.app.lang == "zh", what="Chinese again")
