"""Spatial focus for a remote: move to the nearest focusable in the pressed direction.

Pure geometry (no Kivy): rectangles use Kivy's convention, y grows upwards. Screens give the
manager (key, Rect) pairs; keys are stable identities (e.g. "item:42"), so focus survives a
list being rebuilt with new widgets.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable

UP, DOWN, LEFT, RIGHT = "up", "down", "left", "right"


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def _gap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Distance between two intervals on one axis, 0 when they overlap."""
    return max(0.0, b0 - a1, a0 - b1)


def same_row(a: Rect, b: Rect) -> bool:
    """Whether two rectangles share a row: their vertical extents overlap (more than touch)."""
    return min(a.y + a.h, b.y + b.h) - max(a.y, b.y) > 1


def nearest(current: Rect, candidates: Iterable[tuple[Hashable, Rect]], direction: str) -> Hashable | None:
    """The candidate nearest to `current` in `direction`, or None when nothing lies that way.

    A candidate counts when its centre lies beyond the current centre in that direction.
    Left/Right stay in the current row and stop at its ends (Android TV's rule: only Up/Down
    change rows); Up/Down prefer a candidate overlapping the current one across, else the
    nearest diagonal one.
    """
    best, best_score = None, None
    for key, r in candidates:
        if direction == RIGHT:
            ok, along = r.cx > current.cx + 1 and r.x >= current.x + 1, r.x - (current.x + current.w)
            cross = _gap(current.y, current.y + current.h, r.y, r.y + r.h)
        elif direction == LEFT:
            ok, along = r.cx < current.cx - 1 and r.x + r.w <= current.x + current.w - 1, current.x - (r.x + r.w)
            cross = _gap(current.y, current.y + current.h, r.y, r.y + r.h)
        elif direction == UP:
            ok, along = r.cy > current.cy + 1 and r.y >= current.y + 1, r.y - (current.y + current.h)
            cross = _gap(current.x, current.x + current.w, r.x, r.x + r.w)
        elif direction == DOWN:
            ok, along = r.cy < current.cy - 1 and r.y + r.h <= current.y + current.h - 1, current.y - (r.y + r.h)
            cross = _gap(current.x, current.x + current.w, r.x, r.x + r.w)
        else:
            raise ValueError(direction)
        if not ok or (direction in (LEFT, RIGHT) and not same_row(current, r)):
            continue
        centre_offset = abs(r.cy - current.cy) if direction in (LEFT, RIGHT) else abs(r.cx - current.cx)
        score = (cross > 0, max(along, 0.0) + 3 * cross + 0.01 * centre_offset)
        if best_score is None or score < best_score:
            best, best_score = key, score
    return best


def closest(target: Rect, candidates: Iterable[tuple[Hashable, Rect]]) -> Hashable | None:
    """The candidate whose centre is closest to the target's centre (any direction)."""
    best, best_d = None, None
    for key, r in candidates:
        d = (r.cx - target.cx) ** 2 + (r.cy - target.cy) ** 2
        if best_d is None or d < best_d:
            best, best_d = key, d
    return best


class FocusMemory:
    """Remembers the focused key and where it was, per screen."""

    def __init__(self):
        self._by_screen: dict[str, tuple[Hashable, Rect | None]] = {}

    def remember(self, screen: str, key: Hashable, rect: Rect | None = None) -> None:
        self._by_screen[screen] = (key, rect)

    def knows(self, screen: str) -> bool:
        return screen in self._by_screen

    def forget(self, screen: str) -> None:
        self._by_screen.pop(screen, None)

    def resolve(self, screen: str, candidates: list[tuple[Hashable, Rect]]) -> Hashable | None:
        """The key to focus on `screen` now: the remembered one if it still exists, else the
        candidate nearest to where it was, else the first candidate; None only if empty."""
        if not candidates:
            return None
        key, rect = self._by_screen.get(screen, (None, None))
        keys = [k for k, _ in candidates]
        if key in keys:
            return key
        if rect is not None:
            return closest(rect, candidates)
        return keys[0]


def grid_move(index: int, direction: str, columns: int, count: int) -> int | None:
    """Move a cursor in a row-major grid of `count` cells; None when the move leaves the grid."""
    if count <= 0:
        return None
    row, col = divmod(index, columns)
    if direction == LEFT:
        return index - 1 if col > 0 else None
    if direction == RIGHT:
        return index + 1 if col < columns - 1 and index + 1 < count else None
    if direction == UP:
        return index - columns if row > 0 else None
    if direction == DOWN:
        if index + columns < count:
            return index + columns
        last_row = (count - 1) // columns
        return count - 1 if row < last_row else None  # a short last row: land on its last cell
    raise ValueError(direction)


def grid_page(index: int, forward: bool, columns: int, rows: int, count: int) -> int | None:
    """Page a cursor `rows` rows on (or back) in a row-major grid of `count` cells, same column,
    stopping at the first or last row; None when it is there already."""
    if count <= 0:
        return None
    step = max(1, rows) * columns
    target = index + step if forward else index - step
    if forward and target >= count:
        last_row_start = (count - 1) // columns * columns
        target = min(count - 1, last_row_start + index % columns)
    elif not forward and target < 0:
        target = index % columns
    return target if target != index else None
