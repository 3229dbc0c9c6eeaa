"""Subtitles in the encodings editors' tools really write become UTF-8 WebVTT, text unchanged."""
from __future__ import annotations

import codecs
import os
import re

from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from content_server.media import subtitles
from content_server.storage import STORE

from . import media_samples as samples
from .ready_video import ensure_category
from .test_ingest import body_for, nothing_left_behind
from .tus import tus_upload

# what a legal programme's subtitles say, in simplified characters (mainland tools) and in
# traditional ones (Big5 is a traditional-character encoding)
SIMPLIFIED = ("交通事故发生后", "请先报警并保护现场", "拖欠工资可以向劳动监察大队投诉", "土地承包合同到期后可以续签",
              "离婚时夫妻共同财产应当平分", "法律援助中心提供免费的法律咨询", "请拨打", "热线电话",
              "老人赡养是子女的法定义务", "借钱时一定要写借条并签字", "草场纠纷可以申请调解", "遗产继承按照法定顺序进行")
TRADITIONAL = ("交通事故發生後", "請先報警並保護現場", "拖欠工資可以向勞動監察大隊投訴", "土地承包合同到期後可以續簽",
               "離婚時夫妻共同財產應當平分", "法律援助中心提供免費的法律諮詢", "請撥打", "熱線電話",
               "老人贍養是子女的法定義務", "借錢時一定要寫借條並簽字", "草場糾紛可以申請調解", "遺產繼承按照法定順序進行")
PUNCTUATION = ("，", "。", "？", "！", "：", "、", "12348", " ")


def lines_of(phrases: tuple) -> st.SearchStrategy[str]:
    """One subtitle line: words with numbers and punctuation between them, as an editor types it.
    (A file holding nothing but one punctuation mark is the same bytes in GBK and Big5 for
    different characters: no detector can tell those apart, and no programme has such subtitles.)"""
    word = st.sampled_from(phrases)
    return st.tuples(word, st.lists(st.tuples(st.sampled_from(PUNCTUATION), word), max_size=4), st.sampled_from(PUNCTUATION)) \
        .map(lambda t: (t[0] + "".join(p + w for p, w in t[1]) + t[2]).strip())


def cues_of(phrases: tuple) -> st.SearchStrategy[list[str]]:
    return st.lists(st.lists(lines_of(phrases), min_size=1, max_size=2).map("\n".join), min_size=1, max_size=6)


def srt_text(cues: list[str], newline: str = "\n") -> str:
    blocks = [f"{n + 1}\n00:00:{n * 2:02d},000 --> 00:00:{n * 2 + 1:02d},500\n{text}\n" for n, text in enumerate(cues)]
    return "\n".join(blocks).replace("\n", newline)


def converted(tmp_path, data: bytes) -> list[str]:
    """The cue texts of the WebVTT made from an uploaded subtitle file; the WebVTT must be UTF-8."""
    source, target = tmp_path / "upload.srt", tmp_path / "subs.vtt"
    source.write_bytes(data)
    target.unlink(missing_ok=True)
    subtitles.to_webvtt(source, target)
    return [cue.text for cue in subtitles.read_cues(target.read_bytes().decode("utf-8"))]


# derandomized: the same generated files on every run, so the suite never turns red by chance
MANY_EXAMPLES = hypothesis_settings(max_examples=300, deadline=None, derandomize=True)
SLOW_EXAMPLES = hypothesis_settings(max_examples=15, deadline=None, derandomize=True,
                                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@MANY_EXAMPLES
@given(cues=cues_of(SIMPLIFIED), encoding=st.sampled_from(["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16"]))
def test_the_encoding_of_simplified_chinese_subtitles_is_recognised(cues, encoding):
    assert subtitles.decode_subtitle_text(srt_text(cues).encode(encoding)) == srt_text(cues)


@MANY_EXAMPLES
@given(cues=cues_of(TRADITIONAL), encoding=st.sampled_from(["big5", "cp950", "utf-8", "utf-16"]))
def test_the_encoding_of_traditional_chinese_subtitles_is_recognised(cues, encoding):
    assert subtitles.decode_subtitle_text(srt_text(cues).encode(encoding)) == srt_text(cues)


@MANY_EXAMPLES
@given(data=st.binary(min_size=64, max_size=4096))
def test_binary_garbage_is_never_taken_for_text(data):
    # (random bytes; a valid text of any of the encodings is almost never among them)
    try:
        text = subtitles.decode_subtitle_text(data)
    except subtitles.UnknownEncoding:
        return
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text)


