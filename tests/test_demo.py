"""`content-server demo` leaves a catalog a newcomer can browse, made through the editor's path."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from content_server.demo import fill_demo as fill_whole_demo
from content_server.kernel import auth
from content_server.kernel.config import Settings
from content_server.media import demo
from content_server.storage import Store, accounts

from . import given
from .conftest import ServerProcess, add_account

MONGOLIAN = re.compile("[\u1800-\u18af]")


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as resp:
        assert resp.status == 200, url
        return resp.read()


def test_title_cards_carry_shaped_mongolian_and_chinese():
    card = demo.title_card(demo.CASES[0])
    assert card.size == (640, 360)
    # the Mongolian title stands as a vertical column, as it is read
    column = demo.mongolian_column("ᠮᠣᠩᠭᠣᠯ", 40, 1000)
    assert column.width < column.height
    assert len(card.getcolors(maxcolors=100_000)) > 50  # text drawn, not an empty colour field


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """A fresh data root after `content-server demo` (shrunk to two 4-second cases) ran twice, and
    a server on it; with an editor, a staff member and a supervisor holding API tokens."""
    data = tmp_path_factory.mktemp("demo") / "data"
    settings = Settings(data=data, extra={"demo_seconds": 4, "demo_count": 2})
    fill_whole_demo(settings)
    store = Store(settings.root.database)
    try:
        tokens = {role: token_of(store, f"newcomer-{role}", role) for role in ("editor", "staff", "supervisor")}
        assert demo.fill_demo(store, settings) == []  # a second run adds no video
    finally:
        store.close()
    fill_whole_demo(settings)
    server = ServerProcess(data).start()
    yield server, tokens
    server.stop()


def token_of(store: Store, name: str, role: str) -> dict:
    user_id = add_account(store, name, role)
    token, token_hash = auth.new_token("ltv")
    given.write(store, accounts.add_api_token, user_id, token_hash)
    return {"Authorization": f"Bearer {token}"}


def get_json(url: str, headers: dict | None = None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as resp:
        assert resp.status == 200, url
        return json.loads(resp.read())


@pytest.mark.slow
def test_demo_makes_playable_bilingual_videos_once(demo_server):
    server, _ = demo_server
    store = Store(Settings(data=server.data).root.database)
    try:
        # the second run added nothing, and every sample is ready
        assert given.read(store, given.row, "SELECT COUNT(*) AS n FROM videos")["n"] == 2
        assert {r["status"] for r in given.read(store, given.rows, "SELECT status FROM videos")} == {"ready"}
        assert given.read(store, given.row, "SELECT COUNT(*) AS n FROM categories")["n"] == len(demo.CATEGORIES)
        assert given.read(store, given.row, "SELECT COUNT(*) AS n FROM uploads")["n"] == 0  # consumed by ingest
    finally:
        store.close()
    # and a newcomer's box sees them in the catalog, in both languages, and can play them
    catalog = json.loads(get(f"{server.url}/api/v1/catalog"))
    assert [c["id"] for c in catalog["categories"]] == ["traffic", "wages"]
    assert all(MONGOLIAN.search(c["title"]["mn"]) for c in catalog["categories"])
    assert len(catalog["items"]) == 2
    for item in catalog["items"]:
        assert MONGOLIAN.search(item["title"]["mn"]) and item["title"]["zh"]
        assert sorted(item["audio"]) == ["mn", "zh"] and 3.5 <= item["duration"] <= 4.5
        assert {s["lang"] for s in item["subtitles"]} == {"zh", "mn"}
        master = get(server.url + item["hls"]).decode()
        assert 'LANGUAGE="zh"' in master and 'LANGUAGE="mn"' in master
        assert get(server.url + item["poster"])[:2] == b"\xff\xd8"
        mn_subs = next(s["url"] for s in item["subtitles"] if s["lang"] == "mn")
        playlist = get(server.url + mn_subs).decode()
        first_vtt = next(line for line in playlist.splitlines() if line.endswith(".vtt"))
        vtt = get(server.url + mn_subs.rsplit("/", 1)[0] + "/" + first_vtt).decode()
        assert MONGOLIAN.search(vtt)


@pytest.mark.slow
def test_a_fresh_demo_gives_the_consoles_plays_requests_and_templates(demo_server):
    server, tokens = demo_server
    catalog = get_json(f"{server.url}/api/v1/catalog")
    videos = {item["id"] for item in catalog["items"]}
    # the editor's statistics hold two weeks of plays of the demo videos, in both languages and leagues
    statistics = get_json(f"{server.url}/api/v1/plays/statistics", tokens["editor"])
    assert {v["id"] for v in statistics["videos"]} == videos
    assert len(statistics["days"]) >= 12 and statistics["totals"]["completes"] > 0
    assert 0 < statistics["totals"]["completion"] < 1
    assert statistics["audio"]["zh"] > 0 and statistics["audio"]["mn"] > 0
    assert {code[:4] for code in statistics["regions"]} == {"1525", "1501"}
    # and households' Popular row is not empty
    popular = get_json(f"{server.url}/api/v1/popular?region=152502")
    assert popular["items"] and {item["id"] for item in popular["items"]} <= videos
    # the staff's requests filter lists service requests with the days the households prefer
    requests = get_json(f"{server.url}/api/v1/desk/queue?kind=request", tokens["staff"])["items"]
    assert {r["service"] for r in requests} == {"legal_aid", "notary"}
    assert all(r["kind"] == "request" and r["preferred_days"] for r in requests)
    assert len(get_json(f"{server.url}/api/v1/desk/queue?kind=request&service=notary", tokens["staff"])["items"]) == 1
    # and every demo topic has answer templates in both scripts, for staff and supervisors alike
    for role in ("staff", "supervisor"):
        templates = get_json(f"{server.url}/api/v1/desk/templates", tokens[role])["templates"]
        assert {t["topic"] for t in templates} == {c[0] for c in demo.CATEGORIES}
        assert all(t["text"]["zh"] and MONGOLIAN.search(t["text"]["mn"]) for t in templates)
        assert len(templates) == 8  # a second demo run added none twice
