"""A box whose text paths cannot join Mongolian letters (Pillow without raqm, Kivy's SDL2
provider unjoined, as on these machines) tells the household in Chinese, keeps to Chinese when
the language key is pressed, and tells the server at registration, where /metrics counts it."""
import urllib.request

import pytest

from stb_app import shaping
from stb_app.i18n import translate
from stb_app.mongolian_layout import MONG

from .box_ui import launch
from .conftest import ARTIFACTS, METRICS, ServerProcess

pytestmark = pytest.mark.slow
NOTE = "This box cannot show Mongolian script. Please call your service point."


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("no-mongolian")
    server = ServerProcess(root / "data").start()
    from stb_app.ui import text
    text.PILLOW_LAYOUT = "basic"  # what python-for-android's Pillow (built without raqm) lays out
    box = launch(server.url, root / "box", box_display, language="mn")  # the household had chosen Mongolian
    yield box, server
    box.app.player.close()
    server.stop()
    text.PILLOW_LAYOUT = "raqm"


def metrics(server) -> str:
    request = urllib.request.Request(server.url + "/metrics", headers=METRICS)
    return urllib.request.urlopen(request, timeout=10).read().decode()


def note_shown(box) -> bool:
    note = box.app.root.ids.mongolian_note
    return note.opacity == 1 and note.shown_lang == "zh" and note.shown_text == translate(NOTE, "zh")


def test_the_household_reads_in_chinese_that_mongolian_cannot_be_shown(world):
    box, _server = world
    assert box.app.shaping == shaping.NONE
    assert box.app.lang == "zh" and box.texts(lang="zh") and not box.texts(lang="mn")
    assert note_shown(box)
    assert translate(NOTE, "zh") != NOTE  # the note is in Chinese, not the English msgid
    box.screenshot(ARTIFACTS / "box", "home-without-mongolian")


def test_the_language_key_explains_instead_of_switching(world):
    box, _server = world
    box.app.mongolian_note = False
    box.press("menu")
    assert note_shown(box) and box.app.lang == "zh"
    box.app.mongolian_note = False
    box.until(lambda: box.focus == "language" or box.press("up") or False, what="the language switch")
    box.press("ok")
    assert note_shown(box) and box.app.lang == "zh" and not box.texts(lang="mn")


def test_a_mongolian_line_is_still_drawn_without_raqm(world):
    from stb_app.ui import text
    assert text.line_texture(MONG, shaping.PROBE_WORD, 40).width > 0  # Pillow's basic layout refuses language="mn"


def test_staff_count_the_box_among_those_that_cannot_show_mongolian(world):
    box, server = world
    box.until(lambda: box.app.api._token is not None, what="registration")
    assert 'legaltv_devices_by_shaping{shaping="none"} 1' in metrics(server)
