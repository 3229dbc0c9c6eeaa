#!/usr/bin/env python3
"""Regenerates the box app's bundled fonts in stb_app/fonts/.

- NotoSansMongolian-Regular.ttf: Noto Sans Mongolian 3.002 (OFL) from the npm package
  @fontsource/noto-sans-mongolian@5.3.0, whose "mongolian" and "latin" WOFF subsets of the same
  upstream build are merged back into one TrueType file (Latin brings the digits and punctuation
  that Mongolian lines contain; Debian's 2.001 build has no digits at all).
- NotoSansSC-legaltv.otf: a subset of Noto Sans CJK SC (face 2 of Debian's NotoSansCJK-Regular.ttc)
  with every character of the UI catalogs, the guidance and demo content, and the common-use list
  (GB 2312 level 1, 3,755 characters, plus the 5 characters of the 1988 list of 2,500 常用字 that it
  lacks: 通用规范汉字表 itself is not available offline).

Usage: .venv/bin/python scripts/make_fonts.py [--fontsource DIR]
(DIR = an unpacked @fontsource/noto-sans-mongolian package; by default `npm pack` fetches it.)
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "stb_app" / "fonts"
MONGOLIAN_FONT = FONTS / "NotoSansMongolian-Regular.ttf"
CJK_FONT = FONTS / "NotoSansSC-legaltv.otf"
FONTSOURCE = "@fontsource/noto-sans-mongolian@5.3.0"
CJK_COLLECTION = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_SC_FACE = 2  # face 0 is JP: Chinese would get Japanese glyph forms
COMMON_1988_NOT_IN_GB2312_L1 = "叨橘筝蜓蜻"
# Punctuation and symbols a Chinese line may contain besides ideographs.
BASIC_RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x2027), (0x2030, 0x203B), (0x2190, 0x2193),
                (0x2460, 0x2473), (0x3000, 0x303F), (0xFF01, 0xFF5E), (0xFFE0, 0xFFE5)]


def gb2312_level1() -> str:
    """The 3,755 level-1 hanzi of GB 2312 (rows 16–55), from Python's own codec."""
    chars = []
    for row in range(16, 56):
        for cell in range(1, 95):
            try:
                chars.append(struct.pack("2B", row + 0xA0, cell + 0xA0).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(chars)


def content_texts() -> list[str]:
    """Every text the box or the consoles may show: catalogs, JSON content, strings in code."""
    texts = []
    for pattern in ("locales/*/LC_MESSAGES/*.po", "content_server/**/*.json", "content_server/**/*.py",
                    "content_server/**/*.html", "stb_app/**/*.py", "stb_app/**/*.kv", "stb_app/**/*.json"):
        texts += [path.read_text(encoding="utf-8", errors="ignore") for path in ROOT.glob(pattern)]
    return texts


def cjk_characters() -> set[str]:
    chars = set(gb2312_level1()) | set(COMMON_1988_NOT_IN_GB2312_L1)
    for low, high in BASIC_RANGES:
        chars |= {chr(c) for c in range(low, high + 1)}
    for text in content_texts():
        chars |= set(re.findall(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]", text))
    return chars


def make_cjk_subset() -> None:
    face = TTCollection(str(CJK_COLLECTION)).fonts[CJK_SC_FACE]
    cmap = face.getBestCmap()
    unicodes = sorted(ord(c) for c in cjk_characters() if ord(c) in cmap)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.hinting = False  # the TV scales text; hints cost space and buy nothing at 30 px+
    options.desubroutinize = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(face)
    face.recalcTimestamp = False  # same input, same bytes: no churn in git
    face.save(str(CJK_FONT))
    print(f"{CJK_FONT.name}: {len(unicodes)} characters, {CJK_FONT.stat().st_size / 1024:.0f} KiB")


def fontsource_package(given: Path | None, work: Path) -> Path:
    if given:
        return given
    subprocess.run(["npm", "pack", FONTSOURCE, "--pack-destination", str(work)], check=True,
                   capture_output=True)
    with tarfile.open(next(work.glob("*.tgz"))) as archive:
        archive.extractall(work, filter="data")
    return work / "package"


def make_mongolian_font(package: Path, work: Path) -> None:
    files = package / "files"
    parts = []
    for name in ("mongolian", "latin"):  # Mongolian first: its cmap wins where both map a code point
        font = TTFont(files / f"noto-sans-mongolian-{name}-400-normal.woff")
        font.flavor = None
        font.recalcTimestamp = False
        path = work / f"{name}.ttf"
        font.save(str(path))
        parts.append(str(path))
    merged = Merger().merge(parts)
    upstream = TTFont(parts[0])["head"]
    merged["head"].created, merged["head"].modified = upstream.created, upstream.modified
    merged.recalcTimestamp = False  # same input, same bytes: no churn in git
    merged.save(str(MONGOLIAN_FONT))
    shutil.copyfile(package / "LICENSE", FONTS / "OFL.txt")
    meta = json.loads((package / "package.json").read_text())
    print(f"{MONGOLIAN_FONT.name}: {meta['name']} {meta['version']}, "
          f"{TTFont(str(MONGOLIAN_FONT))['name'].getDebugName(5)}, {MONGOLIAN_FONT.stat().st_size / 1024:.0f} KiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fontsource", type=Path, help="unpacked @fontsource/noto-sans-mongolian package")
    parser.add_argument("--cjk-only", action="store_true", help="only redo the Chinese subset (after new strings)")
    args = parser.parse_args(argv)
    FONTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        if not args.cjk_only:
            make_mongolian_font(fontsource_package(args.fontsource, Path(tmp)), Path(tmp))
        make_cjk_subset()
    return 0


if __name__ == "__main__":
    sys.exit(main())
