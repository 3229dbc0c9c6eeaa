"""The real box app under Xvfb against a real content server with demo content, driven with
remote keys only; screenshots of every screen in both scripts go to test-artifacts/box/.

Kivy starts once per process, so one app walks through the stories below in order.
"""
import json
import time
from datetime import datetime
import urllib.request

import pytest

from content_server.kernel import auth
from content_server.kernel.config import DataRoot, Settings
from content_server.storage import Store, accounts

from stb_app.i18n import translate

from . import given
from .box_ui import KEYCODES, assert_subtitles_clear_of_the_controls, launch
from .conftest import ARTIFACTS, ServerProcess, add_account
from .demo_content import fill_demo_copy

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box"
SECONDS = 40  # the demo video's length: resumable after the seeks of slow runs


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("box")
    settings = Settings(data=root / "data", extra={"demo_seconds": SECONDS, "demo_count": 1})
    fill_demo_copy(settings)                                      # videos, topics, guides, services, channel
    server = ServerProcess(settings.data).start()
    display = box_display
    box = launch(server.url, root / "box", display, language="zh")
    box.until(lambda: box.app.library.catalog["items"] and box.app.library.channels, what="content")
    yield box, server, root
    box.app.player.close()
    server.stop()


def call(server, path: str, token: str, body: dict | None = None):
    """One real HTTP request to the content server as the holder of `token`; the JSON answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server.url + path, data=data, method="POST" if data is not None else "GET",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def staff_token(root, name: str = "wulan") -> str:
    """A 12348 lawyer's account and API token, written into the running server's database."""
    store = Store(DataRoot(root / "data").database)
    try:
        user_id = add_account(store, name, "staff")
        token, token_hash = auth.new_token("ltv")
        given.write(store, accounts.add_api_token, user_id, token_hash)
    finally:
        store.close()
    return token


def walk_to(box, target: str, *directions: str, tries: int = 12) -> None:
    """Presses the arrows in turn until `target` has the focus (bounded)."""
    for _ in range(tries):
        if box.focus == target:
            return
        for direction in directions:
            box.press(direction)
            if box.focus == target:
                return
    raise AssertionError(f"could not reach {target}; focus is {box.focus}")


def home(box) -> None:
    for _ in range(8):
        if box.screen == "home":
            return
        box.press("back")
    box.until(lambda: box.screen == "home", what="home")


def set_language(box, lang: str) -> None:
    """Home, in `lang` (Menu switches the language when it is the other)."""
    home(box)
    if box.app.lang != lang:
        box.press("menu")
    box.until(lambda: box.app.lang == lang and box.focus is not None, what=f"language {lang}")


def posters_shown(box) -> bool:
    """Every poster on screen has its picture drawn (they are decoded off the UI thread)."""
    from kivy.graphics import Rectangle

    from stb_app.ui.widgets import AsyncPoster
    posters = [w for w in box.app.sm.current_screen.walk() if isinstance(w, AsyncPoster) and w.url]
    # an empty frame is one rectangle; the picture is a second one drawn over it
    return bool(posters) and all(sum(isinstance(i, Rectangle) for i in p.canvas.children) == 2 for p in posters)


def assert_poster_on_screen(box, shot) -> None:
    """The first poster's picture in the screenshot looks like its image file (not an empty
    frame) and keeps the file's proportions (not stretched to its card)."""
    from kivy.graphics import Rectangle
    from PIL import Image, ImageStat

    from stb_app.ui.widgets import AsyncPoster
    poster = next(w for w in box.app.sm.current_screen.walk() if isinstance(w, AsyncPoster) and w.path)
    picture = [i for i in poster.canvas.children if isinstance(i, Rectangle)][-1]  # drawn over the frame
    (x, y), (w, h) = poster.to_window(*picture.pos), picture.size
    screen = Image.open(shot).convert("RGB")
    top = screen.height - (y + h)                                # Kivy counts from the bottom
    area = screen.crop((int(x) + 4, int(top) + 4, int(x + w) - 4, int(top + h) - 4))
    with Image.open(poster.path) as image:
        assert abs(w / h - image.width / image.height) < 0.02 * image.width / image.height
        expected = image.convert("RGB").resize(area.size)
    shown, wanted = ImageStat.Stat(area).mean, ImageStat.Stat(expected).mean
    assert all(abs(a - b) < 24 for a, b in zip(shown, wanted)), (shown, wanted)


