"""Which stored media files may be served, with which type and caching: the renditions and posters
of media/ and the channel's slate of schedule/ follow the same rules."""
from __future__ import annotations

import re
from pathlib import Path

YEAR = 365 * 86400
IMMUTABLE = f"public, max-age={YEAR}, immutable"
# Playlists stay revalidatable (no stale-while-revalidate: an edge would go on serving a video
# that has left its window); a video's own are even revalidated on every play (media/static.py).
PLAYLIST = "public, max-age=86400"

MEDIA_TYPES = {
    ".m3u8": ("application/vnd.apple.mpegurl", PLAYLIST),
    ".ts": ("video/mp2t", IMMUTABLE),
    ".m4s": ("video/iso.segment", IMMUTABLE),
    ".mp4": ("video/mp4", IMMUTABLE),
    ".aac": ("audio/aac", IMMUTABLE),
    ".vtt": ("text/vtt; charset=utf-8", IMMUTABLE),
    ".jpg": ("image/jpeg", IMMUTABLE),
    ".jpeg": ("image/jpeg", IMMUTABLE),
    ".webp": ("image/webp", IMMUTABLE),
    ".png": ("image/png", IMMUTABLE),
    ".json": ("application/json; charset=utf-8", IMMUTABLE),
}


def generation_prefix(version: int) -> str:
    """Where a video's renditions of generation `version` sit inside its rendition folder, as a path
    and URL prefix: "" for the first transcode, "g<N>/" for the N-th replacement (new names, so a box
    playing the old files and every cache of them are never mixed up with the new ones)."""
    return f"g{version}/" if version else ""


_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PART = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}")


def safe_media_path(base: Path, video_id: str, tail: str) -> Path | None:
    """The file `base/video_id/tail` if it is a plain, known media file inside that folder, else None."""
    if not _VIDEO_ID.fullmatch(video_id):
        return None
    parts = tail.split("/")
    if not tail or not all(_PART.fullmatch(part) for part in parts):
        return None  # catches "", "..", ".hidden", absolute paths, backslashes, NUL
    if Path(parts[-1]).suffix.lower() not in MEDIA_TYPES:
        return None
    folder = (base / video_id).resolve()
    try:
        path = (base / video_id / tail).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not path.is_relative_to(folder) or folder.parent != base.resolve() or not path.is_file():
        return None  # a symlink leading out of the video's folder, or the folder itself elsewhere
    return path
