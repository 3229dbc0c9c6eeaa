"""An editor adds the year's published figure in the console, in headless Chromium against a real
server, and the next calculation uses it; a wrong entry is named and nothing is saved."""
import json
import urllib.request

import pytest

import legaltv_regions
from content_server.kernel.i18n import translate

from .browser import LiveServer, browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)
from .conftest import ServerProcess


def describe(server) -> dict:
    return json.loads(urllib.request.urlopen(f"{server.url}/api/v1/calculators", timeout=10).read())


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "mn"])
def test_an_editor_adds_a_new_lpr_and_calculations_use_it(browser, live_server, language):  # noqa: F811
    name = live_server.add_user(f"editor-{language}", "editor")
    page = new_page(browser)
    sign_in(page, live_server, name, language)
    page.click("a[href='/console/editor/figures']")
    page.wait_for_selector("#figures tbody tr")
    seeded = page.locator("#figures tbody tr").count()
    assert seeded == len(json.loads(urllib.request.urlopen(f"{live_server.url}/api/v1/calculators/figures").read())["items"])

    # the seeded figures are the region's: their code reads as its name, the code a small hint
    region = page.locator("#figures tbody tr").first.locator(".place-hint .place")
    assert region.text_content() == f"{legaltv_regions.label('150000', language)} 150000"
    page.click("#add-figure")
    row = page.locator("#figures tbody tr").last
    row.locator("select[name=key]").select_option("lpr_one_year")
    row.locator("input[name=region]").fill("000000")
    row.locator("input[name=year]").fill("2026")
    row.locator("input[name=value]").fill("-2.5")
    day = "2026-01-20" if language == "zh" else "2026-02-20"   # one server for both: a later rate
    row.locator("input[name=applies_from]").fill(day)
    row.locator("input[name=source]").fill("全国银行间同业拆借中心")
    page.click("#save")
    page.wait_for_selector("#error:not(:empty)")
    assert page.get_attribute("#error", "data-field") == f"items[{seeded}].value"
    assert all(f["value"] != "-2.5" for f in describe(live_server)["figures"])        # nothing was saved

    row.locator("input[name=value]").fill("2.5" if language == "zh" else "2.4")
    page.click("#save")
    page.wait_for_selector("#status:not(:empty)")
    screenshot(page, f"console-figures-{language}")
    lpr = next(f for f in describe(live_server)["figures"] if f["key"] == "lpr_one_year")
    assert (lpr["value"], lpr["applies_from"]) == ("2.5" if language == "zh" else "2.4", day)
    assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []


@pytest.mark.slow
def test_a_save_the_server_never_answers_says_so_in_the_editors_language(browser, tmp_path):  # noqa: F811
    """The network or the server is gone when the editor presses Save: the page says so plainly,
    in the page's language, instead of a script error or nothing."""
    data = tmp_path / "data"
    data.mkdir()
    server = LiveServer(ServerProcess(data).start())
    try:
        name = server.add_user("editor", "editor")
        pages = {}
        for language in ("zh", "mn"):
            pages[language] = page = new_page(browser)
            sign_in(page, server, name, language)
            page.goto(f"{server.url}/console/editor/figures")
            page.wait_for_selector("#figures tbody tr")
    finally:
        server.process.stop()
    for language, page in pages.items():
        page.click("#save")
        page.wait_for_selector("#error:not(:empty)")
        assert page.text_content("#error") == translate("The server did not answer. Check the network and try again.", language)
        assert page.get_attribute("#error", "data-field") == ""
        assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []
