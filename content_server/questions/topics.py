"""Question topics with preset phrases, in Chinese and traditional Mongolian script.

The nine topics below are seeded on first start so that households always have topics;
editors change them through `GET/POST /api/v1/topics` and `PUT /api/v1/topics/{id}`.
"""
from __future__ import annotations

import re

from ..kernel import validation
from ..kernel.errors import ApiError
from ..kernel.i18n import N_
from ..storage import questions as db
from ..storage.documents import Document, bump

TOPIC_ID = re.compile(r"^[a-z][a-z0-9_]{1,31}$")
PHRASE_ID = re.compile(r"^[a-z][a-z0-9_.\-]{1,47}$")
MAX_PHRASES = 12
ORDER = "order"  # PUT /api/v1/topics/order sets the order: never a topic's id
TITLE_MAX, PHRASE_MAX = 40, 80


URGENT = "urgent"  # a seed phrase's third item: a question with it goes to the lawyer on duty at once


def _topic(topic_id: str, zh: str, mn: str, *phrases: tuple) -> dict:
    return {"id": topic_id, "title": {"zh": zh, "mn": mn},
            "phrases": [{"id": f"{topic_id}.{n}", "text": {"zh": p[0], "mn": p[1]}, "urgent": URGENT in p[2:]}
                        for n, p in enumerate(phrases, start=1)]}


