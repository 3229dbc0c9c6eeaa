"""An editor corrects topics, guides and the glossary with forms in headless Chromium: the
Mongolian is previewed as the box draws it, and a refusal is the JSON import's own bilingual
error, shown beside the field it names. Screenshots in both console languages go to test-artifacts/."""
from __future__ import annotations

import json
import urllib.request

import pytest

from content_server.consoles.guidance import TEXTS
from content_server.guidance.imports import NOT_MONGOLIAN
from content_server.kernel.i18n import translate

from .conftest import ARTIFACTS
from .browser import browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)
from .test_editor_console import script_errors

pytestmark = pytest.mark.slow
BAIL_MN = "ᠪᠠᠲᠤᠯᠠᠨ ᠰᠤᠯᠠᠯᠠᠬᠤ"


def public(server, path: str):
    """What a box gets."""
    with urllib.request.urlopen(f"{server.url}{path}", timeout=30) as resp:
        return json.loads(resp.read())


def open_page(browser, server, name: str, language: str):  # noqa: F811
    server.add_user(name, "editor")
    page = new_page(browser)
    sign_in(page, server, name, language)
    page.goto(f"{server.url}/console/editor/guidance?lang={language}")
    page.wait_for_selector("body[data-loaded=yes]")
    return page


def test_an_editor_edits_the_glossary_a_guide_and_a_topic_with_forms(browser, live_server):  # noqa: F811
    page = open_page(browser, live_server, "naran", "zh")
    terms_before = public(live_server, "/api/v1/glossary")

    # given a new glossary term typed into the form, its Mongolian drawn beside it as on the TV
    page.click("#add-term")
    n = len(terms_before)
    term = page.locator("#term-list li.entry").nth(n)
    term.locator(f'[data-field="items[{n}].id"]').fill("bail")
    term.locator(f'[data-field="items[{n}].term.zh"]').fill("取保候审")
    term.locator(f'[data-field="items[{n}].term.mn"]').fill("baotian")  # Latin letters by mistake
    term.locator(f'[data-field="items[{n}].definition.zh"]').fill("在等待审判时先放人回家。")
    term.locator(f'[data-field="items[{n}].definition.mn"]').fill("ᠰᠢᠭᠦᠬᠦ ᠶᠢ ᠬᠦᠯᠢᠶᠡᠬᠦ ᠳᠤ ᠭᠡᠷ ᠲᠦ ᠨᠢ ᠲᠠᠯᠪᠢᠨ᠎ᠠ᠃")
    # when it is saved, the import's own refusal shows beside the Mongolian term, in Chinese
    page.click("#save-glossary")
    error = term.locator(f'label:has([data-field="items[{n}].term.mn"]) + .field-error')
    error.wait_for()
    assert error.inner_text() == translate(NOT_MONGOLIAN, "zh")
    assert public(live_server, "/api/v1/glossary") == terms_before  # nothing was saved
    # when the editor writes it in Mongolian script, the preview shows it in a vertical column
    term.locator(f'[data-field="items[{n}].term.mn"]').fill(BAIL_MN)
    preview = term.locator(f'label:has([data-field="items[{n}].term.mn"]) .mn-preview')
    assert preview.inner_text() == BAIL_MN
    assert preview.evaluate("e => getComputedStyle(e).writingMode") == "vertical-lr"
    box = preview.bounding_box()
    assert box["height"] > box["width"]  # a column, not a line
    # and moves it up one place before saving: households get it there
    term.locator("button.move-up").click()
    page.click("#save-glossary")
    page.wait_for_selector("#glossary-section .section-status:text('已保存')")
    terms = public(live_server, "/api/v1/glossary")
    assert [t["id"] for t in terms][n - 1:] == ["bail", terms_before[-1]["id"]]
    assert terms[n - 1]["term"] == {"zh": "取保候审", "mn": BAIL_MN}

    # a guide: its second step moved first, a step added, the new term ticked
    guide = page.locator("#guide-list > .ordered > ol > li.entry").first
    guide.locator("summary").first.click()  # each guide is folded under its title
    steps = guide.locator(".steps li.entry")
    before = public(live_server, "/api/v1/guides")[0]
    steps.nth(1).locator("button.move-up").click()
    guide.locator(".steps button.add-entry").click()
    last = len(before["steps"])
    guide.locator(f'[data-field="items[0].steps[{last}].zh"]').fill("需要帮助就打12348。")
    guide.locator(f'[data-field="items[0].steps[{last}].mn"]').fill("ᠲᠤᠰᠠᠯᠠᠮᠵᠢ ᠬᠡᠷᠡᠭᠲᠡᠢ ᠪᠣᠯ 12348 ᠳᠤ ᠵᠠᠯᠭᠠ᠃")
    guide.locator(".guide-terms input[value=bail]").check()
    page.click("#save-guides")
    page.wait_for_selector("#guides-section .section-status:text('已保存')")
    after = public(live_server, "/api/v1/guides")[0]
    assert after["steps"][:2] == [before["steps"][1], before["steps"][0]]
    assert after["steps"][-1]["zh"] == "需要帮助就打12348。" and "bail" in after["glossary"]

    # a topic: a sentence corrected, one moved up, the last removed
    topic = page.locator("#topic-list article.topic[data-topic=traffic]")
    topic.locator("summary").click()
    phrases = public(live_server, "/api/v1/topics")[0]["phrases"]
    topic.locator('[data-field="phrases[0].text.mn"]').fill("ᠪᠢ ᠮᠠᠰᠢᠨ ᠳᠤ ᠮᠥᠷᠭᠥᠭᠳᠡᠵᠦ ᠭᠡᠮᠳᠡᠪᠡ")
    topic.locator(".phrases li.entry").nth(1).locator("button.move-up").click()
    topic.locator(".phrases li.entry").last.locator("button.remove").click()
    topic.locator("button.save-topic").click()
    page.wait_for_selector("#topic-list article.topic[data-topic=traffic] .section-status:text('已保存')")
    saved = public(live_server, "/api/v1/topics")[0]["phrases"]
    assert [p["id"] for p in saved] == [phrases[1]["id"], phrases[0]["id"]] + [p["id"] for p in phrases[2:-1]]
    assert saved[1]["text"]["mn"] == "ᠪᠢ ᠮᠠᠰᠢᠨ ᠳᠤ ᠮᠥᠷᠭᠥᠭᠳᠡᠵᠦ ᠭᠡᠮᠳᠡᠪᠡ"
    page.reload()
    page.wait_for_selector("body[data-loaded=yes]")
    page.locator("#topic-list article.topic[data-topic=traffic] summary").click()
    assert page.locator("#topic-list article.topic[data-topic=traffic] .phrases li.entry").count() == len(saved)
    # and the topics' order: labour moved up before traffic, for households too
    page.locator("#topic-list article.topic[data-topic=labour] button.move-topic-up").click()
    page.wait_for_selector("#topic-list article.topic[data-topic=labour] .section-status:text('已保存')")
    assert [t["id"] for t in public(live_server, "/api/v1/topics")][:2] == ["labour", "traffic"]
    assert page.locator("#topic-list article.topic").first.get_attribute("data-topic") == "labour"
    screenshot(page, "editor-guidance-zh")
    assert script_errors(page) == []


