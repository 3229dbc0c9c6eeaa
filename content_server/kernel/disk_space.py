"""Room on the data root's disk: what is free, and the reserve the server keeps free."""
from __future__ import annotations

import os
from pathlib import Path


def free_bytes(path: Path) -> int:
    """Bytes an unprivileged writer may still use on the disk holding `path` (a cheap syscall)."""
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


def reserve_bytes(settings, path: Path) -> int:
    """The free space below which the server reports itself unhealthy and takes no new video:
    `min_free_bytes`, or `min_free_fraction` of the disk when that is less (a small disk)."""
    stat = os.statvfs(path)
    return int(min(settings.min_free_bytes, settings.min_free_fraction * stat.f_blocks * stat.f_frsize))
