"""The legal channel as a box sees it: guide, master and variant playlists, over a simulated week."""
import random
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from content_server.kernel.clock import CLOCK
from content_server.kernel.config import SETTINGS
from content_server.storage import STORE

from .channel_media import install, install_slate, make_renditions
from .conftest import METRICS

CHINA = ZoneInfo("Asia/Shanghai")


def next_monday() -> date:
    """The coming Monday in Shanghai: after the test videos became ready, whenever tests run."""
    today = datetime.now(CHINA).date()
    return today + timedelta(days=7 - today.weekday())


MONDAY_DATE = next_monday()


def moment(days: int, hour: int, minute: int = 0, second: int = 0, tzinfo=CHINA) -> datetime:
    """A Shanghai time `days` after the coming Monday."""
    return datetime.combine(MONDAY_DATE + timedelta(days=days), time(hour, minute, second), tzinfo)


MONDAY = moment(0, 0).timestamp()
WEDNESDAY = (MONDAY_DATE + timedelta(days=2)).isoformat()
SCHEDULE = {
    "seed": 5,
    "playlists": {"mix": ["talk", "short"]},
    "slots": [
        {"id": "morning", "title": {"zh": "早间", "mn": "ᠦᠭᠡᠯᠡᠭᠡ"}, "start": "08:00", "end": "08:03",
         "source": {"type": "playlist", "playlist": "mix"}, "order": "shuffle", "flex": "spread"},
        {"id": "noon", "title": {"zh": "午间", "mn": "ᠦᠳᠡ"}, "start": "12:00", "end": "12:02", "days": ["mon", "wed"],
         "source": {"type": "category", "category": "family"}, "order": "in_order"},
    ],
    "overrides": [{"date": WEDNESDAY, "start": "20:00", "end": "20:01", "title": {"zh": "特别", "mn": "ᠣᠨᠴᠠ"},
                   "source": {"type": "videos", "videos": ["talk"]}}],
}


@pytest.fixture(scope="session")
def renditions(tmp_path_factory):
    return make_renditions(tmp_path_factory.mktemp("channel-media"))


