"""The schedule document editors import and export, and its validation.

A schedule is one JSON object (times are local Asia/Shanghai clock times):
  {"seed": 7,
   "filler": {"type": "category", "category": "shorts"},          optional, pads slots
   "playlists": {"basics": ["<video id>", …]},
   "slots": [{"id": "morning", "title": {"zh", "mn"}, "days": ["mon", …] (absent: daily),
              "start": "08:00", "end": "10:00", "lateness": 10 (minutes the last programme
              may run past the end), "flex": "end" | "spread",
              "source": {"type": "category", "category": "…"} | {"type": "playlist", "playlist": "…"}
                        | {"type": "videos", "videos": ["<id>", …]},
              "order": "in_order" | "shuffle", "filler": {…} (optional)}],
   "overrides": [{"date": "2026-12-04", …same fields as a slot, without days…}]}
An override replaces the regular slots it overlaps on its date. Every refusal is a bilingual
ApiError naming the field, e.g. `slots[2].end`.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Mapping

from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..kernel.validation import bilingual_text, calendar_date, choice
from ..storage.media import VideoStatus
from .planner import WEEKDAYS, clock_ms

MAX_SLOTS = 200
MAX_VIDEOS = 500
_TIME = re.compile(r"([01]\d|2[0-4]):([0-5]\d)")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def empty_schedule() -> dict:
    return {"seed": 1, "playlists": {}, "slots": [], "overrides": []}


def validate_channel_id(value) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        # TRANSLATORS: editor API and console error, max 120 chars
        raise ApiError(422, "invalid_id", N_("Use 1–40 lower-case letters, digits, - or _ for the channel id."),
                       field="id")
    return value


def validate_schedule(document, videos: Mapping[str, str], categories: Mapping[str, int]) -> dict:
    """A clean copy of `document`, or an ApiError.

    `videos` maps every existing video id to its status; `categories` maps every category id
    to its number of ready videos.
    """
    if not isinstance(document, dict):
        # TRANSLATORS: editor API and console error, max 120 chars
        raise ApiError(422, "invalid_schedule", N_("The schedule must be a JSON object."), field="schedule")
    seed = document.get("seed", 1)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31:
        raise ApiError(422, "out_of_range", N_("This number must be between {low} and {high}."),
                       field="seed", low=0, high=2**31 - 1)
    playlists = _playlists(document.get("playlists", {}), videos)
    clean = {"seed": seed, "playlists": playlists, "slots": [], "overrides": []}
    if document.get("filler") is not None:
        clean["filler"] = _within("filler", lambda: _source(document["filler"], playlists, videos, categories))
    slots = _list(document, "slots")
    overrides = _list(document, "overrides")
    for index, slot in enumerate(slots):
        clean["slots"].append(_within(f"slots[{index}]", lambda: _block(slot, playlists, videos, categories,
                                                                         dated=False)))
    for index, override in enumerate(overrides):
        clean["overrides"].append(_within(f"overrides[{index}]", lambda: _block(override, playlists, videos,
                                                                                categories, dated=True)))
    _refuse_overlaps(clean["slots"], "slots", lambda a, b: set(a.get("days", WEEKDAYS)) & set(b.get("days", WEEKDAYS)))
    _refuse_overlaps(clean["overrides"], "overrides", lambda a, b: a["date"] == b["date"])
    return clean


def _within(prefix: str, check):
    """Runs a check and puts `prefix` in front of the field of any refusal."""
    try:
        return check()
    except ApiError as exc:
        exc.field = f"{prefix}.{exc.field}" if exc.field else prefix
        raise


def _list(document: dict, key: str) -> list:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        # TRANSLATORS: editor API and console error, max 120 chars
        raise ApiError(422, "wrong_type", N_("This field must be a list of objects."), field=key)
    if len(value) > MAX_SLOTS:
        raise ApiError(422, "too_many", N_("Too many entries (at most {max})."), field=key, max=MAX_SLOTS)
    return value


def _playlists(value, videos) -> dict:
    if not isinstance(value, dict):
        raise ApiError(422, "wrong_type", N_("This field must be a list of objects."), field="playlists")
    clean = {}
    for name, ids in value.items():
        if not isinstance(name, str) or not _ID.fullmatch(name):
            # TRANSLATORS: editor API and console error, max 120 chars
            raise ApiError(422, "invalid_id", N_("Use 1–40 lower-case letters, digits, - or _ for a name."),
                           field=f"playlists.{name}")
        clean[name] = _within(f"playlists.{name}", lambda: _video_ids(ids, videos, None))
    return clean


def _video_ids(ids, videos, field: str | None) -> list[str]:
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ApiError(422, "wrong_type", N_("This field must be a list of texts."), field=field)
    if not ids:
        # TRANSLATORS: editor API and console error, max 120 chars
        raise ApiError(422, "empty_slot", N_("There is nothing to play here: add at least one ready video."),
                       field=field)
    if len(ids) > MAX_VIDEOS:
        raise ApiError(422, "too_many", N_("Too many entries (at most {max})."), field=field, max=MAX_VIDEOS)
    for index, video_id in enumerate(ids):
        where = f"{field}[{index}]" if field else f"[{index}]"
        status = videos.get(video_id)
        if status is None:
            # TRANSLATORS: editor API and console error; {video} is a video id, max 120 chars
            raise ApiError(422, "unknown_video", N_("The video {video} does not exist or was deleted."),
                           field=where, video=video_id[:64])
        if status != VideoStatus.READY:
            # TRANSLATORS: editor API and console error; {video} is a video id, max 120 chars
            raise ApiError(422, "video_not_ready", N_("The video {video} is not ready to play yet."),
                           field=where, video=video_id[:64])
    return list(ids)


def _source(value, playlists, videos, categories) -> dict:
    if not isinstance(value, dict):
        raise ApiError(422, "empty_slot", N_("There is nothing to play here: add at least one ready video."),
                       field="source")
    kind = choice(value, "type", ("category", "playlist", "videos"))
    if kind == "category":
        category = value.get("category")
        if not isinstance(category, str) or category not in categories:
            # TRANSLATORS: editor API and console error; {category} is a category id, max 120 chars
            raise ApiError(422, "unknown_category", N_("The category {category} does not exist."),
                           field="category", category=str(category)[:64])
        if categories[category] == 0:
            raise ApiError(422, "empty_slot", N_("There is nothing to play here: add at least one ready video."),
                           field="category")
        return {"type": "category", "category": category}
    if kind == "playlist":
        name = value.get("playlist")
        if not isinstance(name, str) or name not in playlists:
            # TRANSLATORS: editor API and console error; {playlist} is a playlist name, max 120 chars
            raise ApiError(422, "unknown_playlist", N_("The playlist {playlist} is not defined in this schedule."),
                           field="playlist", playlist=str(name)[:64])
        return {"type": "playlist", "playlist": name}
    return {"type": "videos", "videos": _video_ids(value.get("videos"), videos, "videos")}


def _block(value: dict, playlists, videos, categories, dated: bool) -> dict:
    clean: dict = {}
    if value.get("id") is not None:
        if not isinstance(value["id"], str) or not _ID.fullmatch(value["id"]):
            raise ApiError(422, "invalid_id", N_("Use 1–40 lower-case letters, digits, - or _ for a name."),
                           field="id")
        clean["id"] = value["id"]
    clean["title"] = _title(value)
    if dated:
        clean["date"] = _date(value.get("date"))
    elif value.get("days") is not None:
        days = value["days"]
        if not isinstance(days, list) or not days or not all(d in WEEKDAYS for d in days):
            # TRANSLATORS: editor API and console error, max 120 chars
            raise ApiError(422, "invalid_days", N_("Days are written mon, tue, wed, thu, fri, sat, sun."),
                           field="days")
        clean["days"] = [d for d in WEEKDAYS if d in days]
    clean["start"], clean["end"] = _time(value, "start"), _time(value, "end")
    if clock_ms(clean["end"]) <= clock_ms(clean["start"]):
        # TRANSLATORS: editor API and console error, max 120 chars
        raise ApiError(422, "impossible_time", N_("A slot must end after it starts, on the same day."),
                       field="end")
    lateness = value.get("lateness", 0)
    if isinstance(lateness, bool) or not isinstance(lateness, int) or not 0 <= lateness <= 120:
        raise ApiError(422, "out_of_range", N_("This number must be between {low} and {high}."),
                       field="lateness", low=0, high=120)
    clean["lateness"] = lateness
    clean["flex"] = choice(value, "flex", ("end", "spread"), required=False, default="end")
    clean["order"] = choice(value, "order", ("in_order", "shuffle"), required=False, default="in_order")
    clean["source"] = _within("source", lambda: _source(value.get("source"), playlists, videos, categories))
    if value.get("filler") is not None:
        clean["filler"] = _within("filler", lambda: _source(value["filler"], playlists, videos, categories))
    return clean


def _title(value: dict) -> dict:
    try:
        return bilingual_text(value, "title", 80)
    except ApiError as exc:
        if exc.field in ("zh", "mn"):
            exc.field = f"title.{exc.field}"  # name the language inside the title
        raise


def _time(value: dict, field: str) -> str:
    text = value.get(field)
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None or (match.group(1) == "24" and match.group(2) != "00"):
        # TRANSLATORS: editor API and console error, max 120 chars
        raise ApiError(422, "invalid_time", N_("Write times as HH:MM, from 00:00 to 24:00."), field=field)
    return text


def _date(text) -> str:
    try:
        if not isinstance(text, str) or not _DATE.fullmatch(text):
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        # TRANSLATORS: editor API and console error, max 120 chars
        raise ApiError(422, "invalid_date", N_("Write dates as YYYY-MM-DD, and the date must exist."),
                       field="date") from None
    return calendar_date(text, "date").isoformat()  # and within the years the planner can reach


def _refuse_overlaps(blocks: list[dict], key: str, same_day) -> None:
    for i, a in enumerate(blocks):
        for j in range(i):
            b = blocks[j]
            if (same_day(a, b) and clock_ms(a["start"]) < clock_ms(b["end"])
                    and clock_ms(b["start"]) < clock_ms(a["end"])):
                # TRANSLATORS: editor API and console error; {other} is a slot time like 08:00–10:00, max 120 chars
                raise ApiError(422, "overlapping_slots", N_("This slot overlaps another slot ({other})."),
                               field=f"{key}[{i}]", other=f"{b['start']}–{b['end']}")


def slots_playing(schedule: dict, video_id: str, today: date) -> list[dict]:
    """The slots of a validated schedule that name `video_id` (directly, through a playlist or as
    filler): every regular slot, and overrides dated `today` or later. Each as
    {"slot": id, "date": "YYYY-MM-DD" or None, "start", "end", "playlist": None}; the channel-wide filler
    as slot "filler"; a playlist naming it that no slot plays yet as {"slot": None, "playlist": name, …}
    (the next save of the schedule would refuse a deleted video in it)."""
    def names(source) -> bool:
        if not source:
            return False
        if source.get("type") == "videos":
            return video_id in source.get("videos", [])
        if source.get("type") == "playlist":
            return video_id in schedule.get("playlists", {}).get(source.get("playlist"), [])
        return False
    found = []
    if names(schedule.get("filler")):
        found.append({"slot": "filler", "date": None, "start": None, "end": None, "playlist": None})
    blocks = [(b, None) for b in schedule.get("slots", [])] + \
             [(b, b["date"]) for b in schedule.get("overrides", []) if b.get("date", "") >= today.isoformat()]
    for block, day in blocks:
        if names(block.get("source")) or names(block.get("filler")):
            found.append({"slot": block.get("id"), "date": day, "start": block.get("start"), "end": block.get("end"),
                          "playlist": None})
    played = {b.get("source", {}).get("playlist") for b, _ in blocks} | {(schedule.get("filler") or {}).get("playlist")}
    for name, ids in schedule.get("playlists", {}).items():
        if video_id in ids and name not in played:
            found.append({"slot": None, "date": None, "start": None, "end": None, "playlist": name})
    return found
