"""Supervision: the live board, the revisit sample, and day/week/month reports (also as CSV).

Reports read only anonymous facts of each question (times, outcome, topic, language, rating),
never phone numbers, texts or devices, so they keep working after anonymisation.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
from collections import Counter
from datetime import date, datetime, time, timedelta

from ..storage import questions as db
from ..storage.questions import Outcome, Referral
from . import phone as phones, sla
from .calendar import WorkCalendar
from .views import iso, staff_item

PERIODS = ("day", "week", "month")
REVISIT_SHARE = 0.05
LOW_RATING = 2
LEASE_WARNING_SECONDS = 5 * 60


def board(store, now: float, calendar: WorkCalendar) -> dict:
    """The live board: queue depth by language and topic, oldest waiting, leases about to expire,
    and how many open questions stand at each SLA level."""
    depth: dict = {}
    for row in db.queue_depth(store):
        entry = depth.setdefault((row["language"], row["topic_id"]), {"language": row["language"],
                                                                      "topic": row["topic_id"], "total": 0})
        entry[row["status"]] = row["n"]
        entry["total"] += row["n"]
    levels = Counter(sla.sla_state(r, now, calendar).level for r in db.queue(store, now, limit=100_000))
    return {
        "now": iso(now, calendar),
        "depth": sorted(depth.values(), key=lambda e: (e["language"], e["topic"])),
        "oldest_waiting": [staff_item(r, now, calendar) for r in db.oldest_waiting(store)],
        "expiring_leases": [staff_item(r, now, calendar)
                            for r in db.expiring_leases(store, now, LEASE_WARNING_SECONDS)],
        "sla_levels": {level: levels.get(level, 0) for level in sla.LEVELS + ("none",)},
    }


def _sample_key(question_id: str) -> str:
    return hashlib.sha256(question_id.encode()).hexdigest()


def revisit_sample(store, since: float, until: float, now: float, calendar: WorkCalendar) -> list[dict]:
    """Questions to call back: at least 5 % of those finished in [since, until) (chosen by a hash
    of the id, so the same list every time) plus every one rated 2 or lower."""
    finished = db.finished_between(store, since, until)
    quota = math.ceil(len(finished) * REVISIT_SHARE)
    sampled = {r["id"] for r in sorted(finished, key=lambda r: _sample_key(r["id"]))[:quota]}
    out = []
    for row in finished:
        reasons = []
        if row["rating"] is not None and row["rating"] <= LOW_RATING:
            reasons.append("low_rating")
        if row["id"] in sampled:
            reasons.append("sample")
        if reasons:
            item = staff_item(row, now, calendar)
            item["reasons"] = reasons
            item["revisit"] = None if row["revisited_at"] is None else {
                "at": iso(row["revisited_at"], calendar), "reached": bool(row["revisit_reached"]),
                "satisfied": None if row["revisit_satisfied"] is None else bool(row["revisit_satisfied"]),
                "note": row["revisit_note"]}
            out.append(item)
    return out


def period_bounds(kind: str, day: date, calendar: WorkCalendar) -> tuple[date, date]:
    """First day and the day after the last of the day, ISO week (Monday first) or month holding `day`."""
    if kind == "day":
        return day, day + timedelta(days=1)
    if kind == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=7)
    start = day.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def _summary(facts: list, calendar: WorkCalendar) -> dict:
    attempted = [f for f in facts if f["first_attempt_at"] is not None]
    reached = [f for f in facts if f["answered_at"] is not None]
    on_time = [f for f in attempted if sla.first_attempt_on_time(f)]
    referred = [f for f in facts if f["referral"]]
    handed = [f for f in referred if sla.met_deadline(f["referred_at"], f["handed_off_at"],
                                                       sla.HANDOFF_WORKING_DAYS, calendar)]
    ratings = [f["rating"] for f in facts if f["rating"] is not None]
    return {
        "questions": len(facts),
        "attempted": len(attempted),
        "answered": len(reached),
        "answer_rate": round(len(reached) / len(attempted), 3) if attempted else None,
        "first_attempt_on_time": len(on_time),
        "on_time_rate": round(len(on_time) / len(attempted), 3) if attempted else None,
        "referrals": len(referred),
        "referrals_by_kind": dict(Counter(f["referral"] for f in referred)),
        "handoffs_on_time": len(handed),
        "ratings": len(ratings),
        "satisfaction": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "ratings_by_score": {str(s): ratings.count(s) for s in range(1, 6)},
        **_request_counts(facts),
    }


def _request_counts(facts: list) -> dict:
    """Service requests among the facts, and what became of them (outcome)."""
    asked = [f for f in facts if f["kind"] == "request"]
    outcomes = Counter(f["outcome"] for f in asked)
    return {"requests": len(asked), "appointments": outcomes[Outcome.APPOINTMENT_CONFIRMED],
            "requests_refused": outcomes[Outcome.REFUSED], "requests_cancelled": outcomes[Outcome.CANCELLED]}


def report(store, kind: str, day: date, calendar: WorkCalendar) -> dict:
    """Totals for the period holding `day`, and one row per calendar day for charts.

    Counts questions by the day they were asked: answer rate = reached / called at least once;
    on time = first call inside the chosen window; satisfaction = mean rating 1..5."""
    first, after = period_bounds(kind, day, calendar)
    since = datetime.combine(first, time(0), calendar.zone).timestamp()
    until = datetime.combine(after, time(0), calendar.zone).timestamp()
    facts = db.report_facts(store, since, until)
    by_day: dict[date, list] = {}
    for fact in facts:
        by_day.setdefault(calendar.local(fact["created_at"]).date(), []).append(fact)
    days = []
    current = first
    while current < after:
        days.append({"date": current.isoformat(), **_summary(by_day.get(current, []), calendar)})
        current += timedelta(days=1)
    return {"period": kind, "from": first.isoformat(), "until": (after - timedelta(days=1)).isoformat(),
            "totals": _summary(facts, calendar), "days": days,
            "by_topic": {t: _summary([f for f in facts if f["topic_id"] == t], calendar)
                         for t in sorted({f["topic_id"] for f in facts})},
            "by_language": {lang: _summary([f for f in facts if f["language"] == lang], calendar)
                            for lang in sorted({f["language"] for f in facts})},
            # service requests and appointments by service and by the household's region
            "requests_by_service": {service: _request_counts([f for f in facts if f["service"] == service])
                                    for service in sorted({f["service"] for f in facts if f["service"]})},
            "requests_by_region": {region: _request_counts([f for f in facts if f["region"] == region])
                                   for region in sorted({f["region"] for f in facts if f["kind"] == "request"})}}


CSV_COLUMNS = ("questions", "attempted", "answered", "answer_rate", "first_attempt_on_time", "on_time_rate",
               "referrals", "handoffs_on_time", "ratings", "satisfaction")
REQUEST_COLUMNS = ("requests", "appointments", "requests_refused", "requests_cancelled")


def report_csv(data: dict) -> str:
    """The report as CSV: one row per day, then the period total, by topic and by language."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("row", *CSV_COLUMNS, *(f"referrals_{k}" for k in Referral), *REQUEST_COLUMNS))

    def line(label, summary):
        writer.writerow((label, *("" if summary[c] is None else summary[c] for c in CSV_COLUMNS),
                         *(summary["referrals_by_kind"].get(k, 0) for k in Referral),
                         *(summary[c] for c in REQUEST_COLUMNS)))
    for entry in data["days"]:
        line(entry["date"], entry)
    line(f"total {data['from']}..{data['until']}", data["totals"])
    for topic_id, summary in data["by_topic"].items():
        line(f"topic {topic_id}", summary)
    for language, summary in data["by_language"].items():
        line(f"language {language}", summary)
    blank = dict.fromkeys(CSV_COLUMNS, None) | {"referrals_by_kind": {}}  # request rows count requests only
    for service, counts in data["requests_by_service"].items():
        line(f"service {service}", blank | counts)
    for region, counts in data["requests_by_region"].items():
        line(f"region {region}", blank | counts)
    return out.getvalue()


def anonymise(store, now: float, retention_days: int) -> int:
    """Erases phone numbers (also those typed into texts and notes) of questions finished more than
    `retention_days` ago, or unfinished and untouched for that long."""
    return db.anonymise_inactive(store, now - retention_days * 86400, now, phones.redact)