SEED_TOPICS = [
    _topic("traffic", "交通事故", "ᠵᠠᠮ ᠤᠨ ᠬᠥᠳᠡᠯᠭᠡᠨ ᠦ ᠣᠰᠣᠯ",
           ("我被车撞了", "ᠪᠢ ᠮᠠᠰᠢᠨ ᠳᠤ ᠮᠦᠷᠭᠦᠭᠳᠡᠪᠡ"),
           ("牲畜被车撞了", "ᠮᠠᠯ ᠮᠠᠰᠢᠨ ᠳᠤ ᠮᠦᠷᠭᠦᠭᠳᠡᠪᠡ"),
           ("对方不肯赔偿", "ᠨᠥᠭᠥᠭᠡ ᠲᠠᠯ᠎ᠠ ᠨᠥᠬᠥᠪᠥᠷᠢ ᠲᠥᠯᠥᠬᠦ ᠶᠢ ᠵᠥᠪᠰᠢᠶᠡᠷᠡᠬᠦ ᠦᠭᠡᠢ"),
           ("事故责任怎么认定", "ᠣᠰᠣᠯ ᠤᠨ ᠬᠠᠷᠢᠭᠤᠴᠠᠯᠭ᠎ᠠ ᠶᠢ ᠶᠠᠭᠠᠬᠢᠵᠤ ᠲᠣᠭᠲᠠᠭᠠᠬᠤ ᠪᠤᠢ"),
           ("保险公司不理赔", "ᠳᠠᠭᠠᠳᠬᠠᠯ ᠤᠨ ᠺᠣᠮᠫᠠᠨᠢ ᠨᠥᠬᠥᠪᠥᠷᠢ ᠥᠭᠬᠦ ᠦᠭᠡᠢ")),
    _topic("labour", "劳动与工伤", "ᠬᠥᠳᠡᠯᠮᠦᠷᠢ ᠪᠠ ᠠᠵᠢᠯ ᠤᠨ ᠭᠡᠮᠳᠡᠯ",
           ("干活时受伤了", "ᠠᠵᠢᠯ ᠬᠢᠵᠦ ᠪᠠᠢᠬᠤ ᠳᠤ ᠭᠡᠮᠳᠡᠪᠡ"),
           ("没有签劳动合同", "ᠬᠥᠳᠡᠯᠮᠦᠷᠢ ᠶᠢᠨ ᠭᠡᠷ᠎ᠡ ᠳᠦ ᠭᠠᠷ ᠤᠰᠤ ᠵᠢᠷᠤᠭᠠᠭᠰᠠᠨ ᠦᠭᠡᠢ"),
           ("被无故辞退", "ᠰᠢᠯᠲᠠᠭᠠᠨ ᠦᠭᠡᠢ ᠠᠵᠢᠯ ᠠᠴᠠ ᠬᠠᠯᠠᠭᠳᠠᠪᠠ"),
           ("怎么申请工伤认定", "ᠠᠵᠢᠯ ᠤᠨ ᠭᠡᠮᠳᠡᠯ ᠢ ᠲᠣᠭᠲᠠᠭᠠᠯᠭ᠎ᠠ ᠶᠢ ᠶᠠᠭᠠᠬᠢᠵᠤ ᠭᠤᠶᠤᠬᠤ ᠪᠤᠢ"),
           ("单位不给交社保", "ᠠᠵᠢᠯ ᠤᠨ ᠭᠠᠵᠠᠷ ᠨᠡᠢᠭᠡᠮ ᠦᠨ ᠳᠠᠭᠠᠳᠬᠠᠯ ᠲᠥᠯᠥᠬᠦ ᠦᠭᠡᠢ")),
    _topic("wages", "拖欠工资", "ᠴᠠᠯᠢᠩ ᠬᠥᠯᠥᠰᠥ ᠲᠥᠯᠥᠭᠳᠡᠭᠡ ᠦᠭᠡᠢ",
           ("老板拖欠我的工资", "ᠳᠠᠷᠤᠭ᠎ᠠ ᠮᠢᠨᠤ ᠴᠠᠯᠢᠩ ᠢ ᠲᠥᠯᠥᠬᠦ ᠦᠭᠡᠢ ᠪᠠᠢᠨ᠎ᠠ"),
           ("在工地干活没拿到钱", "ᠪᠠᠷᠢᠯᠭ᠎ᠠ ᠶᠢᠨ ᠲᠠᠯᠠᠪᠠᠢ ᠳᠤ ᠠᠵᠢᠯᠯᠠᠭᠠᠳ ᠮᠥᠩᠭᠥ ᠪᠡᠨ ᠠᠪᠴᠤ ᠴᠢᠳᠠᠭᠰᠠᠨ ᠦᠭᠡᠢ"),
           ("包工头跑了", "ᠠᠵᠢᠯ ᠠᠮᠠᠯᠠᠭᠴᠢ ᠵᠤᠭᠲᠠᠵᠤ ᠣᠴᠢᠪᠠ"),
           ("没有欠条", "ᠥᠷ᠎ᠡ ᠶᠢᠨ ᠪᠢᠴᠢᠭ ᠦᠭᠡᠢ"),
           ("应该到哪里投诉", "ᠬᠠᠮᠢᠭ᠎ᠠ ᠭᠣᠮᠳᠠᠯ ᠭᠠᠷᠭᠠᠬᠤ ᠪᠤᠢ"),
           ("工钱没给，老板马上要走了", "ᠴᠠᠯᠢᠩ ᠥᠭᠬᠦ ᠦᠭᠡᠢ᠂ ᠳᠠᠷᠤᠭ᠎ᠠ ᠤᠳᠠᠯ ᠦᠭᠡᠢ ᠶᠠᠪᠤᠨ᠎ᠠ", URGENT)),
    _topic("family", "婚姻与继承", "ᠭᠡᠷᠯᠡᠯᠲᠡ ᠪᠠ ᠥᠪ ᠣᠯᠵᠠᠯᠠᠯᠲᠠ",
           ("我想离婚", "ᠪᠢ ᠭᠡᠷᠯᠡᠯᠲᠡ ᠪᠡᠨ ᠴᠤᠯᠠᠯᠠᠬᠤ ᠰᠠᠨᠠᠭ᠎ᠠ ᠲᠠᠢ"),
           ("孩子的抚养权", "ᠬᠡᠦᠬᠡᠳ ᠦᠨ ᠬᠦᠮᠦᠵᠢᠯ ᠦᠨ ᠡᠷᠬᠡ"),
           ("遗产怎么分", "ᠥᠪ ᠬᠥᠷᠥᠩᠭᠡ ᠶᠢ ᠶᠠᠭᠠᠬᠢᠵᠤ ᠬᠤᠪᠢᠶᠠᠬᠤ ᠪᠤᠢ"),
           ("遗嘱是否有效", "ᠭᠡᠷᠡᠭᠡᠰᠦ ᠬᠦᠴᠦᠨ ᠲᠡᠢ ᠪᠤᠢ ᠤᠤ"),
           ("子女不赡养老人", "ᠬᠡᠦᠬᠡᠳ ᠥᠲᠡᠯᠡᠭᠰᠡᠳ ᠢ ᠲᠡᠵᠢᠶᠡᠬᠦ ᠦᠭᠡᠢ"),
           ("家庭暴力", "ᠭᠡᠷ ᠪᠦᠯᠢ ᠶᠢᠨ ᠬᠦᠴᠦᠷᠬᠡᠯ", URGENT)),
    _topic("lending", "民间借贷", "ᠠᠷᠠᠳ ᠤᠨ ᠳᠤᠮᠳᠠᠬᠢ ᠵᠡᠭᠡᠯᠢ",
           ("借钱不还", "ᠮᠥᠩᠭᠥ ᠵᠡᠭᠡᠯᠡᠭᠡᠳ ᠪᠤᠴᠠᠭᠠᠵᠤ ᠥᠭᠬᠦ ᠦᠭᠡᠢ"),
           ("利息太高", "ᠬᠦᠦ ᠬᠡᠲᠦᠷᠬᠡᠢ ᠥᠨᠳᠥᠷ"),
           ("只有口头约定", "ᠵᠥᠪᠬᠡᠨ ᠠᠮᠠᠨ ᠪᠡᠷ ᠲᠣᠬᠢᠷᠠᠯᠴᠠᠭᠰᠠᠨ"),
           ("我给别人做了担保", "ᠪᠢ ᠪᠤᠰᠤᠳ ᠤᠨ ᠲᠥᠯᠥᠭᠡ ᠪᠠᠲᠤᠯᠠᠭ᠎ᠠ ᠭᠠᠷᠭᠠᠭᠰᠠᠨ")),
    _topic("land", "土地承包", "ᠭᠠᠵᠠᠷ ᠠᠮᠠᠯᠠᠨ ᠬᠠᠷᠢᠭᠤᠴᠠᠬᠤ",
           ("承包合同到期了", "ᠠᠮᠠᠯᠠᠨ ᠬᠠᠷᠢᠭᠤᠴᠠᠬᠤ ᠭᠡᠷ᠎ᠡ ᠶᠢᠨ ᠬᠤᠭᠤᠴᠠᠭ᠎ᠠ ᠳᠠᠭᠤᠰᠪᠠ"),
           ("草场边界纠纷", "ᠪᠡᠯᠴᠢᠭᠡᠷ ᠦᠨ ᠬᠢᠯ ᠦᠨ ᠮᠠᠷᠭᠠᠭᠠᠨ"),
           ("征地补偿", "ᠭᠠᠵᠠᠷ ᠠᠯᠪᠠᠳᠠᠨ ᠠᠪᠬᠤ ᠨᠥᠬᠥᠪᠥᠷᠢ"),
           ("土地流转合同", "ᠭᠠᠵᠠᠷ ᠰᠢᠯᠵᠢᠭᠦᠯᠬᠦ ᠭᠡᠷ᠎ᠡ"),
           ("村里收回了我的地", "ᠭᠠᠴᠠᠭ᠎ᠠ ᠮᠢᠨᠤ ᠭᠠᠵᠠᠷ ᠢ ᠪᠤᠴᠠᠭᠠᠵᠤ ᠠᠪᠤᠯᠠ")),
    _topic("housing", "房屋与邻里", "ᠪᠠᠢᠰᠢᠩ ᠪᠠ ᠬᠥᠷᠢ ᠰᠠᠭᠤᠴᠠ",
           ("邻居盖房占了我的地", "ᠬᠥᠷᠢ ᠰᠠᠭᠤᠴᠠ ᠪᠠᠢᠰᠢᠩ ᠪᠠᠷᠢᠵᠤ ᠮᠢᠨᠤ ᠭᠠᠵᠠᠷ ᠢ ᠡᠵᠡᠯᠡᠪᠡ"),
           ("通行道路纠纷", "ᠵᠠᠮ ᠤᠨ ᠮᠠᠷᠭᠠᠭᠠᠨ"),
           ("房东不退押金", "ᠭᠡᠷ ᠦᠨ ᠡᠵᠡᠨ ᠳᠠᠷᠤᠯᠲᠠ ᠮᠥᠩᠭᠥ ᠪᠤᠴᠠᠭᠠᠬᠤ ᠦᠭᠡᠢ"),
           ("房产证的问题", "ᠪᠠᠢᠰᠢᠩ ᠤᠨ ᠡᠵᠡᠮᠰᠢᠯ ᠦᠨ ᠦᠨᠡᠮᠯᠡᠯ ᠦᠨ ᠠᠰᠠᠭᠤᠳᠠᠯ"),
           ("房屋拆迁补偿", "ᠪᠠᠢᠰᠢᠩ ᠨᠤᠭᠠᠯᠬᠤ ᠨᠥᠬᠥᠪᠥᠷᠢ")),
    _topic("consumer", "消费维权", "ᠬᠡᠷᠡᠭᠯᠡᠭᠴᠢ ᠶᠢᠨ ᠡᠷᠬᠡ ᠠᠰᠢᠭ",
           ("买到了假货", "ᠬᠠᠭᠤᠷᠮᠠᠭ ᠪᠠᠷᠠᠭ᠎ᠠ ᠬᠤᠳᠠᠯᠳᠤᠨ ᠠᠪᠴᠠᠢ"),
           ("假种子、假化肥", "ᠬᠠᠭᠤᠷᠮᠠᠭ ᠦᠷ᠎ᠡ᠂ ᠬᠠᠭᠤᠷᠮᠠᠭ ᠪᠣᠷᠳᠣᠭ᠎ᠠ"),
           ("商家不给退货", "ᠳᠡᠯᠭᠡᠭᠦᠷ ᠪᠠᠷᠠᠭ᠎ᠠ ᠪᠤᠴᠠᠭᠠᠨ ᠠᠪᠬᠤ ᠦᠭᠡᠢ"),
           ("接到诈骗电话被骗了", "ᠤᠲᠠᠰᠤ ᠪᠠᠷ ᠮᠡᠬᠡᠯᠡᠭᠳᠡᠪᠡ"),
           ("老人被骗买保健品", "ᠥᠲᠡᠯᠡᠭᠰᠡᠳ ᠮᠡᠬᠡᠯᠡᠭᠳᠡᠵᠦ ᠡᠷᠡᠭᠦᠯ ᠬᠠᠮᠠᠭᠠᠯᠠᠬᠤ ᠪᠦᠲᠦᠭᠡᠭᠳᠡᠬᠦᠨ ᠬᠤᠳᠠᠯᠳᠤᠨ ᠠᠪᠤᠯᠠ")),
    _topic("other", "其他", "ᠪᠤᠰᠤᠳ",
           ("不知道属于哪一类", "ᠠᠯᠢ ᠠᠩᠭᠢᠯᠠᠯ ᠳᠤ ᠬᠠᠮᠠᠭᠠᠷᠠᠬᠤ ᠶᠢ ᠮᠡᠳᠡᠬᠦ ᠦᠭᠡᠢ"),
           ("想申请法律援助", "ᠬᠠᠤᠯᠢ ᠶᠢᠨ ᠲᠤᠰᠠᠯᠠᠮᠵᠢ ᠭᠤᠶᠤᠬᠤ ᠰᠠᠨᠠᠭ᠎ᠠ ᠲᠠᠢ"),
           ("收到了法院传票", "ᠱᠢᠭᠦᠬᠡᠯ ᠦᠨ ᠶᠠᠮᠤᠨ ᠤ ᠳᠠᠭᠤᠳᠠᠬᠤ ᠪᠢᠴᠢᠭ ᠢ ᠬᠦᠯᠢᠶᠡᠨ ᠠᠪᠤᠯᠠ"),
           ("请用蒙古语给我回电话", "ᠮᠣᠩᠭᠣᠯ ᠬᠡᠯᠡ ᠪᠡᠷ ᠤᠲᠠᠰᠤ ᠵᠠᠯᠠᠭᠠᠷᠠᠢ"),
           ("家人被拘留了", "ᠭᠡᠷ ᠪᠦᠯᠢ ᠶᠢᠨ ᠬᠦᠮᠦᠨ ᠮᠢᠨᠢ ᠬᠣᠷᠢᠭᠳᠠᠪᠠ", URGENT),
           ("三天内就到期限了", "ᠭᠤᠷᠪᠠᠨ ᠡᠳᠦᠷ ᠦᠨ ᠳᠣᠲᠣᠷ᠎ᠠ ᠬᠤᠭᠤᠴᠠᠭ᠎ᠠ ᠳᠠᠭᠤᠰᠤᠨ᠎ᠠ", URGENT)),
]