def test_the_guidance_forms_speak_mongolian(browser, live_server):  # noqa: F811
    page = open_page(browser, live_server, "saruul", "mn")
    # a topic's title typed in Latin letters is refused beside the field, in Mongolian
    page.click("#add-topic")
    card = page.locator("#topic-list article.topic").last
    card.locator('[data-field="id"]').fill("Bad Id")
    card.locator('[data-field="title.zh"]').fill("牧区草场")
    card.locator('[data-field="title.mn"]').fill("ᠪᠡᠯᠴᠢᠭᠡᠷ")
    card.locator('[data-field="phrases[0].text.zh"]').fill("草场被占了")
    card.locator('[data-field="phrases[0].text.mn"]').fill("ᠪᠡᠯᠴᠢᠭᠡᠷ ᠢᠮᠠᠨ ᠡᠵᠡᠯᠡᠭᠳᠡᠪᠡ")
    card.locator("button.save-topic").click()
    error = card.locator('label:has([data-field="id"]) + .field-error')
    error.wait_for()
    assert any("\u1800" <= ch <= "\u18af" for ch in error.inner_text())
    # a sentence left without its Mongolian is marked at its own box
    card.locator('[data-field="id"]').fill("grassland")
    card.locator('[data-field="phrases[0].text.mn"]').fill("")
    card.locator("button.save-topic").click()
    card.locator('label:has([data-field="phrases[0].text.mn"]) + .field-error').wait_for()
    assert card.locator('[data-field="phrases[0].text.mn"]').get_attribute("aria-invalid") == "true"
    # corrected, the new topic is saved and households get it
    card.locator('[data-field="phrases[0].text.mn"]').fill("ᠪᠡᠯᠴᠢᠭᠡᠷ ᠢᠮᠠᠨ ᠡᠵᠡᠯᠡᠭᠳᠡᠪᠡ")
    card.locator("button.save-topic").click()
    page.wait_for_selector("#topic-list article.topic[data-topic=grassland]")
    assert any(t["id"] == "grassland" for t in public(live_server, "/api/v1/topics"))
    screenshot(page, "editor-guidance-mn")
    assert script_errors(page) == []