def test_home_opens_on_watch_with_both_scripts_and_the_channel(world):
    box, _, _ = world
    assert box.screen == "home" and box.focus == "watch"
    texts = box.texts()
    assert {"想看的", "想选的", "想问的"} <= set(texts)
    assert {"ᠦᠵᠡᠬᠦ", "ᠰᠣᠩᠭᠣᠬᠤ", "ᠠᠰᠠᠭᠤᠬᠤ"} <= set(texts)          # the Mongolian names beside them
    box.until(lambda: box.app.sm.current_screen.ids.now_title.shown_text, what="channel now")
    box.screenshot(SHOTS, "home-zh")
    box.press("right")
    assert box.focus == "choose"
    box.joystick(13)                                            # a D-pad seen as a joystick: left
    assert box.focus == "watch"


def test_watch_a_case_video_with_subtitles_seek_and_resume(world):
    box, _, _ = world
    box.go("ok", screen="watch")
    box.until(lambda: posters_shown(box), what="posters drawn")
    shot = box.screenshot(SHOTS, "watch-zh")
    assert_poster_on_screen(box, shot)
    box.press("down")
    assert box.focus.startswith("item:")
    item_id = box.focus.split(":", 1)[1]
    box.go("ok", screen="detail")
    title = box.app.library.item(item_id)["title"]["zh"]
    assert title in box.texts()
    box.screenshot(SHOTS, "detail-zh")
    walk_to(box, "play", "right", "down")
    box.go("ok", screen="player")
    player = box.app.player
    box.until(lambda: player.state == "playing" and player.texture is not None, timeout=30, what="first frame")
    screen = box.app.sm.current_screen
    # the subtitles are read paused in the middle of the first line: playing on, a line may end
    # (and the next begin 0.2 s later) between two looks on a loaded machine
    box.press("ok")
    player.seek(SECONDS / 6)
    box.until(lambda: screen.ids.subtitle.shown_text, timeout=20, what="a subtitle")
    assert screen.ids.subtitle.shown_lang == "zh"
    assert_subtitles_clear_of_the_controls(box)                  # the line sits above the bar
    box.screenshot(SHOTS, "player-zh")
    box.press("down")                                            # subtitles: the next language (Mongolian)
    box.until(lambda: screen.ids.subtitle.shown_lang == "mn" and screen.ids.subtitle.shown_text,
              timeout=20, what="Mongolian subtitles")
    assert_subtitles_clear_of_the_controls(box)                  # the columns end above the bar
    box.screenshot(SHOTS, "player-mn-subtitles")
    subtitle = screen.ids.subtitle                               # the dark band hugs the columns drawn
    assert 0 < subtitle.shown_box[2] <= 1.2 * len(subtitle.shown_columns) * subtitle.font_size * 1.25 * 1.3
    assert subtitle.shown_box[2] < subtitle.width / 2
    box.press("ok")                                              # and plays on
    assert player.state == "playing"
    # given Chinese sound, when ↑ is pressed, then the Mongolian audio plays and the screen says so
    notice = screen.ids.notice
    before_notice = notice.shown_text
    # (checked in the frame the notice is drawn: under load the 4 s the controls stay up may be gone
    # by the next look)
    drawn = []

    def record(_label, text):
        drawn.append((text, screen.ids.osd.opacity))
    notice.bind(shown_text=record)
    box.press("up")
    assert player.audio_lang == "mn"
    master = (player.work_dir / "master.m3u8").read_text()       # what FFmpeg was handed
    assert 'LANGUAGE="mn"' in master and 'LANGUAGE="zh"' not in master
    mongolian = translate("Audio: {language}", "zh", language=translate("Mongolian", "zh"))
    box.until(lambda: (mongolian, 1) in drawn, what="the audio indicator")
    notice.unbind(shown_text=record)
    assert notice.shown_text != before_notice
    # (the picture of the stream reopened with that sound: the texture of the one before stays meanwhile)
    box.until(lambda: player.state == "playing" and player.backend.first_frame_at is not None, timeout=30,
              what="Mongolian sound")
    box.screenshot(SHOTS, "player-mn-audio")
    before = player.position
    box.press("right")                                           # +10 s with a preview tile
    box.until(lambda: player.position >= min(before + 5, player.duration - 3), timeout=20, what="the seek")
    box.until(lambda: screen.ids.preview_image.path, timeout=10, what="a preview tile")
    box.screenshot(SHOTS, "seek-zh")
    back_from, pressed = player.position, time.monotonic()
    box.press("left")                                            # back 10 s, and watch on a little
    box.until(lambda: 3.5 <= player.position <= back_from - 9 + (time.monotonic() - pressed), timeout=20,
              what="playing mid-way")
    box.go("back", screen="detail")
    assert player.state == "closed"
    assert box.app.library.resume_position(item_id) > 0, box.app.library.resume_positions()  # "continue watching" remembers it
    home(box)
    box.until(lambda: box.app.sm.current_screen.ids.continue_row.children, what="continue watching")


