"""Months of uploads: the channel's caches hold the plans of the current library only, so the
server's memory does not grow with every published video."""
import sys

from .channel_media import install_slate
from .ready_video import add_ready_video
from .test_channel_live import moment, renditions  # noqa: F401  (session fixture)
from content_server.kernel.config import SETTINGS
from content_server.kernel.clock import CLOCK
from content_server.schedule.lineup import LINEUP
from content_server.storage import STORE

PATHS = ("/api/v1/channels", "/api/v1/channels/legal/guide?hours=48", "/api/v1/channels/legal/live.m3u8",
         "/api/v1/channels/legal/live/234p.m3u8", "/api/v1/channels/legal/live/audio_mn.m3u8",
         "/api/v1/xmltv.xml")
MORNINGS = {"seed": 3, "playlists": {}, "overrides": [], "slots": [
    {"id": "morning", "title": {"zh": "早间法治课堂", "mn": "ᠦᠭᠡᠯᠡᠭᠡ"}, "start": "07:15", "end": "07:45",
     "source": {"type": "category", "category": "traffic"}, "order": "in_order"}]}


def held_bytes(lineup) -> int:
    """Bytes of every object the channel's lineup keeps (plans, day tables, bodies, library),
    walked like a heap profiler would; the database and the settings are not its own."""
    todo = [value for name, value in vars(lineup).items() if name not in ("store", "settings")]
    seen, total = set(), 0
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, type) or callable(obj):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, dict):
            todo.extend(obj.keys())
            todo.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)):
            todo.extend(obj)
        elif hasattr(obj, "__dict__"):
            todo.extend(vars(obj).values())
        elif hasattr(obj, "__slots__"):
            todo.extend(getattr(obj, slot) for slot in obj.__slots__ if hasattr(obj, slot))
    return total


async def test_publishing_twenty_videos_keeps_the_channel_caches_flat(client, make_account, renditions):  # noqa: F811
    app = client.server.app
    store, settings = app[STORE], app[SETTINGS]
    install_slate(settings.root, renditions)
    add_ready_video(store, settings)
    editor = make_account("saran", "editor")
    resp = await client.post("/api/v1/channels", headers=editor,
                             json={"id": "legal", "title": {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, "schedule": MORNINGS})
    assert resp.status == 201, await resp.text()
    app[CLOCK].fixed = moment(0, 7, 30).timestamp()  # boxes watch the morning slot
    entries, memory = [], {}
    # when editors publish twenty videos, and boxes read the guide, XMLTV and live playlists after each
    for n in range(20):
        add_ready_video(store, settings, title_zh=f"第{n}课", title_mn=f"ᠬᠢᠴᠢᠶᠡᠯ {n}")
        for path in PATHS:
            got = await client.get(path)
            assert got.status == 200, path
        guide = await (await client.get(PATHS[1])).json()
        assert f"第{n}课" in {entry["title"]["zh"] for entry in guide}  # the new video is on air at once
        entries.append(app[LINEUP].cache_entries())
        if n in (4, 19):  # after a few uploads, and fifteen uploads later
            memory[n] = held_bytes(app[LINEUP])
    # then the caches keep one library's plans, tables and bodies, not one set per upload
    assert entries[-1] == entries[4], entries
    # and what they hold stays flat (a wide margin: the library itself grows by a few kB a video)
    assert memory[19] < memory[4] * 1.5, memory