def seed(store) -> bool:
    """Stores the nine standard topics when there are none yet; True when it did. On a server that
    has topics, adds the urgent seed phrases it lacks (a phrase once stored keeps its editors' changes)."""
    if db.count_topics(store):
        return seed_urgent_phrases(store)
    with store.write() as conn:
        for position, topic in enumerate(SEED_TOPICS):
            db.save_topic(store, topic["id"], topic["title"], topic["phrases"], position)
        bump(conn, Document.TOPICS)
    return True


def seed_urgent_phrases(store) -> bool:
    """Adds each urgent seed phrase its topic does not have yet; True when it added one."""
    added = False
    with store.write() as conn:
        for topic in SEED_TOPICS:
            for phrase in topic["phrases"]:
                if phrase["urgent"]:
                    added = db.add_missing_phrase(store, topic["id"], phrase, urgent=True) or added
        if added:
            bump(conn, Document.TOPICS)
    return added


def save(store, topic: dict) -> None:
    """Creates or replaces an editor's topic (from read_topic_body); a phrase id of another topic is refused."""
    with store.write() as conn:
        for phrase in topic["phrases"]:
            owner = db.phrase_owner(store, phrase["id"])
            if owner is not None and owner != topic["id"]:
                raise ApiError(422, "phrase_of_other_topic", N_("This sentence belongs to another topic."),
                               field="phrases")
        db.save_topic(store, topic["id"], topic["title"], topic["phrases"], active=topic["active"])
        bump(conn, Document.TOPICS)


