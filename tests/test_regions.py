"""The region table the consoles and the box name places with: Inner Mongolia's GB/T 2260 codes,
each under its league, each named in Chinese and in Mongolian script."""
from __future__ import annotations

import json
import re

import legaltv_regions as regions
from legaltv_locale.mongolian import suffixes_after_plain_space

MONGOLIAN_WORD = re.compile(r"^[\u1800-\u18AF]+$")
CHINESE = re.compile(r"^[\u4e00-\u9fff]+$")


def rows() -> list[dict]:
    return json.loads(regions.DATA.read_text(encoding="utf-8"))["regions"]


def test_codes_are_valid_gb2260_codes_of_inner_mongolia_and_unique():
    codes = [row["code"] for row in rows()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"15\d{4}(\d{3})?", code) for code in codes), codes


def test_the_region_all_twelve_leagues_and_all_their_banners_are_there():
    leagues = regions.children(regions.PROVINCE)
    assert [p.code for p in leagues] == ["150100", "150200", "150300", "150400", "150500", "150600",
                                         "150700", "150800", "150900", "152200", "152500", "152900"]
    banners = [b for league in leagues for b in regions.children(league.code)]
    assert len(banners) == 103  # every banner, county, county-level city and district (2023)
    assert regions.name("152502") == "锡林浩特市"
    assert regions.name("152500", "mn") == "ᠰᠢᠯᠢ\u202fᠶᠢᠨ ᠭᠣᠣᠯ ᠠᠶᠢᠮᠠᠭ"


def test_every_place_lies_under_a_place_of_the_table():
    for place in regions.all_places():
        parent = regions.parent_code(place.code)
        if place.code == regions.PROVINCE:
            assert parent is None
            continue
        assert regions.place(parent) is not None, f"{place.code} {place.zh}: no {parent}"
        assert regions.path(place.code)[-1] == place
        shared = {"league": 2, "banner": 4, "sumu": 6}[place.level]
        assert place.code[:shared] == parent[:shared]


def test_the_banners_households_of_the_demo_and_tests_live_in_have_their_sumus():
    for banner in ("152502", "152522", "152523"):
        sumus = regions.children(banner)
        assert sumus and all(p.level == "sumu" and len(p.code) == 9 for p in sumus)
    assert [p.zh for p in regions.path("152522200")] == ["锡林郭勒盟", "阿巴嘎旗", "伊和高勒苏木"]


def test_both_names_present_chinese_in_han_mongolian_in_its_own_script():
    for place in regions.all_places():
        assert CHINESE.fullmatch(place.zh), place
        words = place.mn.replace("\u202f", " ").split(" ")
        assert all(MONGOLIAN_WORD.fullmatch(w) for w in words), (place.code, place.mn)
        assert not suffixes_after_plain_space(place.mn), (place.code, place.mn)


def test_a_code_prefix_reads_as_the_places_it_targets():
    assert regions.label("15") == "内蒙古自治区"
    assert regions.label("1525") == "锡林郭勒盟"
    assert regions.label("152522", "zh") == "锡林郭勒盟 · 阿巴嘎旗"
    assert regions.label("152522", "mn") == "ᠰᠢᠯᠢ\u202fᠶᠢᠨ ᠭᠣᠣᠯ ᠠᠶᠢᠮᠠᠭ · ᠠᠪᠠᠭ᠎ᠠ ᠬᠣᠰᠢᠭᠤ"
    # a code the table does not know stays visible as it is, never named as its neighbour
    assert regions.label("152622") == "152622" and regions.label("15252") == "15252"


def test_the_source_note_says_what_is_complete_and_that_names_need_a_native_editor():
    doc = json.loads(regions.DATA.read_text(encoding="utf-8"))
    assert doc["levels"]["banner"] == "complete" and doc["levels"]["sumu"].startswith("partial")
    assert "native editor" in doc["source"]["en"] and "母语编辑" in doc["source"]["zh"]
