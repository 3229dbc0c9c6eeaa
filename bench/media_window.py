"""The publish-window check on every media request: what it costs beside the ready-set check.

Run by hand:  .venv/bin/python bench/media_window.py [--videos 500] [--lookups 200000] [--rounds 5]

On a real SQLite file with N ready videos (a third with a publish window), measures the check
a segment request makes (`ServableVideos.seconds_left`: the catalog version from the store's
memory, then a set lookup) against the editor-preview check (`ReadyVideos.contains`, the same
shape without windows). Prints medians of nanoseconds per lookup and the ratio.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_server.catalog.publish_window import iso  # noqa: E402
from content_server.kernel.config import Settings  # noqa: E402
from content_server.media.static import ReadyVideos, ServableVideos  # noqa: E402
from content_server.storage import Store, catalog as catalog_sql, media as media_sql  # noqa: E402


def fill(store: Store, count: int) -> list[str]:
    store.write_blocking(catalog_sql.add_category, "traffic", "交通", "ᠵᠠᠮ")
    now, ids = time.time(), []
    for n in range(count):
        video_id = f"v{n:05d}"
        window = {"publish_from": iso(now - 3600), "publish_until": iso(now + 86400)} if n % 3 == 0 else {}
        store.write_blocking(media_sql.add_video_with_job, {"id": video_id, "category": "traffic", "title_zh": f"节目{n}",
                                             "title_mn": "ᠨᠡᠪᠲᠡᠷᠡᠭᠦᠯᠭᠡ", "audio_languages": ["zh"],
                                             "subtitle_languages": [], "source": {}, **window})
        store.write_blocking(media_sql.finish_job, video_id, 60.0, [])
        ids.append(video_id)
    return ids


async def per_lookup_ns(check, ids: list[str], lookups: int) -> float:
    started = time.perf_counter_ns()
    for n in range(lookups):
        await check(ids[n % len(ids)])
    return (time.perf_counter_ns() - started) / lookups


async def measure(store: Store, ids: list[str], rounds: int, lookups: int) -> tuple[list, list]:
    servable, ready = ServableVideos(store), ReadyVideos(store)
    now = time.time()
    new, old = [], []
    for _ in range(rounds):
        new.append(await per_lookup_ns(lambda vid: servable.seconds_left(vid, now), ids, lookups))
        old.append(await per_lookup_ns(ready.contains, ids, lookups))
    return new, old


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--videos", type=int, default=500)
    parser.add_argument("--lookups", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data=Path(folder))
        settings.root.create()
        store = Store(settings.root.database)
        ids = fill(store, args.videos)
        new, old = asyncio.run(measure(store, ids, args.rounds, args.lookups))
        store.close()
    new_ns, old_ns = statistics.median(new), statistics.median(old)
    print(f"{args.videos} ready videos, {args.lookups} lookups x {args.rounds} rounds (medians)")
    print(f"ready-set check (catalog version from the store's memory): {old_ns:8.0f} ns/lookup")
    print(f"window check (servable set, same version):               {new_ns:8.0f} ns/lookup   "
          f"ratio {new_ns / old_ns:.2f}")


if __name__ == "__main__":
    main()
