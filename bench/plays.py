"""Benchmark: what households watch, kept as daily counters (added up on write) against keeping
every event (the reference, measured in the same run on the same batches).

A simulated fortnight: boxes in 12 leagues each send batches of 24 events (a few plays: start,
marks, switches) about 200 videos. Prints, for both ways of keeping them: the median time to store
one batch, the rows kept, the database's size, and the median time of one Popular ranking (the
league's last 14 days). The counters grow with videos × days × regions × languages, the events with
every play, so the gap widens with the fleet.

    .venv/bin/python bench/plays.py [--batches 20000]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_server.kernel.config import Settings  # noqa: E402
from content_server.kernel.ratelimit import RateLimit  # noqa: E402
from content_server.plays import rules  # noqa: E402
from content_server.storage import Store, plays  # noqa: E402
from tests.ready_video import add_ready_video  # noqa: E402

NOW = 1_796_000_000.0
LEAGUES = ["150100", "150200", "150300", "150400", "150500", "150600", "150700", "150800", "150900",
           "152200", "152500", "152900"]
RAW = """CREATE TABLE IF NOT EXISTS play_events_raw (video_id TEXT, day TEXT, region TEXT, audio TEXT,
         subtitles TEXT, event TEXT, percent INTEGER, at REAL);
         CREATE INDEX IF NOT EXISTS play_events_raw_day ON play_events_raw (day, region)"""
RAW_RANKING = ("SELECT video_id, COUNT(*) FROM play_events_raw WHERE day >= ? AND region LIKE ? "
               "AND event = 'progress' AND percent = 100 GROUP BY video_id ORDER BY 2 DESC LIMIT 10")


def batch(rng: random.Random, videos: list[str]) -> tuple[str, dict]:
    region = rng.choice(LEAGUES)[:4] + f"{rng.randrange(1, 30):02d}"
    at = NOW - rng.uniform(0, 14 * 86400)
    events = []
    while len(events) < 24:
        video, audio = rng.choice(videos[:40] if rng.random() < 0.7 else videos), rng.choice(("zh", "mn"))
        reached = rng.choice((25, 50, 75, 100, 100))
        events.append({"video": video, "event": "start", "at": at, "audio": audio, "subtitles": ""})
        events += [{"video": video, "event": "progress", "percent": p, "at": at + p, "audio": audio, "subtitles": ""}
                   for p in (25, 50, 75, 100) if p <= reached]
    return region, {"batch": f"b-{rng.getrandbits(64):016x}", "events": events[:24]}


def add_raw(tx, region: str, body: dict) -> None:
    with tx.write() as conn:
        conn.executemany("INSERT INTO play_events_raw VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [(e["video"], rules.china_day(e["at"]), region, e["audio"], e["subtitles"], e["event"],
                           e.get("percent"), e["at"]) for e in body["events"]])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=20000)
    args = parser.parse_args()
    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data=Path(tmp) / "counters")
        settings.root.create()
        counters = Store(settings.root.database)
        raw_root = Settings(data=Path(tmp) / "raw")
        raw_root.root.create()
        raw = Store(raw_root.root.database)
        for statement in RAW.split(";"):
            raw.write_blocking(lambda tx, sql=statement: tx.execute(sql))
        videos = [add_ready_video(counters, settings, title_zh=f"案例{n}", files=False) for n in range(200)]
        limit = RateLimit("bench", 1, 900)
        times = {"counters": [], "events": []}
        for n in range(args.batches):
            region, body = batch(rng, videos)
            tallies = rules.tallies(body, region, NOW)
            started = time.perf_counter()
            counters.write_blocking(plays.record_batch, rules.batch_key(f"box-{n}", body["batch"]), tallies, limit,
                                    f"box-{n}", NOW)
            times["counters"].append(time.perf_counter() - started)
            started = time.perf_counter()
            raw.write_blocking(add_raw, region, body)
            times["events"].append(time.perf_counter() - started)
        since = rules.china_day(NOW - 13 * 86400)
        ranking = {"counters": [], "events": []}
        for _ in range(50):
            started = time.perf_counter()
            counters.read_blocking(plays.completed_by_video, "1525", since, 10)
            ranking["counters"].append(time.perf_counter() - started)
            started = time.perf_counter()
            raw.read_blocking(lambda tx: tx.all(RAW_RANKING, (since, "1525%")))
            ranking["events"].append(time.perf_counter() - started)
        rows = {"counters": counters.read_blocking(lambda tx: tx.one("SELECT COUNT(*) FROM play_days")[0]),
                "events": raw.read_blocking(lambda tx: tx.one("SELECT COUNT(*) FROM play_events_raw")[0])}
        counters.close()
        raw.close()
        size = {"counters": settings.root.database.stat().st_size, "events": raw_root.root.database.stat().st_size}
        print(f"{args.batches} batches of 24 events, 200 videos, {len(LEAGUES)} leagues, 14 days")
        for way in ("counters", "events"):
            print(f"{way:>9}: store a batch {statistics.median(times[way]) * 1000:.2f} ms median, "
                  f"{rows[way]} rows, {size[way] / 1e6:.1f} MB, Popular ranking "
                  f"{statistics.median(ranking[way]) * 1000:.2f} ms median")
        print(f"counters / events: store {statistics.median(times['counters']) / statistics.median(times['events']):.2f}, "
              f"rows {rows['counters'] / rows['events']:.3f}, size {size['counters'] / size['events']:.2f}, "
              f"ranking {statistics.median(ranking['counters']) / statistics.median(ranking['events']):.2f}")


if __name__ == "__main__":
    main()
