"""What preparing screens off screen decides without a window: which screens a household opens
from home, in the order they are prepared after start-up, and when a layout has settled.

Pure (no Kivy): `ui/screen_preparation.py` builds and lays out the screens these name.
"""
from __future__ import annotations

from typing import Callable

SETTLE_ROUNDS = 8          # layouts that size each other settle in two or three; a bound, not a wait
OPENED_FROM_HOME = ("choose", "topic", "ask", "services", "glossary", "channel", "questions")


def warm_up_plan(topics: list[dict]) -> list[tuple[str, dict]]:
    """(screen name, params) of each screen a household opens from home, with what it needs to
    be built: the topic screen shows the first topic."""
    topic = topics[0]["id"] if topics else None
    return [(name, {"topic_id": topic} if name == "topic" else {}) for name in OPENED_FROM_HOME]


def settle(run_pending: Callable[[], None], geometry: Callable[[], object],
           rounds: int = SETTLE_ROUNDS) -> bool:
    """Runs `run_pending()` until `geometry()` is what it was the round before (at most
    `rounds` times); whether it settled."""
    before = None
    for _ in range(rounds):
        run_pending()
        now = geometry()
        if now == before:
            return True
        before = now
    return False
