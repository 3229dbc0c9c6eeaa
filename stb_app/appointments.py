"""Service requests and appointments on the box (pure Python): the services a household may ask
for, the days it may prefer, how a confirmed slot reads, and the reminder on the day before.

A request is sent through the outbox like a question (`{"kind": "request", …}`); a cancellation
goes through the outbox too (`{"kind": "cancel", "question": id}`), so it survives a power cut.
"""
from __future__ import annotations

import datetime as dt

from legaltv_locale.formatting import format_date, weekday_name

from .i18n import N_, translate

CANCEL = "cancel"  # an outbox entry that cancels a request
DAYS_AHEAD = 14  # the household picks its days among today and the next 13
CHINA = dt.timezone(dt.timedelta(hours=8))  # the service's day (no tz database needed on the box)
SERVICES = (
    # TRANSLATORS: consoles and TV, a service a household asks for, max 30 chars
    ("legal_aid", N_("Apply for legal aid")),
    # TRANSLATORS: consoles and TV, a service a household asks for, max 30 chars
    ("notary", N_("Notary appointment")),
    # TRANSLATORS: consoles and TV, a service a household asks for, max 30 chars
    ("mediation", N_("Mediation")),
    # TRANSLATORS: consoles and TV, a service a household asks for: a lawyer at the sumu's legal service station, max 30 chars
    ("station_lawyer", N_("A lawyer at the sumu station")),
    # TRANSLATORS: consoles and TV, a service a household asks for, max 30 chars
    ("appraisal", N_("Judicial appraisal")),
)
# TRANSLATORS: TV app, a confirmed appointment: {date} is a day, {time} a time of day, {place} an office, max 120 chars
SLOT = N_("{date} at {time}, {place}")
# TRANSLATORS: TV app, home screen, the reminder on the day before an appointment; {service} and {slot} name it, max 140 chars
REMINDER = N_("Tomorrow: {service}, {slot}. Please remember to go.")


def today(timestamp: float) -> dt.date:
    """The day in China at `timestamp` (UNIX seconds)."""
    return dt.datetime.fromtimestamp(timestamp, CHINA).date()


def day_choices(first: dt.date) -> list[dt.date]:
    """The days a household may prefer: `first` (today) and the 13 after it."""
    return [first + dt.timedelta(days=n) for n in range(DAYS_AHEAD)]


def day_label(day: dt.date, lang: str, between: str = " ") -> str:
    """A day as the household reads it: date and weekday (on a card: one under the other)."""
    return f"{format_date(day, lang)}{between}{weekday_name(day.weekday(), lang)}"


def service_name(service: str | None, lang: str) -> str:
    msgid = dict(SERVICES).get(service or "")
    return translate(msgid, lang) if msgid else ""


def requests_of(questions: list | None) -> list[dict]:
    """The household's service requests among its questions, newest first."""
    found = [q for q in questions or [] if q.get("kind") == "request"]
    return sorted(found, key=lambda q: str(q.get("created_at")), reverse=True)


def confirmed(request: dict) -> bool:
    return bool(request.get("appointment")) and request.get("outcome") == "appointment_confirmed"


def slot_text(appointment: dict, lang: str) -> str:
    """Where and when, in the household's script and calendar."""
    place = appointment.get("place") or {}
    if isinstance(place, dict):
        place = place.get(lang) or place.get("zh") or ""
    return translate(SLOT, lang, date=day_label(dt.date.fromisoformat(appointment["date"]), lang),
                     time=appointment["time"], place=place)


def reminder(questions: list | None, on: dt.date) -> dict | None:
    """The confirmed appointment that is tomorrow, seen from day `on`, or None; its reminder text in
    both scripts under "text"."""
    tomorrow = (on + dt.timedelta(days=1)).isoformat()
    for request in requests_of(questions):
        if confirmed(request) and request["appointment"].get("date") == tomorrow:
            return {"request": request,
                    "text": {lang: translate(REMINDER, lang, service=service_name(request.get("service"), lang),
                                             slot=slot_text(request["appointment"], lang)) for lang in ("zh", "mn")}}
    return None
