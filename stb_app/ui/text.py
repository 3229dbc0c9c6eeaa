"""Drawing bilingual text: Chinese horizontally, traditional Mongolian shaped and vertical.

Mongolian is laid out by `mongolian_layout` into columns running left to right; each piece
of a column is rendered as a horizontal line, shaped by HarfBuzz, and drawn rotated 90°
clockwise. Chinese inside Mongolian stands upright, glyph by glyph.

Shaping: the Kivy 2.3.1 wheel here draws Mongolian unjoined even with font_script_name='Mong'
(ᠮᠣᠩᠭᠣᠯ at 64 px: 294 px wide, HarfBuzz says 202), so Mongolian lines are rendered with
Pillow's raqm layout (HarfBuzz) into a Kivy texture; Chinese and digits use Kivy's provider.
A Pillow built without raqm (python-for-android's recipe) lays out unjoined: `check_shaping`
measures at start which path joins (`shaping`) and Mongolian is drawn with that one.
"""
from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache

from kivy.core.text import Label as CoreLabel

from .. import fonts, mongolian_layout, shaping
from ..mongolian_layout import MONG

FONT_CJK, FONT_MONG = "legaltv-cjk", "legaltv-mong"
MONG_MARGIN = 1  # px of room left and right of a Mongolian line, for glyphs that overhang their advance
_TEXTURES: OrderedDict = OrderedDict()
_MAX_TEXTURES = 150
_LINES: dict = {}  # paragraph texture -> its lines


def register_fonts(cache_dir) -> None:
    """Registers both fonts under fixed names; call once before any text is drawn."""
    from kivy.core.text import LabelBase

    LabelBase.register(FONT_CJK, str(fonts.chinese_font(cache_dir)))
    LabelBase.register(FONT_MONG, str(fonts.mongolian_font()))


def _options(kind: str, size: float, color) -> dict:
    if kind == MONG:
        return dict(font_name=FONT_MONG, font_size=size, font_script_name="Mong",
                    font_direction="ltr", text_language="mn", color=color)
    return dict(font_name=FONT_CJK, font_size=size, color=color)


_PIL_FONTS: dict = {}
PILLOW_LAYOUT = "raqm"  # the layout Pillow is asked for; "basic" is what a Pillow without raqm falls back to
_SHAPING = {"path": shaping.RAQM}  # the path Mongolian is drawn with, chosen by check_shaping


def _pil_font(size: float):
    from PIL import ImageFont

    key = (round(size, 2), PILLOW_LAYOUT)  # fractional sizes: at 4K a line is twice its 1080p length, so it wraps alike
    if key not in _PIL_FONTS:
        engine = ImageFont.Layout.RAQM if PILLOW_LAYOUT == "raqm" else ImageFont.Layout.BASIC
        _PIL_FONTS[key] = ImageFont.truetype(str(fonts.mongolian_font()), key[0], layout_engine=engine)
    return _PIL_FONTS[key]


def _pil_options(font) -> dict:
    """Pillow's basic layout refuses a language (KeyError): only raqm is told the text is Mongolian."""
    from PIL import ImageFont

    return {"language": "mn"} if font.layout_engine == ImageFont.Layout.RAQM else {}


def _pillow_length(text: str, size: float) -> float:
    font = _pil_font(size)
    return float(font.getlength(text, **_pil_options(font)))


def _sdl2_length(text: str, size: float) -> float:
    return float(CoreLabel(text=text, **_options(MONG, size, (1, 1, 1, 1))).get_extents(text)[0])


def check_shaping(size: float = 64) -> shaping.Verdict:
    """Measures which path draws Mongolian joined (Pillow + raqm first, then Kivy's SDL2 provider
    with font_script_name) and draws Mongolian with it from now on; call after register_fonts."""
    verdict = shaping.first_shaping([(shaping.RAQM, lambda s: _pillow_length(s, size)),
                                     (shaping.SDL2, lambda s: _sdl2_length(s, size))])
    _SHAPING["path"] = verdict.path
    _TEXTURES.clear()
    mongolian_columns.cache_clear()
    mongolian_fit.cache_clear()
    return verdict


