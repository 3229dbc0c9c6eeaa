"""The HLS segments the box fetched itself, kept as files FFmpeg can be handed.

FFmpeg's HLS demuxer reads the segment it starts in twice when the player asks for an exact start
(once to probe the stream, again after the seek); on a thin link that doubled the wait after an
audio switch. The box fetches that segment once, here, and FFmpeg reads the file twice. A segment
the throughput probe downloaded is kept too: stepping up a rung starts from it.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

KEEP = 12  # segments kept: the ones around where the household is, on a rung or two, in both sounds


class SegmentStore:
    def __init__(self, directory: Path, keep: int = KEEP):
        self.directory = Path(directory)
        self.keep = keep
        self._files: OrderedDict[str, Path] = OrderedDict()   # URL → file, oldest first
        self._fetching: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def held(self, url: str) -> Path | None:
        """The box's copy of the segment at `url`, if it has one."""
        with self._lock:
            path = self._files.get(url)
            if path is not None:
                self._files.move_to_end(url)
            return path

    def fetch(self, url: str, download: Callable[[str], tuple[bytes, float]],
              measured: Callable[[int, float], None] | None = None) -> Path | None:
        """The segment at `url` as a file, downloaded with `download` unless held already (or being
        downloaded by another thread: then that download is waited for, never repeated);
        `measured(bytes, seconds)` hears of a download made. None if it could not be fetched."""
        while True:
            with self._lock:
                if url in self._files:
                    self._files.move_to_end(url)
                    return self._files[url]
                waiting = self._fetching.get(url)
                if waiting is None:
                    self._fetching[url] = threading.Event()
                    break
            waiting.wait()
            with self._lock:
                if url not in self._files:
                    return None  # that download failed: no second try now
        try:
            try:
                content, seconds = download(url)
            except Exception:  # noqa: BLE001 (the caller's errors: offline, refused)
                return None
            if measured is not None:
                measured(len(content), seconds)
            path = self._write(url, content)
            with self._lock:
                self._files[url] = path
                dropped = []
                while len(self._files) > self.keep:
                    dropped.append(self._files.popitem(last=False)[1])
            for old in dropped:
                old.unlink(missing_ok=True)
            return path
        finally:
            with self._lock:
                self._fetching.pop(url).set()

    def _write(self, url: str, content: bytes) -> Path:
        # the URL's own name last: FFmpeg opens local segments only with a media extension (.ts)
        name = hashlib.sha1(url.encode()).hexdigest()[:16] + "-" + url.rsplit("/", 1)[-1].split("?", 1)[0]
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        partial = path.with_name(name + ".part")
        partial.write_bytes(content)
        os.replace(partial, path)
        return path
