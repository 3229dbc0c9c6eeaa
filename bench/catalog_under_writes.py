"""Catalog and live playlist latency while households ask and lawyers claim, against the same GETs alone.

Run by hand:  .venv/bin/python bench/catalog_under_writes.py [--videos 500] [--rounds 3] [--seconds 10]

Starts a real `content-server serve` on a fresh data root holding `--videos` ready videos (rows,
plus one small real rendition hard-linked into every video's folder) and a channel playing them
around the clock. Boxes GET the catalog (gzip) and a live variant playlist at a fixed pace
(open loop: each request starts at its own time, so a slow answer cannot hide the next one).
In alternating rounds the same GETs run alone ("quiet") and beside ~20 questions/s from
different boxes plus 8 staff claiming and answering ("busy"). Prints p50/p99 per round, the
medians, the busy/quiet ratio (goal: within 1.5x) and how often the server rendered the catalog
and the channel in each phase (a question is no reason to render either).
"""
from __future__ import annotations

import argparse
import asyncio
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
import uuid
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_server.kernel import auth  # noqa: E402
from content_server.kernel.config import Settings  # noqa: E402
from content_server.schedule import demo_schedule  # noqa: E402
from content_server.schedule.document import validate_schedule  # noqa: E402
from content_server.schedule.slate import make_slate  # noqa: E402
from content_server.storage import Store, accounts, catalog as catalog_sql, media as media_sql  # noqa: E402
from content_server.storage import schedule as schedule_sql  # noqa: E402

SECONDS = 60  # length of the one stored rendition every video reuses
RUNG = {"name": "234p", "width": 320, "height": 180, "bandwidth": 200000, "codecs": "avc1.42c00d,mp4a.40.2"}
CATEGORIES = [("traffic", "交通事故", "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"), ("wages", "劳动工资", "ᠴᠠᠯᠢᠩ ᠬᠥᠯᠥᠰᠥ"),
              ("land", "土地承包", "ᠭᠠᠵᠠᠷ ᠤᠨ ᠭᠡᠷ᠎ᠡ"), ("family", "婚姻继承", "ᠭᠡᠷᠯᠡᠯᠲᠡ ᠪᠠ ᠥᠪ")]
