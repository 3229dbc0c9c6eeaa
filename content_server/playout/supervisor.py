"""Playouts configured beside `serve` (setting `playouts`): one `content-server playout` child
per channel, started again whenever it stops, so a killed playout is back where the schedule is
within a second. Children die with the server (kernel.child_processes)."""
from __future__ import annotations

import asyncio
import logging
import sys

from aiohttp import web

from ..kernel.child_processes import start_child
from ..kernel.config import SETTINGS, Settings

log = logging.getLogger(__name__)

RESTART_PAUSE_SECONDS = 1.0  # a playout that cannot start is not restarted in a tight loop


def playout_command(settings: Settings, channel: str, spec) -> list[str]:
    """The command line of one configured playout (`spec`: an output URL, or an object of options)."""
    options = {"output": spec} if isinstance(spec, str) else dict(spec)
    command = [sys.executable, "-m", "content_server.cli", "playout", channel, "--data", str(settings.data)]
    if settings.database:
        command += ["--database", settings.database]
    for name in ("output", "muxrate", "rung", "audio"):
        if name in options:
            command += [f"--{name}", str(options[name])]
    return command


async def keep_playing(app: web.Application) -> None:
    """Runs every configured playout for as long as the server runs."""
    settings = app[SETTINGS]
    await asyncio.gather(*(_keep_one(settings, channel, spec) for channel, spec in settings.playouts.items()))


async def _keep_one(settings: Settings, channel: str, spec) -> None:
    command = playout_command(settings, channel, spec)
    while True:
        process = await start_child(command)
        try:
            code = await process.wait()
        except asyncio.CancelledError:
            if process.returncode is None:
                process.terminate()
                await process.wait()
            raise
        log.error("the playout of %s stopped (exit %s): starting it again", channel, code)
        await asyncio.sleep(RESTART_PAUSE_SECONDS)
