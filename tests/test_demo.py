"""`content-server demo` leaves a catalog a newcomer can browse, made through the editor's path."""
from __future__ import annotations

import json
import re
import urllib.request

import pytest

from content_server import media
from content_server.kernel.config import Settings
from content_server.media import demo
from content_server.storage import Store

from . import given

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


@pytest.mark.slow
def test_demo_makes_playable_bilingual_videos_once(tmp_path, server_process):
    # given a fresh data root and a demo shrunk to two 4-second cases
    settings = Settings(data=tmp_path / "data", extra={"demo_seconds": 4, "demo_count": 2})
    settings.root.create()
    store = Store(settings.root.database)
    try:
        # when the demo runs twice
        media.fill_demo(store, settings)
        count = given.read(store, given.row, "SELECT COUNT(*) AS n FROM videos")["n"]
        assert demo.fill_demo(store, settings) == []
        # then the second run added nothing, and every sample is ready
        assert count == 2 == given.read(store, given.row, "SELECT COUNT(*) AS n FROM videos")["n"]
        assert {r["status"] for r in given.read(store, given.rows, "SELECT status FROM videos")} == {"ready"}
        assert given.read(store, given.row, "SELECT COUNT(*) AS n FROM categories")["n"] == len(demo.CATEGORIES)
        assert given.read(store, given.row, "SELECT COUNT(*) AS n FROM uploads")["n"] == 0  # consumed by ingest
    finally:
        store.close()
    # and a newcomer's box sees them in the catalog, in both languages, and can play them
    server = server_process()
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
