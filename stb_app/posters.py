"""Poster textures decoded at their on-screen size, kept in a small bounded cache.

Kivy's own image loader keeps every decoded file (full size, plus its texture) for 60 s with no
count limit, so scrolling through hundreds of posters held hundreds of full-size textures.
"""
from __future__ import annotations

from kivy.cache import Cache
from kivy.graphics.texture import Texture

CACHE = "ltv.poster"
# about two screens of the 5-column grid: the visible rows plus a margin for scrolling back
LIMIT = 40
Cache.register(CACHE, limit=LIMIT)


def poster_texture(path: str, width: int, height: int) -> Texture | None:
    """The image at `path` scaled to fit `width`×`height` pixels, as a texture (None if the file
    is unreadable). Textures are shared by path and size and at most LIMIT are kept."""
    width, height = max(1, int(width)), max(1, int(height))
    key = f"{path}|{width}x{height}"
    texture = Cache.get(CACHE, key)
    if texture is not None:
        return texture
    from PIL import Image
    try:
        with Image.open(path) as image:
            image.draft("RGB", (width, height))  # JPEG: decode at a reduced scale right away
            image = image.convert("RGB")
            image.thumbnail((width, height), Image.BILINEAR)
            pixels = image.tobytes()
            size = image.size
    except (OSError, ValueError, SyntaxError):  # a broken download shows as an empty frame
        return None
    texture = Texture.create(size=size, colorfmt="rgb", mipmap=False)
    texture.blit_buffer(pixels, colorfmt="rgb", bufferfmt="ubyte")
    texture.flip_vertical()
    Cache.append(CACHE, key, texture)
    return texture


def cached_count() -> int:
    """How many poster textures are kept right now (benchmarks print it)."""
    return len(Cache._objects.get(CACHE, {}))