def shaping_path() -> str:
    return _SHAPING["path"]


def _mongolian_texture(text: str, size: float, color):
    """A horizontal line of Mongolian shaped by HarfBuzz (Pillow + raqm) as a Kivy texture
    (by Kivy's own provider when that is the path that joins on this box)."""
    from kivy.graphics.texture import Texture
    from PIL import Image, ImageDraw

    if _SHAPING["path"] == shaping.SDL2:
        label = CoreLabel(text=text, **_options(MONG, size, color))
        label.refresh()
        return label.texture
    font = _pil_font(size)
    ascent, descent = font.getmetrics()
    width = max(1, int(round(font.getlength(text, **_pil_options(font)))) + 2 * MONG_MARGIN)
    # the font's ascent leaves about half an em empty above Mongolian letters: trim it, so
    # columns sit about 1.2 em apart instead of 1.8
    top = int(0.55 * font.size)
    height = ascent + descent - top
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    rgba = tuple(int(round(c * 255)) for c in color)
    ImageDraw.Draw(image).text((MONG_MARGIN, -top), text, font=font, fill=rgba, **_pil_options(font))
    texture = Texture.create(size=(width, height), colorfmt="rgba")
    texture.blit_buffer(image.tobytes(), colorfmt="rgba", bufferfmt="ubyte")
    texture.flip_vertical()
    return texture


def line_texture(kind: str, text: str, size: float, color=(1, 1, 1, 1)):
    """The texture of one horizontal line of `text` (cached)."""
    key = (kind, text, round(size, 1), tuple(color))
    texture = _TEXTURES.get(key)
    if texture is None:
        if kind == MONG:
            texture = _mongolian_texture(text, size, color)
        else:
            label = CoreLabel(text=text, **_options(kind, size, color))
            label.refresh()
            texture = label.texture
        _TEXTURES[key] = texture
        if len(_TEXTURES) > _MAX_TEXTURES:
            _TEXTURES.popitem(last=False)
    else:
        _TEXTURES.move_to_end(key)
    return texture


def measure(kind: str, text: str, size: float) -> float:
    """Length of `text` along a Mongolian column (shaped width; upright glyphs are one em)."""
    fixed = mongolian_layout.fixed_length(kind, text, size)
    if fixed is not None:
        return fixed
    if kind == MONG:
        return _sdl2_length(text, size) if _SHAPING["path"] == shaping.SDL2 else _pillow_length(text, size)
    return float(CoreLabel(text=text, **_options(kind, size, (1, 1, 1, 1))).get_extents(text)[0])


def warm_mongolian(sizes) -> None:
    """Opens the Mongolian font once per size with shaping on, before anything is measured."""
    for size in sizes:
        line_texture(MONG, "ᠮᠣᠩᠭᠣᠯ", size)
        measure(MONG, "ᠮᠣᠩᠭᠣᠯ", size)


def column_width(size: float) -> float:
    return line_texture(MONG, "ᠮ", size).height


@lru_cache(maxsize=1024)
def mongolian_columns(text: str, size: float, column_length: float, max_columns: int | None = None):
    """The columns of `text` (cached: a poster grid lays out the same titles again and again)."""
    return mongolian_layout.layout(text, column_length, lambda k, s: measure(k, s, size), max_columns)


@lru_cache(maxsize=1024)
def mongolian_fit(text: str, size: float, column_length: float, floor: float) -> float:
    """The size at which the longest word of `text` fits one column: `size` if it does already,
    else smaller, but never below `floor` (a word longer still is broken between letters)."""
    longest = mongolian_layout.longest_word(text, lambda k, s: measure(k, s, size))
    return mongolian_layout.fitting_size(size, longest, column_length, floor)