def press_in_one_frame(box, *names: str) -> None:
    """Keys pressed so quickly that no frame is drawn between them."""
    from kivy.core.window import Window
    for name in names:
        Window.dispatch("on_key_down", KEYCODES[name], 0, None, [])
        Window.dispatch("on_key_up", KEYCODES[name], 0)
    box.pump(3)


def assert_kept_playlists_handed_over(player, since: float | None = None) -> None:
    """The media playlists of the one-rung master FFmpeg was handed are the box's own copies (not
    the server's), starting at the household's segment (not the video's first): the segment of
    `since` or a later one it has reached (a rung step reopens there), else exactly the current one."""
    from stb_app import hls_master
    media = hls_master.media_urls((player.work_dir / "master.m3u8").read_text())
    assert media and all(url.startswith(str(player.work_dir)) for url in media), media
    now = int(player.seen_position() // 6)
    first = now if since is None else int(since // 6)
    for url in media:
        sequence = int(open(url).read().split("#EXT-X-MEDIA-SEQUENCE:", 1)[1].split()[0])
        assert 1 <= first <= sequence <= now, (url, first, sequence, now)


def assert_ffmpeg_reads_the_boxs_copy_of_the_segment_it_starts_in(player) -> None:
    """The segment FFmpeg reads twice after a reopening (probing, then the exact seek) is, in every
    media playlist it was handed, the copy the box fetched once, not the server's."""
    from stb_app import hls_master
    media = hls_master.media_urls((player.work_dir / "master.m3u8").read_text())
    assert media and all(url.startswith(str(player.work_dir)) for url in media), media  # the box's own lists
    for url in media:
        first = next(line for line in open(url).read().splitlines() if line and not line.startswith("#"))
        assert first.startswith(str(player.work_dir / "segments")) and open(first, "rb").read(1), (url, first)


def test_switching_the_sound_keeps_the_place_whether_playing_paused_or_leaving_at_once(world):
    box, _, _ = world
    home(box)
    box.go("ok", screen="watch")
    box.press("down")
    item_id = box.focus.split(":", 1)[1]
    library = box.app.library
    box.go("ok", screen="detail")
    walk_to(box, "play", "right", "down")                        # from the start
    player = box.app.player
    player._last_probe = 0.0                                     # a throughput probe is due, as far as its timer goes
    box.go("ok", screen="player")
    from stb_app.ui.player import STEADY_BEFORE_PROBE
    seen_at_4 = {}

    def four_seconds_watched() -> bool:  # (what the player holds then: a loaded machine may look late)
        if player.state == "playing" and player.position >= 4.0:
            seen_at_4.update(steady=player.position - player._shown_from, probed=player._last_probe != 0.0,
                             lowest=player.rung == player.chooser.rungs[0])
        return bool(seen_at_4)
    box.until(four_seconds_watched, timeout=30, what="4 s watched")
    # no probe of the next rung competes with the first seconds: it waits for a segment of steady playing
    if seen_at_4["steady"] < STEADY_BEFORE_PROBE:
        assert not seen_at_4["probed"] and seen_at_4["lowest"], seen_at_4
    # the picture keeps pace with the sound: the frame on screen was due when it was shown (the
    # sound's clock then, not now). A starved CPU lets the decoder fall behind for a while, and
    # the picture catches up; frames paced wrongly run ahead further and further and never do
    def in_step() -> bool:
        sound_when_shown = player.seen_position() - (time.monotonic() - player.canvas_update)
        return abs(player.frame_position - sound_when_shown) <= 0.5
    box.until(in_step, timeout=10, what="the picture in step with the sound")
    # given the household 4 s in, when ↑ switches the sound, then it goes on from there (not from
    # the segment start FFmpeg's HLS seek rounds to, here 0 s)
    seen, switched = player.position, time.monotonic()
    box.press("up")
    box.until(lambda: player.backend.first_frame_at is not None, timeout=20, what="the reopened picture")
    box.until(lambda: player.position != seen, timeout=10, what="the position to move on")
    assert seen - 0.5 <= player.position <= seen + 0.5 + (time.monotonic() - switched), (seen, player.position)
    assert_ffmpeg_reads_the_boxs_copy_of_the_segment_it_starts_in(player)
    # and Back now remembers that place
    at_back, backed = player.seen_position(), time.monotonic()    # it plays on until Back is handled
    box.go("back", screen="detail")
    resume_at = library.resume_position(item_id)
    assert at_back - 0.5 <= resume_at <= at_back + 0.5 + (time.monotonic() - backed), (at_back, resume_at)
    # given it resumed and paused, when ↑ switches the sound, then it stays paused on the same
    # picture, and OK plays the new sound from that very place
    walk_to(box, "resume", "up", "left")
    resumed = time.monotonic()
    box.go("ok", screen="player")
    box.until(lambda: player.state == "playing" and player.texture is not None, timeout=30, what="resumed")
    box.press("ok")
    assert player.state == "paused"
    box.pump(10)
    paused_at, picture = player.position, bytes(player.texture.pixels)
    assert resume_at - 0.5 <= paused_at <= resume_at + 0.5 + (time.monotonic() - resumed), (resume_at, paused_at)
    sound = player.audio_lang
    box.press("up")
    assert player.audio_lang != sound
    box.until(lambda: player.backend.started, timeout=20, what="the reopened stream")
    box.pump(30)
    assert player.state == "paused" and player.backend.paused
    assert bytes(player.texture.pixels) == picture and player.position == paused_at
    box.screenshot(SHOTS, "player-paused-after-audio-switch")
    # and when the throughput measured meanwhile calls for another rung, the same holds
    chooser, rung = player.chooser, player.rung_name
    chooser.estimate = 100_000 if chooser.index > 0 else 10_000_000   # a thin or a fast link measured
    player._adapt(player._generation)
    assert player.rung_name != rung
    box.until(lambda: player.backend.started, timeout=20, what="the stream on the other rung")
    box.pump(30)
    assert player.state == "paused" and player.backend.paused
    assert bytes(player.texture.pixels) == picture and player.position == paused_at
    played = time.monotonic()
    box.press("ok")
    box.until(lambda: player.backend.first_frame_at is not None and player.position != paused_at,
              timeout=20, what="playing again")
    assert paused_at - 0.5 <= player.position <= paused_at + 0.5 + (time.monotonic() - played), \
        (paused_at, player.position)
    # given it sought 10 s on, when ↑ and Back come in the same frame (before the reopened player
    # shows anything), then reopening resumes where the household was
    before = player.position
    box.press("right")
    box.until(lambda: player.state == "playing" and player.position >= before + 5, timeout=20, what="10 s on")
    seen = player.position
    press_in_one_frame(box, "up", "back")
    box.until(lambda: box.screen == "detail", what="back on the detail page")
    assert abs(library.resume_position(item_id) - seen) <= 2.0, (seen, library.resume_positions())
    walk_to(box, "resume", "up", "left")
    reopened = time.monotonic()
    box.go("ok", screen="player")
    box.until(lambda: player.state == "playing" and player.texture is not None, timeout=30, what="resumed")
    assert seen - 2.0 <= player.seen_position() <= seen + 2.0 + (time.monotonic() - reopened), \
        (seen, player.position)
    # FFmpeg was handed playlists that start at that segment (the box kept them from the first
    # play), so it did not fetch the first segments before seeking
    assert_kept_playlists_handed_over(player, since=seen - 2.0)
    box.go("back", screen="detail")
    # given a box drawing 60 frames a second (faster than this software-GL display), the picture
    # keeps pace with the sound: ffpyplayer hands out the next frame whenever it is asked
    from stb_app.ui.player import FFPyPlayerBackend
    shown = []
    backend = FFPyPlayerBackend(lambda _texture, pts: shown.append(pts), lambda: None)
    backend.open(str(player.work_dir / "master.m3u8"), 0.0, local=True)
    backend._event.cancel()                                       # polled here instead, at 60 Hz
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        backend._poll(0)
        time.sleep(1 / 60)
    sound = backend.position()
    backend.close()
    assert shown and abs(shown[-1] - sound) <= 0.3, (shown[-1], sound)


def test_a_resumed_video_stepping_up_a_rung_reopens_on_kept_playlists_of_that_rung(world):
    box, _, _ = world
    home(box)
    box.go("ok", screen="watch")
    box.press("down")
    item_id = box.focus.split(":", 1)[1]
    box.app.library.save_position(item_id, 7.5, box.app.library.item(item_id)["duration"])
    box.go("ok", screen="detail")
    walk_to(box, "resume", "up", "left")
    player = box.app.player
    player._last_probe = time.monotonic()       # the player's own throughput probe waits: the test probes
    box.go("ok", screen="player")
    box.until(lambda: player.state == "playing" and player.texture is not None, timeout=30, what="resumed")
    box.press("ok")
    assert player.state == "paused" and player.rung == player.chooser.rungs[0]    # resumed low, paused
    # given a resumed video, when the throughput measured calls for the next rung up, then the
    # reopened stream gets that rung's playlists (its audio too) from the box, starting where the
    # household is: FFmpeg does not fetch them and the first segments before seeking
    lowest = player.rung
    player._probe()
    box.until(lambda: player.rung != lowest and player.backend.started, timeout=30, what="the next rung up")
    assert_kept_playlists_handed_over(player)
    # and once that rung shows a frame, an audio switch on it is handed kept playlists too
    box.press("ok")
    box.until(lambda: player.backend.first_frame_at is not None
              and not player._missing_playlists(player.rung, ("zh", "mn")), timeout=30,
              what="the rung's playlists kept in both languages")
    box.press("ok")
    sound = player.audio_lang
    box.press("up")
    assert player.audio_lang != sound
    assert f'LANGUAGE="{player.audio_lang}"' in (player.work_dir / "master.m3u8").read_text()
    assert_kept_playlists_handed_over(player)
    box.go("back", screen="detail")


def test_choose_a_situation_read_the_guide_and_find_a_service_point(world):
    box, _, _ = world
    home(box)
    walk_to(box, "choose", "right")
    box.go("ok", screen="choose")
    box.screenshot(SHOTS, "choose-zh")
    assert box.focus.startswith("topic:")
    box.go("ok", screen="topic")
    box.screenshot(SHOTS, "topic-zh")
    walk_to(box, "ask", "up", "left")
    walk_to(box, "services", "right")
    box.go("ok", screen="services")
    services = box.app.library.services
    assert services
    assert any(s["phone"] in box.texts() for s in services)     # phone numbers shown as they are dialled
    box.screenshot(SHOTS, "services-zh")
    box.go("back", screen="topic")
    walk_to(box, "ask", "up", "left")
    walk_to(box, "glossary", "right")
    box.go("ok", screen="glossary")
    box.until(lambda: box.app.sm.current_screen.ids.definition.shown_text, what="a definition")
    box.screenshot(SHOTS, "glossary-zh")


def test_ask_a_question_with_the_remote_and_see_it_in_my_questions(world):
    box, server, root = world
    home(box)
    walk_to(box, "ask", "right")
    box.go("ok", screen="ask")
    assert box.focus.startswith("topic:")
    box.press("ok")
    box.until(lambda: (box.focus or "").startswith("phrase:"), what="phrases")
    box.press("ok")                                              # choose the first sentence
    assert box.focused_card().selected
    box.screenshot(SHOTS, "ask-phrases-zh")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "key:0", what="the keyboard")
    box.press("ok", "3")                                         # a word from the keyboard, a digit directly
    assert box.app.sm.current_screen.text == "我3"
    box.screenshot(SHOTS, "ask-text-zh")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "digit:1", what="the phone step")
    box.press(*"13812345678")
    assert "138 1234 5678" in box.texts()                        # read back large, grouped
    box.screenshot(SHOTS, "ask-phone-zh")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "window:morning", what="callback window")
    box.press("ok")
    box.until(lambda: box.focus == "send", what="consent")
    assert any("12348" in t for t in box.texts())
    box.screenshot(SHOTS, "ask-consent-zh")
    box.press("ok")
    box.until(lambda: box.focus == "questions", timeout=20, what="sent")
    box.screenshot(SHOTS, "ask-done-zh")
    token = json.loads((root / "box" / "device.json").read_text())["token"]
    import urllib.request
    request = urllib.request.Request(server.url + "/api/v1/questions", headers={"Authorization": f"Bearer {token}"})
    [question] = json.loads(urllib.request.urlopen(request, timeout=10).read())
    assert question["phone"] if "phone" in question else True
    assert any(str(question["number"]) in t for t in box.texts())
    box.go("ok", screen="questions")
    box.until(lambda: any(str(question["number"]) in t for t in box.texts()), what="my question listed")
    box.screenshot(SHOTS, "questions-zh")
    # the question reaches the 12348 desk's queue, with the household's number masked
    lawyer = staff_token(root)
    queue = call(server, "/api/v1/desk/queue", lawyer)
    [queued] = [q for q in queue["items"] if q["id"] == question["id"]]
    assert "138****5678" in json.dumps(queued, ensure_ascii=False)
    assert "13812345678" not in json.dumps(queue) and "138 1234 5678" not in json.dumps(queue)
    # a lawyer claims it, calls back, and answers with a summary in both scripts
    summary = {"zh": "可以申请劳动仲裁，请保留工资条。", "mn": "ᠬᠥᠳᠡᠯᠮᠦᠷᠢ ᠶᠢᠨ ᠠᠷᠪᠢᠲ᠋ᠷ ᠲᠤ ᠬᠠᠨᠳᠤᠵᠤ ᠪᠣᠯᠣᠨᠠ"}
    url = f"/api/v1/desk/questions/{question['id']}"
    claimed = call(server, url + "/claim", lawyer, {})
    called = call(server, url + "/attempts", lawyer, {"version": claimed["version"], "outcome": "answered"})
    call(server, url + "/answer", lawyer, {"version": called["version"], "summary": summary})
    # the box shows the answer on its next refresh; digit 4 rates it
    box.app.refresh()
    box.until(lambda: summary["zh"] in box.texts(), timeout=20, what="the answer summary on the TV")
    assert translate("Answered", "zh") in box.texts()
    assert translate("Press 1–5 to rate the answer", "zh") in box.texts()
    assert box.focus == f"question:{question['id']}"
    box.screenshot(SHOTS, "questions-answered-zh")
    box.press("4")
    rated = translate("You rated {score} of 5", "zh", score=4)
    box.until(lambda: rated in box.texts(), what="the rating on screen")
    box.until(lambda: box.app.library.questions[0].get("rating") == 4, timeout=20, what="the rating sent")
    assert rated in box.texts() and box.focus == f"question:{question['id']}"
    box.screenshot(SHOTS, "questions-rated-zh")
    [mine] = call(server, "/api/v1/questions", token)
    assert mine["rating"] == 4 and not mine["can_rate"]


