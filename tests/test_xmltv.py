"""The XMLTV guide: parses, follows xmltv.dtd's order and formats, and titles everything in zh and mn."""
import re
from datetime import datetime
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

from content_server.kernel.clock import CLOCK

from .test_channel_live import channel, moment, renditions  # noqa: F401  (fixtures)

CHINA = ZoneInfo("Asia/Shanghai")
STAMP = re.compile(r"\d{14} \+0800")


async def test_xmltv_parses_and_has_both_languages(client, channel):  # noqa: F811
    channel[CLOCK].fixed = moment(0, 7, 30, tzinfo=CHINA).timestamp()
    resp = await client.get("/api/v1/xmltv.xml")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("application/xml")
    assert resp.headers["Cache-Control"] == "public, max-age=300" and resp.headers["ETag"]
    raw = await resp.read()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>') and b'<!DOCTYPE tv SYSTEM "xmltv.dtd">' in raw
    tv = ET.fromstring(raw)
    assert tv.tag == "tv"
    tags = [child.tag for child in tv]
    assert tags == sorted(tags)  # every <channel> before any <programme>, as the DTD requires
    channels = tv.findall("channel")
    assert [c.get("id") for c in channels] == ["legal.legal-tv"]
    names = {d.get("lang"): d.text for d in channels[0].findall("display-name")}
    assert names == {"zh": "法治频道", "mn": "ᠬᠠᠤᠯᠢ"}
    programmes = tv.findall("programme")
    assert len(programmes) > 10
    for programme in programmes:
        assert STAMP.fullmatch(programme.get("start")) and STAMP.fullmatch(programme.get("stop"))
        assert programme.get("channel") == "legal.legal-tv"
        titles = {t.get("lang"): t.text for t in programme.findall("title")}
        assert set(titles) == {"zh", "mn"} and all(titles.values())
        children = [c.tag for c in programme]
        assert children.index("title") == 0  # title comes first in a programme
    starts = [p.get("start") for p in programmes]
    assert starts == sorted(starts)
    assert all(a.get("stop") == b.get("start") for a, b in zip(programmes, programmes[1:]))
    morning = next(p for p in programmes if p.get("start") == moment(0, 8).strftime("%Y%m%d%H%M%S %z"))
    assert {t.get("lang"): t.text for t in morning.findall("category")} == {"zh": "早间", "mn": "ᠦᠭᠡᠯᠡᠭᠡ"}


async def test_xmltv_and_guide_list_the_same_programmes(client, channel):  # noqa: F811
    channel[CLOCK].fixed = moment(2, 19, 10, tzinfo=CHINA).timestamp()
    guide = await (await client.get("/api/v1/channels/legal/guide?hours=48")).json()
    tv = ET.fromstring(await (await client.get("/api/v1/xmltv.xml")).read())
    from_xmltv = [(p.get("start"), p.find("title[@lang='zh']").text) for p in tv.findall("programme")]
    from_guide = [(datetime.fromisoformat(g["start"]).strftime("%Y%m%d%H%M%S %z"), g["title"]["zh"]) for g in guide]
    assert from_xmltv == from_guide
