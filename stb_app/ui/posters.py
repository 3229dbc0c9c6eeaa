"""Poster textures decoded at their on-screen size, off the UI thread, kept in a small bounded cache.

Kivy's own image loader keeps every decoded file (full size, plus its texture) for 60 s with no
count limit, so scrolling through hundreds of posters held hundreds of full-size textures. Decoding
a poster takes a few milliseconds; a new row of five on the UI thread cost more than a frame per
key, so files are decoded on one worker thread and only the texture upload happens on the UI thread.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from kivy.cache import Cache
from kivy.clock import Clock
from kivy.graphics.texture import Texture

CACHE = "ltv.poster"
# about two screens of the 5-column grid: the visible rows plus a margin for scrolling back
LIMIT = 40
Cache.register(CACHE, limit=LIMIT)
BROKEN = object()  # a file that cannot be decoded: shown as an empty frame, not retried per frame


def _key(path: str, width: int, height: int) -> str:
    return f"{path}|{width}x{height}"


def _decode(path: str, width: int, height: int):
    """(size, rgb bytes) of the image scaled to fit, or BROKEN."""
    from PIL import Image
    try:
        with Image.open(path) as image:
            image.draft("RGB", (width, height))  # JPEG: decode at a reduced scale right away
            image = image.convert("RGB")
            image.thumbnail((width, height), Image.BILINEAR)
            return image.size, image.tobytes()
    except (OSError, ValueError, SyntaxError):  # a broken download
        return BROKEN


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
    return Cache.get(CACHE, _key(path, max(1, int(width)), max(1, int(height))))


class _Decoder:
    """One worker thread; the newest request is decoded first (while scrolling, the row just
    shown matters more than one already scrolled past). Callbacks run on the UI thread."""

    def __init__(self):
        self._wanted: OrderedDict[str, tuple[str, int, int, list]] = OrderedDict()
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None

    def request(self, path: str, width: int, height: int, done) -> None:
        key = _key(path, width, height)
        with self._lock:
            if key in self._wanted:
                self._wanted[key][3].append(done)
                self._wanted.move_to_end(key)
            else:
                self._wanted[key] = (path, width, height, [done])
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="poster-decoder", daemon=True)
                self._thread.start()
            self._lock.notify()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._wanted:
                    self._lock.wait()
                key, (path, width, height, callbacks) = self._wanted.popitem(last=True)
            decoded = _decode(path, width, height)
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