def test_back_on_home_asks_before_closing(world):
    box, _, _ = world
    home(box)
    box.go("back", screen="exit", focus="stay")
    box.screenshot(SHOTS, "exit-zh")
    box.go("ok", screen="home")


def test_menu_switches_every_screen_to_mongolian_and_it_is_remembered(world):
    box, _, root = world
    home(box)
    box.press("menu")
    assert box.app.lang == "mn"
    assert json.loads((root / "box" / "settings.json").read_text())["language"] == "mn"
    box.pump(5)
    free = [t for t in box.texts(lang="zh")]
    assert "中文" in free                                        # only the language button keeps Chinese
    assert "ᠮᠢᠨᠦ ᠠᠰᠠᠭᠤᠯᠲᠠ" in box.texts(lang="mn")
    box.screenshot(SHOTS, "home-mn")
    walk_to(box, "watch", "left")
    box.go("ok", screen="watch")
    box.screenshot(SHOTS, "watch-mn")
    box.go("down", "ok", screen="detail")
    box.screenshot(SHOTS, "detail-mn")
    home(box)
    walk_to(box, "choose", "right")
    box.go("ok", screen="choose")
    box.screenshot(SHOTS, "choose-mn")
    box.go("ok", screen="topic")
    box.screenshot(SHOTS, "topic-mn")
    walk_to(box, "ask", "up", "left")
    walk_to(box, "services", "right")
    box.go("ok", screen="services")
    box.screenshot(SHOTS, "services-mn")
    box.go("back", screen="topic")
    walk_to(box, "ask", "up", "left")
    walk_to(box, "glossary", "right")
    box.go("ok", screen="glossary")
    box.screenshot(SHOTS, "glossary-mn")
    home(box)
    walk_to(box, "ask", "right")
    box.go("ok", screen="ask")
    box.press("ok")
    box.until(lambda: (box.focus or "").startswith("phrase:"), what="phrases")
    box.screenshot(SHOTS, "ask-phrases-mn")
    walk_to(box, "next", "up", "right")
    box.press("ok")
    box.until(lambda: box.focus == "key:0", what="the Mongolian keyboard")
    box.press("ok")
    assert box.app.sm.current_screen.text == "ᠠ"
    box.screenshot(SHOTS, "ask-text-mn")
    home(box)
    walk_to(box, "ask", "up", "right")
    walk_to(box, "questions", "down", "right")
    box.go("ok", screen="questions")
    # the question's number is written in Mongolian too, not left in Chinese
    [question] = [q for q in box.app.library.questions if q.get("number")][:1]
    numbers = [c.ids.number for c in box.app.sm.current_screen.ids.questions.children]
    assert translate("No. {number}", "mn", number=question["number"]) in [n.shown_text for n in numbers]
    assert {n.shown_lang for n in numbers if n.shown_text} == {"mn"}
    box.screenshot(SHOTS, "questions-mn")
    home(box)
    walk_to(box, "ask", "up", "right")
    walk_to(box, "guide", "down", "left")
    box.go("ok", screen="channel")
    assert box.app.library.guide and box.texts(lang="mn")
    box.screenshot(SHOTS, "channel-mn")
    box.press("menu")
    assert box.app.lang == "zh" and "节目单" in box.texts()
    box.screenshot(SHOTS, "channel-zh")