@SLOW_EXAMPLES
@given(cues=cues_of(SIMPLIFIED), encoding=st.sampled_from(["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16"]),
       newline=st.sampled_from(["\n", "\r\n"]))
def test_simplified_chinese_subtitles_survive_exactly_in_every_encoding_editors_use(tmp_path, cues, encoding, newline):
    # given a Chinese SRT saved by Notepad, a mainland subtitle tool or a modern editor
    data = srt_text(cues, newline).encode(encoding)
    # then the WebVTT carries the very same text
    assert converted(tmp_path, data) == cues


@SLOW_EXAMPLES
@given(cues=cues_of(TRADITIONAL), encoding=st.sampled_from(["big5", "cp950", "utf-8", "utf-16"]))
def test_traditional_chinese_subtitles_in_big5_survive_exactly(tmp_path, cues, encoding):
    assert converted(tmp_path, srt_text(cues).encode(encoding)) == cues


def test_a_gb18030_file_with_characters_beyond_gbk_survives(tmp_path):
    cues = ["姓名：𠮷田　㐀", "ᠮᠣᠩᠭᠣᠯ 蒙古文也能写进GB18030"]
    assert converted(tmp_path, srt_text(cues).encode("gb18030")) == cues


def test_a_mongolian_srt_saved_as_utf16_survives(tmp_path):
    cues = ["ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ ᠤᠨ ᠳᠠᠷᠠᠭ᠎ᠠ ᠴᠠᠭᠳᠠᠭ᠎ᠠ ᠳᠤ ᠮᠡᠳᠡᠭᠳᠡᠨ᠎ᠡ", "12348 ᠳᠤ ᠤᠲᠠᠰᠤᠳᠠᠨ᠎ᠠ ᠤᠤ"]
    for encoding in ("utf-16", "utf-16-be"):  # Python's "utf-16" writes a little-endian BOM
        data = srt_text(cues, "\r\n").encode(encoding)
        if encoding == "utf-16-be":
            data = codecs.BOM_UTF16_BE + data
        assert converted(tmp_path, data) == cues


async def test_an_editor_attaches_a_gbk_subtitle_file_and_a_binary_file_is_refused_bilingually(
        client, make_account, settings):
    editor = make_account("saren", "editor")
    ensure_category(client.server.app[STORE])
    source = await tus_upload(client, editor, samples.two_languages())
    garbage = await tus_upload(client, editor, bytes(range(256)) * 8 + os.urandom(2048), filename="zh.srt")
    resp = await client.post("/api/v1/videos", json=body_for(source, subtitles={"zh": garbage}), headers=editor)
    assert resp.status == 422
    body = await resp.json()
    assert body["error"] == "bad_subtitles" and body["field"] == "subtitles.zh"
    assert "UTF-8" in body["message"]["zh"] and re.search("[\u1800-\u18af]", body["message"]["mn"])
    nothing_left_behind(client, settings)

    gbk = await tus_upload(client, editor, srt_text(["交通事故发生后，请先报警。", "请拨打12348。"]).encode("gbk"),
                           filename="zh.srt")
    resp = await client.post("/api/v1/videos", json=body_for(source, subtitles={"zh": gbk}), headers=editor)
    assert resp.status == 202, await resp.text()
    vtt = settings.root.work / (await resp.json())["id"] / "subs_zh.vtt"
    assert [c.text for c in subtitles.read_cues(vtt.read_text(encoding="utf-8"))] == \
        ["交通事故发生后，请先报警。", "请拨打12348。"]
