"""Sample case videos for `content-server demo`, made and ingested the way an editor's are.

Each case becomes a 640×360 source made by ffmpeg from a bilingual title card drawn with
Pillow (Chinese in Noto Sans CJK SC, traditional Mongolian shaped by raqm and set vertically),
with two audio tracks tagged zh and mn — tones, not speech (no TTS speaks Mongolian here):
440 Hz beeps for zh, 330 Hz for mn — and zh / mn SRT subtitles. Sources and subtitles are
stored as finished uploads of a `demo-editor` account, then go through
`ingest.create_video` and the transcode queue like any upload. Running it twice adds nothing twice.
"""
from __future__ import annotations

import logging
import os
import secrets
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..kernel import auth
from ..kernel.config import Settings
from ..storage import Store, accounts, catalog as catalog_sql, uploads as uploads_sql

log = logging.getLogger(__name__)

CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_SC_INDEX = 2  # face 0 of Debian's collection is JP; 2 is Simplified Chinese
MONGOLIAN_FONT = Path("/usr/share/fonts/truetype/noto/NotoSansMongolian-Regular.ttf")
WIDTH, HEIGHT = 640, 360
DEMO_EDITOR = "demo-editor"
SECONDS = 20  # per video; settings.extra["demo_seconds"] / ["demo_count"] shrink the demo for tests

CATEGORIES = [
    ("traffic", "交通事故", "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ"),
    ("wages", "劳动工资", "ᠴᠠᠯᠢᠩ ᠬᠥᠯᠥᠰᠥ"),
    ("land", "土地承包", "ᠭᠠᠵᠠᠷ ᠤᠨ ᠭᠡᠷ᠎ᠡ"),
    ("family", "婚姻继承", "ᠭᠡᠷᠯᠡᠯᠲᠡ ᠪᠠ ᠥᠪ ᠵᠠᠯᠭᠠᠮᠵᠢᠯᠠᠯ"),
]


@dataclass(frozen=True)
class Case:
    category: str
    colour: tuple[int, int, int]
    title_zh: str
    title_mn: str
    summary_zh: str
    summary_mn: str
    cues_zh: tuple[str, ...]
    cues_mn: tuple[str, ...]


