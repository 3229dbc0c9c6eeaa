"""When the box asks the server for what: a pure schedule (no Kivy, no network, clock passed in).

A province of boxes must not arrive on one beat. Every interval is drawn with ±20 % jitter and
starts at a random offset; a failure waits twice as long each time, up to 30 minutes, and never
less than the server's Retry-After. Every minute the box reads only `GET /api/v1/changes` and
revalidates just the documents whose entry moved; it asks for its own questions every minute
only while one of them is unfinished, otherwise every 30 minutes (and when it sends one, or
My questions opens: the app asks then directly).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Iterable, Mapping

CHANGES_SECONDS = 60.0
QUESTIONS_OPEN_SECONDS = 60.0
QUESTIONS_IDLE_SECONDS = 30 * 60.0
JITTER = 0.2
MAX_BACKOFF_SECONDS = 30 * 60.0
FINISHED = ("resolved", "closed")  # a question in these states changes no more


@dataclass
class Poll:
    """One periodic request: when it is next due, and how many times in a row it failed."""
    interval: float
    rng: random.Random
    next_at: float
    failures: int = 0

    @classmethod
    def starting(cls, interval: float, now: float, rng: random.Random, at_once: bool = False) -> "Poll":
        """Due at once, or at a random instant within the first interval (boxes powered on together spread)."""
        return cls(interval, rng, now if at_once else now + rng.uniform(0, interval))

    def due(self, now: float) -> bool:
        return now >= self.next_at

    def _jittered(self, seconds: float) -> float:
        return seconds * self.rng.uniform(1 - JITTER, 1 + JITTER)

    def succeeded(self, now: float, interval: float | None = None) -> None:
        """Done: next time one (jittered) interval from now; `interval` changes it from now on."""
        if interval is not None:
            self.interval = interval
        self.failures = 0
        self.next_at = now + self._jittered(self.interval)

    def failed(self, now: float, retry_after: float | None = None) -> None:
        """Failed: wait the interval, doubled for each failure in a row, at most 30 minutes, and
        never less than the server's Retry-After."""
        self.failures += 1
        wait = min(MAX_BACKOFF_SECONDS, self._jittered(self.interval * 2 ** (self.failures - 1)))
        self.next_at = now + max(wait, retry_after or 0.0)


def unfinished(questions: Iterable[Mapping]) -> bool:
    """Whether any of the box's questions may still change (a lawyer has yet to finish it)."""
    return any(q.get("status") not in FINISHED for q in questions if isinstance(q, Mapping))


def questions_interval(questions: Iterable[Mapping]) -> float:
    return QUESTIONS_OPEN_SECONDS if unfinished(questions) else QUESTIONS_IDLE_SECONDS


def stale_documents(seen: Mapping[str, str], changes: Mapping[str, str], names: Iterable[str]) -> list[str]:
    """The documents to revalidate: those whose entry in `changes` differs from the one seen when
    last fetched; a document `changes` does not list is revalidated every time."""
    return [name for name in names if name not in changes or seen.get(name) != changes[name]]


@dataclass
class Schedule:
    """The box's two polls: the changes document and its own questions."""
    changes: Poll
    questions: Poll
    seen: dict = field(default_factory=dict)  # document name → its changes entry when last fetched

    @classmethod
    def starting(cls, now: float, rng: random.Random, nothing_cached: bool, questions: Iterable[Mapping] = ()
                 ) -> "Schedule":
        """A box with nothing to show asks at once; one with saved content spreads its first request."""
        return cls(Poll.starting(CHANGES_SECONDS, now, rng, at_once=nothing_cached),
                   Poll.starting(questions_interval(questions), now, rng))
