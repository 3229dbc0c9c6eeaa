"""What a notice may say and to whom, and which notices are current where: pure functions, no
database, no clock (pass `now`)."""
from __future__ import annotations

import bisect
import json

from ..catalog.publish_window import iso
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..kernel.validation import bilingual_text, choice, instant
from ..storage.notices import NoticeKind

MAX_TITLE = 80
MAX_BODY = 1000
MAX_REGIONS = 50
WITHDRAWN_KEPT_SECONDS = 90 * 86400  # how long boxes are told a notice was withdrawn (a box off for a season)
PREFIX_LENGTHS = (2, 4, 6)  # province, league or city, banner or county (GB/T 2260)
FIELDS = ("kind", "title", "body", "regions", "publish_from", "publish_until")


def _region_prefixes(body: dict) -> list[str]:
    value = body.get("regions")
    if not isinstance(value, list) or not value or len(value) > MAX_REGIONS or not all(
            isinstance(p, str) and len(p) in PREFIX_LENGTHS and p.isascii() and p.isdigit() for p in value):
        # TRANSLATORS: editor API and console error under the regions field, max 120 chars
        raise ApiError(422, "invalid_regions", N_("Please give one to {max} region codes of 2, 4 or 6 digits, "
                                                  "e.g. 15 for the province or 1525 for a league."),
                       field="regions", max=MAX_REGIONS)
    return sorted(set(value))


def _timestamp(moment) -> float | None:
    return moment.timestamp() if moment is not None else None


def check_notice(body, now: float, current: dict | None = None) -> dict:
    """The columns of a new notice (`current` None: every field but the window is required) or
    of an edit of `current` (a row: only the fields sent). Refuses with a bilingual ApiError."""
    if not isinstance(body, dict) or not body:
        # TRANSLATORS: editor API and console error when an edit changes nothing, max 80 chars
        raise ApiError(422, "nothing_to_change", N_("Please change at least one field."))
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        # TRANSLATORS: editor API error; {options} lists the field names, max 120 chars
        raise ApiError(422, "unknown_field", N_("This field cannot be changed. You may change: {options}."),
                       field=str(unknown[0])[:64], options=", ".join(FIELDS))
    new = current is None
    columns: dict = {}
    if new or "kind" in body:
        columns["kind"] = choice(body, "kind", [str(k) for k in NoticeKind])
    for name, limit in (("title", MAX_TITLE), ("body", MAX_BODY)):
        if new or name in body:
            texts = bilingual_text(body, name, limit)
            columns.update({f"{name}_zh": texts["zh"], f"{name}_mn": texts["mn"]})
    if new or "regions" in body:
        columns["regions"] = json.dumps(_region_prefixes(body))
    if new or "publish_from" in body:
        start = _timestamp(instant(body, "publish_from"))
        columns["publish_from"] = start if start is not None else (current["publish_from"] if current else now)
    if new or "publish_until" in body:
        columns["publish_until"] = _timestamp(instant(body, "publish_until"))
    start = columns.get("publish_from", current and current["publish_from"])
    end = columns.get("publish_until", current and current["publish_until"])
    if end is not None and end <= start:
        # TRANSLATORS: editor console error under the publish-until field, max 80 chars
        raise ApiError(422, "invalid_window", N_("The end of publication must come after its start."),
                       field="publish_until" if "publish_until" in body else "publish_from")
    if end is not None and end <= now and "publish_until" in body:
        # TRANSLATORS: editor console error under the publish-until field, max 100 chars
        raise ApiError(422, "already_ended", N_("This end time has passed: no box would show the notice. "
                                                "Please choose a later time."), field="publish_until")
    return columns


def targets(row, region: str) -> bool:
    """Whether the notice is meant for a box in `region` (a six-digit code)."""
    return any(region.startswith(prefix) for prefix in json.loads(row["regions"]))


def is_current(row, now: float) -> bool:
    """Inside its publish window at `now` (from inclusive, until exclusive)."""
    return row["publish_from"] <= now and (row["publish_until"] is None or now < row["publish_until"])


def window_edges(rows) -> list[float]:
    """Every instant at which a notice not withdrawn starts or stops being current, sorted."""
    rows = [row for row in rows if row["withdrawn_at"] is None]
    return sorted({row["publish_from"] for row in rows} |
                  {row["publish_until"] for row in rows if row["publish_until"] is not None})


def edges_passed(edges: list[float], now: float) -> tuple[int, float | None]:
    """(how many edges are at or before `now`, the next edge after it or None): the count moves
    exactly when the set of current notices may change."""
    passed = bisect.bisect_right(edges, now)
    return passed, edges[passed] if passed < len(edges) else None


def notice_json(row) -> dict:
    """A notice as boxes and consoles read it."""
    return {"id": row["id"], "kind": row["kind"],
            "title": {"zh": row["title_zh"], "mn": row["title_mn"]},
            "body": {"zh": row["body_zh"], "mn": row["body_mn"]},
            "regions": json.loads(row["regions"]), "publish_from": iso(row["publish_from"]),
            "publish_until": iso(row["publish_until"]) if row["publish_until"] is not None else None}


def withdrawn_for(rows, region: str, now: float) -> list[int]:
    """Ids of the notices for `region` withdrawn lately: a box drops them from its past notices."""
    return sorted(row["id"] for row in rows if row["withdrawn_at"] is not None and targets(row, region)
                  and row["withdrawn_at"] > now - WITHDRAWN_KEPT_SECONDS)


def current_for(rows, region: str, now: float) -> list[dict]:
    """The notices a box in `region` shows at `now`: urgent first, then the newest first."""
    chosen = [row for row in rows if row["withdrawn_at"] is None and is_current(row, now) and targets(row, region)]
    chosen.sort(key=lambda row: (row["kind"] != NoticeKind.URGENT, -row["publish_from"], -row["id"]))
    return [notice_json(row) for row in chosen]
