"""Choosing the HLS rung ourselves (FFmpeg's HLS demuxer never adapts).

Start on the lowest rung, estimate throughput from downloads (EWMA of bytes/second), step up
one rung when the estimate comfortably covers it, step down at once on a stall or when the
estimate no longer covers the current rung; never above the device-class cap.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

UP_MARGIN = 1.5     # need 1.5× the next rung's bitrate before stepping up
DOWN_MARGIN = 1.1   # step down when the estimate no longer covers 1.1× the current rung

DEVICE_CAPS = {"sd": 360, "hd": 720, "fhd": 1080, "uhd": 2160}  # device class → max rung height


@dataclass(frozen=True)
class Rung:
    bandwidth: int      # bits per second, from EXT-X-STREAM-INF BANDWIDTH
    height: int         # 0 for audio-only
    uri: str
    program: int = 0    # its position in the master: FFmpeg's HLS demuxer makes one program per variant

    @property
    def name(self) -> str:
        return f"{self.height}p" if self.height else "audio"


_ATTR = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')


def parse_master(text: str) -> list[Rung]:
    """The video rungs of an HLS master playlist, lowest bandwidth first."""
    rungs, pending, program = [], None, 0
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#EXT-X-STREAM-INF:"):
            pending = dict((k, v.strip('"')) for k, v in _ATTR.findall(line.split(":", 1)[1]))
        elif line and not line.startswith("#") and pending is not None:
            height = int(pending["RESOLUTION"].split("x")[1]) if "RESOLUTION" in pending else 0
            rungs.append(Rung(int(pending.get("BANDWIDTH", 0)), height, line, program))
            pending, program = None, program + 1
    return sorted(rungs, key=lambda r: (r.bandwidth, r.height))


class RungChooser:
    def __init__(self, rungs: list[Rung], max_height: int = 1080, alpha: float = 0.5):
        allowed = [r for r in rungs if r.height <= max_height and r.height > 0]
        self.rungs = allowed or sorted(rungs, key=lambda r: r.bandwidth)[:1]
        self.alpha = alpha
        self.estimate: float | None = None  # bits per second
        self.index = 0                       # start low: the first frame comes soonest

    @property
    def current(self) -> Rung:
        return self.rungs[self.index]

    def add_sample(self, nbytes: int, seconds: float) -> None:
        """A finished download of `nbytes` that took `seconds` (tiny ones say little: ignored)."""
        if nbytes < 16_000 or seconds <= 0:
            return
        bps = nbytes * 8 / seconds
        self.estimate = bps if self.estimate is None else self.alpha * bps + (1 - self.alpha) * self.estimate

    def stalled(self) -> Rung:
        """Playback stalled (the position stopped while playing): step down one rung now."""
        self.index = max(0, self.index - 1)
        if self.estimate is not None:
            self.estimate = min(self.estimate, self.current.bandwidth * DOWN_MARGIN)
        return self.current

    def choose(self) -> Rung:
        """The rung to play now given the estimate; moves at most one step up per call."""
        if self.estimate is None:
            return self.current
        while self.index > 0 and self.estimate < self.current.bandwidth * DOWN_MARGIN:
            self.index -= 1
        if self.index + 1 < len(self.rungs) and self.estimate >= self.rungs[self.index + 1].bandwidth * UP_MARGIN:
            self.index += 1
        return self.current
