"""Inner Mongolia's places by their GB/T 2260 codes, named in Chinese and in Mongolian script.

Shared by the server (consoles and reports name places instead of showing codes) and the box
(the household chooses its place: league → banner → sumu). Pure Python: one JSON table read once.

Levels: the region (150000), a league or city (1525 00), a banner, county or district (152522),
a sumu or town (152522 100, nine digits). See data/regions.json "source" for what is complete.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "regions.json"
PROVINCE = "150000"
LANGUAGES = ("zh", "mn")
SEPARATOR = " · "  # between the names of a path: 锡林郭勒盟 · 阿巴嘎旗


@dataclass(frozen=True)
class Place:
    code: str
    zh: str
    mn: str

    def name(self, lang: str) -> str:
        return self.mn if lang == "mn" else self.zh

    @property
    def level(self) -> str:
        return level_of(self.code)


def level_of(code: str) -> str:
    """"province", "league", "banner" or "sumu", from the code's shape alone."""
    if len(code) > 6:
        return "sumu"
    if code[2:] == "0000":
        return "province"
    return "league" if code[4:6] == "00" else "banner"


def parent_code(code: str) -> str | None:
    """The code of the place this one belongs to (None for the region itself)."""
    level = level_of(code)
    if level == "sumu":
        return code[:6]
    if level == "banner":
        return code[:4] + "00"
    if level == "league":
        return PROVINCE
    return None


@lru_cache(maxsize=1)
def _table() -> dict[str, Place]:
    rows = json.loads(DATA.read_text(encoding="utf-8"))["regions"]
    return {row["code"]: Place(row["code"], row["zh"], row["mn"]) for row in rows}


def all_places() -> list[Place]:
    """Every place of the table, in code order (a league before its banners)."""
    return sorted(_table().values(), key=lambda p: p.code)


def place(code: str) -> Place | None:
    return _table().get(code)


def name(code: str, lang: str = "zh") -> str | None:
    """The place's own name ("阿巴嘎旗"), or None when the table does not know the code."""
    found = _table().get(code)
    return found.name(lang) if found else None


def path(code: str) -> list[Place]:
    """From the league down to the place itself (league → banner → sumu); the region alone for
    150000; empty when the code is unknown."""
    if code not in _table():
        return []
    if code == PROVINCE:
        return [_table()[PROVINCE]]
    chain, current = [], code
    while current is not None and current != PROVINCE:
        found = _table().get(current)
        if found is not None:
            chain.append(found)
        current = parent_code(current)
    return chain[::-1]


def children(code: str) -> list[Place]:
    """The places directly under `code` (the leagues under 150000), in code order."""
    return [p for p in all_places() if p.code != code and parent_code(p.code) == code]


def code_of_prefix(prefix: str) -> str:
    """The place a region-code prefix stands for: "15" the region, "1525" a league, "152522" a
    banner (a prefix is how notices and filters target a whole league or banner)."""
    if len(prefix) in (2, 4):
        return prefix.ljust(6, "0")
    return prefix


def label(prefix: str, lang: str = "zh") -> str:
    """A prefix or code named for reading: its path's names ("锡林郭勒盟 · 阿巴嘎旗"), or the
    prefix itself when the table does not know it (a wrong code stays visible as it is)."""
    chain = path(code_of_prefix(prefix))
    return SEPARATOR.join(p.name(lang) for p in chain) if chain else prefix


def known(prefix: str) -> bool:
    return code_of_prefix(prefix) in _table()


def six_digit(code: str) -> str:
    """The six-digit code the server's contract speaks for a place (a sumu's banner)."""
    return code[:6]
