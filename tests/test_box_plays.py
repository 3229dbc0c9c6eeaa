"""What households watch, end to end with the remote alone: the box plays two demo videos (one to
its end after an audio switch, one only begun), keeps the events on disk, sends them as one batch,
and then the Popular row on home and the Popular choice on the watch screen hold the finished
video, and the editors' statistics count both plays. Both scripts; screenshots go to
test-artifacts/box-plays/."""
from __future__ import annotations

import json
import urllib.request

import pytest

from content_server.kernel.config import Settings
from stb_app.i18n import translate

from .box_ui import launch
from .conftest import ARTIFACTS, ServerProcess
from .demo_content import fill_demo_copy
from .test_box_notices import editor_token, refreshed
from .test_box_ui import home, set_language, walk_to

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "box-plays"
SECONDS = 12


@pytest.fixture(scope="module")
def world(tmp_path_factory, box_display):
    root = tmp_path_factory.mktemp("plays")
    # no sample plays: the figures and the Popular row start from this box's plays alone
    settings = Settings(data=root / "data", extra={"demo_seconds": SECONDS, "demo_count": 2, "demo_plays": False})
    fill_demo_copy(settings)
    server = ServerProcess(settings.data).start()
    box = launch(server.url, root / "box", box_display, language="zh")  # region 152500
    box.until(lambda: len(box.app.library.catalog["items"]) >= 2, what="two videos in the catalog")
    for timer in box.app.timers:                     # refreshes and sending happen when the test says so
        timer.cancel()
    yield box, server, root
    box.app.player.close()
    server.stop()


def open_poster(box, index: int) -> str:
    """Home → Watch → poster `index` of All videos → its page; returns the video's id."""
    home(box)
    walk_to(box, "watch", "left", "up")
    box.go("ok", screen="watch")
    box.press("down")
    for _ in range(index):
        box.press("right")
    item_id = box.focus.split(":", 1)[1]
    box.go("ok", screen="detail")
    box.until(lambda: box.focus is not None, what="focus on the page")
    return item_id


def statistics(server, token: str) -> dict:
    request = urllib.request.Request(server.url + "/api/v1/plays/statistics", headers={"Authorization": f"Bearer {token}"})
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def test_plays_reach_the_popular_row_and_the_editors_statistics(world):
    box, server, root = world
    library = box.app.library
    # the household watches the first video to its end in Chinese, switching the sound to Mongolian
    set_language(box, "zh")
    finished = open_poster(box, 0)
    box.press("ok")
    assert box.screen == "player"
    box.until(lambda: box.app.player.texture is not None, timeout=60, what="the first frame")
    box.press("up")                                            # the sound in Mongolian
    box.until(lambda: box.app.player.texture is not None and box.app.player.state == "playing", timeout=60,
              what="playing after the audio switch")
    box.press("right")                                         # 10 s on: the last seconds play
    box.until(lambda: box.screen == "detail", timeout=60, what="the page after the end")
    # and begins the second in Mongolian, stopping after a few seconds
    set_language(box, "mn")
    begun = open_poster(box, 1)
    assert begun != finished
    box.press("ok")
    box.until(lambda: box.app.player.position >= SECONDS * 0.3, timeout=60, what="a quarter watched")
    box.go("back", screen="detail")
    # then every event waits on disk (stored off the UI thread), nothing naming the household
    def kinds_stored():
        return [(e["video"], e["event"], e.get("percent")) for e in library.plays.pending()]
    box.until(lambda: (begun, "progress", 25) in kinds_stored() and (finished, "progress", 100) in kinds_stored(),
              what="the events on disk")
    pending = library.plays.pending()
    kinds = kinds_stored()
    assert kinds.count((finished, "start", None)) == 1 and kinds.count((begun, "start", None)) == 1
    assert (finished, "audio", None) in kinds and (finished, "progress", 100) in kinds
    assert (begun, "progress", 25) in kinds and (begun, "progress", 100) not in kinds
    assert all(set(e) <= {"video", "event", "at", "audio", "subtitles", "percent", "seconds", "height"} for e in pending)
    # when the box next sends, they go in one batch, and no second one follows within 15 minutes
    sent = []
    box.app.in_background(library.send_plays, sent.append)
    box.until(lambda: sent, timeout=30, what="the batch sent")
    assert sent == [1] and library.plays.pending() == [] and library.plays.outbox.waiting() == []
    library.plays.record([{"video": finished, "event": "start", "at": 0, "audio": "zh", "subtitles": ""}])
    assert library.send_plays() == 0 and len(library.plays.pending()) == 1
    # then the editors' statistics count both plays, the finished one with its language switch
    counted = {v["id"]: v for v in statistics(server, editor_token(root))["videos"]}
    assert (counted[finished]["starts"], counted[finished]["completes"], counted[finished]["audio_switches"]) == (1, 1, 1)
    assert (counted[begun]["starts"], counted[begun]["quarter"], counted[begun]["completes"]) == (1, 1, 0)
    # and after the box's next refresh, Popular holds the finished video only, in both scripts
    refreshed(box)
    assert [i["id"] for i in library.popular_items()] == [finished]
    for lang in ("mn", "zh"):
        set_language(box, lang)
        walk_to(box, f"popular:{finished}", "down")
        assert translate("Popular", lang) in box.texts()
        box.screenshot(SHOTS, f"home-popular-{lang}")
        box.go("ok", screen="detail")
        assert box.app.sm.current_screen.params["item_id"] == finished
        home(box)
        walk_to(box, "watch", "left", "up")
        box.go("ok", screen="watch")
        walk_to(box, "category:*popular", "up", "right")
        box.press("ok")
        box.press("down")
        assert box.focus == f"item:{finished}"
        assert box.app.sm.current_screen.ids.grid.data and len(box.app.sm.current_screen.ids.grid.data) == 1
        box.screenshot(SHOTS, f"watch-popular-{lang}")
