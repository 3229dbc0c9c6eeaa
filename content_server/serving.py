"""How the server process copes with clients it cannot serve: out of file descriptors.

asyncio retries a failed accept() every second and logs each failure with a traceback: 20,000
slow sockets turned that into 66 MB of log a minute. One line a minute says the same.
"""
from __future__ import annotations

import asyncio
import errno
import logging
import time

from aiohttp import web

log = logging.getLogger(__name__)

REPORT_EVERY_SECONDS = 60
_OUT_OF_RESOURCES = {errno.EMFILE: "EMFILE", errno.ENFILE: "ENFILE", errno.ENOBUFS: "ENOBUFS",
                     errno.ENOMEM: "ENOMEM"}


class AcceptFailureLog:
    """A loop exception handler: accept() failures for lack of resources once a minute, the rest as before."""

    def __init__(self, previous, clock=time.monotonic):
        self.previous, self.clock = previous, clock
        self.last_report: float | None = None
        self.unreported = 0

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        exc = context.get("exception")
        if not isinstance(exc, OSError) or exc.errno not in _OUT_OF_RESOURCES or "accept" not in context.get("message", ""):
            if self.previous is not None:
                self.previous(loop, context)
            else:
                loop.default_exception_handler(context)
            return
        now = self.clock()
        if self.last_report is not None and now - self.last_report < REPORT_EVERY_SECONDS:
            self.unreported += 1
            return
        log.error("cannot accept connections: %s (%s); %d more failures since the last report. "
                  "Raise the open-file limit (ulimit -n) or lower header_timeout_seconds.",
                  exc.strerror, _OUT_OF_RESOURCES[exc.errno], self.unreported)
        self.last_report, self.unreported = now, 0


async def log_accept_failures_once_a_minute(app: web.Application) -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(AcceptFailureLog(loop.get_exception_handler()))
