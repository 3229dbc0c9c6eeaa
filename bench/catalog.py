"""Catalog speed: revalidation and full gzip responses, against aiohttp serving the same bytes as a file.

Run by hand:  .venv/bin/python bench/catalog.py [--items 200] [--rounds 3] [--seconds 5]

Starts a real `content-server serve` on a fresh data root holding ~200 ready catalog items,
and a plain aiohttp static-file server holding the catalog's exact gzip bytes. wrk measures,
in alternating rounds: the catalog with If-None-Match (304), the full gzip catalog, and the
static file. Prints medians and the ratio full / static. Targets (issue 2): revalidation
>= 3,000 req/s with p99 < 50 ms; full responses >= 0.8x the static file.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_server.kernel.config import Settings  # noqa: E402
from content_server.storage import Store, catalog as catalog_sql, media as media_sql  # noqa: E402

CATEGORIES = [("traffic", "交通事故", "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"), ("wages", "劳动工资", "ᠴᠠᠯᠢᠩ ᠬᠥᠯᠥᠰᠥ"),
              ("land", "土地承包", "ᠭᠠᠵᠠᠷ ᠤᠨ ᠭᠡᠷ᠎ᠡ"), ("family", "婚姻继承", "ᠭᠡᠷᠯᠡᠯᠲᠡ ᠪᠠ ᠥᠪ ᠵᠠᠯᠭᠠᠮᠵᠢᠯᠠᠯ")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError("server did not start")


def fill(settings: Settings, items: int) -> None:
    """`items` ready videos with varied bilingual texts drawn from the demo cases (rows and
    picture files only: the catalog reads no video)."""
    from content_server.media.demo import CASES
    rng = random.Random(12348)
    zh_chars = [c for case in CASES for c in case.summary_zh + "".join(case.cues_zh) if c.strip()]
    mn_words = [w for case in CASES for w in (case.summary_mn + " " + " ".join(case.cues_mn)).split()]
    settings.root.create()
    store = Store(settings.root.database)
    for cid, zh, mn in CATEGORIES:
        store.write_blocking(catalog_sql.add_category, cid, zh, mn)
    for n in range(items):
        cid = CATEGORIES[n % len(CATEGORIES)][0]
        vid = f"{rng.getrandbits(128):032x}"
        store.write_blocking(media_sql.add_video_with_job, {
            "id": vid, "category": cid, "title_zh": "".join(rng.choices(zh_chars, k=rng.randint(8, 16))),
            "title_mn": " ".join(rng.choices(mn_words, k=rng.randint(3, 7))),
            "summary_zh": "".join(rng.choices(zh_chars, k=rng.randint(30, 70))),
            "summary_mn": " ".join(rng.choices(mn_words, k=rng.randint(10, 25))),
            "audio_languages": ["zh", "mn"], "subtitle_languages": ["zh", "mn"], "source": {}})
        store.write_blocking(media_sql.finish_job, vid, rng.uniform(60, 900), [])
        posters = settings.root.poster_dir(vid)
        posters.mkdir(parents=True, exist_ok=True)
        for name in ("poster.jpg", "thumb.jpg"):
            (posters / name).write_bytes(b"\xff\xd8\xff")
    store.close()


def static_server(folder: str, port: int) -> None:
    """The reference: aiohttp's own static-file handler (sendfile) on the same bytes."""
    from aiohttp import web
    app = web.Application()
    app.router.add_static("/static", folder)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, seconds: int, connections: int, headers: dict[str, str], pid: int) -> tuple[float, float, float]:
    """(requests per second, p99 latency in ms, server CPU µs per request) from one wrk run."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    cpu_before = cpu_seconds(pid)
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(pid) - cpu_before
    total = int(re.search(r"(\d+) requests in", out).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    if "Non-2xx or 3xx" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    return rate, p99, cpu / max(total, 1) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--static-server", nargs=2, metavar=("FOLDER", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.static_server:
        static_server(args.static_server[0], int(args.static_server[1]))
        return 0

    work = Path(tempfile.mkdtemp(prefix="ltv-bench-catalog-"))
    procs: list[subprocess.Popen] = []
    try:
        settings = Settings(data=work / "data")
        fill(settings, args.items)
        port, static_port = free_port(), free_port()
        procs.append(subprocess.Popen([sys.executable, "-m", "content_server.cli", "serve", "--data",
                                       str(settings.data), "--port", str(port)], cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=(work / "server.log").open("wb")))
        wait_for(port, procs[-1])
        server_pid = procs[-1].pid
        url = f"http://127.0.0.1:{port}/api/v1/catalog"
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as resp:
            body, etag = resp.read(), resp.headers["ETag"]
            assert resp.headers["Content-Encoding"] == "gzip"
        plain = urllib.request.urlopen(url).read()
        assert len(json.loads(plain)["items"]) == args.items
        static_dir = work / "static"
        static_dir.mkdir()
        (static_dir / "catalog.bin").write_bytes(body)
        procs.append(subprocess.Popen([sys.executable, __file__, "--static-server", str(static_dir),
                                       str(static_port)], cwd=ROOT))
        wait_for(static_port, procs[-1])
        static_pid = procs[-1].pid
        static_url = f"http://127.0.0.1:{static_port}/static/catalog.bin"
        print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores shared; CPU per request does not depend on it)")
        print(f"catalog: {args.items} items, {len(plain):,} bytes JSON, {len(body):,} bytes gzip, ETag {etag}")

        gzip_headers = {"Accept-Encoding": "gzip"}
        runs = {"revalidate": [], "full": [], "static": []}
        for _ in range(1):  # warm-up, not counted
            wrk(url, 1, args.connections, {**gzip_headers, "If-None-Match": etag}, server_pid)
            wrk(url, 1, args.connections, gzip_headers, server_pid)
            wrk(static_url, 1, args.connections, gzip_headers, static_pid)
        for n in range(args.rounds):
            order = [("full", url, gzip_headers, server_pid), ("static", static_url, gzip_headers, static_pid),
                     ("revalidate", url, {**gzip_headers, "If-None-Match": etag}, server_pid)]
            if n % 2:
                order.reverse()  # alternate, so neither side always runs on a warmer machine
            for name, target, headers, pid in order:
                runs[name].append(wrk(target, args.seconds, args.connections, headers, pid))
                rate, p99, cpu = runs[name][-1]
                print(f"  round {n + 1} {name:<10} {rate:>9,.0f} req/s  p99 {p99:6.1f} ms  {cpu:5.0f} µs CPU/request")

        med = {name: tuple(statistics.median(run[k] for run in values) for k in range(3))
               for name, values in runs.items()}
        print(f"\nmedians of {args.rounds} alternating runs, wrk -t1 -c{args.connections} -d{args.seconds}s:")
        for name, label in (("revalidate", "catalog If-None-Match (304)"), ("full", "catalog full gzip (200)"),
                            ("static", "aiohttp static file, same bytes")):
            print(f"  {label:<33} {med[name][0]:>9,.0f} req/s   p99 {med[name][1]:6.1f} ms"
                  f"   {med[name][2]:5.0f} µs server CPU/request")
        ratio = med["full"][0] / med["static"][0]
        print(f"  ratio full catalog / static file: {ratio:.2f}  (target >= 0.80); "
              f"CPU per request static / catalog: {med['static'][2] / med['full'][2]:.2f}")
        print(f"  revalidation: {med['revalidate'][0]:,.0f} req/s (target >= 3,000), "
              f"p99 {med['revalidate'][1]:.1f} ms (target < 50 ms)")
        return 0
    finally:
        for proc in procs:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
