"""What boxes read is rendered again only when its own data changed, never because a household
asked a question, a lawyer claimed it or a box registered."""
import uuid

from content_server.catalog.api import CATALOG_CACHE
from content_server.kernel.config import SETTINGS
from content_server.ops import METRICS
from content_server.kernel.clock import CLOCK
from content_server.storage import STORE, Store, catalog as catalog_sql
from content_server.storage.documents import Document, version_of

from .ready_video import add_ready_video
from .test_channel_live import CHINA, SCHEDULE, channel, moment, renditions  # noqa: F401  (fixtures)
from . import given

QUESTION = {"topic": "labour", "phrases": ["labour.1"], "text": "", "phone": "13812348000",
            "callback_window": "any", "language": "mn"}
CHANNEL_PATHS = ("/api/v1/channels", "/api/v1/channels/legal/guide?hours=48", "/api/v1/channels/legal/live.m3u8",
                 "/api/v1/channels/legal/live/144p.m3u8", "/api/v1/xmltv.xml")


def channel_renders(app) -> float:
    return sum(value for (name, _), value in app[METRICS].counters.items()
               if name == "legaltv_channel_renders_total")


async def etags(client, paths) -> dict[str, str]:
    out = {}
    for path in paths:
        resp = await client.get(path)
        assert resp.status == 200, path
        out[path] = resp.headers["ETag"]
    return out


async def households_and_lawyers_at_work(client, make_account, n: int) -> None:
    """Boxes register and ask, staff accounts are made and claim: writes to no public document."""
    staff = make_account(f"wulan-{n}", "staff")
    for k in range(3):
        box = await client.post("/api/v1/devices", json={"region": "152500", "language": "mn"})
        assert box.status == 201
        device = {"Authorization": f"Bearer {(await box.json())['token']}"}
        asked = await client.post("/api/v1/questions", json=dict(QUESTION, phone=f"1381234{n}{k:03d}"),
                                  headers={**device, "Idempotency-Key": str(uuid.uuid4())})
        assert asked.status in (200, 201), await asked.text()
    claimed = await client.post("/api/v1/desk/claim", headers=staff)
    assert claimed.status == 200, await claimed.text()


async def test_questions_claims_and_registrations_do_not_render_the_catalog_or_the_channel_again(
        client, channel, make_account):
    app = channel
    add_ready_video(app[STORE], app[SETTINGS])
    app[CLOCK].fixed = moment(0, 8, 0, 1).timestamp()
    # given boxes that have read the catalog and the channel once
    catalog = await client.get("/api/v1/catalog")
    renders, channel_before = app[CATALOG_CACHE].renders, await etags(client, CHANNEL_PATHS)
    rendered = channel_renders(app)
    # when households ask, lawyers claim and boxes register, over and over
    for n in range(3):
        await households_and_lawyers_at_work(client, make_account, n)
        again = await client.get("/api/v1/catalog", headers={"If-None-Match": catalog.headers["ETag"]})
        # then the catalog is neither rendered again nor changed
        assert again.status == 304
        assert app[CATALOG_CACHE].renders == renders
        # and the guide, XMLTV and live playlists are served from memory, unchanged
        assert await etags(client, CHANNEL_PATHS) == channel_before
        assert channel_renders(app) == rendered, dict(app[METRICS].counters)


async def test_an_edited_category_or_a_new_video_changes_the_catalog_etag(client, make_account):
    app = client.server.app
    editor = make_account("saran", "editor")
    add_ready_video(app[STORE], app[SETTINGS])
    first = await client.get("/api/v1/catalog")
    renders = app[CATALOG_CACHE].renders
    # when an editor renames the category
    resp = await client.patch("/api/v1/categories/traffic", headers=editor,
                              json={"title": {"zh": "道路交通", "mn": "ᠵᠠᠮ ᠤᠨ ᠬᠥᠳᠡᠯᠭᠡᠨ"}})
    assert resp.status == 200, await resp.text()
    renamed = await client.get("/api/v1/catalog")
    # then the next request renders once, with the new title and a new ETag
    assert renamed.headers["ETag"] != first.headers["ETag"] and app[CATALOG_CACHE].renders == renders + 1
    assert (await renamed.json())["categories"][0]["title"]["zh"] == "道路交通"
    # when a transcode worker (another process, its own connection) makes a video ready
    worker = Store(app[SETTINGS].root.database)
    try:
        add_ready_video(worker, app[SETTINGS], title_zh="拖欠工资怎么办", category="wages")
    finally:
        worker.close()
    await app[STORE].refresh_versions()  # what the server does by itself at least once a second
    published = await client.get("/api/v1/catalog")
    # then this server sees it, through the version kept in the database
    assert published.headers["ETag"] != renamed.headers["ETag"]
    assert len((await published.json())["items"]) == 2


async def test_a_schedule_edit_changes_the_guide_and_the_live_playlists(client, channel, make_account):
    app = channel
    app[CLOCK].fixed = moment(0, 8, 0, 1).timestamp()
    before = await etags(client, CHANNEL_PATHS[1:2] + CHANNEL_PATHS[3:])
    renamed = dict(SCHEDULE, slots=[dict(SCHEDULE["slots"][0], title={"zh": "早间新闻", "mn": "ᠮᠡᠳᠡᠭᠡ"})])
    resp = await client.put("/api/v1/channels/legal", headers=make_account("oyun", "editor"),
                            json={"title": {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}, "schedule": renamed})
    assert resp.status == 200, await resp.text()
    after = await etags(client, CHANNEL_PATHS[1:2] + CHANNEL_PATHS[3:])
    guide, xmltv = CHANNEL_PATHS[1], CHANNEL_PATHS[4]
    assert after[guide] != before[guide] and after[xmltv] != before[xmltv]
    assert "早间新闻" in await (await client.get(guide)).text()


def test_only_writes_to_a_document_bump_its_version(tmp_path):
    store = Store(tmp_path / "legal-tv.db")
    try:
        assert given.read(store, version_of, Document.CATALOG, Document.CHANNELS) == (0, 0)
        given.write(store, catalog_sql.add_category, "traffic", "交通", "ᠵᠠᠮ")
        given.write(store, catalog_sql.rename_category, "nope", "无", "ᠦᠭᠡᠢ")  # nothing renamed: nothing changed
        assert given.read(store, version_of, Document.CATALOG, Document.CHANNELS) == (1, 0)
    finally:
        store.close()
