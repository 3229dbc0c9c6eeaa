"""Set-top box benchmarks (run by hand): `python bench/box.py [--server-data DIR] [--first-frame-only]
[--keys-only] [--keys-before REV] [--keys-after REV]`.

Prints medians and ratios against references measured in the same run:
  1. cold start to an interactive home screen (reference: a bare Kivy window opening);
  2. a key press to the next drawn frame in a grid of 500 catalog items (references: a bare Kivy
     window reacting to the same keys, and 1 frame at 60 fps); with `--keys-before REV` the app as
     of git revision REV runs interleaved in the same run, for a before/after (`--keys-after REV`
     measures REV instead of the working tree);
  3. resident memory with 500 posters cached and scrolled through (reference: the 200 MB target);
  4. OK on a video to its first frame over a link shaped to 512 kbit/s and 300 ms round trip with
     `tc netem` on a veth pair between network namespaces (reference: the same over an unshaped veth).
Each measurement runs the app in its own process under its own Xvfb display.
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


def child(mode: str, data: str, server: str, extra: str = "") -> None:
    """One measurement inside a fresh process; prints one JSON line."""
    started = time.monotonic()
    Path(data).mkdir(parents=True, exist_ok=True)
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    from tests.box_ui import launch, start_xvfb
    xvfb, display = start_xvfb()
    try:
        if mode == "keys-bare":  # the reference: a bare Kivy window that recolours a square per key
            os.environ["DISPLAY"] = display
            from stb_app.main import configure_kivy
            configure_kivy(1920, 1080, Path(data))
            from kivy.app import App
            from kivy.base import EventLoop
            from kivy.core.window import Window
            from kivy.graphics import Color, Rectangle
            from kivy.uix.widget import Widget

            class BareKeys(App):
                def build(self):
                    root = Widget()
                    with root.canvas:
                        self.color = Color(0.2, 0.2, 0.2, 1)
                        Rectangle(pos=(100, 100), size=(400, 300))
                    Window.bind(on_key_down=lambda *_: setattr(self.color, "r", 1.2 - self.color.r))
                    return root
            app = BareKeys()
            app._run_prepare()
            for _ in range(10):
                EventLoop.idle()
            print(json.dumps(key_latencies(EventLoop)))
            return
        if mode == "bare":
            os.environ["DISPLAY"] = display
            os.environ["KIVY_NO_CONSOLELOG"] = "1"
            from stb_app.main import configure_kivy
            configure_kivy(1920, 1080, Path(data))
            from kivy.app import App
            from kivy.base import EventLoop
            from kivy.uix.label import Label

            class Bare(App):
                def build(self):
                    return Label(text="hello")
            app = Bare()
            app._run_prepare()
            EventLoop.idle()
            print(json.dumps({"seconds": time.monotonic() - started, "rss_kb": rss_kb()}))
            return
        box = launch(server, Path(data), display, language="zh")
        if mode == "coldstart":
            print(json.dumps({"seconds": time.monotonic() - started}))
            return
        if mode == "keys":
            from kivy.core.window import Window
            box.until(lambda: len(box.app.library.catalog["items"]) >= 500, what="500 items")
            box.go("ok", screen="watch")
            box.press("down")
            result = key_latencies(box.loop)
            rss = int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmRSS")))
            print(json.dumps(dict(result, rss_kb=rss, focus=box.focus)))
            return
        if mode in ("memory", "memory-kivy-loader"):
            from kivy.core.window import Window

            from stb_app.ui import posters
            if mode == "memory-kivy-loader":  # the reference: posters through Kivy's image loader
                use_kivy_image_loader()
            box.until(lambda: len(box.app.library.catalog["items"]) >= 500, what="500 items")
            box.go("ok", screen="watch")
            box.press("down")
            home = rss_kb()
            # every one of the 100 rows of posters comes on screen once, then back up a screen
            for key in ["down"] * 100 + ["up"] * 6:
                Window.dispatch("on_key_down", {"up": 273, "down": 274}[key], 0, None, [])
                box.pump(2)
            from kivy.cache import Cache
            print(json.dumps({"rss_kb": rss_kb(), "watch_kb": home, "focus": box.focus,
                              "posters_kept": posters.cached_count(),
                              "kivy_images_kept": len(Cache._objects.get("kv.image", {}))}))
            return
        if mode in ("firstframe", "firstframe-whole"):
            box.until(lambda: box.app.library.catalog["items"], timeout=60, what="catalog")
            item = box.app.library.catalog["items"][0]
            player = box.app.player
            if mode == "firstframe-whole":  # the reference: FFmpeg reads the whole master
                player._write_one_rung_master = lambda *_: None
                player.backend.LIB_OPTS = {}
            wait_for_quiet_link(box)
            t0 = time.monotonic()
            box.app.open("player", item_id=item["id"], position=0.0)
            seen = []

            def first_frame():
                if player.backend.first_frame_at is not None:
                    seen.append((player.backend.first_frame_at, player.rung_name))
                return bool(seen)
            box.until(first_frame, timeout=120, what="first frame")
            print(json.dumps({"seconds": seen[0][0] - t0, "rung": seen[0][1], "t0": t0, "t1": seen[0][0]}))
            player.close()
    finally:
        xvfb.terminate()


def key_latencies(loop) -> dict:
    """Presses arrows one at a time; per key, seconds from dispatch to the next frame handed to
    GL (`latencies`, the on_flip event) and to that frame swapped to the screen (`swapped`)."""
    from kivy.core.window import Window
    flips: list[float] = []
    Window.bind(on_flip=lambda *_: flips.append(time.perf_counter()))
    latencies, swapped = [], []
    for key in ["right"] * 4 + ["down"] * 20 + ["left"] * 4 + ["up"] * 10:
        before = len(flips)
        t0 = time.perf_counter()
        Window.dispatch("on_key_down", {"right": 275, "left": 276, "up": 273, "down": 274}[key], 0, None, [])
        while len(flips) == before:
            loop.idle()
        swapped.append(time.perf_counter() - t0)
        latencies.append(flips[before] - t0)
        for _ in range(2):
            loop.idle()
    return {"latencies": latencies, "swapped": swapped}


def rss_kb() -> int:
    return int(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmRSS")))


def use_kivy_image_loader() -> None:
    """The earlier poster drawing, for a reference in the same run: Kivy's image loader decodes
    each file at full size and keeps it (and its texture) for 60 s, with no count limit."""
    from kivy.core.image import Image as CoreImage
    from kivy.graphics import Color, Rectangle

    from stb_app.ui.widgets import AsyncPoster

    def _draw(self, *_):  # the same name: Kivy binds methods weakly by name
        self.canvas.clear()
        with self.canvas:
            Color(0.12, 0.13, 0.17, 1)
            Rectangle(pos=self.pos, size=self.size)
            if self.path:
                Color(1, 1, 1, 1)
                Rectangle(texture=CoreImage(self.path).texture, pos=self.pos, size=self.size)
    AsyncPoster._draw = _draw


def wait_for_quiet_link(box, quiet: float = 1.5, limit: float = 30.0) -> None:
    """Lets the box finish its start-up refresh before OK (a household browses a while first):
    waits until the shaping proxy has carried nothing for `quiet` seconds (or 3 s unproxied)."""
    log = os.environ.get("BENCH_PROXY_LOG")
    started = time.monotonic()
    while time.monotonic() - started < limit:
        box.pump(5)
        if log is None:
            if time.monotonic() - started > 3:
                return
            continue
        lines = Path(log).read_text().splitlines() if Path(log).exists() else []
        if not lines or time.monotonic() - float(lines[-1].split(" ", 1)[0]) > quiet:
            return


def run_child(mode: str, data: Path, server: str, netns: str | None = None, env: dict | None = None,
              script: Path | None = None) -> dict:
    cmd = [PYTHON, str(script or __file__), "--child", mode, str(data), server]
    if netns:
        cmd = ["ip", "netns", "exec", netns, *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=script.parent.parent if script else ROOT,
                         env=dict(os.environ, KIVY_NO_CONSOLELOG="1", **(env or {})))
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"{mode} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return json.loads(lines[-1])


def fill_offline_catalog(data: Path, count: int = 500) -> None:
    """A box cache holding `count` catalog items with posters, as after browsing online once."""
    from PIL import Image, ImageDraw

    from stb_app.api import ApiClient
    from stb_app.cache import DiskCache
    data.mkdir(parents=True, exist_ok=True)
    cache = DiskCache(data / "cache")
    api = ApiClient("http://127.0.0.1:9", data)
    items = []
    for n in range(count):
        poster = f"/media/posters/bench{n}/poster.jpg"
        path = cache.file_path(api.url(poster))
        if not path.exists():
            image = Image.new("RGB", (480, 270), ((n * 37) % 255, (n * 91) % 255, 120))
            ImageDraw.Draw(image).text((20, 20), f"{n}", fill=(255, 255, 255))
            image.save(path, "JPEG", quality=80)
        items.append({"id": f"bench{n}", "category": "c", "title": {"zh": f"案例视频 {n}", "mn": f"ᠬᠡᠷᠡᠭ {n}"},
                      "summary": {"zh": "", "mn": ""}, "duration": 60, "poster": poster, "thumb": poster,
                      "hls": "", "audio": ["zh", "mn"], "subtitles": [], "published_at": ""})
    cache.write("catalog", {"version": "bench", "categories": [{"id": "c", "title": {"zh": "案例", "mn": "ᠬᠡᠷᠡᠭ"}}],
                            "items": items}, None)


def sh(*args: str, check: bool = True) -> None:
    subprocess.run(args, check=check, capture_output=True)


def shaped_link(rate: str | None) -> tuple[str, str]:
    """A veth pair between a fresh namespace (the box) and the host (the server), optionally
    shaped with netem on both ends; returns (namespace, host address)."""
    ns = f"ltvbox{os.getpid() % 10000}"
    sh("ip", "netns", "add", ns)
    sh("ip", "link", "add", f"{ns}h", "type", "veth", "peer", "name", f"{ns}b")
    sh("ip", "link", "set", f"{ns}b", "netns", ns)
    sh("ip", "addr", "add", "10.231.0.1/24", "dev", f"{ns}h")
    sh("ip", "link", "set", f"{ns}h", "up")
    sh("ip", "netns", "exec", ns, "ip", "addr", "add", "10.231.0.2/24", "dev", f"{ns}b")
    sh("ip", "netns", "exec", ns, "ip", "link", "set", f"{ns}b", "up")
    sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
    if rate:
        sh("tc", "qdisc", "add", "dev", f"{ns}h", "root", "netem", "delay", "150ms", "rate", rate)
        sh("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", f"{ns}b", "root", "netem", "delay", "150ms", "rate", rate)
    return ns, "10.231.0.1"


def drop_link(ns: str) -> None:
    sh("ip", "link", "del", f"{ns}h", check=False)
    sh("ip", "netns", "del", ns, check=False)


BACKLOG = 0.5  # seconds of data the shaped line queues (a router buffer of 32 KB at 512 kbit/s)


def shaping_proxy(listen_port: int, target_port: int, rate_bps: int, one_way_delay: float,
                  log_path: str | None = None) -> None:
    """A TCP proxy on loopback that paces each direction to `rate_bps` and delays it by
    `one_way_delay` (used when the kernel has no netem qdisc). All connections share the one
    link, as on a real 512 kbit/s line. With `log_path`, appends `monotonic GET path` for each
    request and `monotonic bytes N` for each chunk delivered to the client."""
    import asyncio
    log = open(log_path, "a", buffering=1) if log_path else None
    link_free = {"up": 0.0, "down": 0.0}  # when each direction of the shared link is next free

    async def pipe(reader, writer, direction):
        queue: asyncio.Queue = asyncio.Queue()
        loop = asyncio.get_running_loop()

        async def deliver():
            while True:
                at, chunk = await queue.get()
                if chunk is None:
                    writer.close()
                    return
                await asyncio.sleep(max(0.0, at - loop.time()))
                try:
                    writer.write(chunk)
                    await writer.drain()
                except OSError:  # the client went away (a player closing mid-segment)
                    return
                if log and direction == "down":
                    log.write(f"{time.monotonic():.3f} bytes {len(chunk)}\n")
        sender = asyncio.create_task(deliver())
        while True:
            # a real line holds about BACKLOG seconds in its queue; TCP keeps the rest at the
            # sender, so bytes of a response the client abandons are not all sent
            await asyncio.sleep(max(0.0, link_free[direction] - loop.time() - BACKLOG))
            try:
                chunk = await reader.read(1460)
            except OSError:  # reset by a player closing mid-segment
                chunk = b""
            if not chunk or sender.done():  # the far end closed, or this end went away
                await queue.put((0, None))
                break
            if log and direction == "up" and chunk.startswith(b"GET "):
                log.write(f"{time.monotonic():.3f} GET {chunk.split(b' ', 2)[1].decode()}\n")
            link_free[direction] = max(loop.time(), link_free[direction]) + len(chunk) * 8 / rate_bps
            await queue.put((link_free[direction] + one_way_delay, chunk))
        await sender

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1", target_port)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, "up"), pipe(server_reader, client_writer, "down"),
                             return_exceptions=True)

    async def run():
        server = await asyncio.start_server(handle, "127.0.0.1", listen_port)
        async with server:
            await server.serve_forever()
    asyncio.run(run())


def main() -> None:
    import tempfile
    work = Path(tempfile.mkdtemp(prefix="box-bench-"))
    print("box benchmarks (medians of", RUNS, "runs)")
    if "--keys-only" in sys.argv:  # only the key-to-frame part (with --keys-before REV: before/after)
        fill_offline_catalog(work / "offline")
        key_to_frame(work, work / "offline")
        return
    if "--first-frame-only" not in sys.argv:
        other_benchmarks(work)
    first_frame(work)


def other_benchmarks(work: Path) -> None:
    bares = [run_child("bare", work / f"bare{i}", "") for i in range(RUNS)]
    bare = statistics.median(b["seconds"] for b in bares)
    offline = work / "offline"
    fill_offline_catalog(offline)
    cold = statistics.median(run_child("coldstart", offline, "http://127.0.0.1:9")["seconds"] for _ in range(RUNS))
    print(f"cold start to interactive home: {cold:.2f} s (bare Kivy window {bare:.2f} s, ratio {cold / bare:.2f}; target 2 s)")

    keys = key_to_frame(work, offline)
    memory(offline, statistics.median(b["rss_kb"] for b in bares) / 1024)


def memory(offline: Path, bare_mb: float) -> None:
    """Resident memory after all 500 posters were scrolled through, against the earlier drawing
    (Kivy's image loader) and a bare Kivy window, all in this run, interleaved."""
    runs: dict[str, list[dict]] = {"memory": [], "memory-kivy-loader": []}
    for _ in range(RUNS):
        for mode in runs:
            runs[mode].append(run_child(mode, offline, "http://127.0.0.1:9"))

    def mb(mode: str, field: str = "rss_kb") -> float:
        return statistics.median(r[field] for r in runs[mode]) / 1024
    now, before = mb("memory"), mb("memory-kivy-loader")
    print(f"resident memory, 500 posters cached and scrolled through: {now:.0f} MB "
          f"(ratio to 200 MB target {now / 200:.2f})")
    print(f"  posters through Kivy's image loader (earlier way), same run: {before:.0f} MB "
          f"(ratio now/earlier {now / before:.2f}); kept {runs['memory'][0]['posters_kept']} poster textures "
          f"vs {runs['memory-kivy-loader'][0]['kivy_images_kept']} full-size images")
    print(f"  on entering the grid: {mb('memory', 'watch_kb'):.0f} MB; a bare Kivy window on this machine: "
          f"{bare_mb:.0f} MB (software GL: llvmpipe), so the app's own share is {now - bare_mb:.0f} MB "
          f"(earlier {before - bare_mb:.0f} MB)")


def checkout(rev: str, work: Path, script: Path = Path(__file__)) -> Path:
    """The box app, its test driver and catalogs as of git revision `rev` in a scratch directory,
    with a bench script (this one by default) beside them; returns the script's path there."""
    tree = work / f"rev-{rev.replace('/', '_')}"
    tree.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev, "stb_app", "tests/__init__.py", "tests/box_ui.py", "locales"],
                             cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    for mo in (ROOT / "locales").glob("*/LC_MESSAGES/*.mo"):  # compiled catalogs are not in git
        (tree / mo.relative_to(ROOT)).write_bytes(mo.read_bytes())
    (tree / "bench").mkdir(exist_ok=True)
    (tree / "bench" / script.name).write_text(script.read_text())
    return tree / "bench" / script.name