# never at the start of a line: they stay with the glyph before them
CLOSING = set("，。、；：！？）」』》〉】”’…,.;:!?)%")


def _in_word(ch: str) -> bool:
    """Digits, Latin letters and what joins them in a number, a time or a word."""
    return ch.isascii() and (ch.isalnum() or ch in "-+:./@") or ch == "–"


def _breakable_pieces(line: str) -> list[str]:
    """The pieces a Chinese line may break between: an ideograph alone (with the punctuation that
    closes it), a run of digits and Latin letters whole (a phone number's spaces inside it), a space."""
    pieces: list[str] = []
    for i, ch in enumerate(line):
        # a space between two digits groups a number: 138 1234 5678
        glued_space = ch == " " and 0 < i < len(line) - 1 and line[i - 1].isdigit() and line[i + 1].isdigit()
        joins = ch in CLOSING or (_in_word(ch) or glued_space) and pieces and (
            _in_word(pieces[-1][-1]) or pieces[-1][-1] == " " and len(pieces[-1]) > 1)
        if pieces and joins:
            pieces[-1] += ch
        else:
            pieces.append(ch)
    return pieces


def wrap_chinese(text: str, width: float, extent) -> str:
    """`text` with its line breaks placed: between ideographs or at spaces, never inside a number
    or a Latin word (Kivy breaks only at spaces, so a Chinese paragraph, one long "word" to it, would
    be cut anywhere, "138 1234 | 5678" too). `extent(s)` is the width of `s` drawn."""
    out = []
    for paragraph in text.split("\n"):
        line, line_w = "", 0.0
        for piece in _breakable_pieces(paragraph):
            # pieces measured alone add up to about the line; only near the edge is the line measured
            grown = line_w + extent(piece)
            if line and grown > 0.95 * width and extent(line + piece) > width:
                out.append(line.rstrip(" "))
                line = piece.lstrip(" ")
                line_w = extent(line)
            else:
                line, line_w = line + piece, grown
        out.append(line)
    return "\n".join(out)


@lru_cache(maxsize=64)
def _chinese_measure(size: float):
    """The width of a Chinese text at `size` (pieces remembered: the same glyphs come again and again)."""
    label = CoreLabel(font_name=FONT_CJK, font_size=size)
    return lru_cache(maxsize=4096)(lambda s: label.get_extents(s)[0])


def paragraph_texture(text: str, size: float, color, width: float, halign: str, max_lines: int | None,
                      shorten: bool = False):
    """Chinese wrapped to `width` as one texture (cached like `line_texture`)."""
    key = ("para", text, round(size, 1), tuple(color), round(width), halign, max_lines, shorten)
    texture = _TEXTURES.get(key)
    if texture is None:
        if not shorten:
            text = wrap_chinese(text, width - 1, _chinese_measure(round(size, 2)))
        label = CoreLabel(text=text, font_name=FONT_CJK, font_size=size, color=color, text_size=(width, None),
                          halign=halign, max_lines=max_lines, shorten=shorten, shorten_from="right",
                          line_height=1.15)
        label.refresh()
        texture = _TEXTURES[key] = label.texture
        _LINES[texture] = ["".join(word.text for word in line.words) for line in label._cached_lines]
        if len(_TEXTURES) > _MAX_TEXTURES:
            _LINES.pop(_TEXTURES.popitem(last=False)[1], None)
    else:
        _TEXTURES.move_to_end(key)
    return texture


def drawn_lines(texture) -> list[str]:
    """The lines of a paragraph texture, as drawn (what a test reads)."""
    return _LINES.get(texture, [])


def rotated_coords(texture) -> tuple:
    """Texture coordinates drawing `texture` turned 90° clockwise (its top faces right)."""
    t = texture.tex_coords  # bottom-left, bottom-right, top-right, top-left of the image
    return (t[2], t[3], t[4], t[5], t[6], t[7], t[0], t[1])
