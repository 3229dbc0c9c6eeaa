"""What the playouts report: each writes its state file; the server reads them for /metrics
and the editors' channel console. A state not refreshed for STALE_MS is a stopped playout
(killed processes cannot say so themselves)."""
from __future__ import annotations

import json
from pathlib import Path

from aiohttp import web

STALE_MS = 5000
COUNTERS = ("packets", "null_packets", "eit_packets", "late_units", "items_started", "slate_substitutions")


def state_folder(data_root: Path) -> Path:
    return data_root / "playout"


def read_states(data_root: Path, now_ms: int) -> dict[str, dict]:
    """Every channel's last playout state, `on_air` false once it went stale (blocking: file reads)."""
    states = {}
    for path in sorted(state_folder(data_root).glob("*.json")):
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        state["on_air"] = bool(state.get("on_air")) and now_ms - state.get("updated_ms", 0) <= STALE_MS
        states[state.get("channel", path.stem)] = state
    return states


def add_metrics(metrics, read) -> None:
    """Gauges of every playout, labelled by channel; `read()` awaits the states."""
    metrics.gauge("legaltv_playout_on_air", "1 while a channel's broadcast playout is running",
                  _gauge(read, lambda s: 1 if s["on_air"] else 0))
    for name in COUNTERS:
        metrics.gauge(f"legaltv_playout_{name}", f"Broadcast playout {name.replace('_', ' ')} since it started",
                      _gauge(read, lambda s, name=name: s.get(name, 0)))
    metrics.gauge("legaltv_playout_muxrate_bits", "Broadcast playout constant bitrate",
                  _gauge(read, lambda s: s.get("muxrate", 0)))


def _gauge(read, value):
    async def sample():
        return {(("channel", channel),): value(state) for channel, state in (await read()).items()}
    return sample


PLAYOUT_STATES = web.AppKey("playout_states", object)  # reads every playout's state off the loop
