"""DVB bitmap subtitles (ETSI EN 300 743) drawn from the stored WebVTT cues.

A receiver turns them on per language; they cost a few kbit/s and no video encoding (a
burnt-in service would need a live encode per language). Chinese is drawn across the bottom,
Mongolian shaped by raqm in vertical columns at the right, as the box shows them. Each cue is
a display set at its start (one 4-bit region, white with a black edge on transparent) and an
empty page at its end; the display is 1920×1080, which receivers scale to the picture.
"""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from ..media.demo import _cjk, _wrap, mongolian_column
from ..media.subtitles import Cue, read_cues

WIDTH, HEIGHT = 1920, 1080
PAGE = 1
REGION = 0
OBJECT = 0
CHINESE_SIZE, MONGOLIAN_SIZE = 52, 44
# CLUT entries (Y, Cr, Cb, T): transparent, black edge, grey (antialiasing), white
PALETTE = [(16, 128, 128, 255), (16, 128, 128, 0), (126, 128, 128, 0), (235, 128, 128, 0)]


def read_track_cues(folder: Path, uris: tuple[str, ...]) -> list[Cue]:
    """Every cue of a stored subtitle track once (a cue spanning segments is in each of them)."""
    seen, cues = set(), []
    for uri in uris:
        for cue in read_cues((folder / uri).read_text(encoding="utf-8")):
            key = (round(cue.start, 3), round(cue.end, 3), cue.text)
            if key not in seen:
                seen.add(key)
                cues.append(cue)
    return sorted(cues, key=lambda c: c.start)


