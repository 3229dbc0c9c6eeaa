"""The rules of play events, pure: a batch checked and folded into daily counters, and the league
and province a Popular ranking is read for."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict

from ..kernel.clock import CHINA
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..storage.plays import BATCH_KEPT_SECONDS, TallyKey

MAX_EVENTS = 1000  # 15 minutes of watching makes a few dozen; a box offline for days sends its backlog in turns
BATCH_ID = re.compile(r"^[0-9A-Za-z-]{8,64}$")
VIDEO_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
LANGUAGES = ("zh", "mn")
PERCENT_COUNTER = {25: "quarter", 50: "half", 75: "three_quarters", 100: "completes"}
EVENT_COUNTER = {"start": "starts", "audio": "audio_switches", "subtitles": "subtitle_switches",
                 "rung": "rung_changes", "stall": "stalls"}
KINDS = (*EVENT_COUNTER, "progress")
MAX_STALL_SECONDS = 3600.0


def _refused(field: str) -> ApiError:
    # TRANSLATORS: error message from the server to a set-top box sending what households watched, max 80 chars
    return ApiError(422, "invalid_plays", N_("This list of plays could not be read. The box sends the next one."),
                    field=field)


def _number(value, field: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise _refused(field)
    return float(value)


def batch_id(body) -> str:
    """The batch's id, checked: what makes a resent batch count once."""
    if not isinstance(body, dict):
        raise _refused("batch")
    value = body.get("batch")
    if not isinstance(value, str) or not BATCH_ID.match(value):
        raise _refused("batch")
    return value


def batch_key(device_id: str, batch: str) -> str:
    """What is kept of a batch to know it again: a digest, not the box."""
    return hashlib.sha256(f"{device_id}\n{batch}".encode()).hexdigest()


def china_day(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, CHINA).date().isoformat()


def tallies(body: dict, region: str, now: float) -> dict[TallyKey, dict]:
    """Every event checked (any fault refuses the whole batch: the box's recorder has a bug then)
    and counted per video, China day, region and languages. An event from the future is counted
    now; one older than the batches kept is not counted at all (its batch may be counted already)."""
    events = body.get("events")
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise _refused("events")
    counts: dict[TallyKey, dict] = defaultdict(lambda: defaultdict(float))
    for index, event in enumerate(events):
        field = f"events[{index}]"
        if not isinstance(event, dict):
            raise _refused(field)
        video, kind = event.get("video"), event.get("event")
        if not isinstance(video, str) or not VIDEO_ID.match(video):
            raise _refused(f"{field}.video")
        if kind not in KINDS:
            raise _refused(f"{field}.event")
        at = _number(event.get("at"), f"{field}.at", 0, 1e11)
        audio, subtitles = event.get("audio"), event.get("subtitles", "")
        if audio not in LANGUAGES:
            raise _refused(f"{field}.audio")
        if subtitles not in ("", *LANGUAGES):
            raise _refused(f"{field}.subtitles")
        if kind == "progress":
            percent = event.get("percent")
            if isinstance(percent, bool) or percent not in PERCENT_COUNTER:
                raise _refused(f"{field}.percent")
            counter = PERCENT_COUNTER[percent]
        else:
            counter = EVENT_COUNTER[kind]
        stall = _number(event.get("seconds", 0), f"{field}.seconds", 0, MAX_STALL_SECONDS) if kind == "stall" else 0.0
        if at < now - BATCH_KEPT_SECONDS:
            continue
        tally = counts[TallyKey(video, china_day(min(at, now)), region, audio, subtitles)]
        tally[counter] += 1
        tally["stall_seconds"] += stall
    return {key: {name: (value if name == "stall_seconds" else int(value)) for name, value in tally.items()}
            for key, tally in counts.items()}


def league_of(region: str) -> str:
    """The league (city) a banner-level code belongs to: its first four digits and "00"."""
    return region[:4] + "00"


def province_of(region: str) -> str:
    return region[:2] + "0000"
