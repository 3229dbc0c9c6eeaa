"""What the household last saw of its questions, kept on the box: home shows a badge on My
questions while something changed since (an answer, a referral, a question closed)."""
from __future__ import annotations

import json
from pathlib import Path

WAITING = ("queued", "claimed")


def _signature(question: dict) -> str:
    """What a household would notice changing; its own rating is not news to it."""
    office = question.get("office") or {}
    return "|".join(str(part) for part in (question.get("status"), question.get("outcome"),
                                           bool(question.get("answer_summary")), office.get("id")))


class QuestionsSeen:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.seen: dict = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.seen = {}
        if not isinstance(self.seen, dict):
            self.seen = {}

    def changed(self, questions: list) -> list:
        """The questions that changed since the household last looked. One it sent and never
        looked at again counts only once something happened to it (it knows it is waiting)."""
        news = []
        for question in questions or []:
            key = str(question.get("id"))
            if key in self.seen:
                if self.seen[key] != _signature(question):
                    news.append(question)
            elif question.get("status") not in WAITING:
                news.append(question)
        return news

    def mark_seen(self, questions: list) -> None:
        """The household looked at its questions as they are now."""
        seen = {str(q.get("id")): _signature(q) for q in questions or [] if q.get("id")}
        if seen == self.seen:
            return
        self.seen = seen
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(seen))
        tmp.replace(self.path)  # a power cut leaves the old memory or the new, never half of one