def test_the_whole_48_hour_guide_is_browsable_with_the_remote_and_keeps_its_place_across_scripts(world):
    box, _, _ = world
    home(box)
    walk_to(box, "ask", "up", "right")
    walk_to(box, "guide", "down", "left")
    box.go("ok", screen="channel")
    screen = box.app.sm.current_screen
    grid = screen.ids.guide
    # given the server's 48 h guide, every programme that has not ended is listed, not just the first 40
    now = datetime.now().astimezone()
    future = {e["start"] for e in box.app.library.guide if datetime.fromisoformat(e["end"]) > now}
    listed = [d["entry"]["start"] for d in grid.data]
    assert len(future) > 40 and future <= set(listed) and set(listed) <= {e["start"] for e in box.app.library.guide}
    # the programme on air is marked and has the focus
    box.until(lambda: box.focus == grid.data[0]["focus_key"], what="the programme on air focused")
    assert grid.data[0]["airing"] and box.focused_card().ids.when.shown_text == translate("Now", "zh")
    # given the programme on air has half its slot left (the demo's are short: a bounded wait for the next
    # one, which then has the focus), so it is still listed when the first arrow is pressed
    def on_air_for(share: float) -> bool:
        start, end = (datetime.fromisoformat(grid.data[0]["entry"][k]) for k in ("start", "end"))
        return box.focus == grid.data[0]["focus_key"] and end - datetime.now().astimezone() > share * (end - start)
    box.until(lambda: on_air_for(0.5), timeout=90, what="a programme on air with half its slot left")
    keys = [d["focus_key"] for d in grid.data]
    on_air, ends = keys[0], datetime.fromisoformat(grid.data[0]["entry"]["end"])
    # when ↓ is pressed 15 times (3 per row), then the programme 45 places on has the focus, shown with its title
    for _ in range(15):
        box.press("down")
    later = keys[45]
    box.until(lambda: box.focus == later and grid.focused_index() == grid.index_of(later), what="the 46th programme")
    card, entry = box.focused_card(), grid.data[grid.index_of(later)]["entry"]
    assert card.ids.programme.shown_text == entry["title"]["zh"]
    start = datetime.fromisoformat(entry["start"]).astimezone()
    assert f"{start:%H:%M}" in card.ids.when.shown_text                            # in the box's local time
    x, y = card.to_window(*card.pos)
    gx, gy = grid.to_window(*grid.pos)
    assert gy <= y and y + card.height <= gy + grid.height                         # scrolled into view
    box.screenshot(SHOTS, "channel-later-zh")
    # when the programme on air ends meanwhile, it leaves the guide and the focus stays on the same programme
    wait = (ends - datetime.now().astimezone()).total_seconds()
    box.until(lambda: grid.data[0]["focus_key"] != on_air, timeout=wait + 5, what="the programme on air ending")
    box.until(lambda: box.focus == later and grid.focused_index() == 45 - keys.index(grid.data[0]["focus_key"]),
              what="the focus kept on its programme, moved up with the guide")
    assert box.focused_card().ids.programme.shown_text == entry["title"]["zh"]
    # when Menu switches to Mongolian, the guide has 5 columns and the same programme keeps the focus
    key = box.focus
    box.press("menu")
    box.until(lambda: grid.layout_manager.cols == 5 and box.focus == key
              and box.focused_card().ids.programme.shown_lang == "mn", what="the same programme in Mongolian")
    card = box.focused_card()
    assert card.ids.programme.shown_text == entry["title"]["mn"]
    assert card.ids.programme.width >= card.width / 3                              # room for its columns
    x, y = card.to_window(*card.pos)
    assert gy <= y and y + card.height <= gy + grid.height
    box.press("left")                           # the programme before it, in the same row of five
    assert box.focus == keys[44]
    box.screenshot(SHOTS, "channel-later-mn")
    # and back: three columns, still the same programme; OK on it offers its video now
    box.press("right", "menu")
    box.until(lambda: grid.layout_manager.cols == 3 and box.focus == key, what="the same programme in Chinese")
    box.go("ok", screen="detail")
    assert str(box.app.sm.current_screen.params["item_id"]) == str(entry["item_id"])
    box.go("back", screen="channel")
    box.until(lambda: box.focus == grid.data[0]["focus_key"], what="back on the programme on air")
    # OK on the programme on air plays the channel live
    box.go("ok", screen="player")
    assert box.app.sm.current_screen.params.get("live")
    box.go("back", screen="channel")
    box.until(lambda: box.focus == grid.data[0]["focus_key"], what="back on the programme on air")
    # when that programme ends, "Now" and the focus move to the next one (the demo's slots are short)
    ended, ends = grid.data[0]["focus_key"], datetime.fromisoformat(grid.data[0]["entry"]["end"])
    wait = (ends - datetime.now().astimezone()).total_seconds()
    box.until(lambda: grid.data[0]["focus_key"] != ended and grid.data[0]["airing"]
              and box.focus == grid.data[0]["focus_key"], timeout=wait + 5, what="the next programme on air")
    assert box.focused_card().ids.when.shown_text == translate("Now", "zh")


