"""Where the box finds its fonts: one Mongolian file, one Chinese (Simplified) face.

Kivy caches fonts by file and size only, so Mongolian has its own file (never shared with a
face measured unshaped). Debian's CJK collection opens as Japanese (face 0); the SC face is
extracted once into the cache directory when no bundled Chinese font exists.
"""
from __future__ import annotations

from pathlib import Path

BUNDLED = Path(__file__).resolve().parent / "fonts"
MONGOLIAN_BUNDLED = BUNDLED / "NotoSansMongolian-Regular.ttf"
MONGOLIAN_SYSTEM = Path("/usr/share/fonts/truetype/noto/NotoSansMongolian-Regular.ttf")
CHINESE_BUNDLED = BUNDLED / "NotoSansSC-legaltv.otf"
CJK_COLLECTIONS = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),)
CJK_SC_FACE = 2  # Noto Sans CJK SC inside Debian's NotoSansCJK-Regular.ttc
MONGOLIAN_SCALE = 1.25  # Mongolian is set this much larger than Chinese


def mongolian_font() -> Path:
    """The Mongolian font file: bundled, else the system's Noto Sans Mongolian."""
    for path in (MONGOLIAN_BUNDLED, MONGOLIAN_SYSTEM):
        if path.exists():
            return path
    raise FileNotFoundError("no Noto Sans Mongolian font (install fonts-noto-core)")


def chinese_font(cache_dir: Path) -> Path:
    """The Simplified Chinese font file: bundled, else face 2 of the CJK collection,
    extracted once into `cache_dir`."""
    if CHINESE_BUNDLED.exists():
        return CHINESE_BUNDLED
    target = Path(cache_dir) / "NotoSansCJKsc-Regular.otf"
    if target.exists():
        return target
    for collection in CJK_COLLECTIONS:
        if collection.exists():
            from fontTools.ttLib import TTCollection  # only needed the first time

            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            TTCollection(str(collection), lazy=True).fonts[CJK_SC_FACE].save(str(tmp))
            tmp.replace(target)
            return target
    raise FileNotFoundError("no Chinese font (bundle stb_app/fonts/NotoSansSC-legaltv.otf or install fonts-noto-cjk)")
