"""Whether the data root's disk has room for a video's renditions before its transcode is queued.

The rule: a video's renditions take at most duration × (the peak rates of the source's video
rungs (`ladder_for`, each rung's kbit/s × MAXRATE_FACTOR) + a stereo and a mono rendition per
audio language) × ESTIMATE_MARGIN, plus POSTER_BYTES. A video is refused with 507 unless its
estimate, plus what the transcodes already queued or running have still to write (their
estimate × (1 − progress)), fits in the free space above the reserve /healthz keeps
(`disk_space.reserve_bytes`). The source itself is already on the disk (hard-linked from the
upload), so it needs no more room.
"""
from __future__ import annotations

import shutil

from ..kernel.config import Settings
from ..kernel.disk_space import free_bytes, reserve_bytes
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from .jobs import work_dir
from .ladder import AUDIO_KBPS, AUDIO_ONLY_KBPS, MAXRATE_FACTOR, ladder_for

ESTIMATE_MARGIN = 1.25  # segment and playlist overhead (MPEG-TS packets, the subtitle track)
POSTER_BYTES = 1024**2  # poster and thumbnail JPEGs (a few hundred KB)


def rendition_bytes(spec: dict) -> int:
    """An upper estimate of what the transcode of `spec` (from `ingest.prepare`) writes."""
    probe = spec["probe"]
    video_kbps = sum(out.rung.kbps for out in ladder_for(probe["width"], probe["height"])) * MAXRATE_FACTOR
    audio_kbps = len(spec["audio"]) * (AUDIO_KBPS + AUDIO_ONLY_KBPS)
    return int(probe["duration"] * (video_kbps + audio_kbps) * 1000 / 8 * ESTIMATE_MARGIN) + POSTER_BYTES


def ensure_room(settings: Settings, video_id: str, spec: dict, unfinished: list[tuple[dict, float]]) -> None:
    """Raises 507 (and removes the video's work folder) unless its renditions fit beside those of
    the `unfinished` transcodes ((spec, progress) pairs). Blocking: run in a thread."""
    root = settings.root.root
    still_to_write = sum(rendition_bytes(other) * (1 - progress) for other, progress in unfinished
                         if "probe" in other)  # a job without a probed source writes nothing
    needed = int(rendition_bytes(spec) + still_to_write) + reserve_bytes(settings, root)
    free = free_bytes(root)
    if free < needed:
        shutil.rmtree(work_dir(settings.root, video_id), ignore_errors=True)
        # TRANSLATORS: ingest form error when the server's disk is too full, {mb} is a number, max 120 chars
        message = N_("The server's disk has no room for this video ({mb} MB more are needed). Please ask the administrator to free space.")
        raise ApiError(507, "no_room_for_video", message, mb=max(1, -(-(needed - free) // 1024**2)))
