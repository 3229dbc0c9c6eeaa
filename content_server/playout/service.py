"""The playout of one channel: the planner's items copied into a paced, constant-bitrate stream.

The multiplexing runs in its own thread (it reads files and cuts packets); it asks the
planner through the event loop that owns the store, one item at a time, so an edit saved
before an item begins is what that item plays.
"""
from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

from ..kernel.config import DataRoot
from ..schedule.library import Library
from ..schedule.lineup import Lineup
from ..schedule.planner import Item
from . import eit
from .feed import Feed, Placement
from .mux import AAC, Multiplexer
from .output import UdpOutput

BURST_PACKETS = 7  # one datagram


@dataclass
class Options:
    channel: str
    output: str
    muxrate: int = 8_000_000
    rung: str = "1080p"  # the stored rung nearest this height is copied
    audio: str = AAC


@dataclass
class State:
    """What the console and /metrics show of a playout (written beside the data root)."""
    channel: str
    output: str
    muxrate: int
    pid: int = field(default_factory=os.getpid)
    on_air: bool = False
    started_ms: int = 0
    item_start_ms: int | None = None
    item_end_ms: int | None = None
    item_title: dict | None = None
    video_id: str | None = None
    slate_substitutions: int = 0
    items_started: int = 0
    packets: int = 0
    null_packets: int = 0
    eit_packets: int = 0
    late_units: int = 0
    last_error: str = ""
    updated_ms: int = 0
    counters: dict = field(default_factory=dict)


Plan = Callable[[int, int], tuple[list[Item], Library]]


def plan_through(loop: asyncio.AbstractEventLoop, lineup: Lineup, channel_id: str) -> Plan:
    """The planner's items of the channel overlapping [from, to), asked on `loop` (thread-safe)."""
    async def items(from_ms: int, to_ms: int):
        await lineup.store.refresh_versions()  # another process's edit is seen at once
        await lineup.refresh()
        library = lineup.library()
        channel = lineup.channel(channel_id)
        return (lineup.items(channel, from_ms, to_ms) if channel else []), library

    return lambda from_ms, to_ms: asyncio.run_coroutine_threadsafe(items(from_ms, to_ms), loop).result()


class Playout:
    def __init__(self, root: DataRoot, options: Options, plan: Plan, clock: Callable[[], float],
                 service: dict, provider: dict, audio_encoder: Callable | None = None,
                 state_path=None):
        self.root, self.options, self.plan, self.clock = root, options, plan, clock
        self.service, self.provider = service, provider
        self.audio_encoder = audio_encoder
        self.state = State(options.channel, options.output, options.muxrate)
        self.state_path = state_path
        self.stop = threading.Event()
        self.mux: Multiplexer | None = None

    def _next_item(self, at_ms: int) -> tuple[Item | None, Library]:
        items, library = self.plan(at_ms, at_ms + 1)
        return next((i for i in items if i.start_ms <= at_ms < i.end_ms), None), library

    def _placed(self, placement: Placement) -> None:
        item = placement.item
        self.state.items_started += 1
        self.state.slate_substitutions += placement.substituted
        if placement.substituted:
            self.state.last_error = f"missing segment of {item.video_id}: slate shown"
        self.state.item_start_ms, self.state.item_end_ms = item.start_ms, item.end_ms
        self.state.item_title, self.state.video_id = item.title, placement.media_id

    def run(self, output: UdpOutput) -> None:
        """Plays until `stop` is set: joins what is on air now, then paces packets in real time."""
        now_ms = int(self.clock() * 1000)
        feed = Feed(self.root, self._next_item, self.options.rung, self.audio_encoder, self._placed)
        guide = eit.Guide(self.plan)
        self.mux = mux = Multiplexer(feed.units(now_ms), self.options.muxrate, self.service, self.provider,
                                     self.options.audio, guide)
        self.state.on_air, self.state.started_ms = True, now_ms
        packet_seconds = 188 * 8 / self.options.muxrate
        started, sent = time.monotonic(), 0
        last_report = 0.0
        try:
            while not self.stop.is_set():
                due = int((time.monotonic() - started) / packet_seconds) + BURST_PACKETS
                while sent < due and not self.stop.is_set():
                    output.send(mux.take(BURST_PACKETS))
                    sent += BURST_PACKETS
                if time.monotonic() - last_report >= 1:
                    last_report = time.monotonic()
                    self._report()
                self.stop.wait(0.004)
        except Exception as exc:
            self.state.last_error = repr(exc)
            raise
        finally:
            self.state.on_air = False
            self._report()

    def _report(self) -> None:
        counters = self.mux.counters if self.mux else None
        if counters:
            self.state.packets, self.state.null_packets = counters.packets, counters.null_packets
            self.state.eit_packets, self.state.late_units = counters.eit_packets, counters.late_units
            self.state.counters = dict(counters.pes)
        self.state.updated_ms = int(self.clock() * 1000)
        if self.state_path is not None:
            write_state(self.state_path, self.state)


def write_state(path, state: State) -> None:
    """Replaces the state file whole (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(asdict(state), ensure_ascii=False))
    os.replace(temporary, path)