def key_to_frame(work: Path, offline: Path) -> dict:
    """Key press to next frame: the app now, a bare Kivy window, and (with --keys-before REV) the
    app as of REV, runs interleaved; prints medians over all keys of all runs, and ratios."""
    variants: dict[str, Path | None] = {"bare Kivy window": None}
    for flag in ("--keys-before", "--keys-after"):  # --keys-after REV: REV instead of the working tree
        if flag in sys.argv:
            rev = sys.argv[sys.argv.index(flag) + 1]
            variants[f"app at {rev}"] = checkout(rev, work)
    if "--keys-after" not in sys.argv:
        variants["app now"] = None
    runs: dict[str, list[dict]] = {name: [] for name in variants}
    for i in range(RUNS):
        for name, script in variants.items():
            mode = "keys-bare" if name.startswith("bare") else "keys"
            data = work / f"keys-bare{i}" if mode == "keys-bare" else offline
            runs[name].append(run_child(mode, data, "http://127.0.0.1:9", script=script))
    medians = {}
    for name, results in runs.items():
        issued = [t * 1000 for r in results for t in r["latencies"]]
        swapped = [t * 1000 for r in results for t in r["swapped"]]
        per_run = ", ".join(f"{statistics.median(r['latencies']) * 1000:.1f}" for r in results)
        medians[name] = statistics.median(issued), statistics.median(swapped)
        print(f"key press to next frame, {name}: median {medians[name][0]:.1f} ms to the frame drawn "
              f"(runs {per_run}), p90 {sorted(issued)[int(0.9 * len(issued))]:.1f} ms; "
              f"{medians[name][1]:.1f} ms to it swapped on screen")
    bare = medians["bare Kivy window"]
    for name, (issued, swapped) in medians.items():
        if not name.startswith("bare"):
            print(f"  {name}: ratio to bare Kivy {issued / bare[0]:.2f} drawn, {swapped / bare[1]:.2f} swapped; "
                  f"ratio to one 60 fps frame {issued / 16.7:.2f}")
    return runs[list(runs)[-1]][-1]