CASES = [
    Case("traffic", (28, 72, 120),
         "交通事故后怎样获得赔偿", "ᠵᠠᠮ ᠤᠨ ᠣᠳᠣᠯ ᠤᠨ ᠬᠣᠬᠢᠷᠠᠯ ᠢ ᠶᠠᠭᠠᠬᠢᠵᠤ ᠨᠥᠬᠥᠨ ᠲᠥᠯᠥᠭᠦᠯᠬᠦ ᠪᠤᠢ",
         "报警、就医、保存证据；协商不成，可以拨打12348申请法律援助。",
         "ᠴᠠᠭᠳᠠᠭ᠎ᠠ ᠳᠤ ᠮᠡᠳᠡᠭᠳᠡᠵᠦ᠂ ᠡᠮᠨᠡᠯᠭᠡ ᠬᠡᠢᠯᠭᠡᠵᠦ᠂ ᠨᠣᠲᠠᠯᠭ᠎ᠠ ᠶᠢ ᠬᠠᠳᠠᠭᠠᠯ᠃ "
         "ᠲᠣᠬᠢᠷᠠᠯᠴᠠᠵᠤ ᠴᠢᠳᠠᠬᠤ ᠦᠭᠡᠢ ᠪᠣᠯ 12348 ᠳᠤ ᠤᠲᠠᠰᠤᠳᠠᠵᠤ ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠳᠡᠮᠵᠢᠯᠭᠡ ᠭᠤᠶᠤ᠃",
         ("发生事故，先报警，拨打122。", "受伤先就医，保留好票据和病历。", "协商不成，拨打12348申请法律援助。"),
         ("ᠣᠳᠣᠯ ᠭᠠᠷᠪᠠᠯ ᠤᠷᠢᠳᠠᠪᠠᠷ 122 ᠳᠤ ᠮᠡᠳᠡᠭᠳᠡ᠃",
          "ᠭᠡᠮᠲᠡᠭᠰᠡᠨ ᠪᠣᠯ ᠡᠮᠨᠡᠯᠭᠡ ᠬᠡᠢᠯᠭᠡᠵᠦ᠂ ᠲᠥᠯᠥᠪᠦᠷᠢ ᠶᠢᠨ ᠪᠠᠷᠢᠮᠲᠠ ᠶᠢ ᠬᠠᠳᠠᠭᠠᠯ᠃",
          "ᠲᠣᠬᠢᠷᠠᠯᠴᠠᠵᠤ ᠴᠢᠳᠠᠬᠤ ᠦᠭᠡᠢ ᠪᠣᠯ 12348 ᠳᠤ ᠤᠲᠠᠰᠤᠳᠠᠵᠤ ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠳᠡᠮᠵᠢᠯᠭᠡ ᠭᠤᠶᠤ᠃")),
    Case("wages", (120, 60, 20),
         "被拖欠工资怎么办", "ᠴᠠᠯᠢᠩ ᠬᠥᠯᠥᠰᠥ ᠪᠡᠨ ᠠᠪᠴᠤ ᠴᠢᠳᠠᠬᠤ ᠦᠭᠡᠢ ᠪᠣᠯ ᠶᠠᠭᠠᠬᠤ ᠪᠤᠢ",
         "保存考勤和工资凭证，先协商，再向劳动监察部门投诉。",
         "ᠠᠵᠢᠯᠯᠠᠭᠰᠠᠨ ᠡᠳᠦᠷ ᠪᠠ ᠴᠠᠯᠢᠩ ᠤᠨ ᠪᠠᠷᠢᠮᠲᠠ ᠶᠢ ᠬᠠᠳᠠᠭᠠᠯ᠃ ᠤᠷᠢᠳᠠᠪᠠᠷ ᠲᠣᠬᠢᠷᠠᠯᠴᠠᠵᠤ᠂ "
         "ᠳᠠᠷᠠᠭ᠎ᠠ ᠨᠢ ᠬᠥᠳᠡᠯᠮᠦᠷᠢ ᠶᠢᠨ ᠬᠢᠨᠠᠨ ᠪᠠᠢᠴᠠᠭᠠᠬᠤ ᠭᠠᠵᠠᠷ ᠲᠤ ᠭᠣᠮᠳᠠᠯ ᠭᠠᠷᠭᠠᠵᠤ ᠪᠣᠯᠤᠨ᠎ᠠ᠃",
         ("记下每天的工作时间，保存好工资条。", "先和老板协商，写下欠款数额。", "不给钱，可向劳动监察部门投诉。"),
         ("ᠡᠳᠦᠷ ᠪᠦᠷᠢ ᠶᠢᠨ ᠠᠵᠢᠯᠯᠠᠭᠰᠠᠨ ᠴᠠᠭ ᠢ ᠲᠡᠮᠳᠡᠭᠯᠡᠵᠦ᠂ ᠴᠠᠯᠢᠩ ᠤᠨ ᠪᠠᠷᠢᠮᠲᠠ ᠶᠢ ᠬᠠᠳᠠᠭᠠᠯ᠃",
          "ᠤᠷᠢᠳᠠᠪᠠᠷ ᠡᠵᠡᠨ ᠲᠡᠢ ᠪᠡᠨ ᠲᠣᠬᠢᠷᠠᠯᠴᠠᠵᠤ᠂ ᠦᠷ᠎ᠡ ᠶᠢᠨ ᠲᠣᠭ᠎ᠠ ᠶᠢ ᠪᠢᠴᠢᠭᠡᠷᠡᠢ᠃",
          "ᠮᠥᠩᠭᠥ ᠥᠭᠬᠦ ᠦᠭᠡᠢ ᠪᠣᠯ ᠬᠥᠳᠡᠯᠮᠦᠷᠢ ᠶᠢᠨ ᠬᠢᠨᠠᠨ ᠪᠠᠢᠴᠠᠭᠠᠬᠤ ᠭᠠᠵᠠᠷ ᠲᠤ ᠭᠣᠮᠳᠠᠯ ᠭᠠᠷᠭᠠ᠃")),
    Case("land", (40, 100, 50),
         "草场和耕地承包纠纷", "ᠪᠡᠯᠴᠢᠭᠡᠷ ᠪᠠ ᠲᠠᠷᠢᠶᠠᠯᠠᠩ ᠭᠠᠵᠠᠷ ᠤᠨ ᠭᠡᠷ᠎ᠡ ᠶᠢᠨ ᠮᠠᠷᠭᠤᠯᠳᠤᠭᠠᠨ",
         "承包期内嘎查不能随意收回土地；发生纠纷，先找嘎查或苏木调解。",
         "ᠭᠡᠷ᠎ᠡ ᠶᠢᠨ ᠬᠤᠭᠤᠴᠠᠭ᠎ᠠ ᠳᠤᠲᠤᠷ᠎ᠠ ᠭᠠᠴᠠᠭ᠎ᠠ ᠭᠠᠵᠠᠷ ᠢ ᠳᠤᠷ᠎ᠠ ᠪᠡᠷ ᠪᠡᠨ ᠪᠤᠴᠠᠭᠠᠵᠤ ᠠᠪᠴᠤ ᠪᠣᠯᠬᠤ ᠦᠭᠡᠢ᠃ "
         "ᠮᠠᠷᠭᠤᠯᠳᠤᠭᠠᠨ ᠭᠠᠷᠪᠠᠯ ᠤᠷᠢᠳᠠᠪᠠᠷ ᠭᠠᠴᠠᠭ᠎ᠠ ᠪᠤᠶᠤ ᠰᠤᠮᠤ ᠳᠤ ᠡᠪᠯᠡᠷᠡᠬᠦᠯᠦᠯᠭᠡ ᠭᠤᠶᠤ᠃",
         ("承包合同要签书面的，双方各执一份。", "承包期内，嘎查不能随意收回土地。", "发生纠纷，先找嘎查或苏木调解。"),
         ("ᠭᠡᠷ᠎ᠡ ᠶᠢ ᠪᠢᠴᠢᠭ ᠢᠶᠡᠷ ᠪᠠᠢᠭᠤᠯᠵᠤ᠂ ᠬᠣᠶᠠᠷ ᠲᠠᠯ᠎ᠠ ᠨᠢᠭᠡ ᠨᠢᠭᠡ ᠬᠤᠪᠢ ᠬᠠᠳᠠᠭᠠᠯᠠᠨ᠎ᠠ᠃",
          "ᠭᠡᠷ᠎ᠡ ᠶᠢᠨ ᠬᠤᠭᠤᠴᠠᠭ᠎ᠠ ᠳᠤᠲᠤᠷ᠎ᠠ ᠭᠠᠵᠠᠷ ᠢ ᠳᠤᠷ᠎ᠠ ᠪᠡᠷ ᠪᠡᠨ ᠪᠤᠴᠠᠭᠠᠵᠤ ᠠᠪᠴᠤ ᠪᠣᠯᠬᠤ ᠦᠭᠡᠢ᠃",
          "ᠮᠠᠷᠭᠤᠯᠳᠤᠭᠠᠨ ᠭᠠᠷᠪᠠᠯ ᠤᠷᠢᠳᠠᠪᠠᠷ ᠭᠠᠴᠠᠭ᠎ᠠ ᠪᠤᠶᠤ ᠰᠤᠮᠤ ᠳᠤ ᠡᠪᠯᠡᠷᠡᠬᠦᠯᠦᠯᠭᠡ ᠭᠤᠶᠤ᠃")),
    Case("family", (110, 30, 80),
         "父母的遗产怎样继承", "ᠡᠴᠢᠭᠡ ᠡᠬᠡ ᠶᠢᠨ ᠥᠪ ᠢ ᠶᠠᠭᠠᠬᠢᠵᠤ ᠵᠠᠯᠭᠠᠮᠵᠢᠯᠠᠬᠤ ᠪᠤᠢ",
         "有遗嘱按遗嘱；没有遗嘱，配偶、子女、父母平均分配，女儿和儿子权利平等。",
         "ᠭᠡᠷ᠎ᠡᠰᠦᠯᠡᠯ ᠪᠠᠢᠪᠠᠯ ᠲᠡᠭᠦᠨ ᠦ ᠳᠠᠭᠠᠭᠤ ᠬᠤᠪᠢᠶᠠᠨ᠎ᠠ᠃ ᠦᠭᠡᠢ ᠪᠣᠯ ᠡᠬᠡᠨᠡᠷ ᠨᠥᠬᠦᠷ᠂ ᠦᠷ᠎ᠡ ᠬᠦᠦᠬᠡᠳ᠂ "
         "ᠡᠴᠢᠭᠡ ᠡᠬᠡ ᠲᠡᠩ ᠬᠤᠪᠢᠶᠠᠨ᠎ᠠ᠃ ᠬᠦᠦ ᠪᠠ ᠬᠦᠦᠬᠡᠨ ᠦ ᠡᠷᠬᠡ ᠠᠳᠠᠯᠢ᠃",
         ("有遗嘱的，按遗嘱分配。", "没有遗嘱，配偶、子女、父母是第一顺序继承人。", "女儿和儿子的继承权平等。"),
         ("ᠭᠡᠷ᠎ᠡᠰᠦᠯᠡᠯ ᠪᠠᠢᠪᠠᠯ ᠲᠡᠭᠦᠨ ᠦ ᠳᠠᠭᠠᠭᠤ ᠬᠤᠪᠢᠶᠠᠨ᠎ᠠ᠃",
          "ᠭᠡᠷ᠎ᠡᠰᠦᠯᠡᠯ ᠦᠭᠡᠢ ᠪᠣᠯ ᠡᠬᠡᠨᠡᠷ ᠨᠥᠬᠦᠷ᠂ ᠦᠷ᠎ᠡ ᠬᠦᠦᠬᠡᠳ᠂ ᠡᠴᠢᠭᠡ ᠡᠬᠡ ᠨᠢ ᠨᠢᠭᠡᠳᠦᠭᠡᠷ ᠡᠩᠬᠡᠨ ᠦ ᠥᠪ ᠵᠠᠯᠭᠠᠮᠵᠢᠯᠠᠭᠴᠢ ᠮᠥᠨ᠃",
          "ᠬᠦᠦ ᠪᠠ ᠬᠦᠦᠬᠡᠨ ᠦ ᠥᠪ ᠵᠠᠯᠭᠠᠮᠵᠢᠯᠠᠬᠤ ᠡᠷᠬᠡ ᠠᠳᠠᠯᠢ᠃")),
]


