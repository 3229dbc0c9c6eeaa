"""Live channel speed: playlist requests/s for 1,000 concurrent boxes, CPU per request, against a static file.

Run by hand:  .venv/bin/python bench/channel.py [--connections 1000] [--rounds 3] [--seconds 8]

Starts a real `content-server serve` on a fresh data root with two small ready videos and an
all-day channel, then wrk (-c 1000) fetches, in alternating rounds, the live variant playlist
and a static file of the same size served by the same server (/media/renditions/…). Prints
medians of requests/s and of server CPU seconds per request (utime+stime from /proc/PID/stat),
and the ratios playlist / static; then the same playlist through nginx as a caching edge (the
configuration tests/test_nginx_cache.py proves). Target (issue 6): >= 3,000 playlist requests/s.
"""
from __future__ import annotations

import argparse
import os
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

from content_server.kernel.config import DataRoot  # noqa: E402
from content_server.schedule.document import validate_schedule  # noqa: E402
from content_server.storage import Store, schedule as schedule_sql  # noqa: E402
from tests.channel_media import install, install_slate, make_renditions  # noqa: E402
from tests.test_nginx_cache import NGINX_CONF  # noqa: E402  (the configuration the fleet test proves)

SCHEDULE = {"seed": 1, "playlists": {"mix": ["talk", "short"]},
            "slots": [{"id": "all-day", "title": {"zh": "全天", "mn": "ᠡᠳᠦᠷ"}, "start": "00:00", "end": "24:00",
                       "source": {"type": "playlist", "playlist": "mix"}, "order": "shuffle"}]}
PLAYLIST = "/api/v1/channels/legal/live/144p.m3u8"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, connections: int, seconds: int) -> tuple[float, str]:
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), out


def prepare(data: Path, cache: Path) -> None:
    """Two small ready videos and an all-day channel, written before the server starts."""
    root = DataRoot(data)
    root.create()
    store = Store(root.database)
    install(store, root, cache, "talk")
    install(store, root, cache, "short")
    install_slate(root, cache)
    schedule = validate_schedule(SCHEDULE, store.read_blocking(schedule_sql.video_statuses), store.read_blocking(schedule_sql.ready_counts_by_category))
    store.write_blocking(schedule_sql.add_channel, "legal", {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, schedule)
    store.close()


def start_nginx(folder: Path, origin: int) -> tuple[str, subprocess.Popen]:
    """Debian's nginx as a caching edge in front of the origin, configured as in the fleet test."""
    folder.mkdir()
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(NGINX_CONF.format(user=user, dir=folder, origin=origin, port=port)
                                       .replace("worker_connections 1024", "worker_connections 4096")
                                       .replace(f"access_log {folder}/access.log", "access_log off"))
    proc = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
                             str(folder / "error.log"), "-g", "daemon off;"])
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return f"http://127.0.0.1:{port}", proc
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-channel-"))
    try:
        cache = make_renditions(work / "cache")
        prepare(work / "data", cache)
        port = free_port()
        log = open(work / "server.log", "wb")
        server = subprocess.Popen([sys.executable, "-m", "content_server.cli", "serve", "--data", str(work / "data"),
                                   "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                body = urllib.request.urlopen(base + PLAYLIST).read()
                break
            except OSError:
                time.sleep(0.1)
        static = work / "data" / "renditions" / "talk" / "bench"
        static.mkdir()
        (static / "same-size.m3u8").write_bytes(body)
        static_url = base + "/media/renditions/talk/bench/same-size.m3u8"
        assert len(urllib.request.urlopen(static_url).read()) == len(body)
        edge, nginx = start_nginx(work / "nginx", port)
        results = {"playlist": [], "static": [], "via nginx": []}
        for n in range(args.rounds):
            for name, url in (("playlist", base + PLAYLIST), ("static", static_url), ("via nginx", edge + PLAYLIST)):
                cpu = cpu_seconds(server.pid)
                rate, out = wrk(url, args.connections, args.seconds)
                used = cpu_seconds(server.pid) - cpu
                requests = int(re.search(r"(\d+) requests in", out).group(1))
                results[name].append((rate, used / max(1, requests)))
                print(f"round {n + 1} {name:9s} {rate:9.0f} req/s  {used / max(1, requests) * 1e6:7.1f} µs origin CPU/request")
        nginx.terminate()
        nginx.wait(10)
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()  # 1,000 lingering connections can hold a graceful stop
            server.wait()
        med = {k: (statistics.median(r for r, _ in v), statistics.median(c for _, c in v)) for k, v in results.items()}
        print(f"\nlive playlist ({len(body)} bytes), {args.connections} concurrent connections, "
              f"{os.cpu_count()} cores, load average now {os.getloadavg()[0]:.1f}")
        print(f"  playlist median {med['playlist'][0]:9.0f} req/s  {med['playlist'][1] * 1e6:7.1f} µs CPU/request")
        print(f"  static   median {med['static'][0]:9.0f} req/s  {med['static'][1] * 1e6:7.1f} µs CPU/request")
        print(f"  via nginx median {med['via nginx'][0]:7.0f} req/s  {med['via nginx'][1] * 1e6:7.1f} µs origin CPU/request")
        print(f"  ratio playlist/static: throughput {med['playlist'][0] / med['static'][0]:.2f}x, "
              f"CPU per request {med['playlist'][1] / med['static'][1]:.2f}x")
        print(f"  one full core at this CPU cost would serve {1 / med['playlist'][1]:.0f} playlist req/s")
        print(f"  target >= 3000 playlist req/s: {'met' if med['playlist'][0] >= 3000 else 'NOT met'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
