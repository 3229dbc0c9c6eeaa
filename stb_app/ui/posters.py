"""Poster textures decoded at their on-screen size, off the UI thread, kept in a small bounded cache.

Kivy's own image loader keeps every decoded file (full size, plus its texture) for 60 s with no
count limit, so scrolling through hundreds of posters held hundreds of full-size textures. Decoding
a poster takes a few milliseconds; a new row of five on the UI thread cost more than a frame per
key, so files are decoded on one worker thread and only the texture upload happens on the UI thread.
"""
from __future__ import annotations

import threading

from kivy.cache import Cache
from kivy.clock import Clock
from kivy.graphics.texture import Texture

from ..poster_decoding import BROKEN, WaitingPosters, cache_key, decode

CACHE = "ltv.poster"
# about two screens of the 5-column grid: the visible rows plus a margin for scrolling back
LIMIT = 40
Cache.register(CACHE, limit=LIMIT)


def _upload(key: str, decoded) -> Texture | None:
    if decoded is BROKEN:
        Cache.append(CACHE, key, BROKEN)
        return None
    size, pixels = decoded
    texture = Texture.create(size=size, colorfmt="rgb", mipmap=False)
    texture.blit_buffer(pixels, colorfmt="rgb", bufferfmt="ubyte")
    texture.flip_vertical()
    Cache.append(CACHE, key, texture)
    return texture


def cached(path: str, width: int, height: int):
    """The texture if it is ready (None if not yet, BROKEN if the file is unreadable)."""
    return Cache.get(CACHE, cache_key(path, max(1, int(width)), max(1, int(height))))


class _Decoder:
    """One worker thread decoding what waits, the newest request first (`WaitingPosters`).
    Callbacks run on the UI thread."""

    def __init__(self):
        self._wanted = WaitingPosters()
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None

    def request(self, path: str, width: int, height: int, done) -> None:
        with self._lock:
            self._wanted.add(path, width, height, done)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="poster-decoder", daemon=True)
                self._thread.start()
            self._lock.notify()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._wanted:
                    self._lock.wait()
                key, (path, width, height, callbacks) = self._wanted.take()
            decoded = decode(path, width, height)
            Clock.schedule_once(lambda _dt, k=key, d=decoded, c=callbacks: self._deliver(k, d, c))

    @staticmethod
    def _deliver(key: str, decoded, callbacks: list) -> None:
        texture = Cache.get(CACHE, key) or _upload(key, decoded)
        for done in callbacks:
            done(None if texture is BROKEN else texture)


_decoder = _Decoder()


def request(path: str, width: int, height: int, done) -> None:
    """Calls `done(texture or None)` on the UI thread once the poster is decoded at that size."""
    _decoder.request(path, max(1, int(width)), max(1, int(height)), done)


def cached_count() -> int:
    """How many poster textures are kept right now (benchmarks print it)."""
    return len(Cache._objects.get(CACHE, {}))