def picture(text: str, language: str) -> tuple[Image.Image, int, int]:
    """The cue drawn as a 4-level picture (palette indices 0–3) and where it goes on the display."""
    if language == "mn":
        column = mongolian_column(text, MONGOLIAN_SIZE, HEIGHT - 160, colour=(255, 255, 255, 255))
        layer = column.crop(column.getbbox() or (0, 0, 1, 1))  # the column is as long as its text
        x, y = WIDTH - 80 - layer.width, 80
    else:
        font = _cjk(CHINESE_SIZE)
        probe = ImageDraw.Draw(Image.new("L", (1, 1)))
        lines = [line for part in text.split("\n") for line in _wrap(probe, part, font, WIDTH - 320)]
        line_height = int(CHINESE_SIZE * 1.4)
        width = max(int(probe.textlength(line, font=font)) for line in lines) + 16
        layer = Image.new("RGBA", (width, line_height * len(lines) + 16), (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for n, line in enumerate(lines):
            draw.text((8, 8 + n * line_height), line, font=font, fill=(255, 255, 255, 255),
                      stroke_width=3, stroke_fill=(0, 0, 0, 255))
        x, y = (WIDTH - layer.width) // 2, HEIGHT - 60 - layer.height
    if language == "mn":  # an edge keeps white text readable on a light picture
        edge = Image.new("RGBA", (layer.width + 6, layer.height + 6), (0, 0, 0, 0))
        alpha = layer.getchannel("A")
        for dx in (0, 3, 6):
            for dy in (0, 3, 6):
                edge.paste((0, 0, 0, 255), (dx, dy), alpha)
        edge.alpha_composite(layer, (3, 3))
        layer = edge
    width, height = layer.width + (layer.width & 1), layer.height + (layer.height & 1)
    levels = Image.new("P", (width, height), 0)
    alpha, light = layer.getchannel("A"), layer.convert("L")
    pixels = levels.load()
    a, l = alpha.load(), light.load()
    for j in range(layer.height):
        for i in range(layer.width):
            if a[i, j] >= 96:
                pixels[i, j] = 3 if l[i, j] >= 170 else 2 if l[i, j] >= 85 else 1
    return levels, max(0, x), max(0, y)


def _segment(kind: int, data: bytes) -> bytes:
    return bytes([0x0F, kind]) + PAGE.to_bytes(2, "big") + len(data).to_bytes(2, "big") + data


def _display_definition() -> bytes:
    return _segment(0x14, bytes([0x07]) + (WIDTH - 1).to_bytes(2, "big") + (HEIGHT - 1).to_bytes(2, "big"))


def display_set(image: Image.Image, x: int, y: int, version: int, timeout_s: int) -> bytes:
    """A PES payload showing `image` at (x, y) from its PTS for at most `timeout_s`."""
    width, height = image.size
    page = _segment(0x10, bytes([min(255, timeout_s), (version & 0x0F) << 4 | 0x2 << 2 | 0x3])
                    + bytes([REGION, 0xFF]) + x.to_bytes(2, "big") + y.to_bytes(2, "big"))
    region = _segment(0x11, bytes([REGION, (version & 0x0F) << 4 | 0x08 | 0x07]) + width.to_bytes(2, "big")
                      + height.to_bytes(2, "big") + bytes([0x2 << 5 | 0x2 << 2 | 0x3, 0, 0, 0x03])
                      + OBJECT.to_bytes(2, "big") + (0x0000).to_bytes(2, "big") + (0xF000).to_bytes(2, "big"))
    clut = bytes([0, (version & 0x0F) << 4 | 0x0F])
    for n, (luma, cr, cb, t) in enumerate(PALETTE):
        clut += bytes([n, 0xE1, luma, cr, cb, t])  # entry for 2-, 4- and 8-bit regions, full range
    rows = image.load()
    fields = [b"".join(_line(rows, width, line) for line in range(start, height, 2)) for start in (0, 1)]
    obj = (OBJECT.to_bytes(2, "big") + bytes([(version & 0x0F) << 4 | 0x00 << 2 | 0x01])
           + len(fields[0]).to_bytes(2, "big") + len(fields[1]).to_bytes(2, "big") + fields[0] + fields[1])
    return _pes_data(_display_definition() + page + region + _segment(0x12, clut) + _segment(0x13, obj)
                     + _segment(0x80, b""))


def clear_set(version: int) -> bytes:
    """A PES payload that takes every region off the page."""
    page = _segment(0x10, bytes([0, (version & 0x0F) << 4 | 0x2 << 2 | 0x3]))
    return _pes_data(_display_definition() + page + _segment(0x80, b""))


def _pes_data(segments: bytes) -> bytes:
    return b"\x20\x00" + segments + b"\xff"  # data_identifier, subtitle_stream_id … end marker


def _line(rows, width: int, y: int) -> bytes:
    """One line as a 4-bit/pixel code string (EN 300 743 §7.2.5.2), ended by end_of_object_line."""
    bits = _Bits()
    x = 0
    while x < width:
        colour = rows[x, y]
        run = 1
        while x + run < width and rows[x + run, y] == colour and run < 280:
            run += 1
        x += run
        if colour and run < 4:
            for _ in range(run):
                bits.put(colour, 4)
            continue
        bits.put(0, 4)
        if colour == 0 and 3 <= run <= 9:
            bits.put(0, 1), bits.put(run - 2, 3)
        elif colour == 0 and run <= 2:
            bits.put(0b11, 2), bits.put(run - 1, 2)
        elif run <= 7:
            bits.put(0b10, 2), bits.put(run - 4, 2), bits.put(colour, 4)
        elif run == 8:  # between the 4–7 and 9–24 codes: seven, then one
            bits.put(0b10, 2), bits.put(3, 2), bits.put(colour, 4), bits.put(colour, 4)
        elif run <= 24:
            bits.put(0b11, 2), bits.put(0b10, 2), bits.put(run - 9, 4), bits.put(colour, 4)
        else:
            bits.put(0b11, 2), bits.put(0b11, 2), bits.put(run - 25, 8), bits.put(colour, 4)
    bits.put(0, 8)  # 0000 0 000: end of string
    return b"\x11" + bits.bytes() + b"\xf0"


class _Bits:
    def __init__(self):
        self.value, self.count = 0, 0

    def put(self, value: int, width: int) -> None:
        self.value = self.value << width | (value & ((1 << width) - 1))
        self.count += width

    def bytes(self) -> bytes:
        pad = -self.count % 8
        return (self.value << pad).to_bytes((self.count + pad) // 8, "big")
