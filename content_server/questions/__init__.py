"""Questions from households and the callback desk of the 12348 staff.

Modules: `topics` (topics and preset phrases, seeded on first start), `intake` (the one way a
question enters), `workflow` (claims and every later step), `sla` and `calendar` (service levels
on working days), `views` (what households and staff see), `reports` (board, revisits, reports),
`household` and `desk` (HTTP endpoints; `desk`'s docstring lists the console API).
A background task releases lapsed claims and erases phone numbers after the retention period.
"""
from __future__ import annotations

import asyncio
import logging
import time
import uuid

from aiohttp import web

from ..config import Settings
from ..storage import Store, questions as db
from . import desk, household, intake, reports, topics
from .calendar import default_calendar

log = logging.getLogger(__name__)
HOUSEKEEPING_SECONDS = 30


def setup(app: web.Application) -> None:
    """Adds this feature's routes and background tasks to the app."""
    app["calendar"] = default_calendar()
    app["intake"] = intake.GroupCommit(app["settings"].root.database, app["calendar"], app["store"])
    topics.seed(app["store"])  # households must find topics on a fresh server
    app.add_routes(household.routes)
    app.add_routes(desk.routes)
    app["metrics"].describe("legaltv_questions_submitted_total", "counter", "question submissions by reply status")
    app["metrics"].gauge("legaltv_questions_open", "questions needing work, by status and language",
                         lambda: {(("status", r["status"]), ("language", r["language"])): r["n"]
                                  for r in db.open_by_status(app["store"])})
    app.cleanup_ctx.append(_housekeeping)


async def _housekeeping(app: web.Application):
    app["intake"].start()
    task = asyncio.create_task(_housekeeping_loop(app))
    yield
    app["intake"].stop()
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass


def housekeeping(store: Store, settings: Settings, now: float) -> tuple[int, int]:
    """One round: lapsed claims back to the queue, old phone numbers erased. Returns both counts."""
    released = db.release_expired(store, now)
    erased = reports.anonymise(store, now, settings.phone_retention_days)
    return released, erased


async def _housekeeping_loop(app: web.Application) -> None:
    while True:
        try:
            released, erased = housekeeping(app["store"], app["settings"], time.time())
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


def fill_demo(store: Store, settings: Settings) -> None:
    """Adds this feature's sample content; adds nothing twice: the topics and, from demo boxes,
    a few questions waiting in the queue."""
    from .. import auth
    from ..storage import accounts

    topics.seed(store)
    if store.one("SELECT 1 FROM devices WHERE id = 'demo-box-1'") is not None:
        return
    now = time.time()
    for n, (topic, phrases, text, phone, window, language) in enumerate(DEMO_QUESTIONS, start=1):
        _, token_hash = auth.new_token("dev")
        accounts.add_device(store, f"demo-box-{n}", token_hash, "152500", language)
        device = store.one("SELECT * FROM devices WHERE id = ?", (f"demo-box-{n}",))
        body = {"topic": topic, "phrases": phrases, "text": text, "phone": phone,
                "callback_window": window, "language": language}
        intake.submit(store, device, str(uuid.uuid4()), body, now, default_calendar())
