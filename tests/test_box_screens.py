"""Screen sizes: every box screen in both languages, at 1920×1080 and at 3840×2160, inside the
5 % overscan safe area, body text at least 30 px at 1080p, light text on dark, and at 4K the same
layout at twice the pixels with text rendered at 4K resolution (scaled by density, not stretched)."""
import json
import os
import subprocess
import sys

import pytest
from PIL import Image, ImageChops, ImageStat

from content_server.kernel.config import Settings

from .conftest import ARTIFACTS, ServerProcess
from .demo_content import fill_demo_copy
from .test_box_ui import staff_token

pytestmark = pytest.mark.slow
SIZES = {"1080p": (1920, 1080), "4k": (3840, 2160)}


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    root = tmp_path_factory.mktemp("screens")
    settings = Settings(data=root / "data", extra={"demo_seconds": 6, "demo_count": 1})
    fill_demo_copy(settings)
    server = ServerProcess(settings.data).start()
    lawyer = staff_token(root)
    found = {}
    try:
        for name, (w, h) in SIZES.items():
            out = subprocess.run([sys.executable, "-m", "tests.box_screens_probe", server.url, str(root / f"box-{name}"),
                                  f"{w}x{h}", str(ARTIFACTS / f"box-{name}"), lawyer], capture_output=True, text=True,
                                 timeout=400, env=dict(os.environ, SDL_AUDIODRIVER="dummy", KIVY_NO_CONSOLELOG="1"))
            lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
            assert lines, f"the {name} run failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}"
            found[name] = json.loads(lines[-1])
            (ARTIFACTS / f"box-{name}" / "measured.json").write_text(lines[-1])
    finally:
        server.stop()
    return found


def pieces(found, kind):
    for screen, seen in found["screens"].items():
        for piece in seen[kind]:
            yield screen, piece


@pytest.mark.parametrize("size", list(SIZES))
def test_every_text_and_card_is_inside_the_overscan_safe_area(measured, size):
    found = measured[size]
    w, h = found["window"]
    assert (w, h) == SIZES[size]
    for screen, piece in [*pieces(found, "texts"), *pieces(found, "cards")]:
        x, y, pw, ph = piece["visible"]
        assert x >= 0.05 * w - 1 and x + pw <= 0.95 * w + 1, (screen, piece)
        assert y >= 0.05 * h - 1 and y + ph <= 0.95 * h + 1, (screen, piece)


@pytest.mark.parametrize("size", list(SIZES))
def test_mongolian_words_are_never_broken_between_columns(measured, size):
    for screen, seen in measured[size]["screens"].items():
        assert seen["broken_words"] == [], screen


@pytest.mark.parametrize("size", list(SIZES))
def test_consent_errors_hours_and_guide_steps_are_never_cut(measured, size):
    screens = measured[size]["screens"]
    for lang in ("zh", "mn"):
        for name in ("topic", "services", "ask-consent", "ask-phone-error"):
            seen = screens[f"{name}-{lang}"]
            assert seen["must_read"] and all(seen["must_read"]), (name, lang)
            assert not set(seen["must_read"]) & set(seen["cut"]), (name, lang, set(seen["must_read"]) & set(seen["cut"]))


@pytest.mark.parametrize("size", list(SIZES))
def test_the_lived_in_screens_keep_every_mongolian_word_whole(measured, size):
    """A continue row on home and a long answer opened whole: no word set letter by letter."""
    screens = measured[size]["screens"]
    for name in ("home-continue-zh", "home-continue-mn", "answer-zh", "answer-mn"):
        assert screens[name]["broken_words"] == [], name


@pytest.mark.parametrize("size", list(SIZES))
def test_the_phone_number_is_read_back_on_one_line_in_both_languages(measured, size):
    for lang in ("zh", "mn"):
        shown = [t for t in measured[size]["screens"][f"ask-phone-{lang}"]["texts"] if t["text"] == "138 1234 5678"]
        assert len(shown) == 1 and shown[0]["rect"][3] < 2 * shown[0]["font_px"], (lang, shown)


def test_body_text_is_at_least_30_px_at_1080p_and_light_on_dark(measured):
    found = measured["1080p"]
    texts = list(pieces(found, "texts"))
    assert len({screen for screen, _ in texts}) == len(found["screens"])  # every screen shows text
    for screen, piece in texts:
        assert piece["font_px"] >= 30, (screen, piece["text"], piece["font_px"])
        r, g, b = piece["color"][:3]
        assert 0.2126 * r + 0.7152 * g + 0.0722 * b >= 0.6, (screen, piece["text"], piece["color"])
    for shot in (ARTIFACTS / "box-1080p").glob("*.png"):
        with Image.open(shot) as image:
            assert ImageStat.Stat(image.convert("L")).median[0] < 60, shot.name  # a dark screen


