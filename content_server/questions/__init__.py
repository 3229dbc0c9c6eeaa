"""Questions from households and the callback desk of the 12348 staff.

Modules: `topics` (topics and preset phrases, seeded on first start), `intake` (the one way a
question enters), `requests` (service requests and appointments: questions of kind "request"),
`workflow` (claims and every later step), `sla` and `calendar` (service levels
on working days), `duty` (urgent topics and the duty roster, any hour), `views` (what households and
staff see), `reports` (board, revisits, reports),
`household` and `desk` (HTTP endpoints; `desk`'s docstring lists the console API).
A background task releases lapsed claims and erases phone numbers after the retention period;
after an erasure it truncates the database's write-ahead log, so no old copy stays on disk.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import time
import uuid
from datetime import datetime, timedelta

from aiohttp import web

from ..kernel.background import in_background
from ..kernel.clock import CHINA, CLOCK
from ..kernel.config import SETTINGS, Settings
from ..kernel.loop_lag import LOOP_LAG
from ..ops import METRICS
from ..storage import STORE, Store, answer_templates as answer_templates_db, questions as db, truncate_wal
from . import answer_templates, complaints, demo_templates, desk, duty, household, intake, reports, topics
from .calendar import CALENDAR, default_calendar
from .intake import BOX_LIMITS, INTAKE

log = logging.getLogger(__name__)
HOUSEKEEPING_SECONDS = 30
# One household's questions and the desk's view of them: no browser, proxy or CDN may keep a copy.
PRIVATE_PATHS = ("/api/v1/questions", "/api/v1/desk/")


ERASURE = web.AppKey("erasure", dict)  # erased numbers may still sit in the write-ahead log: {'log_pending': bool}


def setup(app: web.Application) -> None:
    """Adds this feature's routes and background tasks to the app."""
    app[CALENDAR] = default_calendar()
    app[ERASURE] = {"log_pending": False}  # erased numbers may still sit in the write-ahead log
    app[BOX_LIMITS] = intake.BoxLimits()
    app[INTAKE] = intake.IntakeQueue(lag=app[LOOP_LAG])  # ops measures it
    app.add_routes(household.routes)
    app.add_routes(desk.routes)
    app.add_routes(duty.routes)
    app.add_routes(answer_templates.routes)
    app.add_routes(complaints.routes)
    app[METRICS].describe("legaltv_questions_submitted_total", "counter", "question submissions by reply status")
    app[METRICS].gauge("legaltv_questions_open", "questions needing work, by status and language",
                       functools.partial(_open_questions, app[STORE]))
    app.on_startup.append(_seed_topics)
    app.cleanup_ctx.append(in_background(_housekeeping_loop))
    app.on_response_prepare.append(_no_store)


async def _no_store(request: web.Request, response: web.StreamResponse) -> None:
    """Every answer under the private paths, refusals too, is marked `Cache-Control: no-store`."""
    if request.path.startswith(PRIVATE_PATHS):
        response.headers["Cache-Control"] = "no-store"


async def _open_questions(store: Store) -> dict:
    return {(("status", r["status"]), ("language", r["language"])): r["n"]
            for r in await store.read(db.open_by_status)}


async def _seed_topics(app: web.Application) -> None:
    await app[STORE].write(topics.seed)  # households must find topics on a fresh server


def housekeeping(tx, settings: Settings, now: float) -> tuple[int, int]:
    """One round (a unit of work): lapsed claims back to the queue, old phone numbers erased.
    Returns both counts."""
    released = db.release_expired(tx, now)
    erased = reports.anonymise(tx, now, settings.phone_retention_days)
    return released, erased


async def housekeeping_round(app: web.Application, now: float) -> tuple[int, int]:
    """`housekeeping`, then, when numbers were erased (now or in a round whose truncation was
    blocked), the write-ahead log is checkpointed and truncated in a worker thread."""
    released, erased = await app[STORE].write(housekeeping, app[SETTINGS], now)
    erasure, store = app[ERASURE], app[STORE]
    if store.path is None:  # PostgreSQL: no log file of this process to truncate
        return released, erased
    if erased or erasure["log_pending"]:
        erasure["log_pending"] = True  # stays set until a truncation succeeds
        erasure["log_pending"] = not await asyncio.to_thread(truncate_wal, store.path)
    return released, erased


async def _housekeeping_loop(app: web.Application) -> None:
    while True:
        try:
            released, erased = await housekeeping_round(app, app[CLOCK]())
            if released or erased:
                log.info("housekeeping: %d lapsed claims released, %d phone numbers erased", released, erased)
        except Exception:  # a locked database now and then must not end the loop
            log.exception("housekeeping failed")
        await asyncio.sleep(HOUSEKEEPING_SECONDS)


DEMO_QUESTIONS = [
    ("traffic", ["traffic.2", "traffic.3"], "", "13912345678", "morning", "mn"),
    ("wages", ["wages.1"], "在工地干了三个月，老板一直不给钱。", "15847112345", "afternoon", "zh"),
    ("family", ["family.5"], "", "04714561234", "any", "mn"),
    ("land", ["land.2"], "", "13647198765", "evening", "zh"),
]
# service requests from two more demo boxes: (box, region, service, topic, phone, language, days from today)
DEMO_REQUESTS = [
    ("demo-box-5", "152502", "legal_aid", "wages", "15148112233", "zh", (1, 2, 3)),
    ("demo-box-6", "152522", "notary", "family", "13314798877", "mn", (2, 5)),
]


def fill_demo(store: Store, settings: Settings) -> None:
    """Adds this feature's sample content; adds nothing twice: the topics, a few questions and two
    service requests waiting in the queue (from demo boxes), and answer templates of the demo's topics."""
    from ..storage import accounts

    store.write_blocking(topics.seed)
    now = time.time()
    if store.read_blocking(accounts.device_by_id, "demo-box-1") is None:
        for n, (topic, phrases, text, phone, window, language) in enumerate(DEMO_QUESTIONS, start=1):
            body = {"topic": topic, "phrases": phrases, "text": text, "phone": phone,
                    "callback_window": window, "language": language}
            _submit_from_demo_box(store, f"demo-box-{n}", "152500", language, body, now)
    if store.read_blocking(accounts.device_by_id, DEMO_REQUESTS[0][0]) is None:
        today = datetime.fromtimestamp(now, CHINA).date()
        for box, region, service, topic, phone, language, days in DEMO_REQUESTS:
            body = {"kind": "request", "service": service, "topic": topic, "phone": phone, "language": language,
                    "preferred_days": [(today + timedelta(days=d)).isoformat() for d in days]}
            _submit_from_demo_box(store, box, region, language, body, now)
    if not store.read_blocking(answer_templates_db.templates):
        for topic, title, text in demo_templates.templates():
            store.write_blocking(answer_templates_db.add_template, topic, title, text, now, None)


def _submit_from_demo_box(store: Store, device_id: str, region: str, language: str, body: dict, now: float) -> None:
    """Registers the demo box and sends its body through the households' intake."""
    from ..kernel import auth
    from ..storage import accounts

    _, token_hash = auth.new_token("dev")
    store.write_blocking(accounts.add_device, device_id, token_hash, region, language)
    device = store.read_blocking(accounts.device_by_id, device_id)
    store.write_blocking(intake.submit, dict(device), str(uuid.uuid4()), body, now, default_calendar())