def fill_demo(store: Store, settings: Settings) -> list[str]:
    """Seeds the categories and ingests and transcodes the sample cases that are not there yet.

    Returns the ids of the videos it added (none on a second run).
    """
    from .ingest import create_video  # the editor's path, imported late: it pulls in the whole pipeline
    from .jobs import run_pending_jobs

    store.write_blocking(_add_categories)
    seconds = int(settings.extra.get("demo_seconds", SECONDS))
    cases = [case for case in CASES[:int(settings.extra.get("demo_count", len(CASES)))]
             if store.read_blocking(catalog_sql.video_titled, case.title_zh) is None]
    if not cases:
        return []
    owner_id = store.write_blocking(_demo_editor, auth.hash_password(secrets.token_urlsafe(24)))
    scratch = settings.root.work / f"demo-{uuid.uuid4().hex}"
    scratch.mkdir(parents=True)
    added = []
    try:
        for case in cases:
            source = make_source(case, scratch, seconds)
            subtitles = {lang: _as_upload(store, settings, owner_id, write_srt(case, lang, scratch, seconds))
                         for lang in ("zh", "mn")}
            fields = {"upload_id": _as_upload(store, settings, owner_id, source), "category": case.category,
                      "title": {"zh": case.title_zh, "mn": case.title_mn},
                      "summary": {"zh": case.summary_zh, "mn": case.summary_mn},
                      "audio_languages": ["zh", "mn"], "subtitles": subtitles}
            added.append(create_video(store, settings, fields, owner_id))
            log.info("demo video queued: %s", case.title_zh)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    run_pending_jobs(store, settings)
    return added