def test_4k_is_the_same_layout_at_twice_the_pixels(measured):
    hd, uhd = measured["1080p"], measured["4k"]
    assert uhd["density"] == pytest.approx(2 * hd["density"])
    assert hd["screens"].keys() == uhd["screens"].keys()
    for screen in hd["screens"]:
        # by place, not by name: a guide entry may have ended between the two runs
        small = sorted(c["rect"] for c in hd["screens"][screen]["cards"])
        large = sorted(c["rect"] for c in uhd["screens"][screen]["cards"])
        assert len(small) == len(large), screen
        for a, b in zip(small, large):
            assert b == pytest.approx([2 * v for v in a], abs=4), screen
        if screen.startswith(("answer-", "questions-")):
            continue  # each run asks its own questions: other numbers and times, drawn large
        # the same screenshot, once scaled down: nothing moved, nothing missing
        with Image.open(ARTIFACTS / "box-1080p" / f"{screen}.png") as a, \
                Image.open(ARTIFACTS / "box-4k" / f"{screen}.png") as b:
            assert b.size == (3840, 2160)
            difference = ImageChops.difference(a.convert("L"), b.convert("L").resize(a.size, Image.BOX))
            assert ImageStat.Stat(difference).mean[0] < 6, screen


def test_4k_text_is_rendered_at_4k_and_drawn_one_to_one(measured):
    """Crisp: each piece of text is a texture of exactly the size it is drawn at (turned for
    Mongolian columns), twice as many pixels high as at 1080p — never a 1080p texture stretched."""
    hd, uhd = measured["1080p"], measured["4k"]
    for found in (hd, uhd):
        for screen, piece in pieces(found, "texts"):
            drawn, texture = sorted(piece["rect"][2:]), sorted(piece["texture"])
            assert drawn == pytest.approx(texture, abs=1), (screen, piece["text"])
    for screen in hd["screens"]:
        for text in {(t["text"], t["lang"]) for t in hd["screens"][screen]["texts"]}:
            before = sorted((t["font_px"], min(t["texture"])) for t in hd["screens"][screen]["texts"]
                            if (t["text"], t["lang"]) == text)
            after = sorted((t["font_px"], min(t["texture"])) for t in uhd["screens"][screen]["texts"]
                           if (t["text"], t["lang"]) == text)
            if len(after) != len(before):
                continue  # e.g. a programme that ended between the two runs
            for (px, thickness), (px4, thickness4) in zip(before, after):
                assert px4 == pytest.approx(2 * px), (screen, text)
                assert thickness4 >= 1.8 * thickness, (screen, text)


@pytest.mark.parametrize("size", list(SIZES))
def test_nothing_is_cut_with_an_ellipsis_beside_unused_card_room(measured, size):
    """A card fills its width with columns (Mongolian) or its height with lines (Chinese) before
    it cuts anything: a text ending in "…" beside room for one more is a layout fault."""
    for screen, seen in measured[size]["screens"].items():
        assert seen["cut_beside_room"] == [], screen


@pytest.mark.parametrize("size", list(SIZES))
def test_a_poster_is_drawn_inside_its_card_and_centred_in_its_frame(measured, size):
    for screen, seen in measured[size]["screens"].items():
        for poster in seen["posters"]:
            fx, fy, fw, fh = poster["frame"]
            ix, iy, iw, ih = poster["inside"]
            assert ix - 1 <= fx and fx + fw <= ix + iw + 1 and iy - 1 <= fy and fy + fh <= iy + ih + 1, (screen, poster)
            for px, py, pw, ph in poster["pictures"]:
                assert fx - 1 <= px and px + pw <= fx + fw + 1 and fy - 1 <= py and py + ph <= fy + fh + 1, \
                    (screen, poster)
                assert px + pw / 2 == pytest.approx(fx + fw / 2, abs=1), (screen, poster)
                assert py + ph / 2 == pytest.approx(fy + fh / 2, abs=1), (screen, poster)


@pytest.mark.parametrize("size", list(SIZES))
def test_the_related_videos_titles_are_shown_whole(measured, size):
    screens = measured[size]["screens"]
    for lang in ("zh", "mn"):
        related = {t["text"] for t in screens[f"topic-{lang}"]["texts"]} & set(measured[size]["video_titles"][lang])
        assert related, lang
        assert not related & set(screens[f"topic-{lang}"]["cut"]), (lang, related)
