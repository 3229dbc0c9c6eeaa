"""Everything the screens show, loaded from the disk cache first and refreshed from the server.

Runs its network work on worker threads; results are applied on the UI thread by the app.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from .api import ApiClient, Offline, Rejected
from .cache import ContentStore, DiskCache
from .outbox import Outbox

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
    RESOURCES = ("catalog", "topics", "services", "glossary", "guides", "channels")

    def __init__(self, api: ApiClient, data_dir: Path):
        self.api = api
        self.data_dir = Path(data_dir)
        self.cache = DiskCache(self.data_dir / "cache")
        self.content = ContentStore(api, self.cache)
        self.outbox = Outbox(self.data_dir / "outbox.db")
        self.resume_file = self.data_dir / "resume.json"
        self.catalog: dict = {"categories": [], "items": []}
        self.topics: list = []
        self.services: list = []
        self.glossary: list = []
        self.guides: dict = {}
        self.channels: list = []
        self.guide: list = []
        self.questions: list = []
        self.loaded_once = False

    def path(self, name: str) -> str:
        return {"catalog": "/api/v1/catalog", "topics": "/api/v1/topics",
                "services": f"/api/v1/services?region={self.api.region}", "glossary": "/api/v1/glossary",
                "guides": "/api/v1/guides", "channels": "/api/v1/channels", "questions": "/api/v1/questions"}[name]

    def _apply(self, name: str, data) -> None:
        if data is None:
            return
        if name == "guides":
            data = _by_topic(data)
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

    def refresh_questions(self) -> None:
        self.send_outbox()
        fetched = self.content.get("questions", self.path("questions"))
        if fetched is not None:
            self._apply("questions", fetched.data)

    def send_outbox(self) -> int:
        return self.outbox.flush(self.api.send_question)

    # -- catalog helpers ------------------------------------------------------------------------
    def item(self, item_id) -> dict | None:
        return next((i for i in self.catalog["items"] if str(i["id"]) == str(item_id)), None)

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
        if entry["duration"] and entry["position"] > entry["duration"] - min(CONTINUE_TAIL, 0.15 * entry["duration"]):
            return 0.0
        return entry["position"] if entry["position"] >= CONTINUE_MIN else 0.0

    def continue_watching(self, limit: int = 4) -> list:
        """Catalog items the household started and did not finish, most recent first."""
        positions = self.resume_positions()
        started = sorted(((v["at"], k) for k, v in positions.items() if self.resume_position(k) > 0), reverse=True)
        items = [self.item(k) for _, k in started]
        return [i for i in items if i][:limit]


__all__ = ["Library", "Offline", "Rejected"]
