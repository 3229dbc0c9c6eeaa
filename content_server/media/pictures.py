"""Posters, thumbnails and seek-preview tile sheets, made with Pillow."""
from __future__ import annotations

import json
import warnings
from pathlib import Path

from PIL import Image, ImageFilter, ImageOps, ImageStat

from ..kernel.i18n import N_

POSTER_SIZE = (960, 540)
THUMB_SIZE = (480, 270)
TILE_COLUMNS = TILE_ROWS = 10
MAX_POSTER_BYTES = 20 * 1024 * 1024
MAX_POSTER_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
BACKGROUND = (12, 12, 12)


class BadImage(Exception):
    """The upload is not a picture we accept; args[0] is a msgid for the editor."""


def check_image(path: Path) -> None:
    """Refuses anything but a sane JPEG, PNG or WebP (size, type, decompression bombs)."""
    if not path.is_file() or path.stat().st_size == 0 or path.stat().st_size > MAX_POSTER_BYTES:
        # TRANSLATORS: ingest form error under the poster field (also below), max 80 chars
        raise BadImage(N_("The picture is empty or too large."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.format not in ACCEPTED_FORMATS:
                    # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
                    raise BadImage(N_("Please upload the picture as JPEG, PNG or WebP."))
                if image.width * image.height > MAX_POSTER_PIXELS or min(image.size) < 64:
                    raise BadImage(N_("The picture is empty or too large."))
                image.load()  # decodes fully: truncated files fail here, not later
    except BadImage:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadImage(N_("The picture is empty or too large."))
    except Exception:  # Pillow raises many kinds for files that are not pictures
        raise BadImage(N_("Please upload the picture as JPEG, PNG or WebP."))


def best_frame(candidates: list[Path]) -> Path | None:
    """The candidate frame with the most detail, skipping black, white and flat frames."""
    best, best_score = None, -1.0
    for path in candidates:
        with Image.open(path) as image:
            gray = image.convert("L")
            stat = ImageStat.Stat(gray)
            mean, spread = stat.mean[0], stat.stddev[0]
            edges = ImageStat.Stat(gray.filter(ImageFilter.FIND_EDGES)).mean[0]
        usable = 24 < mean < 232 and spread > 12
        score = spread + edges * 2 + (1000 if usable else 0)
        if score > best_score:
            best, best_score = path, score
    return best


def make_posters(source_image: Path, folder: Path, editor_supplied: bool) -> None:
    """poster.jpg (960×540) and thumb.jpg (480×270): editor images are cropped to fill, frames letterboxed."""
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(source_image) as image:
        image = ImageOps.exif_transpose(image).convert("RGB")
        for name, size in (("poster.jpg", POSTER_SIZE), ("thumb.jpg", THUMB_SIZE)):
            if editor_supplied:
                picture = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
            else:
                picture = ImageOps.pad(image, size, Image.Resampling.LANCZOS, color=BACKGROUND)
            picture.save(folder / name, "JPEG", quality=82, optimize=True, progressive=True)


def make_tiles(frames: list[Path], folder: Path, interval: int) -> dict:
    """Seek-preview sheets of 10×10 tiles plus tiles.json and tiles.vtt; returns the index."""
    folder.mkdir(parents=True, exist_ok=True)
    per_sheet = TILE_COLUMNS * TILE_ROWS
    with Image.open(frames[0]) as first:
        tile_w, tile_h = first.size
    sheets, cues = [], ["WEBVTT", ""]
    for sheet_no in range(0, len(frames), per_sheet):
        batch = frames[sheet_no:sheet_no + per_sheet]
        rows = -(-len(batch) // TILE_COLUMNS)
        columns = min(len(batch), TILE_COLUMNS)
        sheet = Image.new("RGB", (tile_w * columns, tile_h * rows), BACKGROUND)
        name = f"tiles_{sheet_no // per_sheet:03d}.jpg"
        for n, path in enumerate(batch):
            x, y = (n % TILE_COLUMNS) * tile_w, (n // TILE_COLUMNS) * tile_h
            with Image.open(path) as tile:
                sheet.paste(tile.convert("RGB").resize((tile_w, tile_h)), (x, y))
            start = (sheet_no + n) * interval
            cues += [f"{_stamp(start)} --> {_stamp(start + interval)}", f"{name}#xywh={x},{y},{tile_w},{tile_h}", ""]
        sheet.save(folder / name, "JPEG", quality=70, optimize=True, progressive=True)
        sheets.append(name)
    index = {"interval": interval, "tile_width": tile_w, "tile_height": tile_h, "columns": TILE_COLUMNS,
             "rows": TILE_ROWS, "count": len(frames), "sheets": sheets}
    (folder / "tiles.json").write_text(json.dumps(index), encoding="utf-8")
    (folder / "tiles.vtt").write_text("\n".join(cues), encoding="utf-8")
    return index


def _stamp(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.000"
