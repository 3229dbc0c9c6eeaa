"""The lived-in box's layout stories again in a 3840×2160 window: no Mongolian word split, nothing
that must be read cut with "…" (consent, errors, hours, guide steps, the wizard's heading), the
focus ring seen whole, Left/Right never leaving a row. Screenshots go to test-artifacts/box-lived-in/
with the window's size in their names.

Kivy keeps one window per process, so this module runs in a pytest process of its own
(`in_process_box` in scripts/test.sh), on a 4K display of its own. Only the stories that check
layout run here: the rest does not change with the window's size.
"""
import pytest

from .box_ui import start_xvfb
from .test_box_lived_in import (  # noqa: F401 — collected here, run in this module's 4K window
    lived_in_box, test_every_wizard_step_says_which_of_six_it_is_under_a_heading_shown_whole,
    test_left_and_right_never_leave_a_row_and_the_language_card_is_not_reached_by_accident,
    test_ok_on_a_guide_step_or_a_service_point_shows_it_whole_and_large_and_back_returns_to_it as guide_and_services)

pytestmark = pytest.mark.slow
SIZE = (3840, 2160)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    xvfb, display = start_xvfb(*SIZE)
    try:
        yield from lived_in_box(tmp_path_factory, display, SIZE)
    finally:
        xvfb.terminate()


def test_the_window_is_4k_at_twice_the_density(world):
    from kivy.core.window import Window
    from kivy.metrics import Metrics
    assert tuple(Window.size) == SIZE and Metrics.density == pytest.approx(2.0)


def test_in_mongolian_guide_steps_and_service_points_are_whole_and_read_whole_large(world):
    # the Chinese run's layout is the 1080p one at twice the pixels (tests/test_box_screens.py)
    guide_and_services(world, "mn")