STAFF = 8


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_rendition(folder: Path) -> Path:
    """A 60 s, 320×180 video with zh and mn audio in 6 s segments, in the layout of storage/media.py."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin",
         "-f", "lavfi", "-i", f"testsrc=size=320x180:rate=25:duration={SECONDS}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={SECONDS}",
         "-f", "lavfi", "-i", f"sine=frequency=330:duration={SECONDS}",
         "-map", "0:v", "-map", "1:a", "-map", "2:a",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-b:a", "32k", "-ac", "1",
         "-f", "hls", "-hls_time", "6", "-hls_playlist_type", "vod",
         "-hls_segment_filename", str(folder / "%v" / "seg_%05d.ts"), "-master_pl_name", "master.m3u8",
         "-var_stream_map", "v:0,agroup:aud,name:234p a:0,agroup:aud,language:zh,name:audio_zh,default:yes "
                            "a:1,agroup:aud,language:mn,name:audio_mn",
         str(folder / "%v" / "index.m3u8")], check=True, timeout=300)
    return folder


def fill(settings: Settings, videos: int, devices: int) -> tuple[list[str], list[str]]:
    """Ready videos, a channel playing them, boxes and staff; returns (box tokens, staff tokens)."""
    settings.root.create()
    template = one_rendition(Path(tempfile.mkdtemp(prefix="ltv-bench-rendition-")))
    store = Store(settings.root.database)
    rng = random.Random(12348)
    for cid, zh, mn in CATEGORIES:
        store.write_blocking(catalog_sql.add_category, cid, zh, mn)
    for n in range(videos):
        vid = f"{rng.getrandbits(128):032x}"
        store.write_blocking(media_sql.add_video_with_job, {
            "id": vid, "category": CATEGORIES[n % len(CATEGORIES)][0], "title_zh": f"第{n}课 法律知识",
            "title_mn": f"ᠬᠢᠴᠢᠶᠡᠯ {n}", "summary_zh": "一分钟讲清楚" * 5, "summary_mn": "ᠨᠢᠭᠡ ᠮᠢᠨᠦ᠋ᠲ " * 5,
            "audio_languages": ["zh", "mn"], "subtitle_languages": [], "source": {}})
        shutil.copytree(template, settings.root.rendition_dir(vid), copy_function=os.link)
        posters = settings.root.poster_dir(vid)
        posters.mkdir(parents=True, exist_ok=True)
        for name in ("poster.jpg", "thumb.jpg"):
            (posters / name).write_bytes(b"\xff\xd8\xff")
        store.write_blocking(media_sql.finish_job, vid, float(SECONDS), [RUNG])
    shutil.rmtree(template, ignore_errors=True)
    make_slate(settings.root)
    schedule = validate_schedule(store.read_blocking(demo_schedule), store.read_blocking(schedule_sql.video_statuses),
                                 store.read_blocking(schedule_sql.ready_counts_by_category))
    store.write_blocking(schedule_sql.add_channel, "legal", {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, schedule)
    staff = []
    boxes = store.write_blocking(_add_devices, devices)
    for i in range(STAFF):
        user_id = store.write_blocking(accounts.add_user, f"staff-{i}", "staff", auth.hash_password("bench password 12348"), "zh,mn")
        token, token_hash = auth.new_token("ltv")
        store.write_blocking(accounts.add_api_token, user_id, token_hash)
        staff.append(token)
    store.close()
    return boxes, staff


def _add_devices(tx, count: int) -> list[str]:
    tokens = []
    for i in range(count):
        token, token_hash = auth.new_token("dev")
        accounts.add_device(tx, f"bench-{i}", token_hash, "152500", "mn")
        tokens.append(token)
    return tokens


async def paced_gets(session, url: str, rate: float, seconds: float, headers: dict) -> list[float]:
    """GETs `url` `rate` times a second for `seconds`, each at its own start time; latencies in ms."""
    latencies: list[float] = []

    async def one() -> None:
        start = time.perf_counter()
        async with session.get(url, headers=headers) as resp:
            await resp.read()
            if resp.status != 200:
                raise RuntimeError(f"{url}: {resp.status}")
        latencies.append((time.perf_counter() - start) * 1000)

    tasks, begin = [], time.perf_counter()
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, begin + n / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one()))
    await asyncio.gather(*tasks)
    return latencies


async def households_asking(session, base: str, boxes: list[str], rate: float, seconds: float,
                            counts: dict) -> None:
    """Questions from ever other boxes and phone numbers, so none is merged or limited."""
    async def one(token: str) -> None:
        body = {"topic": "wages", "phrases": ["wages.1"], "text": "老板拖欠工资三个月了",
                "phone": f"13{random.randrange(10**9):09d}", "callback_window": "any", "language": "mn"}
        async with session.post(f"{base}/api/v1/questions", json=body,
                                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())}) as resp:
            await resp.read()
            counts[f"question {resp.status}"] = counts.get(f"question {resp.status}", 0) + 1

    tasks, begin = [], time.perf_counter()
    for n in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, begin + n / rate - time.perf_counter()))
        tasks.append(asyncio.create_task(one(boxes.pop())))
    await asyncio.gather(*tasks)


async def staff_answering(session, base: str, token: str, seconds: float, counts: dict) -> None:
    """One lawyer: claims the next question, answers it, claims again, about once a second."""
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        async with session.post(f"{base}/api/v1/desk/claim", headers=headers) as resp:
            claimed = await resp.json() if resp.status == 200 else None
            counts[f"claim {resp.status}"] = counts.get(f"claim {resp.status}", 0) + 1
        if claimed:
            async with session.post(f"{base}/api/v1/desk/questions/{claimed['id']}/answer", headers=headers,
                                    json={"version": claimed["version"],
                                          "summary": {"zh": "已电话解答", "mn": "ᠤᠲᠠᠰᠤ ᠪᠠᠷ ᠬᠠᠷᠢᠭᠤᠯᠪᠠ"}}) as resp:
                await resp.read()
                counts[f"answer {resp.status}"] = counts.get(f"answer {resp.status}", 0) + 1
        await asyncio.sleep(1.0)


async def renders(session, base: str) -> dict[str, float]:
    """The server's own render counters (catalog, channel bodies) from /metrics."""
    async with session.get(f"{base}/metrics") as resp:
        text = await resp.text() if resp.status == 200 else ""
    out = {"catalog": 0.0, "channel": 0.0}
    for name, value in re.findall(r"^legaltv_(catalog|channel)_renders_total(?:\{[^}]*\})? ([\d.e+]+)$", text, re.M):
        out[name] += float(value)
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(base: str, server_pid: int, args, boxes: list[str], staff: list[str]) -> int:
    catalog_url = f"{base}/api/v1/catalog"
    live_url = f"{base}/api/v1/channels/legal/live/{RUNG['name']}.m3u8"
    gzip = {"Accept-Encoding": "gzip"}
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as session:
        async with session.get(catalog_url, headers=gzip) as resp:
            body = await resp.read()
            print(f"catalog: {args.videos} videos, {len(body):,} bytes gzip; live variant {live_url}")
        await paced_gets(session, live_url, 20, 1, {})  # warm-up
        results: dict[str, dict[str, list[tuple[float, float]]]] = {
            "quiet": {"catalog": [], "live": []}, "busy": {"catalog": [], "live": []}}
        rendered = {phase: {"catalog": 0.0, "channel": 0.0, "cpu": 0.0, "wall": 0.0} for phase in ("quiet", "busy")}
        counts: dict[str, int] = {}
        for round_no in range(args.rounds):
            phases = ["quiet", "busy"] if round_no % 2 == 0 else ["busy", "quiet"]
            for phase in phases:
                before = await renders(session, base)
                cpu, wall = cpu_seconds(server_pid), time.perf_counter()
                readers = [paced_gets(session, catalog_url, args.rate, args.seconds, gzip),
                           paced_gets(session, live_url, args.rate, args.seconds, {})]
                writers = []
                if phase == "busy":
                    writers = [households_asking(session, base, boxes, args.questions, args.seconds, counts)]
                    writers += [staff_answering(session, base, token, args.seconds, counts) for token in staff]
                got = await asyncio.gather(*readers, *writers)
                rendered[phase]["cpu"] += cpu_seconds(server_pid) - cpu
                rendered[phase]["wall"] += time.perf_counter() - wall
                after = await renders(session, base)
                for what in ("catalog", "channel"):
                    rendered[phase][what] += after[what] - before[what]
                line = []
                for name, latencies in zip(("catalog", "live"), got[:2]):
                    p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
                    results[phase][name].append((p50, p99))
                    line.append(f"{name} p50 {p50:6.2f} ms p99 {p99:7.2f} ms")
                print(f"  round {round_no + 1} {phase:<5}  " + "   ".join(line))
        print(f"\nmedians of {args.rounds} rounds, {args.rate:g} GET/s each of catalog and live, "
              f"{args.seconds} s a phase; busy = +{args.questions:g} questions/s and {len(staff)} staff "
              f"claiming and answering ({', '.join(f'{k}: {v}' for k, v in sorted(counts.items()))})")
        for name in ("catalog", "live"):
            quiet = [statistics.median(r[k] for r in results["quiet"][name]) for k in (0, 1)]
            busy = [statistics.median(r[k] for r in results["busy"][name]) for k in (0, 1)]
            print(f"  {name:<8} quiet p50 {quiet[0]:6.2f} ms p99 {quiet[1]:7.2f} ms | busy p50 {busy[0]:6.2f} ms "
                  f"p99 {busy[1]:7.2f} ms | ratio busy/quiet p50 {busy[0] / quiet[0]:.2f}x "
                  f"p99 {busy[1] / quiet[1]:.2f}x (goal <= 1.5x)")
        for phase in ("quiet", "busy"):
            done = rendered[phase]
            print(f"  while {phase}: renders of the catalog {done['catalog']:.0f}, of channel bodies "
                  f"{done['channel']:.0f}; server CPU {done['cpu'] / done['wall'] * 100:.0f}% of a core")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=50, help="GETs per second of each of catalog and live")
    parser.add_argument("--questions", type=float, default=20, help="questions per second while busy")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ltv-bench-writes-"))
    server = None
    try:
        settings = Settings(data=work / "data")
        needed = int(args.questions * args.seconds * args.rounds) + 100
        boxes, staff = fill(settings, args.videos, needed)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "content_server.cli", "serve", "--data", str(settings.data),
                                   "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                  stderr=(work / "server.log").open("wb"))
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((work / "server.log").read_text()[-2000:])
                time.sleep(0.1)
        print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores shared)")
        return asyncio.run(run(f"http://127.0.0.1:{port}", server.pid, args, boxes, staff))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