def reorder(store, order: list[str]) -> None:
    """Puts the topics in the editor's order; every topic (retired ones too) is listed exactly once."""
    with store.write() as conn:
        if len(order) != len(set(order)) or set(order) != {t["id"] for t in db.topics(store, include_inactive=True)}:
            # TRANSLATORS: editor console error when a reordered topic list is incomplete or has duplicates, max 80 chars
            raise ApiError(422, "incomplete_order", N_("List every topic exactly once."), field="order")
        db.reorder_topics(store, order)
        bump(conn, Document.TOPICS)


def read_topic_body(body: dict, topic_id: str | None = None) -> dict:
    """An editor's topic: {"id", "title": {zh, mn}, "phrases": [{"id"?, "text": {zh, mn}}], "active"?}.

    Phrases without an id get `<topic>.<n>` ids; a phrase id owned by another topic is refused."""
    if topic_id is None:
        topic_id = validation.text(body, "id", 32)
    if not TOPIC_ID.match(topic_id) or topic_id == ORDER:
        # TRANSLATORS: editor API error, max 80 chars
        raise ApiError(422, "invalid_id", N_("Use lower-case letters, digits and _ for the id."), field="id")
    title = validation.bilingual_text(body, "title", TITLE_MAX)
    raw = body.get("phrases")
    if not isinstance(raw, list) or not raw:
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        raise ApiError(422, "wrong_type", N_("This field must be a list of texts."), field="phrases")
    if len(raw) > MAX_PHRASES:
        raise ApiError(422, "too_many", N_("Too many entries (at most {max})."), field="phrases", max=MAX_PHRASES)
    phrases, seen = [], set()
    for n, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ApiError(422, "wrong_type", N_("This field must be a list of texts."), field="phrases")
        phrase_id = item.get("id") or f"{topic_id}.{n}"
        if not isinstance(phrase_id, str) or not PHRASE_ID.match(phrase_id) or phrase_id in seen:
            raise ApiError(422, "invalid_id", N_("Use lower-case letters, digits and _ for the id."),
                           field="phrases")
        seen.add(phrase_id)
        try:
            text = validation.bilingual_text(item, "text", PHRASE_MAX)
        except ApiError as exc:
            exc.field = f"phrases[{n - 1}].{exc.field}"  # e.g. phrases[2].text.mn: the form marks that box
            raise
        phrases.append({"id": phrase_id, "text": text})
    active = body.get("active", True)
    if not isinstance(active, bool):
        raise ApiError(422, "wrong_type", N_("This field must be true or false."), field="active")
    return {"id": topic_id, "title": title, "phrases": phrases, "active": active}
