"""The application factory: opens the store and wires every feature's routes."""
from __future__ import annotations

import asyncio
import mimetypes
import sys

from aiohttp import web

from . import (calculators, catalog, changes, consoles, devices, guidance, media, notices, ops, playout, plays, questions,
               schedule, serving, uploads)
from .kernel.clock import CLOCK, Clock
from .kernel.config import SETTINGS, Settings
from .kernel.errors import error_middleware
from .kernel.i18n import require_catalogs
from .kernel.loop_lag import LOOP_LAG, LoopLag
from .kernel.validation import form_bodies_in_time
from .ops import METRICS
from .storage import STORE, Store

for _type, _ext in (("application/vnd.apple.mpegurl", ".m3u8"), ("video/mp2t", ".ts"),
                    ("text/vtt", ".vtt"), ("image/webp", ".webp")):
    mimetypes.add_type(_type, _ext)

FEATURES = [ops, devices, consoles, uploads, catalog, media, questions, schedule, playout, guidance, calculators,
            notices, plays, changes]


GIL_SWITCH_SECONDS = 0.001


def create_app(settings: Settings | None = None) -> web.Application:
    require_catalogs()  # without them every household would be answered in English
    settings = settings or Settings()
    settings.root.create()
    app = web.Application(middlewares=[ops.count_requests, error_middleware, form_bodies_in_time],
                          client_max_size=settings.max_json_bytes,
                          # reading bodies in bigger pieces doubles the speed of tus uploads;
                          # aiohttp's keep-alive timer also closes a connection idle mid-head
                          handler_args={"read_bufsize": 256 * 1024,
                                        "keepalive_timeout": settings.header_timeout_seconds})
    app[SETTINGS] = settings
    app[METRICS] = ops.Metrics()
    app[CLOCK] = Clock()  # tests fix it to walk through a simulated day or week
    app[LOOP_LAG] = LoopLag()
    app[STORE] = Store(settings.database_url)
    app.on_startup.append(serving.log_accept_failures_once_a_minute)
    # the store's threads run Python too: hand the interpreter back to the event loop within a
    # millisecond, not the default 5 ms a busy thread may keep it (that would be loop lag)
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    app.on_cleanup.append(_close_store)
    for feature in FEATURES:
        feature.setup(app)
    return app


async def _close_store(app: web.Application) -> None:
    await asyncio.to_thread(app[STORE].close)
