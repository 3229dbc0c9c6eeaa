#!/usr/bin/env python3
"""Draws the Android TV banners (320×180, one per language) and the app icon (512×512).

Both scripts are shaped with raqm (Pillow's HarfBuzz layout). Mongolian is written as the
households read it: each line shaped horizontally, turned 90° clockwise into a column,
columns running left to right. Usage: .venv/bin/python scripts/make_banners.py
"""
from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
FONTS = ROOT / "stb_app" / "fonts"
MONGOLIAN_FONT = FONTS / "NotoSansMongolian-Regular.ttf"
CHINESE_FONT = FONTS / "NotoSansSC-legaltv.otf"
BANNERS = {"zh": BUILD / "res" / "drawable-xhdpi" / "banner.png",     # the default
           "mn": BUILD / "res" / "drawable-mn-xhdpi" / "banner.png"}  # devices set to Mongolian
ICON = BUILD / "icon.png"
BANNER_SIZE = (320, 180)
BACKGROUND = (16, 24, 32)
GOLD = (232, 184, 76)
WHITE = (245, 245, 240)
CHINESE_LINES = ("法律服务", "电视课堂 · 12348")
MONGOLIAN_COLUMNS = ("ᠬᠠᠤᠯᠢ\u202fᠶᠢᠨ", "ᠦᠢᠯᠡᠴᠢᠯᠡᠭᠡ", "12348")  # qauli-yin üilečilge: legal service


def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def draw_scales(draw: ImageDraw.ImageDraw, cx: float, top: float, size: float) -> None:
    """A balance, the sign of justice, drawn with lines so no image file is needed."""
    w = max(2, round(size / 22))
    bottom, half = top + size, size * 0.42
    draw.line([(cx, top), (cx, bottom)], fill=GOLD, width=w)
    draw.line([(cx - size * 0.22, bottom), (cx + size * 0.22, bottom)], fill=GOLD, width=w)
    beam = top + size * 0.12
    draw.line([(cx - half, beam), (cx + half, beam)], fill=GOLD, width=w)
    draw.ellipse([cx - w * 1.6, top - w * 1.6, cx + w * 1.6, top + w * 1.6], fill=GOLD)
    for side in (-1, 1):
        x = cx + side * half
        pan = beam + size * 0.42
        draw.line([(x, beam), (x - size * 0.14, pan)], fill=GOLD, width=max(1, w // 2))
        draw.line([(x, beam), (x + size * 0.14, pan)], fill=GOLD, width=max(1, w // 2))
        draw.chord([x - size * 0.17, pan - size * 0.09, x + size * 0.17, pan + size * 0.09], 0, 180, fill=GOLD)


def mongolian_column(text: str, size: int, color) -> Image.Image:
    """One shaped Mongolian line turned 90° clockwise (top of the letters facing right)."""
    face = font(MONGOLIAN_FONT, size)
    left, top, right, bottom = face.getbbox(text, direction="ltr", language="mn")
    line = Image.new("RGBA", (right - left + 4, bottom - top + 4), (0, 0, 0, 0))
    ImageDraw.Draw(line).text((2 - left, 2 - top), text, font=face, fill=color, direction="ltr", language="mn")
    return line.rotate(-90, expand=True)


def banner(language: str) -> Image.Image:
    image = Image.new("RGB", BANNER_SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, BANNER_SIZE[1] - 8, BANNER_SIZE[0], BANNER_SIZE[1]], fill=GOLD)
    draw_scales(draw, 62, 42, 84)
    if language == "zh":
        draw.text((126, 40), CHINESE_LINES[0], font=font(CHINESE_FONT, 42), fill=WHITE, language="zh-Hans")
        draw.text((128, 104), CHINESE_LINES[1], font=font(CHINESE_FONT, 20), fill=GOLD, language="zh-Hans")
    else:
        x = 140
        for text, size, color in zip(MONGOLIAN_COLUMNS, (30, 30, 22), (WHITE, WHITE, GOLD)):
            column = mongolian_column(text, size, color)
            image.paste(column, (x, 14), column)
            x += column.width + 14
    return image


def icon() -> Image.Image:
    image = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([16, 16, 496, 496], radius=96, fill=BACKGROUND + (255,))
    draw_scales(draw, 256, 112, 300)
    return image


def main() -> int:
    if not features.check("raqm"):
        sys.exit("Pillow without raqm cannot shape Mongolian; install Pillow with libraqm")
    for language, path in BANNERS.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        banner(language).save(path, optimize=True)
        print(path.relative_to(ROOT), path.stat().st_size, "bytes")
    icon().save(ICON, optimize=True)
    print(ICON.relative_to(ROOT), ICON.stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
