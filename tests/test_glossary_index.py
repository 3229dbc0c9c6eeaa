"""The dictionary's indexes without a window: letters in each alphabet, a dictionary's order, the
words a guide uses and the topics a word belongs to."""
import json
from pathlib import Path

from stb_app import glossary_index

DATA = Path(__file__).parent.parent / "content_server/guidance/data"
GLOSSARY = json.loads((DATA / "glossary.json").read_text("utf-8"))
GUIDES = {g["topic"]: g for g in json.loads((DATA / "guides.json").read_text("utf-8"))}


def test_a_chinese_term_is_filed_under_the_pinyin_initial_of_its_first_character():
    zh = {e["term"]["zh"]: glossary_index.initial(e, "zh") for e in GLOSSARY}
    assert zh["劳动合同"] == zh["离婚"] == zh["律师"] == "L"
    assert zh["工伤认定"] == "G" and zh["赡养"] == "S" and zh["宅基地"] == "Z" and zh["欠条"] == "Q"
    assert zh["调解"] == "T"                      # tiáojiě, though 调 alone is filed under diào
    assert zh["12348 热线"] == glossary_index.OTHER


def test_a_mongolian_term_is_filed_under_its_first_letter_in_the_alphabet_s_order():
    letters = glossary_index.letters(GLOSSARY, "mn")
    assert letters[0] == "\u1820" and letters[-1] == glossary_index.OTHER  # ᠠ first
    assert letters[:-1] == sorted(letters[:-1])
    ordered = glossary_index.in_order(GLOSSARY, "mn")
    assert [glossary_index.initial(e, "mn") for e in ordered][:3] == ["\u1820"] * 3


def test_the_words_a_guide_uses_are_found_in_either_script_and_belong_to_its_topic():
    steps = GUIDES["traffic"]["steps"]
    used = {e["id"] for e in glossary_index.terms_used(steps, GLOSSARY)}
    assert "compensation" in used                 # 协商赔偿
    only_mongolian = [{"mn": s["mn"]} for s in steps]
    assert "compensation" in {e["id"] for e in glossary_index.terms_used(only_mongolian, GLOSSARY)}
    topics = glossary_index.topics_of(GLOSSARY, GUIDES)
    assert "traffic" in topics["compensation"] and "labour" in topics["labour_contract"]
    assert "traffic" not in topics["divorce"]