def _add_categories(tx) -> None:
    for category_id, zh, mn in CATEGORIES:
        if catalog_sql.category(tx, category_id) is None:
            catalog_sql.add_category(tx, category_id, zh, mn)


def _demo_editor(tx, password_hash: str) -> int:
    """The account the demo's uploads belong to; its random password is never shown, so it is marked
    one-time: the demo's accounts step (accounts/demo.py) then gives it one that is shown."""
    row = accounts.user_by_name(tx, DEMO_EDITOR)
    if row is not None:
        return row["id"]
    return accounts.add_user(tx, DEMO_EDITOR, "editor", password_hash, "zh,mn", must_change_password=True)


def _as_upload(store: Store, settings: Settings, owner_id: int, path: Path) -> str:
    """Stores a local file as a finished upload, the way the tus endpoint leaves one."""
    upload_id = uuid.uuid4().hex
    length = path.stat().st_size
    expires = time.time() + settings.upload_expiry_seconds
    store.write_blocking(uploads_sql.add_upload, upload_id, owner_id, length, path.name, "", "", expires)
    target = settings.root.upload_file(upload_id)
    shutil.copyfile(path, target)
    with open(target, "rb") as handle:
        os.fsync(handle.fileno())
    store.write_blocking(uploads_sql.set_offset, upload_id, length, expires)
    return upload_id


