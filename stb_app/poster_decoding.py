"""Posters decoded at their on-screen size, and the requests waiting for the one decoder thread.

Pure (Pillow, no Kivy): `ui/posters.py` turns what is decoded here into textures on the UI thread.
"""
from __future__ import annotations

from collections import OrderedDict

BROKEN = object()  # a file that cannot be decoded: shown as an empty frame, not retried per frame


def cache_key(path: str, width: int, height: int) -> str:
    return f"{path}|{width}x{height}"


def decode(path: str, width: int, height: int):
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


class WaitingPosters:
    """Requests not decoded yet, one per file and size (a second request for it waits on the same
    decode); the newest is decoded first: while scrolling, the row just shown matters more than
    one already scrolled past."""

    def __init__(self):
        self._wanted: OrderedDict[str, tuple[str, int, int, list]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._wanted)

    def add(self, path: str, width: int, height: int, done) -> None:
        key = cache_key(path, width, height)
        if key in self._wanted:
            self._wanted[key][3].append(done)
            self._wanted.move_to_end(key)
        else:
            self._wanted[key] = (path, width, height, [done])

    def take(self) -> tuple[str, tuple[str, int, int, list]]:
        """The newest request: (key, (path, width, height, callbacks))."""
        return self._wanted.popitem(last=True)
