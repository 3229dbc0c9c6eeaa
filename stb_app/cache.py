"""What the box shows, kept on disk: it starts and browses from here when the server is away.

Each resource (catalog, topics, services, glossary, guides, channel guides) is one JSON file
with its ETag; posters and other files are kept by URL. Writes are atomic (temp + rename).
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .api import ApiClient, Offline, Rejected


@dataclass
class Fetched:
    data: Any
    from_cache: bool     # True when the server could not be asked (offline)
    fetched_at: float    # when this data last came from the server


class DiskCache:
    def __init__(self, root: Path):
        self.root = Path(root)
        (self.root / "json").mkdir(parents=True, exist_ok=True)
        (self.root / "files").mkdir(parents=True, exist_ok=True)

    def _json_path(self, name: str) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
        return self.root / "json" / f"{safe}.json"

    def read(self, name: str) -> dict | None:
        try:
            return json.loads(self._json_path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write(self, name: str, data: Any, etag: str | None) -> None:
        _atomic_write(self._json_path(name), json.dumps(
            {"data": data, "etag": etag, "fetched_at": time.time()}, ensure_ascii=False).encode())

    def file_path(self, url: str) -> Path:
        suffix = Path(url.split("?")[0]).suffix[:8]
        return self.root / "files" / (hashlib.sha1(url.encode()).hexdigest() + suffix)


def _atomic_write(path: Path, content: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(content)
    tmp.replace(path)


class ContentStore:
    """Server resources through the disk cache: fresh when online, cached when not."""

    def __init__(self, api: ApiClient, cache: DiskCache):
        self.api, self.cache = api, cache
        self.offline = False
        self.last_error: Exception | None = None  # why the last `get` fell back to the cache

    def get(self, name: str, path: str) -> Fetched | None:
        """The resource at `path`, revalidated with its ETag; the cached copy when offline.
        None only when offline and never fetched before."""
        cached = self.cache.read(name)
        try:
            reply = self.api.get_json(path, cached["etag"] if cached else None)
        except (Offline, Rejected) as err:
            self.offline = isinstance(err, Offline)
            self.last_error = err
            if cached is None:
                return None
            return Fetched(cached["data"], True, cached["fetched_at"])
        self.offline, self.last_error = False, None
        if reply.status == 304 and cached is not None:
            self.cache.write(name, cached["data"], cached["etag"])  # touch fetched_at
            return Fetched(cached["data"], False, time.time())
        self.cache.write(name, reply.data, reply.etag)
        return Fetched(reply.data, False, time.time())

    def file(self, url: str) -> Path | None:
        """A local copy of a server file (e.g. a poster): downloaded once, kept afterwards."""
        path = self.cache.file_path(url)
        if path.exists():
            return path
        try:
            content, _ = self.api.get_bytes(url)
        except (Offline, Rejected):
            return None
        _atomic_write(path, content)
        return path