@pytest.mark.parametrize("language,document", [
    ("zh", {"zh": "工资条", "mn": "ᠴᠠᠯᠢᠩ\u202fᠤᠨ ᠲᠠᠰᠤᠯᠪᠤᠷᠢ"}),
    ("mn", {"zh": "劳动合同", "mn": "ᠬᠥᠳᠡᠯᠮᠦᠷᠢ\u202fᠶᠢᠨ ᠭᠡᠷ\u180eᠡ"}),
])
def test_an_editor_keeps_what_to_bring_with_a_guide(browser, live_server, language, document):  # noqa: F811
    page = open_page(browser, live_server, f"tuya-{language}", language)
    before = public(live_server, "/api/v1/guides")
    at = next(n for n, g in enumerate(before) if g["topic"] == "wages")
    kept = before[at]["documents"]
    # given the wages guide unfolded: its documents to bring are listed, in the guide's order
    guide = page.locator("#guide-list > .ordered > ol > li.entry").nth(at)
    guide.locator("summary").first.click()
    documents = guide.locator(".documents li.entry")
    assert documents.count() == len(kept)
    assert guide.locator(f'[data-field="items[{at}].documents[0].zh"]').input_value() == kept[0]["zh"]
    # when one more is added with its Mongolian in Latin letters and saved
    guide.locator(".documents button.add-entry").click()
    n = len(kept)
    guide.locator(f'[data-field="items[{at}].documents[{n}].zh"]').fill(document["zh"])
    guide.locator(f'[data-field="items[{at}].documents[{n}].mn"]').fill("gongzitiao")
    page.click("#save-guides")
    # then the import's refusal shows beside that Mongolian box, in the console's language, and nothing is saved
    error = guide.locator(f'label:has([data-field="items[{at}].documents[{n}].mn"]) + .field-error')
    error.wait_for()
    assert error.inner_text() == translate(NOT_MONGOLIAN, language)
    assert public(live_server, "/api/v1/guides") == before
    # when it is written in Mongolian script (previewed as a column) and moved first, then saved
    guide.locator(f'[data-field="items[{at}].documents[{n}].mn"]').fill(document["mn"])
    preview = guide.locator(f'label:has([data-field="items[{at}].documents[{n}].mn"]) .mn-preview')
    assert preview.inner_text() == document["mn"]
    guide.locator(".documents li.entry").last.locator("button.move-up").click()
    ARTIFACTS.mkdir(exist_ok=True)
    guide.screenshot(path=str(ARTIFACTS / f"editor-guide-documents-{language}.png"))
    page.click("#save-guides")
    page.locator("#guides-section .section-status").filter(has_text=translate(TEXTS["saved"], language)).wait_for()
    # then households and the desk get the new list, the new document second to last
    saved = next(g for g in public(live_server, "/api/v1/guides") if g["topic"] == "wages")["documents"]
    assert saved == [*kept[:-1], document, kept[-1]]
    assert script_errors(page) == []
