"""MPEG-1 Layer II for older DVB-C boxes: the only thing the playout encodes, one stored audio
segment at a time, keeping the segment's own start time."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Callable

from ..kernel.child_processes import run_child
from .segments import Unit, mpeg_audio_frames, read_segment

MP2_KBPS = 192
KEEP = 16  # the slate's few segments loop: encode them once


def mp2_encoder(kbps: int = MP2_KBPS) -> Callable[[Path], list[Unit]]:
    """A function from a stored AAC segment to its MP2 frames (48 kHz stereo), timed from the segment's start."""
    done: OrderedDict[Path, list[Unit]] = OrderedDict()

    def encode(path: Path) -> list[Unit]:
        if path in done:
            done.move_to_end(path)
            return done[path]
        _, units = read_segment(path)
        if not units:
            return []
        result = run_child(["ffmpeg", "-nostdin", "-v", "error", "-i", str(path), "-vn", "-c:a", "mp2",
                            "-b:a", f"{kbps}k", "-ar", "48000", "-ac", "2", "-f", "mp2", "-"], timeout=60)
        if result.returncode != 0:
            raise OSError(f"mp2 encoding of {path} failed: {result.stderr.decode(errors='replace')[-200:]}")
        frames = mpeg_audio_frames(result.stdout, units[0].pts)
        done[path] = frames
        if len(done) > KEEP:
            done.popitem(last=False)
        return frames

    return encode
