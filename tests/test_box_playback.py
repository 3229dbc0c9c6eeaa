"""Watching on the box with the remote only, in both scripts, against a real content server:
black (never white) until the first frame, "Connecting…", a plain sentence when the network is
gone, the picture without sound on a box without a sound device, Resume focused with the whole
length shown, "Watch again" at the end, and the live channel's bar (LIVE, the programme, its
times). Screenshots go to test-artifacts/box-lived-in/.
"""
import json
import os
import re
import subprocess
import sys
import time

import pytest

from content_server.kernel.config import Settings

from stb_app.i18n import pick, translate
from stb_app.position_tracker import EXACT

from .box_ui import assert_subtitles_clear_of_the_controls, launch
from .conftest import ARTIFACTS, ServerProcess
from .demo_content import fill_demo_copy
from .test_box_ui import home, set_language, walk_to

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box-lived-in"
SECONDS = 20


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("playback")
    settings = Settings(data=root / "data", extra={"demo_seconds": SECONDS, "demo_count": 1})
    fill_demo_copy(settings)
    server = ServerProcess(settings.data).start()
    display = box_display
    box = launch(server.url, root / "box", display, language="zh")
    box.until(lambda: box.app.library.catalog["items"] and box.app.library.channels and box.app.library.guide,
              what="content")
    for timer in box.app.timers:                     # refreshes happen when a test says so
        timer.cancel()
    yield box, server, root, display
    box.app.player.close()
    server.stop()


def home_row_card(box, key: str) -> None:
    """Home, Up to the language card, Down twice (想问的, then the channel row), Left to `key`
    (the same keys whether a "continue watching" row is there or not)."""
    home(box)
    walk_to(box, "language", "up")
    box.press("down", "down")
    walk_to(box, key, "left")


def open_detail(box) -> str:
    """Home → Watch → the first poster → its page; returns the video's id."""
    home(box)
    walk_to(box, "watch", "left", "up")
    box.go("ok", screen="watch")
    box.press("down")
    item_id = box.focus.split(":", 1)[1]
    box.go("ok", screen="detail")
    return item_id


def window_pixels(box):
    """What the window shows now, read back from the framebuffer after drawing a frame."""
    from kivy.core.window import Window
    from kivy.graphics.opengl import GL_RGB, GL_UNSIGNED_BYTE, glReadPixels
    from PIL import Image
    box.pump(1)
    width, height = Window.size
    return Image.frombytes("RGB", (width, height), glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE))


def bright_share(image) -> float:
    """The share of the window that is near white."""
    grey = image.convert("L").point(lambda v: 255 if v > 200 else 0)
    return grey.histogram()[255] / (image.width * image.height)


def assert_dark_until_the_first_frame(box, what: str) -> int:
    """From right after OK until a picture arrives (or the screen gives up), every frame drawn is
    dark: no white rectangle where the video will be. Returns how many frames were looked at."""
    player, looked = box.app.player, 0
    deadline = time.monotonic() + 60
    while player.texture is None and player.state != "failed" and time.monotonic() < deadline:
        image = window_pixels(box)
        looked += 1
        assert bright_share(image) < 0.1, f"{what}: frame {looked} after OK is white ({bright_share(image):.0%})"
    return looked


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_a_resumed_video_starts_on_resume_shows_its_whole_length_and_ends_on_watch_again(world, lang):
    box, _, _, _ = world
    set_language(box, lang)
    item = box.app.library.catalog["items"][0]
    box.app.library.save_position(item["id"], 6.0, SECONDS)      # stopped at 0:06 last time
    # when the household opens the video's page, then Resume has the focus
    open_detail(box)
    box.until(lambda: box.focus is not None, what="focus on the page")
    assert box.focus == "resume"
    box.screenshot(SHOTS, f"detail-resume-focused-{lang}")
    # and OK resumes: black with "Connecting…" until the picture, never a white frame. Every frame
    # from OK on is looked at: on a quick machine the picture can come within the key's own frames
    from kivy.clock import Clock
    frames = []   # per frame: (a picture yet, "Connecting…" shown)
    watching = Clock.schedule_interval(lambda _dt: frames.append(
        (box.app.player.texture is not None, translate("Connecting…", lang) in box.texts())), 0)
    box.press("ok")
    assert box.screen == "player"
    screen = box.app.sm.current_screen
    assert_dark_until_the_first_frame(box, "resume")
    box.until(lambda: box.app.player.texture is not None, timeout=60, what="the first frame")
    watching.cancel()
    assert frames and all(shown for picture, shown in frames if not picture), frames
    assert translate("Connecting…", lang) not in box.texts()
    assert box.app.player.position >= 6.0 - EXACT[0]                # the picture starts where it stopped
    # the bar counts from where it resumed, against the whole length from the catalog (read with the
    # position it shows: on a loaded machine the frames drawn meanwhile may take seconds, past 0:09)
    box.until(lambda: box.app.player.position >= 6.5, timeout=30, what="the picture moving")
    from stb_app.ui.screens.detail import clock
    position = box.app.player.position
    assert screen.ids.position.shown_text == f"{clock(position)} / 0:{SECONDS}", (position, SECONDS)
    box.screenshot(SHOTS, f"player-resumed-{lang}")
    # when it runs to its end, then the page is back with "Watch again" focused
    box.press("right")                                           # 10 s on: the last seconds play
    box.until(lambda: box.screen == "detail", timeout=60, what="the page after the end")
    box.until(lambda: box.focus == "play", what="the play card focused")
    assert translate("Watch again", lang) in box.texts()
    box.screenshot(SHOTS, f"detail-watch-again-{lang}")
    # OK plays it again from the start; stopped at 0:0x with Back, the page offers Resume first
    box.press("ok")
    assert box.screen == "player" and box.app.player.position < 1
    box.until(lambda: box.app.player.position >= 4, timeout=60, what="a few seconds watched")
    box.go("back", screen="detail")
    box.until(lambda: box.focus is not None, what="focus on the page")
    assert box.focus == "resume"
    home(box)


def test_a_video_opened_past_its_last_picture_ends_on_watch_again_never_on_cannot_play(world):
    """A reopening in the last moments (a sound switch, a rung change, a seek to the end) can land
    past the last keyframe: FFmpeg then ends before any picture. That is the end, not a fault."""
    box, _, _, _ = world
    set_language(box, "zh")
    item_id = open_detail(box)
    box.app.open("player", item_id=item_id, position=SECONDS - 0.2)
    box.until(lambda: box.screen == "detail", timeout=60, what="the page after the end")
    box.until(lambda: box.focus == "play", what="the play card focused")
    assert translate("Watch again", "zh") in box.texts()
    home(box)


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_the_live_channel_shows_live_the_programme_and_its_times(world, lang):
    box, _, _, _ = world
    set_language(box, lang)
    # a stale notice from a video watched before
    open_detail(box)
    walk_to(box, "subtitles", "right", "down")
    box.press("ok")
    home_row_card(box, "channel")
    box.press("ok")
    assert box.screen == "player"
    assert_dark_until_the_first_frame(box, "the channel")
    box.until(lambda: box.app.player.texture is not None, timeout=60, what="the channel's first frame")
    screen = box.app.sm.current_screen
    from datetime import datetime

    from stb_app import programme_guide

    def on_air():
        now = datetime.now().astimezone()
        slots = programme_guide.upcoming(box.app.library.guide, now)
        return slots[programme_guide.airing_index(slots, now)]
    # the demo's 20 s programmes: wait for one that starts and ends within the same minute
    # (its bar shows as it begins, for 4 s: checked from the frame it first shows)
    box.until(lambda: f"{on_air().start:%H:%M}" == f"{on_air().end:%H:%M}"
              and screen._on_air is not None and screen._on_air.start == on_air().start
              and screen.ids.osd.opacity == 1, timeout=60, what="a programme inside one minute, its bar shown")
    times = re.fullmatch(r"(\d\d:\d\d(?::\d\d)?)–(\d\d:\d\d(?::\d\d)?)", screen.ids.position.shown_text)
    assert times, screen.ids.position.shown_text
    assert times[1] != times[2], f"the times say nothing: {times[0]}"  # not "20:06–20:06"
    assert times[1] == on_air().start.strftime("%H:%M:%S")
    texts = box.texts()
    assert translate("LIVE", lang) in texts
    on_air = on_air()
    assert pick(on_air.entry["title"], lang) in texts
    assert not any("/ 0:00" in t for t in texts)                 # no clock of a video that has no end
    assert not any("←→" in t for t in texts)                     # no seeking hint where seeking does nothing
    assert screen.ids.notice.shown_text == ""                    # nothing left over from the video
    if lang == "mn":
        assert_the_mongolian_bar_is_a_tall_panel_with_every_word_whole(screen)
    box.screenshot(SHOTS, f"channel-live-bar-{lang}")
    home(box)


