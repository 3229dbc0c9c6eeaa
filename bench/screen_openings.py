"""First openings of the screens a household reaches from home (run by hand):
`python bench/screen_openings.py [--before REV] [--runs N]`.

For each screen — choose, a topic, services, glossary, the guide, the ask wizard — the time
from the key press to the first frame that shows it with its focus, the first time it is opened
after start-up (the household has looked at home for a few seconds, as one does). The app as
of git revision REV (default HEAD~1: pass the revision before the change) runs interleaved
with the working tree in the same run against the same demo server, in both scripts; prints
medians per screen and the ratio now/before (target: under 0.5 s).
Each measurement is a fresh app process under its own Xvfb display.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
ON_HOME_SECONDS = 10.0   # looking at home before the first key
SCREENS = ["choose", "topic", "services", "glossary", "ask", "channel"]


def child(data: str, server: str, lang: str) -> None:
    """One app, every first opening once; prints one JSON line {screen: seconds}."""
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    from tests.box_ui import launch, start_xvfb
    xvfb, display = start_xvfb()
    try:
        box = launch(server, Path(data), display, language=lang)
        box.until(lambda: box.app.library.catalog["items"] and box.app.library.topics and box.app.library.services,
                  timeout=60, what="content")
        for timer in box.app.timers:
            timer.cancel()
        started = time.monotonic()
        while time.monotonic() - started < ON_HOME_SECONDS:
            box.pump(1)
            time.sleep(0.02)
        seconds: dict[str, float] = {}
        first: list[float] = []
        wanted = [""]

        def focus_on_screen() -> bool:
            card, screen = box.app.navigator.current, box.app.sm.current_screen
            while card is not None and card is not screen:
                card = card.parent if card.parent is not card else None
            return card is not None and box.app.navigator.current.focused

        def on_flip(*_):  # a frame went to the screen: is it the new screen, a card of its own focused?
            if not first and box.screen == wanted[0] and focus_on_screen():
                first.append(time.monotonic())
        from kivy.core.window import Window
        Window.bind(on_flip=on_flip)

        def opening(target: str) -> None:
            """OK on the focused card; the time until the frame showing `target` with its focus."""
            from tests.box_ui import KEYCODES
            first.clear()
            wanted[0] = target
            t0 = time.monotonic()
            Window.dispatch("on_key_down", KEYCODES["ok"], 0, None, [])
            Window.dispatch("on_key_up", KEYCODES["ok"], 0)
            box.until(lambda: first, timeout=60, what=target)
            seconds[target] = first[0] - t0

        def walk_to(target: str, *_directions: str) -> None:
            """Focus the card `target` of the screen on show (the arrows to it differ between
            revisions; what is measured starts at OK)."""
            screen = box.app.sm.current_screen
            card = next((c for c in box.app.navigator.cards(screen) if c.key() == target), None)
            if card is None:
                raise AssertionError(f"no card {target} on {box.screen}")
            box.app.navigator.set_focus(card, screen.name)
            box.pump(2)

        def back_to(screen: str) -> None:
            box.press("back")
            box.until(lambda: box.screen == screen, what=screen)

        walk_to("choose")
        opening("choose")
        opening("topic")                                          # its first situation
        for target in ("services", "glossary"):                   # the topic's action row
            walk_to(target)
            opening(target)
            back_to("topic")
        back_to("choose")
        back_to("home")
        walk_to("ask")
        opening("ask")
        back_to("home")
        walk_to("guide")
        opening("channel")
        print(json.dumps(seconds))
    finally:
        xvfb.terminate()


def run_child(script: Path, data: Path, server: str, lang: str) -> dict:
    out = subprocess.run([PYTHON, str(script), "--child", str(data), server, lang], capture_output=True, text=True,
                         timeout=600, cwd=script.parent.parent, env=dict(os.environ, KIVY_NO_CONSOLELOG="1",
                                                                         KIVY_NO_ARGS="1"))
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"child failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


def main() -> None:
    before = sys.argv[sys.argv.index("--before") + 1] if "--before" in sys.argv else "HEAD~1"
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    from content_server.kernel.config import Settings
    from content_server.demo import fill_demo
    from tests.conftest import ServerProcess
    work = Path(tempfile.mkdtemp(prefix="screen-openings-"))
    settings = Settings(data=work / "server", extra={"demo_seconds": 20, "demo_count": 1})
    fill_demo(settings)
    server = ServerProcess(settings.data).start()
    from bench.box import checkout  # not at the top: a checked-out copy runs this script without bench/box.py
    variants = {f"app at {before}": checkout(before, work, Path(__file__)),
                "app now": ROOT / "bench" / "screen_openings.py"}
    results: dict[tuple[str, str], list[dict]] = {}
    try:
        for i in range(runs):
            for lang in ("zh", "mn"):
                for name, script in variants.items():
                    data = work / f"box-{i}-{lang}-{name.replace(' ', '_')}"
                    results.setdefault((name, lang), []).append(run_child(script, data, server.url, lang))
    finally:
        server.stop()
    screens = SCREENS
    for lang in ("zh", "mn"):
        print(f"first opening, key press to the first frame showing it with its focus ({lang}, {runs} runs, "
              f"after {ON_HOME_SECONDS:.0f} s on home):")
        for screen in screens:
            medians = {name: statistics.median(r[screen] for r in results[name, lang]) for name in variants}
            old, new = medians[f"app at {before}"], medians["app now"]
            print(f"  {screen:9s} before {old:.3f} s  now {new:.3f} s  ratio now/before {new / old:.2f}"
                  f"{'' if new < 0.5 else '  (over 0.5 s)'}")


if __name__ == "__main__":
    if "--child" in sys.argv:
        i = sys.argv.index("--child")
        try:
            child(*sys.argv[i + 1:i + 4])
        except Exception as err:  # Kivy's log is off: say why on stdout
            print(f"child failed: {err!r}")
            raise
    else:
        main()