def _cjk(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(CJK_FONT), size, index=CJK_SC_INDEX)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """Chinese lines broken by measured width (Chinese has no spaces to break at)."""
    lines, line = [], ""
    for char in text:
        if line and draw.textlength(line + char, font=font) > width:
            lines.append(line)
            line = ""
        line += char
    return lines + [line] if line else lines


def mongolian_column(text: str, size: int, height: int, colour=(255, 255, 255)) -> Image.Image:
    """Traditional Mongolian shaped by raqm, as vertical columns (left to right) fitting `height`."""
    font = ImageFont.truetype(str(MONGOLIAN_FONT), size, layout_engine=ImageFont.Layout.RAQM)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}".strip()
        if line and probe.textlength(candidate, font=font) > height:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    line_height = int(size * 1.6)
    strip = Image.new("RGBA", (height, line_height * len(lines)), (0, 0, 0, 0))
    draw = ImageDraw.Draw(strip)
    # a horizontal line turned 90° clockwise reads top to bottom, and the strip's top edge ends
    # up on the right: draw the first line at the bottom so the columns run left to right
    for n, text_line in enumerate(lines):
        draw.text((0, (len(lines) - 1 - n) * line_height), text_line, font=font, fill=colour, language="mn")
    return strip.rotate(-90, expand=True)


def title_card(case: Case) -> Image.Image:
    """The 640×360 bilingual card: Chinese title and summary on the left, Mongolian columns on the right."""
    card = Image.new("RGB", (WIDTH, HEIGHT), case.colour)
    draw = ImageDraw.Draw(card)
    column = mongolian_column(case.title_mn, 22, HEIGHT - 40)
    card.paste(column, (WIDTH - column.width - 20, 20), column)
    text_width = WIDTH - column.width - 70
    category_zh = next(zh for cid, zh, _ in CATEGORIES if cid == case.category)
    draw.text((30, 24), category_zh, font=_cjk(20), fill=(255, 220, 160))
    y = 62
    for line in _wrap(draw, case.title_zh, _cjk(36), text_width):
        draw.text((30, y), line, font=_cjk(36), fill=(255, 255, 255))
        y += 48
    y += 10
    for line in _wrap(draw, case.summary_zh, _cjk(20), text_width):
        draw.text((30, y), line, font=_cjk(20), fill=(235, 235, 235))
        y += 30
    draw.text((30, HEIGHT - 48), "法律援助热线 12348", font=_cjk(22), fill=(255, 220, 160))
    return card


def make_source(case: Case, folder: Path, seconds: int) -> Path:
    """An MP4 like a camera's: the card with a moving bar, zh and mn audio tracks (tones)."""
    card = folder / f"{case.category}.png"
    title_card(case).save(card)
    target = folder / f"{case.category}.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-nostdin", "-y",
         "-loop", "1", "-framerate", "25", "-t", str(seconds), "-i", str(card),
         "-f", "lavfi", "-i", f"color=c=white:s={WIDTH}x6:r=25:d={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:beep_factor=2:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=330:beep_factor=3:duration={seconds}",
         "-filter_complex", f"[0:v][1:v]overlay=x='-w+w*t/{seconds}':y=H-h,format=yuv420p[v]",
         "-map", "[v]", "-map", "2:a", "-map", "3:a", "-t", str(seconds),
         "-c:v", "libx264", "-preset", "veryfast", "-crf", "23",
         "-c:a", "aac", "-b:a", "64k", "-metadata:s:a:0", "language=chi", "-metadata:s:a:1", "language=mon",
         "-movflags", "+faststart", str(target)], check=True, timeout=300)
    return target


def write_srt(case: Case, lang: str, folder: Path, seconds: int) -> Path:
    """The case's cues in one language, spread evenly over the video."""
    cues = case.cues_zh if lang == "zh" else case.cues_mn
    span = seconds / len(cues)
    blocks = [f"{n}\n{_srt_time(n - 1, span)} --> {_srt_time(n, span, -0.2)}\n{text}\n"
              for n, text in enumerate(cues, start=1)]
    path = folder / f"{case.category}.{lang}.srt"
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def _srt_time(index: int, span: float, shift: float = 0.0) -> str:
    millis = max(0, int(round((index * span + shift) * 1000)))
    return f"{millis // 3600000:02d}:{millis // 60000 % 60:02d}:{millis // 1000 % 60:02d},{millis % 1000:03d}"