def assert_the_mongolian_bar_is_a_tall_panel_with_every_word_whole(screen) -> None:
    """The Mongolian bar stands at the side, nearly the window's height; every label in it is at
    least as tall as its longest word (never set smaller or broken into letters) and drawn whole."""
    from kivy.core.window import Window

    from stb_app.ui import text as textdraw
    from stb_app.mongolian_layout import longest_word
    from stb_app.ui.widgets import BiLabel

    from .box_screens_probe import _words
    osd = screen.ids.osd
    assert osd.opacity == 1 and osd.height >= 0.8 * Window.height, "the bar is not a tall side panel"
    labels = [w for w in osd.walk() if isinstance(w, BiLabel) and w.shown_lang == "mn" and w.shown_text
              and w.opacity]
    assert len(labels) >= 2                                      # the title and the key help at least
    for label in labels:
        size = label.font_size * textdraw.fonts.MONGOLIAN_SCALE
        longest = longest_word(label.shown_text, lambda kind, part: textdraw.measure(kind, part, size))
        assert label.height >= longest, f"{label.shown_text!r}: {label.height:.0f} px for a word of {longest:.0f}"
        assert label.shown_whole, f"{label.shown_text!r} is cut"
        assert _words(" ".join(label.shown_columns)) == _words(label.shown_text), f"{label.shown_text!r} broken"


def test_the_mongolian_player_bar_shows_its_title_and_key_help_whole_and_no_chinese_word(world):
    box, _, _, _ = world
    set_language(box, "zh")
    open_detail(box)
    walk_to(box, "play", "right", "down")
    box.press("ok")
    box.until(lambda: box.app.player.texture is not None, timeout=60, what="the first frame")
    screen = box.app.sm.current_screen
    # paused while the bar is read: playing on, the 20 s video may end first on a loaded machine
    box.press("ok")
    assert box.app.player.state == "paused"
    # subtitles switched off with ↓ while the bar is in Chinese: 字幕：不显示
    off = {lang: translate("Subtitles: {language}", lang, language=translate("Off", lang)) for lang in ("zh", "mn")}
    for _ in range(4):
        if off["zh"] in box.texts():
            break
        box.press("down")
    assert off["zh"] in box.texts()
    # when the household switches to Mongolian while watching
    box.press("menu")
    box.until(lambda: box.app.lang == "mn", what="Mongolian")
    from kivy.clock import Clock
    screen.show_osd()
    Clock.unschedule(screen._hide_osd)                           # the bar stays up while it is read
    box.pump(8)
    # then the bar says it in Mongolian only, as a tall panel with every word whole
    texts = box.texts()
    assert not any("不显示" in t for t in texts), texts
    assert off["mn"] in texts
    assert_the_mongolian_bar_is_a_tall_panel_with_every_word_whole(screen)
    assert translate("OK pause · ←→ 10 seconds · ↑ audio · ↓ subtitles · Back stop", "mn") in texts
    # the remote's arrows stand upright in the columns, pointing as on the remote (not turned sideways)
    from stb_app.mongolian_layout import UPRIGHT, runs
    help_text = screen.ids.help.shown_text
    arrows = [kind for kind, part in runs(help_text) if set(part) & set("←→↑↓")]
    assert len(arrows) >= 3 and set(arrows) == {UPRIGHT}, runs(help_text)
    box.screenshot(SHOTS, "player-bar-mn")
    # and subtitles in either script stay clear of the panel (↓ turns them on again, then to the next),
    # still paused, in the middle of the first line (a pause may have come between two lines)
    box.app.player.seek(SECONDS / 6)
    subtitle = screen.ids.subtitle
    for lang in ("zh", "mn"):
        box.press("down")
        box.until(lambda: subtitle.shown_lang == lang and subtitle.shown_text, timeout=20, what=f"{lang} subtitles")
        assert_subtitles_clear_of_the_controls(box)
        box.screenshot(SHOTS, f"player-bar-mn-subtitles-{lang}")
    box.press("menu")
    box.until(lambda: box.app.lang == "zh", what="Chinese")
    home(box)


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_ok_pauses_and_the_bar_shows_the_pause_sign_with_the_word(world, lang):
    box, _, _, _ = world
    set_language(box, lang)
    open_detail(box)
    walk_to(box, "play", "right", "down")
    box.press("ok")
    box.until(lambda: box.app.player.texture is not None and box.app.player.state == "playing", timeout=60,
              what="the picture playing")
    screen = box.app.sm.current_screen
    # when OK pauses, then the bar shows ⏸ beside the word, both on screen
    box.press("ok")
    assert box.app.player.state == "paused"
    mark = screen.ids.pause_mark
    assert mark.opacity == 1 and mark.width > 0 and screen.ids.osd.opacity == 1
    assert translate("Paused", lang) in box.texts()
    box.screenshot(SHOTS, f"player-paused-{lang}")
    # and OK plays on: the sign and the word go
    box.press("ok")
    assert mark.opacity == 0 and translate("Paused", lang) not in box.texts()
    # a key handled after the box was busy a while (a stream closed, a screen built) shows the bar
    # its 4 s from then, not from the start of that long frame
    from stb_app.ui.screens.player import OSD_SECONDS
    time.sleep(OSD_SECONDS / 2)
    pressed = time.monotonic()
    box.press("ok")
    while time.monotonic() - pressed < OSD_SECONDS - 0.5:
        assert screen.ids.osd.opacity == 1, f"the bar went {time.monotonic() - pressed:.1f} s after the key"
        box.pump(1)
    home(box)


