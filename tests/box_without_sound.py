"""Plays a video and the channel on a box whose sound device cannot be opened, with remote keys,
and prints what happened as JSON (SDL opens sound once per process, so this runs on its own:
`SDL_AUDIODRIVER=nonexistent python -m tests.box_without_sound SERVER DATA_DIR DISPLAY SHOTS`)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from .box_ui import launch


def main(server: str, data: str, display: str, shots: str) -> None:
    box = launch(server, Path(data), display, audio_driver="nonexistent")
    box.until(lambda: box.app.library.catalog["items"] and box.app.library.channels, what="content")
    from stb_app.i18n import translate
    from .test_box_ui import walk_to
    report = {}
    seen: set[str] = set()

    def on_flip(*_):  # every frame drawn with a picture: what it says
        if box.app.player.texture is not None:
            seen.update(box.texts())
    from kivy.core.window import Window
    Window.bind(on_flip=on_flip)
    # a video: Watch, the first poster, its page, Play
    box.go("ok", screen="watch")
    box.press("down")
    box.go("ok", screen="detail")
    walk_to(box, "play", "right")
    box.go("ok", screen="player")
    box.until(lambda: box.app.player.position > 1, timeout=60, what="the picture moving")
    report["video"] = {"state": box.app.player.state, "texts": sorted(seen)}
    box.screenshot(Path(shots), "video-without-sound-zh")
    box.press("back", "back", "back")
    box.until(lambda: box.screen == "home", what="home")
    seen.clear()
    # the channel, from its card on home (the row under 想问的)
    walk_to(box, "language", "up")
    box.press("down", "down")
    walk_to(box, "channel", "left")
    box.go("ok", screen="player")
    box.until(lambda: box.app.player.texture is not None and seen, timeout=60, what="the channel's first frame")
    report["channel"] = {"state": box.app.player.state, "texts": sorted(seen)}
    report["notice"] = translate("No sound on this box: picture only", "zh")
    box.screenshot(Path(shots), "channel-without-sound-zh")
    box.app.player.close()
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    import traceback
    try:
        main(*sys.argv[1:5])
    except BaseException:  # the app's log is off: the test shows why it stopped
        traceback.print_exc()
        sys.exit(1)