def first_frame(work: Path) -> None:
    server_data = Path(sys.argv[sys.argv.index("--server-data") + 1]) if "--server-data" in sys.argv else None
    if server_data is None:
        print("first frame over 512 kbit/s / 300 ms: skipped (pass --server-data DIR of a `content-server demo`)")
        return
    def without_netem(err: subprocess.CalledProcessError) -> None:
        drop_link(f"ltvbox{os.getpid() % 10000}")
        print(f"first frame: netem unavailable ({err.stderr.decode().strip()}); "
              "shaping loopback with a pacing proxy instead")
        first_frame_over_proxy(server_data, work)

    try:  # is netem there at all? (not every kernel ships sch_netem)
        ns, _ = shaped_link("512kbit")
        drop_link(ns)
    except subprocess.CalledProcessError as err:
        return without_netem(err)
    results = {}
    for label, rate in (("unshaped", None), ("512kbit/300ms", "512kbit")):
        try:
            ns, host = shaped_link(rate)
        except subprocess.CalledProcessError as err:
            return without_netem(err)
        server = subprocess.Popen([PYTHON, "-m", "content_server.cli", "serve", "--data", str(server_data),
                                   "--host", host, "--port", "8391"], cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(3)
            times = [run_child("firstframe", work / f"ff-{label.replace('/', '_')}-{i}", f"http://{host}:8391", ns)
                     for i in range(RUNS)]
            results[label] = statistics.median(t["seconds"] for t in times)
            rungs = {t["rung"] for t in times}
        finally:
            server.terminate()
            server.wait()
            drop_link(ns)
        print(f"first frame after OK, {label}: {results[label]:.2f} s (rung {', '.join(sorted(rungs))})")
    print(f"first frame shaped/unshaped ratio: {results['512kbit/300ms'] / results['unshaped']:.2f} (target 3 s shaped)")


def traffic_before(log_path: Path, t0: float, t1: float) -> tuple[list[str], int]:
    """The paths requested and the bytes delivered through the proxy between t0 and t1."""
    paths, nbytes = [], 0
    for line in log_path.read_text().splitlines():
        at, kind, value = line.split(" ", 2)
        if t0 <= float(at) <= t1:
            if kind == "GET":
                paths.append(value.rsplit("/", 2)[-2] + "/" + value.rsplit("/", 1)[-1])
            else:
                nbytes += int(value)
    return paths, nbytes


def first_frame_over_proxy(server_data: Path, work: Path) -> None:
    """First frame with the one-rung master the player writes, side by side with the reference
    (FFmpeg given the whole master, as before), runs interleaved, on loopback and shaped."""
    results = {}
    log_path = work / "proxy.log"
    server = subprocess.Popen([PYTHON, "-m", "content_server.cli", "serve", "--data", str(server_data),
                               "--port", "8392"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proxy = subprocess.Popen([PYTHON, __file__, "--proxy", "8393", "8392", "512000", "0.15", str(log_path)], cwd=ROOT,
                             stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)
        for label, url in (("loopback", "http://127.0.0.1:8392"), ("512kbit/300ms", "http://127.0.0.1:8393")):
            runs: dict[str, list[dict]] = {"firstframe-whole": [], "firstframe": []}
            for i in range(RUNS):
                for mode in runs:
                    runs[mode].append(run_child(mode, work / f"ffp-{mode}-{label.replace('/', '_')}-{i}", url,
                                                env={"BENCH_PROXY_LOG": str(log_path)}))
            for mode, times in runs.items():
                what = "whole master (before)" if mode == "firstframe-whole" else "one-rung master"
                results[label, mode] = statistics.median(t["seconds"] for t in times)
                traffic = ""
                if url.endswith("8393"):
                    paths, nbytes = traffic_before(log_path, times[-1]["t0"], times[-1]["t1"])
                    traffic = f"; before it: {len(paths)} requests, {nbytes / 1024:.0f} KiB: {' '.join(paths)}"
                print(f"first frame after OK, {label}, {what}: {results[label, mode]:.2f} s "
                      f"(rung {', '.join(sorted({t['rung'] for t in times}))}{traffic})")
    finally:
        proxy.terminate()
        server.terminate()
    shaped, whole = results["512kbit/300ms", "firstframe"], results["512kbit/300ms", "firstframe-whole"]
    print(f"first frame shaped: {shaped:.2f} s one-rung vs {whole:.2f} s whole master (ratio {shaped / whole:.2f}); "
          f"shaped/loopback ratio {shaped / results['loopback', 'firstframe']:.2f} (target 3 s shaped)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--proxy":
        shaping_proxy(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]),
                      sys.argv[6] if len(sys.argv) > 6 else None)
        sys.exit(0)
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        main()