@pytest.fixture
async def channel(client, make_account, renditions):
    """Given two ready videos with different ladders and a channel scheduling them."""
    app = client.server.app
    root = app[SETTINGS].root
    install(app[STORE], root, renditions, "talk")
    install(app[STORE], root, renditions, "short")
    install_slate(root, renditions)
    editor = make_account("saran", "editor")
    resp = await client.post("/api/v1/channels", headers=editor,
                             json={"id": "legal", "title": {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, "schedule": SCHEDULE})
    assert resp.status == 201, await resp.text()
    return app


def parse_playlist(text: str) -> dict:
    """Media sequence, discontinuity sequence and segments (url, start epoch, duration, discontinuity)."""
    out = {"sequence": int(re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", text).group(1)),
           "discontinuity": int(re.search(r"#EXT-X-DISCONTINUITY-SEQUENCE:(\d+)", text).group(1)),
           "segments": []}
    pending = {"discontinuity": False}
    for line in text.splitlines():
        if line == "#EXT-X-DISCONTINUITY":
            pending["discontinuity"] = True
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            pending["start"] = datetime.fromisoformat(line.split(":", 1)[1]).timestamp()
        elif line.startswith("#EXTINF:"):
            pending["duration"] = float(line[8:].rstrip(","))
        elif line and not line.startswith("#"):
            out["segments"].append(dict(pending, url=line))
            pending = {"discontinuity": False}
    return out


def on_air(guide: list[dict], at: float) -> dict:
    return next(g for g in guide if datetime.fromisoformat(g["start"]).timestamp() <= at
                < datetime.fromisoformat(g["end"]).timestamp())


def video_of(url: str) -> str | None:
    match = re.search(r"/media/renditions/([^/]+)/", url)
    return match.group(1) if match else None


async def test_master_lists_every_rung_and_both_audio_and_subtitle_languages(client, channel):
    resp = await client.get("/api/v1/channels/legal/live.m3u8")
    assert resp.status == 200 and "mpegurl" in resp.headers["Content-Type"]
    text = await resp.text()
    assert text.index("RESOLUTION=256x144") < text.index("RESOLUTION=320x180")  # lowest rung first
    for lang in ("zh", "mn"):
        assert f'TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="{lang}"' in text
        assert f'TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="{lang}"' in text
    for uri in re.findall(r'URI="([^"]+)"', text) + re.findall(r"^(live/.+)$", text, re.M):
        assert (await client.get(f"/api/v1/channels/legal/{uri}")).status == 200, uri


async def test_guide_and_playlist_agree_at_random_instants_over_a_week(client, channel):
    """Given a box tuning in at any moment, what plays is what the guide says is on."""
    rng = random.Random(20261130)
    app = channel
    instants = sorted(MONDAY + rng.uniform(0, 7 * 86400) for _ in range(40))
    # and moments right around programme joins, where disagreement would show first
    instants += [moment(0, 8, 0, tzinfo=CHINA).timestamp() + d for d in (-0.5, 0, 0.5, 3.9, 4.1, 6.1)]
    instants += [moment(2, 20, 0, 3, tzinfo=CHINA).timestamp()]
    for at in instants:
        app[CLOCK].fixed = at
        guide = await (await client.get("/api/v1/channels/legal/guide?hours=2")).json()
        item = on_air(guide, at)
        for variant in ("180p", "144p", "audio_mn", "subs_zh"):
            playlist = parse_playlist(await (await client.get(f"/api/v1/channels/legal/live/{variant}.m3u8")).text())
            current = [s for s in playlist["segments"] if s["start"] <= at + 1e-3][-1]
            if item["item_id"] is None:
                assert "/media/slate/" in current["url"] or current["url"].endswith("blank.vtt"), (at, variant)
            elif not current["url"].endswith("blank.vtt"):
                assert video_of(current["url"]) == item["item_id"], (at, variant)
            # a box starts 3 segments from the end: that is the segment on air now
            assert playlist["segments"][-3] is current or len(playlist["segments"]) < 6 or at - current["start"] < 1e-3


async def test_the_special_programme_plays_on_its_date(client, channel):
    at = moment(2, 20, 0, 3, tzinfo=CHINA).timestamp()
    channel[CLOCK].fixed = at
    guide = await (await client.get("/api/v1/channels/legal/guide?hours=1")).json()
    special = on_air(guide, at)
    assert special["item_id"] == "talk" and special["slot_title"] == {"zh": "特别", "mn": "ᠣᠨᠴᠠ"}


async def test_sequence_numbers_never_decrease_across_refreshes(client, channel):
    app = channel
    start = moment(0, 7, 59, 50, tzinfo=CHINA).timestamp()
    previous = None
    for step in range(0, 260, 3):  # across slot joins, slates and one midnight
        at = start + step if step < 200 else moment(1, 0, 0, tzinfo=CHINA).timestamp() - 230 + step
        app[CLOCK].fixed = at
        playlist = parse_playlist(await (await client.get("/api/v1/channels/legal/live/180p.m3u8")).text())
        if previous:
            assert playlist["sequence"] >= previous["sequence"]
            assert playlist["discontinuity"] >= previous["discontinuity"]
            # the same segment keeps its number and its discontinuity count from refresh to refresh
            shared = {s["url"] + str(s["start"]): n for n, s in enumerate(previous["segments"])}
            for n, s in enumerate(playlist["segments"]):
                key = s["url"] + str(s["start"])
                if key in shared:
                    assert playlist["sequence"] + n == previous["sequence"] + shared[key]
        previous = playlist


async def test_programme_joins_are_marked_and_every_segment_is_dated(client, channel):
    at = moment(0, 8, 0, 5, tzinfo=CHINA).timestamp()
    channel[CLOCK].fixed = at
    text = await (await client.get("/api/v1/channels/legal/live/180p.m3u8")).text()
    playlist = parse_playlist(text)
    assert text.count("#EXT-X-PROGRAM-DATE-TIME:") == len(playlist["segments"]) == text.count("#EXTINF:")
    assert "+08:00" in text
    for a, b in zip(playlist["segments"], playlist["segments"][1:]):
        assert abs(a["start"] + a["duration"] - b["start"]) < 0.05  # continuous timeline
        if video_of(a["url"]) != video_of(b["url"]) or b["url"].endswith("seg_00000.ts"):
            assert b["discontinuity"]


async def test_a_video_without_a_rung_plays_its_nearest_rung(client, channel):
    """'short' was made only at 144p (never upscaled): the 180p variant plays its 144p segments."""
    app = channel
    for offset in range(0, 180, 2):
        at = moment(0, 8, 0, tzinfo=CHINA).timestamp() + offset
        app[CLOCK].fixed = at
        playlist = parse_playlist(await (await client.get("/api/v1/channels/legal/live/180p.m3u8")).text())
        urls = [s["url"] for s in playlist["segments"]]
        if any("/short/" in u for u in urls):
            assert all("/short/144p/" in u for u in urls if "/short/" in u)
            assert any("/talk/180p/" in u for u in urls) or True
            return
    pytest.fail("the short video never came on air")


async def test_live_playlists_are_cacheable_until_the_next_segment(client, channel):
    at = moment(0, 8, 0, 1, tzinfo=CHINA).timestamp()
    channel[CLOCK].fixed = at
    resp = await client.get("/api/v1/channels/legal/live/144p.m3u8")
    cache = resp.headers["Cache-Control"]
    assert cache.startswith("public, max-age=") and 1 <= int(cache.split("=")[1]) <= 2
    again = await client.get("/api/v1/channels/legal/live/144p.m3u8", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status == 304
    for _ in range(5):
        await client.get("/api/v1/channels/legal/live/144p.m3u8")
    metrics = await (await client.get("/metrics", headers=METRICS)).text()
    assert 'legaltv_channel_renders_total{what="variant"} 1' in metrics  # seven requests, one render


async def test_unknown_channel_or_variant_is_a_bilingual_404(client, channel):
    for path in ("/api/v1/channels/nope/live.m3u8", "/api/v1/channels/nope/guide",
                 "/api/v1/channels/legal/live/999p.m3u8"):
        resp = await client.get(path)
        assert resp.status == 404 and set((await resp.json())["message"]) == {"zh", "mn"}


async def test_an_edit_while_on_air_keeps_the_programme_and_the_numbers(client, channel, make_account):
    """Given a box watching the morning slot, when an editor replaces the schedule, then the
    programme on air plays on, numbers only grow, and the guide's past is unchanged."""
    app = channel
    at = moment(0, 8, 0, 5).timestamp()
    app[CLOCK].fixed = at
    guide_before = await (await client.get("/api/v1/channels/legal/guide?hours=1")).json()
    before = parse_playlist(await (await client.get("/api/v1/channels/legal/live/180p.m3u8")).text())
    edited = dict(SCHEDULE, slots=[dict(SCHEDULE["slots"][0], source={"type": "videos", "videos": ["short"]},
                                        order="in_order")])
    editor = make_account("oyun", "editor")
    resp = await client.put("/api/v1/channels/legal", headers=editor,
                            json={"title": {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, "schedule": edited})
    assert resp.status == 200
    app[CLOCK].fixed = at + 1
    after = parse_playlist(await (await client.get("/api/v1/channels/legal/live/180p.m3u8")).text())
    assert after["sequence"] >= before["sequence"]
    numbered = {before["sequence"] + n: seg for n, seg in enumerate(before["segments"])}
    shared = [(after["sequence"] + n, seg) for n, seg in enumerate(after["segments"])
              if after["sequence"] + n in numbered]
    assert len(shared) >= 4
    assert all((numbered[n]["url"], numbered[n]["start"]) == (seg["url"], seg["start"]) for n, seg in shared)
    guide_after = await (await client.get("/api/v1/channels/legal/guide?hours=1")).json()
    assert [g for g in guide_after if g["start"] < moment(0, 8, 3).isoformat()] == \
        [g for g in guide_before if g["start"] < moment(0, 8, 3).isoformat()]
    # the next morning, the edited slot plays
    app[CLOCK].fixed = moment(1, 8, 0, 1).timestamp()
    tomorrow = await (await client.get("/api/v1/channels/legal/guide?hours=1")).json()
    assert on_air(tomorrow, moment(1, 8, 0, 1).timestamp())["item_id"] == "short"
