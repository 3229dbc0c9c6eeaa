"""Screens are built and laid out before they are shown: the first frame a household sees has
every widget in its final place and the focus on its card, never widgets jumping into place.

Idle moments after start-up prepare the screens a household opens from home once, off screen,
so a first opening costs what any later one does (the kv rules, fonts and Mongolian columns
are ready)."""
from __future__ import annotations

from kivy.clock import Clock

from ..screen_order import settle

WARM_UP_SPACING = 0.4      # seconds between two screens prepared in the background: keys stay quick


def _geometry(screen) -> list:
    return [(w.x, w.y, w.width, w.height) for w in screen.walk(restrict=True)]


def lay_out(screen, manager) -> None:
    """Gives `screen` the manager's place and runs the layouts (and text drawing) that wait for
    the next frame until nothing moves any more."""
    screen.pos, screen.size = manager.pos, manager.size
    # what Kivy runs before drawing a frame, until nothing moves any more
    settle(Clock._process_events_before_frame, lambda: _geometry(screen))


def warm_up(app, plan: list[tuple[str, dict]]) -> None:
    """Prepares each (screen name, params) of `plan` off screen, one per idle moment, and leaves
    it as a first opening finds it. A screen on show is skipped: it is already built."""
    if not plan:
        return
    (name, params), rest = plan[0], plan[1:]
    screen = app.sm.get_screen(name)
    if app.sm.current != name:
        kept = screen.params
        screen.params = dict(params)
        screen.on_data()
        lay_out(screen, app.sm)
        screen.on_leave_screen()
        screen.params = kept
    Clock.schedule_once(lambda _dt: warm_up(app, rest), WARM_UP_SPACING)