def test_ok_on_a_later_programme_in_the_guide_offers_that_video_now(world):
    box, _, _, _ = world
    set_language(box, "zh")
    home_row_card(box, "guide")
    box.go("ok", screen="channel")
    # a programme at least 10 s ahead: the demo's programmes last 20 s, so the one right after the
    # programme on air may begin while keys are pressed on a loaded machine
    from datetime import datetime, timedelta
    for _ in range(6):
        box.press("right")
        if box.focused_card().slot_start > datetime.now().astimezone() + timedelta(seconds=10):
            break
    entry = box.focused_card().entry
    assert not box.focused_card().airing
    box.go("ok", screen="detail")
    assert str(box.app.sm.current_screen.params["item_id"]) == str(entry["item_id"])
    assert pick(box.app.library.item(entry["item_id"])["title"], "zh") in box.texts()
    home(box)


@pytest.mark.parametrize("lang", ["zh", "mn"])
def test_offline_a_video_and_the_channel_stay_black_and_say_they_cannot_play(world, lang):
    box, server, _, _ = world
    set_language(box, lang)
    server.kill()
    try:
        box.app.refresh()                                        # the box finds out the network is gone
        box.until(lambda: box.app.offline and not box.app._refreshing, timeout=30, what="offline")
        # the page marks the video as needing the network
        open_detail(box)
        assert translate("Needs the network to play", lang) in box.texts()
        box.screenshot(SHOTS, f"detail-offline-{lang}")
        cannot = translate("This cannot play without the network. Press Back to go back.", lang)
        walk_to(box, "play", "right", "down")
        box.press("ok")
        assert_dark_until_the_first_frame(box, "offline video")
        box.until(lambda: cannot in box.texts(), timeout=20, what="the sentence saying it cannot play")
        assert bright_share(window_pixels(box)) < 0.1
        box.screenshot(SHOTS, f"player-offline-{lang}")
        box.go("back", screen="detail")                           # Back returns, as it says
        home_row_card(box, "channel")
        box.press("ok")
        assert_dark_until_the_first_frame(box, "offline channel")
        box.until(lambda: cannot in box.texts(), timeout=20, what="the sentence saying the channel cannot play")
        assert bright_share(window_pixels(box)) < 0.1
        box.screenshot(SHOTS, f"channel-offline-{lang}")
        home(box)
    finally:
        server.start()


def test_without_a_sound_device_the_picture_plays_and_the_box_says_so(world, tmp_path):
    box, server, root, display = world
    env = dict(os.environ, SDL_AUDIODRIVER="nonexistent", KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1")
    out = subprocess.run([sys.executable, "-m", "tests.box_without_sound", server.url, str(tmp_path / "box"), display,
                          str(SHOTS)], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["video"]["state"] == "playing" and report["notice"] in report["video"]["texts"]
    assert report["channel"]["state"] == "playing" and report["notice"] in report["channel"]["texts"]
