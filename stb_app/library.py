"""Everything the screens show, loaded from the disk cache first and refreshed from the server.

Runs its network work on worker threads; results are applied on the UI thread by the app.
"""
from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Callable

from legaltv_calculators import FigureError, Figures

from . import appointments, polling
from .api import ApiClient, Later, Offline, Rejected
from .cache import ContentStore, DiskCache
from .notices import NoticeMemory
from .outbox import Outbox
from .play_log import PlayLog
from .question_news import QuestionsSeen

CONTINUE_MIN, CONTINUE_TAIL = 3.0, 8.0  # seconds: too little watched, or practically finished


def _by_topic(guides) -> dict:
    """Guides keyed by topic id, whether the server sends a list or an object."""
    if isinstance(guides, dict):
        return {str(k): v for k, v in guides.items()}
    out = {}
    for guide in guides or []:
        if isinstance(guide, dict):
            out[str(guide.get("topic") or guide.get("topic_id") or guide.get("id"))] = guide
    return out


class Library:
    RESOURCES = ("catalog", "topics", "services", "glossary", "guides", "channels", "figures", "notices", "popular")
    REGIONAL = ("services", "notices", "popular")  # their paths name the household's region

    def __init__(self, api: ApiClient, data_dir: Path, clock: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None):
        self.api, self.clock, self.rng = api, clock, rng or random.Random()
        self.data_dir = Path(data_dir)
        self.cache = DiskCache(self.data_dir / "cache")
        self.content = ContentStore(api, self.cache)
        self.outbox = Outbox(self.data_dir / "outbox.db")
        self.plays = PlayLog(self.data_dir / "plays.db")  # what was watched, until sent in a batch
        self.complaints = Outbox(self.data_dir / "complaints.db")  # complaints travel like questions, apart from them
        self.resume_file = self.data_dir / "resume.json"
        self.catalog: dict = {"categories": [], "items": []}
        self.topics: list = []
        self.services: list = []
        self.glossary: list = []
        self.guides: dict = {}
        self.channels: list = []
        self.figures: dict = {}
        self.notices: list = []  # current notices for this box's region (banners and urgent ones)
        self.popular: dict = {}  # the ranking of the box's league (or province): {"items": [{"id", "completed"}]}
        self.notice_memory = NoticeMemory(self.data_dir / "notices.json")
        self.questions_seen = QuestionsSeen(self.data_dir / "questions_seen.json")  # home's badge
        self.guide: list = []
        self.questions: list = []
        self.loaded_once = False
        self.schedule = polling.Schedule.starting(clock(), self.rng, nothing_cached=True)
        self._changes: dict = {}
        self._changes_etag: str | None = None

    def path(self, name: str) -> str:
        return {"catalog": "/api/v1/catalog", "topics": "/api/v1/topics",
                "services": f"/api/v1/services?region={self.api.region}", "glossary": "/api/v1/glossary",
                "guides": "/api/v1/guides", "channels": "/api/v1/channels", "questions": "/api/v1/questions",
                "figures": "/api/v1/calculators/figures",
                "notices": f"/api/v1/notices?region={self.api.region}",
                "popular": f"/api/v1/popular?region={self.api.region}"}[name]

    def _apply(self, name: str, data) -> None:
        if data is None:
            return
        if name == "guides":
            data = _by_topic(data)
        if name == "notices":
            withdrawn = data.get("withdrawn") if isinstance(data, dict) else None
            data = [n for n in data.get("notices", []) if isinstance(n, dict)] if isinstance(data, dict) else []
            self.notice_memory.remember(data, withdrawn if isinstance(withdrawn, list) else [])
        if name == "catalog" and isinstance(data, dict):
            data.setdefault("categories", [])
            data.setdefault("items", [])
        setattr(self, name, data)
        if name in self.RESOURCES or name in ("guide", "questions"):
            self.loaded_once = True

    def load_cached(self) -> None:
        """Fills everything from the disk cache (instant, works offline)."""
        for name in (*self.RESOURCES, "guide", "questions"):
            cached = self.cache.read(name)
            if cached is not None:
                self._apply(name, cached["data"])
        self.schedule = polling.Schedule.starting(self.clock(), self.rng, nothing_cached=not self.loaded_once,
                                                  questions=self.questions)

    def refresh(self) -> None:
        """Revalidates every resource with the server (worker thread); whether the server was
        reached is told request by request (`ApiClient.on_reach`)."""
        for name in self.RESOURCES:
            fetched = self.content.get(name, self.path(name))
            if fetched is not None:
                self._apply(name, fetched.data)
        if self.channels:
            fetched = self.content.get("guide", f"/api/v1/channels/{self.channels[0]['id']}/guide?hours=48")
            if fetched is not None:
                self._apply("guide", fetched.data)
        self.refresh_questions()

    def refresh_regional(self) -> None:
        """The household chose another place (worker thread): the documents that depend on it
        (service points, notices) fetched for the new region now, not at their next turn."""
        for name in self.REGIONAL:
            fetched = self.content.get(name, self.path(name))
            if fetched is not None:
                self._apply(name, fetched.data)

    def poll(self) -> bool:
        """Asks the server what is due now (worker thread): the changes document, then only the
        documents whose version moved; the box's own questions on their own beat. Whether
        anything was fetched (so the screens may update)."""
        now, plan = self.clock(), self.schedule
        fetched = False
        if plan.changes.due(now):
            try:
                reply = self.api.get_json("/api/v1/changes", self._changes_etag)
            except Later as err:
                plan.changes.failed(now, err.retry_after)
            except Rejected as err:  # a server without `changes` (404): every document, as before
                if err.status != 404:
                    plan.changes.failed(now)
                else:
                    self._changes = {}
                    fetched = self._revalidate_stale(now)
            except Offline:
                plan.changes.failed(now)
            else:
                if reply.status != 304 and isinstance(reply.data, dict):
                    self._changes, self._changes_etag = reply.data, reply.etag
                fetched = self._revalidate_stale(now)
        if plan.questions.due(now):
            self.refresh_questions()
            fetched = True
        self.send_plays()
        return fetched

    def _revalidate_stale(self, now: float) -> bool:
        """The documents whose `changes` entry moved, revalidated; whether any was fetched."""
        plan, fetched = self.schedule, False
        plan.changes.succeeded(now)
        for name in polling.stale_documents(plan.seen, self._changes, (*self.RESOURCES, "guide")):
            if self._revalidate(name):
                fetched = True
                if name in self._changes:
                    plan.seen[name] = self._changes[name]
        return fetched

    def _revalidate(self, name: str) -> bool:
        """One document revalidated with its ETag; whether the server answered."""
        if name == "guide":
            if not self.channels:
                return False
            path = f"/api/v1/channels/{self.channels[0]['id']}/guide?hours=48"
        else:
            path = self.path(name)
        got = self.content.get(name, path)
        if got is not None:
            self._apply(name, got.data)
        return got is not None and not got.from_cache

    def refresh_questions(self) -> None:
        """Sends what waits, then the box's questions (revalidated: unchanged is a 304); the next
        ask comes in a minute while one is unfinished, else in 30 minutes, later after failures."""
        self.send_outbox()
        fetched = self.content.get("questions", self.path("questions"))
        if fetched is not None:
            self._apply("questions", fetched.data)
        error, poll = self.content.last_error, self.schedule.questions
        if fetched is not None and not fetched.from_cache:
            poll.succeeded(self.clock(), polling.questions_interval(self.questions))
        else:
            poll.failed(self.clock(), error.retry_after if isinstance(error, Later) else None)

    def send_outbox(self) -> int:
        return self.outbox.flush(self._send) + self.complaints.flush(self.api.send_complaint)

    def _send(self, key: str, body: dict) -> dict:
        """One outbox entry to the server: a question or service request, or a request's cancellation."""
        if body.get("kind") == appointments.CANCEL:
            return self.api.cancel_request(body["question"])
        return self.api.send_question(key, body)

    def send_plays(self) -> int:
        """Sends what was watched when a batch is due (at most one request per 15 minutes)."""
        return self.plays.send(self.api.send_plays)

    def has_waiting(self) -> bool:
        """Whether a question or a complaint waits to be sent."""
        return bool(self.outbox.waiting() or self.complaints.waiting())

    def retry_now(self) -> None:
        self.outbox.retry_now()
        self.complaints.retry_now()

    def calculator_figures(self) -> Figures:
        """The calculators' figures as last read from the server; the ones the app shipped with
        before the first read (a box new and offline still works a case out)."""
        try:
            return Figures.from_json(self.figures["items"])
        except (KeyError, TypeError, FigureError):
            return Figures.seed()

    # -- catalog helpers ------------------------------------------------------------------------
    def item(self, item_id) -> dict | None:
        return next((i for i in self.catalog["items"] if str(i["id"]) == str(item_id)), None)

    def topic_for_category(self, category: str | None) -> str | None:
        """The question topic a video category is about: the topic of the same name, else the
        first whose guide names the category for its case videos; None when no topic fits."""
        active = [str(t["id"]) for t in self.topics]
        if not category:
            return None
        if str(category) in active:
            return str(category)
        return next((topic for topic in active if (self.guides.get(topic) or {}).get("category") == category), None)

    def items_in(self, category: str | None) -> list:
        items = self.catalog["items"]
        return [i for i in items if category in (None, "", i.get("category"))]

    def channel_now_next(self, now: float | None = None) -> tuple[dict | None, dict | None]:
        from datetime import datetime
        now_dt = datetime.fromtimestamp(now if now is not None else time.time()).astimezone()
        entries = []
        for entry in self.guide or []:
            try:
                entries.append((datetime.fromisoformat(entry["start"]), datetime.fromisoformat(entry["end"]), entry))
            except (KeyError, ValueError, TypeError):
                continue
        entries.sort(key=lambda e: e[0])
        for i, (start, end, entry) in enumerate(entries):
            if start <= now_dt < end:
                return entry, entries[i + 1][2] if i + 1 < len(entries) else None
        upcoming = [e for s, _, e in entries if s > now_dt]
        return None, upcoming[0] if upcoming else None

    # -- resume -------------------------------------------------------------------------------
    def resume_positions(self) -> dict:
        try:
            return json.loads(self.resume_file.read_text())
        except (OSError, ValueError):
            return {}

    def save_position(self, item_id, position: float, duration: float) -> None:
        positions = self.resume_positions()
        positions[str(item_id)] = {"position": position, "duration": duration, "at": time.time()}
        tmp = self.resume_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(positions))
        tmp.replace(self.resume_file)

    def resume_position(self, item_id) -> float:
        entry = self.resume_positions().get(str(item_id))
        if not entry:
            return 0.0
        # the catalog's length, not the one saved: an editor may have replaced the video with a shorter cut
        item = self.item(item_id)
        duration = (item or {}).get("duration") or entry["duration"]
        if duration and entry["position"] > duration - min(CONTINUE_TAIL, 0.15 * duration):
            return 0.0
        return entry["position"] if entry["position"] >= CONTINUE_MIN else 0.0

    def popular_items(self, limit: int = 6) -> list:
        """The catalog's videos most completed lately in the box's league (or province), best first."""
        ranked = self.popular.get("items") if isinstance(self.popular, dict) else None
        items = [self.item(entry.get("id")) for entry in ranked or [] if isinstance(entry, dict)]
        return [i for i in items if i][:limit]

    def continue_watching(self, limit: int = 4) -> list:
        """Catalog items the household started and did not finish, most recent first."""
        positions = self.resume_positions()
        started = sorted(((v["at"], k) for k, v in positions.items() if self.resume_position(k) > 0), reverse=True)
        items = [self.item(k) for _, k in started]
        return [i for i in items if i][:limit]


__all__ = ["Library", "Offline", "Rejected"]
