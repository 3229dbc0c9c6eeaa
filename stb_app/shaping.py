"""Whether this box draws Mongolian joined, and with which text path (checked once at start).

Mongolian letters take a different form at the start, middle and end of a word. A path that
shapes draws a word narrower than its letters set side by side in their isolated forms (with
Noto Sans Mongolian, ᠮᠣᠩᠭᠣᠯ at 64 px: 202 px joined, 299 px for its letters apart); a path that
does not shape draws exactly those isolated forms, so the word is as wide as their sum. The
criterion needs no reference shaper on the box and holds at any size and with any font that
has the letters: joined when the word is at most JOINED_RATIO of its letters apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

PROBE_WORD = "ᠮᠣᠩᠭᠣᠯ"  # "Mongol": initial, medial and final forms, and letters that join differently
JOINED_RATIO = 0.85  # joined forms measured 0.68 of the letters apart; kerning alone moves an unjoined word a few %
RAQM, SDL2, NONE = "raqm", "sdl2", "none"  # the values of `shaping` in the device registration


@dataclass(frozen=True)
class Verdict:
    path: str                  # RAQM, SDL2 or NONE
    reasons: tuple[str, ...]   # why each path tried before it was refused (what the log says)


def widths(measure: Callable[[str], float]) -> tuple[float, float]:
    """The probe word's width and the sum of its letters measured one by one."""
    return measure(PROBE_WORD), sum(measure(letter) for letter in PROBE_WORD)


def joined(word: float, letters: float) -> bool:
    return letters > 0 and word <= JOINED_RATIO * letters


def first_shaping(paths: Sequence[tuple[str, Callable[[str], float]]]) -> Verdict:
    """The first path, in order, that draws the probe word joined; NONE when none does."""
    reasons = []
    for name, measure in paths:
        try:
            word, letters = widths(measure)
        except Exception as err:  # noqa: BLE001 — a path that cannot even measure is a path that fails
            reasons.append(f"{name}: cannot measure Mongolian ({type(err).__name__}: {err})")
            continue
        if joined(word, letters):
            return Verdict(name, tuple(reasons))
        reasons.append(f"{name}: {PROBE_WORD} is {word:.0f} px wide, its letters apart {letters:.0f} px: not joined")
    return Verdict(NONE, tuple(reasons))
