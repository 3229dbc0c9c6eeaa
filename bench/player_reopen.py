"""Player reopen benchmark (run by hand): `python bench/player_reopen.py --server-data DIR [--before REV]`.

An audio-language switch reopens the stream at the current position. Over a loopback link paced
to 512 kbit/s with a 300 ms round trip (bench/box.py's pacing proxy), and unpaced, this measures
for the player now and for the player at git revision REV (default: main), runs interleaved:
  - seconds from the switch to the reopened player's first frame (target ≤ 2 s shaped);
  - where the sound resumed against where the household was (0 = on the second; FFmpeg's HLS
    seek rounds back to the segment start, 6 s segments): the clock 1.5 s after the picture less
    those 1.5 s (a sound starting late after the picture reads as early), and where the reopened
    clock stood before it moved; where the first opening at the resume point landed;
  - on the paced link, the requests and bytes between the switch and the first frame.
The video is opened at 6.3 s or 10.3 s and switched a second later: at about 7.4 s the next
keyframe (8 s) is in the same 6 s segment, at about 11.4 s it is in the next one.
Prints medians and ratios now/before. DIR is a `content-server demo` data root.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
RUNS = 3
OPEN_AT = (6.3, 10.3)   # seconds into the video


def child(data: str, server: str, open_at: float) -> None:
    """Opens the first video at `open_at`, lets it play 1 s, switches the audio; prints one JSON line."""
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    Path(data).mkdir(parents=True, exist_ok=True)
    from tests.box_ui import launch, start_xvfb
    from bench.box import wait_for_quiet_link
    xvfb, display = start_xvfb()
    try:
        box = launch(server, Path(data), display, language="zh")
        box.until(lambda: box.app.library.catalog["items"], timeout=60, what="catalog")
        item = box.app.library.catalog["items"][0]
        player = box.app.player
        wait_for_quiet_link(box)
        box.app.open("player", item_id=item["id"], position=open_at)
        # a second of playing on one rung (the first throughput probe may step up and reopen)
        def playing_a_second() -> bool:
            shown = player.backend.first_frame_at
            return shown is not None and time.monotonic() - shown > 1.0
        shown = None
        while shown is None:  # a probe's rung step may reopen right after the second is reached
            box.until(playing_a_second, timeout=120, what="playing")
            shown = player.backend.first_frame_at
        clock = lambda: float(player.backend.mp.get_pts()) - 1.48  # noqa: E731 (the TS start offset)
        was, t0 = clock(), time.monotonic()
        opened = was - (t0 - shown) - open_at
        select = getattr(player, "select_audio", None) or player.set_audio  # the revision before calls it set_audio
        select("mn" if player.audio_lang != "mn" else "zh")
        box.until(lambda: player.backend.first_frame_at is not None, timeout=120, what="reopened frame")
        first = player.backend.first_frame_at
        # where the reopened clock stood before it moved: the place the sound starts from
        readings: list[float] = []

        def sound_moving() -> bool:
            value = clock()
            if value == value and value > 0 and (not readings or value != readings[-1]):
                readings.append(value)
            return len(readings) >= 2
        box.until(sound_moving, timeout=10, what="the sound moving")
        box.until(lambda: time.monotonic() - first > 1.5, timeout=5, what="playing on")
        if player.backend.first_frame_at != first:
            raise RuntimeError("reopened again while measuring")
        # the sound resumed at: the clock now less the time played since the first frame (a sound
        # starting late after the picture counts as starting early in the video)
        resumed = clock() - (time.monotonic() - first)
        traffic = ""
        if os.environ.get("BENCH_PROXY_LOG"):
            from bench.box import traffic_before
            paths, nbytes = traffic_before(Path(os.environ["BENCH_PROXY_LOG"]), t0, first)
            traffic = f"{len(paths)} requests, {nbytes / 1024:.0f} KiB: {' '.join(paths)}"
        print(json.dumps({"first_frame": first - t0, "was": was, "resumed": resumed, "opened": opened,
                          "error": resumed - was, "start": readings[0] - was, "rung": player.rung_name,
                          "traffic": traffic}))
        player.close()
    finally:
        xvfb.terminate()


def run_child(script: Path, data: Path, server: str, open_at: float, env: dict) -> dict:
    out = subprocess.run([PYTHON, str(script), "--child", str(data), server, str(open_at)], capture_output=True, text=True,
                         timeout=300, cwd=script.parent.parent, env=dict(os.environ, KIVY_NO_CONSOLELOG="1", **env))
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"child failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


def checkout(rev: str, work: Path) -> Path:
    """The box app and its test driver as of `rev`, with these bench scripts beside them."""
    from bench.box import checkout as box_checkout
    script = box_checkout(rev, work)
    (script.parent / "player_reopen.py").write_text(Path(__file__).read_text())
    (script.parent / "__init__.py").touch()
    return script.parent / "player_reopen.py"


def main() -> None:
    import tempfile
    if "--server-data" not in sys.argv:
        sys.exit("pass --server-data DIR of a `content-server demo`")
    server_data = Path(sys.argv[sys.argv.index("--server-data") + 1])
    rev = sys.argv[sys.argv.index("--before") + 1] if "--before" in sys.argv else "main"
    work = Path(tempfile.mkdtemp(prefix="reopen-bench-"))
    variants = {f"before ({rev})": checkout(rev, work), "now": Path(__file__)}
    log_path = work / "proxy.log"
    server = subprocess.Popen([PYTHON, "-m", "content_server.cli", "serve", "--data", str(server_data),
                               "--port", "8394"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proxy = subprocess.Popen([PYTHON, str(ROOT / "bench" / "box.py"), "--proxy", "8395", "8394", "512000", "0.15",
                              str(log_path)], cwd=ROOT, stderr=subprocess.DEVNULL)
    print(f"audio switch a second after opening: reopen to first frame, where the sound resumed (medians of {RUNS})")
    try:
        time.sleep(3)
        for label, url in (("loopback", "http://127.0.0.1:8394"), ("512kbit/300ms", "http://127.0.0.1:8395")):
            for open_at in OPEN_AT:
                runs: dict[str, list[dict]] = {name: [] for name in variants}
                for i in range(RUNS):
                    for name, script in variants.items():
                        data = work / f"{name.split()[0]}-{label.replace('/', '_')}-{open_at}-{i}"
                        env = {"BENCH_PROXY_LOG": str(log_path)} if url.endswith("8395") else {}
                        runs[name].append(run_child(script, data, url, open_at, env))
                medians = {}
                for name, results in runs.items():
                    ff = statistics.median(r["first_frame"] for r in results)
                    medians[name] = ff
                    each = ", ".join(f"{r['first_frame']:.2f}" for r in results)
                    print(f"{label}, opened at {open_at} s, {name}: first frame after the switch {ff:.2f} s "
                          f"(runs {each}); sound resumed "
                          f"{statistics.median(r['error'] for r in results):+.2f} s from where it was "
                          f"(worst {max((r['error'] for r in results), key=abs):+.2f} s; the clock stood "
                          f"{statistics.median(r['start'] for r in results):+.2f} s from it before it moved); "
                          f"the opening landed "
                          f"{statistics.median(r['opened'] for r in results):+.2f} s from {open_at} s; rung "
                          f"{', '.join(sorted({r['rung'] for r in results}))}")
                    if results[-1]["traffic"]:
                        print(f"    last run, switch to first frame: {results[-1]['traffic']}")
                before = medians[f"before ({rev})"]
                print(f"  {label}, opened at {open_at} s: first frame now/before ratio {medians['now'] / before:.2f}")
    finally:
        proxy.terminate()
        server.terminate()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        main()
