"""What the box remembers of notices, on disk so it survives a restart: the urgent ones it has
shown full screen (each is shown once), and every notice it has received (the past notices
screen lists them after they end). Pure Python: the screens read it, tests drive it alone."""
from __future__ import annotations

import json
import os
import threading
from pathlib import Path

KEEP = 100  # notices listed on the past notices screen; older ones are forgotten


class NoticeMemory:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()  # the library's worker thread and the UI thread both write
        self.shown: set[str] = set()
        self.received: dict[str, dict] = {}
        try:
            saved = json.loads(self.path.read_text())
            self.shown = {str(i) for i in saved.get("shown", [])}
            self.received = {str(n["id"]): n for n in saved.get("received", []) if isinstance(n, dict) and "id" in n}
        except (OSError, ValueError, TypeError, AttributeError):
            pass  # nothing yet, or a file from a broken write: start afresh

    def remember(self, notices: list, withdrawn: list = ()) -> None:
        """Keeps every notice received (a corrected one replaces what was kept) and forgets the
        ones an editor withdrew (a mistaken warning leaves the past notices too)."""
        with self._lock:
            gone = {str(i) for i in withdrawn} & set(self.received)
            for notice_id in gone:
                del self.received[notice_id]
            changed = bool(gone)
            for notice in notices:
                if isinstance(notice, dict) and "id" in notice and self.received.get(str(notice["id"])) != notice:
                    self.received[str(notice["id"])] = notice
                    changed = True
            if changed:
                newest = sorted(self.received.values(), key=_newest_first)[:KEEP]
                self.received = {str(n["id"]): n for n in newest}
                self._save()

    def urgent_to_show(self, notices: list) -> dict | None:
        """The first current urgent notice this box has not shown yet, or None."""
        for notice in notices:
            if isinstance(notice, dict) and notice.get("kind") == "urgent" and str(notice.get("id")) not in self.shown:
                return notice
        return None

    def mark_shown(self, notice_id) -> None:
        """The household saw it full screen: never again on this box, even after a restart."""
        with self._lock:
            self.shown.add(str(notice_id))
            self._save()

    def past(self) -> list[dict]:
        """Every notice received, the newest first."""
        with self._lock:
            return sorted(self.received.values(), key=_newest_first)

    def _save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w") as f:
            json.dump({"shown": sorted(self.shown), "received": list(self.received.values())}, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())  # a box loses power often: a shown warning must stay shown
        tmp.replace(self.path)


def banners(notices: list) -> list[dict]:
    """The current banners, as the server ordered them (newest first)."""
    return [n for n in notices if isinstance(n, dict) and n.get("kind") == "banner"]


def _newest_first(notice: dict):
    return (str(notice.get("publish_from") or ""), str(notice.get("id")))
