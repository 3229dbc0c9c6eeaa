"""The legal dictionary's indexes, pure Python: a term's first letter (the pinyin initial of its
Chinese, the first letter of its Mongolian), the topics whose guides use it, and the terms a text
uses, so guides and answers can open them."""
from __future__ import annotations

import bisect

# GB2312's first level (the 3,755 common characters) is ordered by pinyin: the first character of
# each initial's range. A box carries no pinyin dictionary; this table covers every common character.
_GB2312_INITIALS = ((0xB0A1, "A"), (0xB0C5, "B"), (0xB2C1, "C"), (0xB4EE, "D"), (0xB6EA, "E"), (0xB7A2, "F"),
                    (0xB8C1, "G"), (0xB9FE, "H"), (0xBBF7, "J"), (0xBFA6, "K"), (0xC0AC, "L"), (0xC2E8, "M"),
                    (0xC4C3, "N"), (0xC5B6, "O"), (0xC5BE, "P"), (0xC6DA, "Q"), (0xC8BB, "R"), (0xC8F6, "S"),
                    (0xCBFA, "T"), (0xCDDA, "W"), (0xCEF4, "X"), (0xD1B9, "Y"), (0xD4D1, "Z"))
_GB2312_LAST_COMMON = 0xD7F9
_STARTS = [code for code, _ in _GB2312_INITIALS]
# words whose first character GB2312 files under another reading (调 diào, but 调解 tiáojiě)
_READ_OTHERWISE = {"调解": "T", "调处": "T", "调和": "T", "重婚": "C", "重审": "C", "长期": "C", "行为": "X",
                   "行政": "X", "朝": "C"}
OTHER = "#"  # digits, Latin letters and rare characters: listed after the letters

MONGOLIAN_LETTERS = (0x1820, 0x1842)  # ᠠ … ᡂ, in the order of the traditional alphabet


def pinyin_initial(text: str) -> str:
    """The capital Latin letter of the pinyin of `text`'s first character ("劳动合同" → "L"); OTHER
    when it starts with no common Chinese character."""
    text = (text or "").strip()
    for word, letter in _READ_OTHERWISE.items():
        if text.startswith(word):
            return letter
    if not text:
        return OTHER
    try:
        raw = text[0].encode("gb2312")
    except UnicodeEncodeError:
        return OTHER
    if len(raw) != 2:
        return OTHER
    code = raw[0] << 8 | raw[1]
    if code < _STARTS[0] or code > _GB2312_LAST_COMMON:
        return OTHER
    return _GB2312_INITIALS[bisect.bisect_right(_STARTS, code) - 1][1]


def mongolian_initial(text: str) -> str:
    """The first Mongolian letter of `text` (its isolated form is the letter); OTHER without one."""
    first = (text or "").strip()[:1]
    return first if first and MONGOLIAN_LETTERS[0] <= ord(first) <= MONGOLIAN_LETTERS[1] else OTHER


def initial(entry: dict, lang: str) -> str:
    """The letter a glossary entry is filed under in `lang`'s alphabet."""
    term = entry.get("term") or {}
    return mongolian_initial(term.get("mn", "")) if lang == "mn" else pinyin_initial(term.get("zh", ""))


def letters(entries: list[dict], lang: str) -> list[str]:
    """The letters that file at least one entry, in alphabetical order (OTHER last)."""
    found = {initial(e, lang) for e in entries}
    return sorted(found - {OTHER}) + ([OTHER] if OTHER in found else [])


def in_order(entries: list[dict], lang: str) -> list[dict]:
    """Entries as a dictionary lists them: by letter, then by the term in `lang`."""
    rank = {letter: i for i, letter in enumerate(letters(entries, lang))}
    return sorted(entries, key=lambda e: (rank[initial(e, lang)], (e.get("term") or {}).get(lang, "")))


def _texts(value) -> list[str]:
    """Both languages' strings of a bilingual object (or the string itself)."""
    if isinstance(value, dict):
        return [v for k, v in value.items() if k in ("zh", "mn") and isinstance(v, str)]
    return [value] if isinstance(value, str) else []


def terms_used(texts: list, glossary: list[dict]) -> list[dict]:
    """The glossary entries whose term (in either script) appears in any of `texts` (bilingual
    objects or strings), in glossary order."""
    joined = "\n".join(t for value in texts for t in _texts(value))
    return [e for e in glossary
            if any(term and term in joined for term in _texts(e.get("term")))]


def topics_of(glossary: list[dict], guides: dict) -> dict[str, list[str]]:
    """For each term id, the topic ids whose guide lists it or uses it in a step or title."""
    found: dict[str, list[str]] = {str(e["id"]): [] for e in glossary}
    for topic_id, guide in guides.items():
        listed = {str(g) for g in guide.get("glossary") or []}
        steps = [s.get("text", s) if isinstance(s, dict) else s for s in guide.get("steps") or []]
        used = {str(e["id"]) for e in terms_used([guide.get("title"), *steps], glossary)}
        for term_id in listed | used:
            if term_id in found and str(topic_id) not in found[term_id]:
                found[term_id].append(str(topic_id))
    return found
