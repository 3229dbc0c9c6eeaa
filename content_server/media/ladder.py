"""The bitrate ladder as data, and which of its rungs a given source gets."""
from __future__ import annotations

from dataclasses import dataclass

SEGMENT_SECONDS = 6
GOP_SECONDS = 2
MAXRATE_FACTOR = 1.1   # capped VBR: peaks at most 10 % over the average
BUFSIZE_FACTOR = 1.5   # VBV buffer, in seconds of the average rate


@dataclass(frozen=True)
class Rung:
    name: str
    height: int        # the rung fits in a 16:9 box of this height
    kbps: int
    level: str         # H.264 level for this picture size
    x264: str = ""     # x264 options on top of the preset (see LADDER)

    @property
    def box_width(self) -> int:
        return _even(self.height * 16 / 9)


PRESET = "veryfast"    # x264's; the rungs' options below were measured on it and apply only to it

# On `veryfast`, diamond motion search and no weighted P-frame analysis cost no SSIM on any rung;
# dropping the 4×4 intra search costs none from 540p up; 720p also takes the cheapest subpixel
# refinement (−0.002 SSIM). Together they save a quarter of the ladder's CPU (bench/transcode.py).
LADDER = (
    Rung("234p", 234, 145, "3.0", x264="me=dia:weightp=0"),
    Rung("360p", 360, 365, "3.0", x264="me=dia:weightp=0"),
    Rung("540p", 540, 1200, "3.1", x264="me=dia:weightp=0:partitions=i8x8"),
    Rung("720p", 720, 3000, "3.1", x264="me=dia:weightp=0:partitions=i8x8:subme=1"),
    Rung("1080p", 1080, 6000, "4.0", x264="me=dia:weightp=0:partitions=i8x8"),
)
AUDIO_KBPS = 96                # per language rendition, stereo AAC-LC
AUDIO_ONLY_KBPS = 48           # mono AAC-LC for the audio-only rung (≤ 64 kbit/s)


@dataclass(frozen=True)
class Output:
    """One video rung as made for one source."""
    rung: Rung
    width: int
    height: int

    @property
    def name(self) -> str:
        return self.rung.name


def ladder_for(width: int, height: int, ladder=LADDER) -> list[Output]:
    """The rungs for an upright source of width×height, lowest first, never upscaled.

    Each rung keeps the source's display aspect inside its 16:9 box; a source smaller than
    the lowest rung gets that one rung at its own size.
    """
    outputs = []
    for rung in ladder:
        scale = min(rung.box_width / width, rung.height / height)
        if scale <= 1.0001:
            outputs.append(Output(rung, _even(width * scale), _even(height * scale)))
    if not outputs:
        outputs.append(Output(ladder[0], _even(width), _even(height)))
    return outputs


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)
