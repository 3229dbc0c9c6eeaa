"""The box checks at start which text path draws Mongolian joined: Pillow with raqm, else Kivy's
SDL2 provider with font_script_name, else none. The paths are forced for real: Pillow asked
for its basic layout is exactly what a Pillow built without raqm falls back to. (Measurements
only here: textures need the window, see test_box_without_mongolian.py.)"""
import pytest

from stb_app import shaping
from stb_app.mongolian_layout import MONG

text = pytest.importorskip("stb_app.ui.text")


@pytest.fixture
def pillow_layout(tmp_path):
    """Restores Pillow's layout and the chosen path after a test forced them."""
    text.register_fonts(tmp_path)
    yield
    text.PILLOW_LAYOUT = "raqm"
    text.check_shaping()


def test_pillow_with_raqm_joins_the_word_and_is_the_path_chosen(pillow_layout):
    verdict = text.check_shaping()
    assert verdict == shaping.Verdict(shaping.RAQM, ())
    word, letters = shaping.widths(lambda s: text.measure(MONG, s, 64))
    assert word < 0.75 * letters  # 202 px joined against 299 px for the letters apart


def test_without_raqm_the_box_tries_kivys_provider_and_says_that_none_joins_here(pillow_layout):
    text.PILLOW_LAYOUT = "basic"  # what python-for-android's Pillow (no raqm) lays out
    verdict = text.check_shaping()
    assert verdict.path == shaping.NONE
    raqm_reason, sdl2_reason = verdict.reasons  # both tried, in order, each with its figures
    assert raqm_reason.startswith("raqm:") and "not joined" in raqm_reason
    assert sdl2_reason.startswith("sdl2:") and "not joined" in sdl2_reason
    # Mongolian is still measured, never a crash (basic layout refuses language="mn")
    assert text.measure(MONG, shaping.PROBE_WORD, 40) > 0


def test_when_kivys_provider_is_the_path_mongolian_is_measured_by_it(pillow_layout):
    text.PILLOW_LAYOUT = "basic"
    text.check_shaping()
    text._SHAPING["path"] = shaping.SDL2  # as chosen on a box whose SDL2_ttf joins (none does here)
    assert text.measure(MONG, shaping.PROBE_WORD, 64) == text._sdl2_length(shaping.PROBE_WORD, 64)


def test_the_first_path_that_joins_wins_and_a_path_that_fails_to_measure_is_passed_over():
    joined = {shaping.PROBE_WORD: 202.0, **{c: 299.0 / 6 for c in shaping.PROBE_WORD}}.__getitem__
    unjoined = {shaping.PROBE_WORD: 299.0, **{c: 299.0 / 6 for c in shaping.PROBE_WORD}}.__getitem__

    def broken(_s):
        raise KeyError("setting text direction, language or font features is not supported without libraqm")

    assert shaping.first_shaping([("raqm", joined), ("sdl2", joined)]).path == "raqm"
    assert shaping.first_shaping([("raqm", unjoined), ("sdl2", joined)]).path == "sdl2"
    verdict = shaping.first_shaping([("raqm", broken), ("sdl2", unjoined)])
    assert verdict.path == "none" and "libraqm" in verdict.reasons[0] and "299 px" in verdict.reasons[1]
