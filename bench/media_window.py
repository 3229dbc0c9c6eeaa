"""The publish-window check on every media request: what it costs beside the old check.

Run by hand:  .venv/bin/python bench/media_window.py [--videos 500] [--lookups 200000] [--rounds 5]

On a real SQLite file with N ready videos (a third with a publish window), measures the check
a segment request makes (`ServableVideos.seconds_left`: a set lookup, `PRAGMA data_version` at
most once a second) against the check it replaced (`PRAGMA data_version` on every request, then
a set lookup). Prints medians of nanoseconds per lookup and the ratio new / old.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from content_server.config import Settings  # noqa: E402
from content_server.media.catalog import iso  # noqa: E402
from content_server.media.static import ReadyVideos, ServableVideos  # noqa: E402
from content_server.storage import Store, catalog as catalog_sql, media as media_sql  # noqa: E402


def fill(store: Store, count: int) -> list[str]:
    catalog_sql.add_category(store, "traffic", "交通", "ᠵᠠᠮ")
    now, ids = time.time(), []
    for n in range(count):
        video_id = f"v{n:05d}"
        window = {"publish_from": iso(now - 3600), "publish_until": iso(now + 86400)} if n % 3 == 0 else {}
        media_sql.add_video_with_job(store, {"id": video_id, "category": "traffic", "title_zh": f"节目{n}",
                                             "title_mn": "ᠨᠡᠪᠲᠡᠷᠡᠭᠦᠯᠭᠡ", "audio_languages": ["zh"],
                                             "subtitle_languages": [], "source": {}, **window})
        media_sql.finish_job(store, video_id, 60.0, [])
        ids.append(video_id)
    return ids


def per_lookup_ns(check, ids: list[str], lookups: int) -> float:
    started = time.perf_counter_ns()
    for n in range(lookups):
        check(ids[n % len(ids)])
    return (time.perf_counter_ns() - started) / lookups


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
        servable, ready = ServableVideos(store), ReadyVideos(store)
        now = time.time()
        new, old = [], []
        for _ in range(args.rounds):
            new.append(per_lookup_ns(lambda vid: servable.seconds_left(vid, now), ids, args.lookups))
            old.append(per_lookup_ns(lambda vid: vid in ready, ids, args.lookups))
        store.close()
    new_ns, old_ns = statistics.median(new), statistics.median(old)
    print(f"{args.videos} ready videos, {args.lookups} lookups x {args.rounds} rounds (medians)")
    print(f"old check (PRAGMA data_version per request): {old_ns:8.0f} ns/lookup")
    print(f"new check (window set, data_version <= 1/s): {new_ns:8.0f} ns/lookup   ratio new/old {new_ns / old_ns:.2f}")


if __name__ == "__main__":
    main()
