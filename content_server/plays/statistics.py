"""The editors' statistics, pure: counter rows (storage.plays.day_rows) summed by video, day,
region and language, and the rows as CSV."""
from __future__ import annotations

import csv
import io
from collections import defaultdict

from ..storage.plays import COUNTERS

CSV_COLUMNS = ("day", "video_id", "title_zh", "title_mn", "region", "audio", "subtitles", *COUNTERS, "stall_seconds")


def _sum(rows) -> dict:
    total = {c: 0 for c in COUNTERS}
    for row in rows:
        for c in COUNTERS:
            total[c] += row[c]
    # how many of the plays started reached the end (a resumed play counts its start again)
    total["completion"] = round(total["completes"] / total["starts"], 3) if total["starts"] else None
    return total


def summary(rows, first_day: str, last_day: str) -> dict:
    """{"from", "until", "totals", "days": [{"day", ...}], "videos": [{"id", "title", ...}],
    "regions": {code: {...}}, "audio": {lang: starts}, "subtitles": {lang or "": starts}}."""
    by_day, by_video, by_region = defaultdict(list), defaultdict(list), defaultdict(list)
    audio, subtitles = defaultdict(int), defaultdict(int)
    titles = {}
    for row in rows:
        by_day[row["day"]].append(row)
        by_video[row["video_id"]].append(row)
        by_region[row["region"]].append(row)
        audio[row["audio"]] += row["starts"]
        subtitles[row["subtitles"]] += row["starts"]
        titles[row["video_id"]] = {"zh": row["title_zh"] or row["video_id"], "mn": row["title_mn"] or row["video_id"]}
    videos = [{"id": vid, "title": titles[vid], **_sum(vrows),
               "audio": {lang: sum(r["starts"] for r in vrows if r["audio"] == lang) for lang in ("zh", "mn")}}
              for vid, vrows in by_video.items()]
    videos.sort(key=lambda v: (-v["starts"], -v["completes"], v["id"]))
    return {"from": first_day, "until": last_day, "totals": _sum(rows),
            "days": [{"day": day, **_sum(drows)} for day, drows in sorted(by_day.items())],
            "videos": videos,
            "regions": {code: _sum(rrows) for code, rrows in sorted(by_region.items())},
            "audio": {lang: audio.get(lang, 0) for lang in ("zh", "mn")},
            "subtitles": {lang: subtitles.get(lang, 0) for lang in ("", "zh", "mn")}}


def as_csv(rows) -> str:
    """One line per video, day, region and languages, every counter."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(tuple(row[c] for c in CSV_COLUMNS))
    return out.getvalue()
