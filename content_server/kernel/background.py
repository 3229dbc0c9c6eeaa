"""A task that runs for as long as the app does (measuring, sweeping, housekeeping)."""
from __future__ import annotations

import asyncio
import contextlib
from typing import Awaitable, Callable

from aiohttp import web


def in_background(start: Callable[[web.Application], Awaitable[None]]):
    """A cleanup context for `app.cleanup_ctx`: runs `start(app)` as a task, cancelled at shutdown."""
    async def context(app: web.Application):
        task = asyncio.create_task(start(app))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    return context
