"""An editor reads what households watch on the statistics page, in headless Chromium against a
real server fed by boxes' play batches: plays, completion, the language split and the regions, as
figures, charts and CSV, in both languages. Screenshots go to test-artifacts/."""
import csv
import io
import json
import time
import urllib.request
import uuid

import pytest

from content_server.kernel.config import DataRoot, Settings
from content_server.storage import Store

from .browser import browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)
from .ready_video import add_ready_video


def post(server, path: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method="POST", headers=headers)
    return json.loads(urllib.request.urlopen(request, timeout=10).read())


def watched(video: str, audio: str, to: int, at: float) -> list[dict]:
    events = [{"video": video, "event": "start", "at": at, "audio": audio, "subtitles": ""}]
    return events + [{"video": video, "event": "progress", "percent": p, "at": at + 1, "audio": audio, "subtitles": ""}
                     for p in (25, 50, 75, 100) if p <= to]


@pytest.fixture(scope="module")
def watched_server(live_server):  # noqa: F811
    """Two videos; boxes in two leagues watched them: the first to its end three times out of four."""
    data = live_server.process.data
    store = Store(DataRoot(data).database)
    try:
        settings = Settings(data=data)
        robbery = add_ready_video(store, settings, title_zh="草场被占怎么办", title_mn="ᠪᠠᠶᠢᠴᠠᠭᠠᠯᠲᠠ", files=False)
        wages = add_ready_video(store, settings, title_zh="讨薪指南", title_mn="ᠴᠠᠯᠢᠨ", files=False)
    finally:
        store.close()
    now = time.time()
    for region, events in (("152502", watched(robbery, "mn", 100, now) + watched(robbery, "mn", 100, now)
                            + watched(wages, "zh", 50, now)),
                           ("150102", watched(robbery, "zh", 100, now) + watched(robbery, "zh", 25, now))):
        token = post(live_server, "/api/v1/devices", {"region": region, "language": "mn"})["token"]
        assert post(live_server, "/api/v1/plays", {"batch": str(uuid.uuid4()), "events": events}, token)["counted"]
    return live_server, robbery, wages


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "mn"])
def test_an_editor_sees_plays_completion_languages_and_regions_with_charts_and_csv(browser, watched_server,  # noqa: F811
                                                                                  language):
    server, robbery, wages = watched_server
    name = server.add_user(f"editor-{language}", "editor")
    page = new_page(browser)
    sign_in(page, server, name, language)
    # the editor reaches the page from the editor's navigation
    page.click("a[href='/console/editor/plays']")
    page.wait_for_selector("#totals")
    assert page.get_attribute("a[href='/console/editor/plays']", "aria-current") == "page"
    figures = page.inner_text("#totals")
    assert "5" in figures and "3" in figures and "60" in figures          # 5 plays, 3 to the end: 60 %
    robbery_row = page.locator(f"#by-video tr[data-video='{robbery}'] td")
    assert robbery_row.all_inner_texts() == ["4", "4", "3", "3", "3", "75", "2", "2"]
    wages_row = page.locator(f"#by-video tr[data-video='{wages}'] td")
    assert wages_row.all_inner_texts() == ["1", "1", "1", "0", "0", "0", "1", "0"]
    title = "草场被占怎么办" if language == "zh" else "ᠪᠠᠶᠢᠴᠠᠭᠠᠯᠲᠠ"
    assert title in page.inner_text("#by-video")
    regions = page.inner_text("#by-region")
    assert "152502" in regions and "150102" in regions
    assert page.locator("svg.chart").count() == 5
    screenshot(page, f"console-plays-{language}")
    # the CSV holds a line per video, day, region and language
    response = page.request.get(server.url + page.get_attribute("#csv", "href"))
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text())))
    assert sum(int(r["starts"]) for r in rows) == 5 and sum(int(r["completes"]) for r in rows) == 3
    assert {(r["region"], r["audio"]) for r in rows if r["video_id"] == robbery} == {("152502", "mn"), ("150102", "zh")}
    assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []
