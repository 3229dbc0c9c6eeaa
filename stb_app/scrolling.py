"""How far a list or a grid scrolls so the focused card shows whole, and how wide a grid's cells are.

Pure arithmetic (no Kivy): the ui modules read the widgets' sizes and apply the result.
"""
from __future__ import annotations


def reveal(view_start: float, view_length: float, start: float, length: float, margin: float) -> float:
    """The view's start moved the least so `start`..`start + length` shows with `margin` around it
    (unchanged when it shows already)."""
    if start - margin < view_start:
        return start - margin
    if start + length + margin > view_start + view_length:
        return start + length + margin - view_length
    return view_start


def cell_width(width: float, columns: int, padding_left: float, padding_right: float, spacing: float) -> float:
    """The width of each of `columns` equal cells across `width` (never below one pixel)."""
    return max(1.0, (width - padding_left - padding_right - spacing * (columns - 1)) / columns)


def row_scroll_y(index: int, count: int, columns: int, row_height: float, gap: float, padding_top: float,
                 padding_bottom: float, view_height: float, scroll_y: float, margin: float) -> float:
    """Kivy's `scroll_y` (1 at the top, 0 at the bottom) after scrolling the least so the row of
    entry `index` of `count` shows whole with `margin` around it. The content's height is computed
    from the counts, not read from a layout that may not have caught up yet."""
    rows = (count + columns - 1) // columns
    content = padding_top + padding_bottom + rows * row_height + max(0, rows - 1) * gap
    scrollable = content - view_height
    if scrollable <= 0:
        return 1
    top = padding_top + (index // columns) * (row_height + gap)
    view_top = (1 - min(1.0, max(0.0, scroll_y))) * scrollable
    view_top = reveal(view_top, view_height, top, row_height, margin)
    return 1 - min(scrollable, max(0.0, view_top)) / scrollable
