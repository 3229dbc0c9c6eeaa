"""Broadcast playout: a channel as one continuous constant-bitrate MPEG-TS for a cable headend,
copied from the stored segments (no video encoding), planned by the schedule's one function."""
from __future__ import annotations

import asyncio
import logging
import signal

from aiohttp import web

from ..kernel.background import in_background
from ..kernel.clock import CLOCK, Clock
from ..kernel.config import SETTINGS, Settings
from ..kernel.i18n import N_, bilingual
from ..ops import METRICS
from ..schedule.lineup import Lineup
from ..storage import Store
from .audio import mp2_encoder
from .mux import MP2
from .output import open_output
from .service import Options, Playout, plan_through
from .status import PLAYOUT_STATES, add_metrics, read_states, state_folder
from .supervisor import keep_playing

log = logging.getLogger(__name__)

# TRANSLATORS: provider name in the cable operator's service list (DVB SDT), max 30 chars
PROVIDER = N_("12348 public legal service")


def state_file(settings: Settings, channel: str):
    """Where a channel's playout writes its state for the console and /metrics."""
    return state_folder(settings.root.root) / f"{channel}.json"


def setup(app: web.Application) -> None:
    """The server shows the playouts' states (each playout runs as `content-server playout`)."""
    settings = app[SETTINGS]

    async def states() -> dict[str, dict]:
        return await asyncio.to_thread(read_states, settings.root.root, int(app[CLOCK]() * 1000))

    app[PLAYOUT_STATES] = states
    add_metrics(app[METRICS], states)
    if settings.playouts:
        app.cleanup_ctx.append(in_background(keep_playing))


async def play(store: Store, settings: Settings, options: Options, clock: Clock) -> Playout:
    """Builds the playout of `options.channel` on the running loop (it runs in a thread)."""
    lineup = Lineup(store, settings)
    await lineup.refresh()
    channel = lineup.channel(options.channel)
    if channel is None:
        raise LookupError(f"no channel {options.channel!r}")
    service = {"zh": channel["title_zh"], "mn": channel["title_mn"]}
    encoder = mp2_encoder() if options.audio == MP2 else None
    return Playout(settings.root, options, plan_through(asyncio.get_running_loop(), lineup, options.channel), clock,
                   service, bilingual(PROVIDER), encoder, state_path=state_file(settings, options.channel))


async def run_playout(settings: Settings, options: Options) -> None:
    """`content-server playout`: plays until SIGTERM or SIGINT."""
    output = open_output(options.output)
    store = Store(settings.database_url)
    try:
        playout = await play(store, settings, options, Clock())
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, playout.stop.set)
        log.info("playout of %s to %s at %d bit/s", options.channel, options.output, options.muxrate)
        await asyncio.to_thread(playout.run, output)
    finally:
        output.close()
        store.close()
