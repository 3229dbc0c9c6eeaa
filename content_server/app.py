"""The application factory: opens the store and wires every feature's routes."""
from __future__ import annotations

import asyncio
import mimetypes
import sys

from aiohttp import web

from . import consoles, devices, guidance, media, ops, questions, schedule, uploads
from .config import Settings
from .errors import error_middleware
from .storage import Store

for _type, _ext in (("application/vnd.apple.mpegurl", ".m3u8"), ("video/mp2t", ".ts"),
                    ("text/vtt", ".vtt"), ("image/webp", ".webp")):
    mimetypes.add_type(_type, _ext)

FEATURES = [ops, devices, consoles, uploads, media, questions, schedule, guidance]


GIL_SWITCH_SECONDS = 0.001


def create_app(settings: Settings | None = None) -> web.Application:
    settings = settings or Settings()
    settings.root.create()
    app = web.Application(middlewares=[ops.count_requests, error_middleware],
                          client_max_size=settings.max_json_bytes,
                          # reading bodies in bigger pieces doubles the speed of tus uploads
                          handler_args={"read_bufsize": 256 * 1024})
    app["settings"] = settings
    app["metrics"] = ops.Metrics()
    app["store"] = Store(settings.root.database)
    # the store's threads run Python too: hand the interpreter back to the event loop within a
    # millisecond, not the default 5 ms a busy thread may keep it (that would be loop lag)
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    app.on_cleanup.append(_close_store)
    for feature in FEATURES:
        feature.setup(app)
    return app


async def _close_store(app: web.Application) -> None:
    await asyncio.to_thread(app["store"].close)