def test_mongolian_is_shaped_not_drawn_letter_by_letter(world):
    from PIL import ImageFont

    from stb_app import fonts
    from stb_app.ui import text
    word, size = "ᠮᠣᠩᠭᠣᠯ", 64
    drawn = text.line_texture("mong", word, size).width
    font = str(fonts.mongolian_font())
    shaped = ImageFont.truetype(font, size, layout_engine=ImageFont.Layout.RAQM).getlength(word)  # HarfBuzz via raqm
    isolated = sum(ImageFont.truetype(font, size, layout_engine=ImageFont.Layout.BASIC).getlength(c) for c in word)
    assert abs(drawn - shaped) <= 0.1 * shaped
    assert drawn < 0.85 * isolated                                # joined letters are much narrower


def test_the_box_keeps_browsing_calmly_when_the_server_goes_away_and_sends_later(world):
    box, server, _ = world
    home(box)
    server.kill()
    box.app.refresh()
    box.until(lambda: box.app.offline, timeout=30, what="offline noticed")
    note = box.app.root.ids.offline_note
    assert note.opacity == 1 and "暂时连不上网络" in note.shown_text
    walk_to(box, "watch", "left", "up")
    box.go("ok", screen="watch")
    assert box.app.sm.current_screen.ids.grid.data                # the catalog from the disk cache
    box.screenshot(SHOTS, "offline-watch-zh")
    home(box)
    key = box.app.library.outbox.add({"topic": "wages", "phrases": [], "text": "工资", "phone": "13812345678",
                                      "callback_window": "any", "language": "zh"})
    walk_to(box, "ask", "right")                                 # along the panels: Right never leaves a row
    walk_to(box, "questions", "down", "right")
    box.go("ok", screen="questions")
    assert "等待发送" in box.texts()                              # waiting to send, not lost
    box.screenshot(SHOTS, "offline-questions-zh")
    server.start()                                                # the link returns
    box.app.library.outbox.retry_now()
    box.app.flush_outbox()
    box.until(lambda: not box.app.library.outbox.waiting(), timeout=30, what="the outbox to drain")
    box.app.refresh()
    box.until(lambda: not box.app.offline, timeout=30, what="online again")
    assert key not in [e.key for e in box.app.library.outbox.waiting()]
    time.sleep(0)
