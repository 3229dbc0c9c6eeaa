"""The playback position the household last saw, across seeks and reopens (audio or rung changes).

A player just opened or just sought reports nothing trustworthy for a moment: its clock reads 0,
None or NaN before its first frame, and frames or sound from before the seek took effect may still
come out. The tracker keeps the position it was moved to until a frame near it is on screen, and
only then follows the player's clock again, so a "continue watching" save at any moment (Back
right after an audio switch included) stores where the household was.
"""
from __future__ import annotations

import math

EXACT = (0.5, 2.5)       # an exact start: sound at the target, picture from the next keyframe (2 s GOPs)
GIVE_UP_FRAMES = 25      # frames elsewhere than expected this many times: the picture really is there


class PositionTracker:
    def __init__(self, position: float = 0.0):
        self.position = position
        self._target = position
        self._window = EXACT
        self._settled = False
        self._strays = 0

    @property
    def settled(self) -> bool:
        """Whether the player has shown a frame since it was moved (its clock is trusted again)."""
        return self._settled

    def moved(self, position: float, window: tuple[float, float] = EXACT) -> None:
        """The player was (re)opened or sought to `position`; until it shows a frame within
        `window` (seconds before, after) of it, `position` is what the household sees."""
        self.position = self._target = max(0.0, position)
        self._window, self._settled, self._strays = window, False, 0

    def frame_shown(self, pts: float | None) -> None:
        """A frame of video time `pts` went on screen."""
        if self._settled or pts is None or math.isnan(pts):
            return
        before, after = self._window
        if self._target - before <= pts <= self._target + after:
            self._settled = True
            return
        self._strays += 1
        if self._strays >= GIVE_UP_FRAMES:  # not a leftover: playback really is there
            self._settled, self.position = True, max(0.0, pts)

    def clock(self, seconds: float | None) -> float:
        """The player's clock read now; followed only once settled. Returns the position."""
        if self._settled and seconds is not None and not math.isnan(seconds) and seconds > 0:
            self.position = seconds
        return self.position
