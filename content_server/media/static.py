"""Renditions and posters as plain files under /media/…, for one machine without nginx.

Only files of ready videos, only known media types, never a path outside the video's own
folder (no `..`, no hidden names, no symlinks leading out). aiohttp's FileResponse gives
ETag, Last-Modified, conditional requests and Range; this module adds the types and caching.
"""
from __future__ import annotations

import re
from pathlib import Path

from aiohttp import web

from ..config import DataRoot
from ..storage import catalog as catalog_sql, documents

routes = web.RouteTableDef()

YEAR = 365 * 86400
IMMUTABLE = f"public, max-age={YEAR}, immutable"
# On-demand playlists never change once a video is ready, but keep them revalidatable.
PLAYLIST = "public, max-age=86400, stale-while-revalidate=86400"

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
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PART = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}")


def subtitle_file(lang: str) -> str:
    """Where a video's subtitles in `lang` are, relative to its rendition folder."""
    return f"subs_{lang}/index.m3u8"


def picture_files(root: DataRoot, video_id: str) -> dict[str, str | None]:
    """The poster and thumbnail names in a video's poster folder (layout in storage/media.py); None if missing."""
    folder = root.poster_dir(video_id)
    return {kind: name if (folder / name).is_file() else None
            for kind, name in (("poster", "poster.jpg"), ("thumb", "thumb.jpg"))}


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


class ReadyVideos:
    """Ids of ready videos, re-read only after the catalog changed."""

    def __init__(self, store):
        self.store = store
        self._key: tuple | None = None
        self._ids: set[str] = set()

    def __contains__(self, video_id: str) -> bool:
        key = documents.version_of(self.store, documents.Document.CATALOG)
        if key != self._key:
            self._ids, self._key = catalog_sql.ready_video_ids(self.store), key
        return video_id in self._ids


async def _serve(request: web.Request, base: Path) -> web.StreamResponse:
    video_id, tail = request.match_info["video_id"], request.match_info["tail"]
    path = safe_media_path(base, video_id, tail)
    if path is None or video_id not in request.app["ready_videos"]:
        raise web.HTTPNotFound()
    content_type, cache_control = MEDIA_TYPES[path.suffix.lower()]
    return web.FileResponse(path, headers={"Content-Type": content_type, "Cache-Control": cache_control,
                                           "Access-Control-Allow-Origin": "*"})


@routes.get("/media/renditions/{video_id}/{tail:.*}")
async def rendition_file(request: web.Request) -> web.StreamResponse:
    return await _serve(request, request.app["settings"].root.renditions)


@routes.get("/media/posters/{video_id}/{tail:.*}")
async def poster_file(request: web.Request) -> web.StreamResponse:
    return await _serve(request, request.app["settings"].root.posters)


def setup(app: web.Application) -> None:
    app["ready_videos"] = ReadyVideos(app["store"])
    app.add_routes(routes)
