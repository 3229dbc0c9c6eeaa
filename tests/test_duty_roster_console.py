"""A supervisor keeps the duty roster in real Chromium: adds a night shift, sees it red while nobody
serves it, assigns a lawyer of its language, and sees it covered on the roster and the live board.
Screenshots in both scripts go to test-artifacts/."""
from datetime import datetime, timedelta

import pytest

from content_server.questions.calendar import SHANGHAI

from .browser import browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow
RED = "rgb(253, 226, 225)"  # the background of an uncovered shift


@pytest.mark.parametrize("language, lawyer, offset", [("zh", "saran", 1), ("mn", "bayar", 2)])
def test_a_supervisor_adds_a_night_shift_and_assigns_a_lawyer(browser, live_server, language, lawyer,  # noqa: F811
                                                              offset):
    if "odgerel" not in live_server.accounts:
        live_server.add_user("odgerel", "supervisor")
        live_server.add_user("saran", "staff", "zh")
        live_server.add_user("bayar", "staff", "mn")
    night = datetime.now(SHANGHAI).date() + timedelta(days=offset)
    page = new_page(browser)
    sign_in(page, live_server, "odgerel", language)
    page.goto(f"{live_server.url}/console/supervisor/roster")
    page.fill("#add-shift input[name=starts]", f"{night.isoformat()}T20:00")
    page.fill("#add-shift input[name=ends]", f"{(night + timedelta(days=1)).isoformat()}T08:00")
    page.select_option("#add-shift select[name=language]", language)
    page.click("#add-shift button[type=submit]")
    page.wait_for_url("**/console/supervisor/roster")
    row = page.locator(f"#roster tr.shift[data-language={language}]").last
    assert "uncovered" in row.get_attribute("class")                 # nobody serves it yet: red
    assert row.evaluate("r => getComputedStyle(r.cells[0]).backgroundColor") == RED
    screenshot(page, f"console-roster-uncovered-{language}")

    # only lawyers of the shift's language are offered for it
    offered = row.locator("select[name=user_id] option").all_inner_texts()
    assert lawyer in offered and ({"saran", "bayar"} - {lawyer}).isdisjoint(offered)
    row.locator("select[name=user_id]").select_option(label=lawyer)
    row.locator("form.assign button[type=submit]").click()
    page.wait_for_url("**/console/supervisor/roster")
    row = page.locator(f"#roster tr.shift[data-language={language}]").last
    assert "uncovered" not in row.get_attribute("class") and lawyer in row.inner_text()
    assert row.evaluate("r => getComputedStyle(r.cells[0]).backgroundColor") != RED
    screenshot(page, f"console-roster-{language}")

    if offset == 1:  # tomorrow's shift is on the live board, covered
        page.goto(f"{live_server.url}/console/supervisor")
        board_row = page.locator(f"#board #roster tr.shift[data-language={language}]").last
        assert lawyer in board_row.inner_text() and "uncovered" not in board_row.get_attribute("class")
    page.goto(f"{live_server.url}/console/supervisor/urgent")
    assert page.locator("input[name=phrase][value='family.6']").is_checked()
    screenshot(page, f"console-urgent-topics-{language}")
    assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []  # the favicon
