"""Column layout for traditional Mongolian: text runs top to bottom, columns left to right.

Pure logic: the caller measures. Text is split into runs: Mongolian (drawn with the Mongolian
font, shaped, rotated 90° clockwise), upright CJK (each ideograph stands upright, one em per
glyph) and other (digits, Latin: CJK font, rotated with the line as in printed Mongolian).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

MONG, UPRIGHT, OTHER = "mong", "upright", "other"


def char_kind(ch: str) -> str:
    o = ord(ch)
    if 0x1800 <= o <= 0x18AF or 0x11660 <= o <= 0x1167F or o in (0x202F, 0x200C, 0x200D, 0x180E):
        return MONG
    if (0x2E80 <= o <= 0x9FFF or 0x2190 <= o <= 0x21FF  # arrows point as on the remote: upright or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF
            or 0x20000 <= o <= 0x3FFFF):
        return UPRIGHT
    return OTHER


def runs(text: str) -> list[tuple[str, str]]:
    """(kind, text) runs; spaces join the run they sit in (a space after Mongolian is Mongolian)."""
    out: list[list[str]] = []
    for ch in text:
        kind = char_kind(ch)
        if ch == " " and out:
            kind = out[-1][0]
        if out and out[-1][0] == kind and kind != UPRIGHT:
            out[-1][1] += ch
        else:
            out.append([kind, ch])
    return [(k, t) for k, t in out]


Measure = Callable[[str, str], float]  # (kind, text) -> length along the column


def fixed_length(kind: str, text: str, size: float) -> float | None:
    """The length along a column of what needs no font to measure: upright glyphs (one em and a
    little each) and blank runs; None for text the font must measure."""
    if kind == UPRIGHT:
        return size * 1.05 * len(text)
    if not text.strip():
        return size * 0.3 * len(text)
    return None


def fitting_size(size: float, longest: float, column_length: float, floor: float) -> float:
    """The size at which a word `longest` long at `size` fits one column: `size` if it does
    already, else smaller, in half pixels (few cached sizes), but never below `floor`."""
    if longest <= column_length:
        return size
    return max(floor, int(size * column_length / longest * 2) / 2)


@dataclass
class Column:
    pieces: list[tuple[str, str]] = field(default_factory=list)  # (kind, text) top to bottom
    length: float = 0.0

    @property
    def text(self) -> str:
        return "".join(t for _, t in self.pieces)

    def add(self, kind: str, text: str, length: float) -> None:
        if self.pieces and self.pieces[-1][0] == kind and kind != UPRIGHT:
            self.pieces[-1] = (kind, self.pieces[-1][1] + text)
        else:
            self.pieces.append((kind, text))
        self.length += length

    def add_runs(self, text: str, measure: Measure) -> None:
        for kind, part in runs(text):
            self.add(kind, part, measure(kind, part))

    def trim(self, measure: Measure) -> None:
        """Drops the spaces a column ends with: they are not drawn, and counted they let the
        column run past its length."""
        while self.pieces and self.pieces[-1][1].endswith(" "):
            kind, last = self.pieces.pop()
            kept = last.rstrip(" ")
            self.length -= measure(kind, last) - (measure(kind, kept) if kept else 0)
            if kept:
                self.pieces.append((kind, kept))


def _tokens(paragraph: str) -> list[str]:
    """Words with their trailing spaces; upright glyphs break anywhere, so each is a token."""
    tokens, current = [], ""
    for i, ch in enumerate(paragraph):
        if char_kind(ch) == UPRIGHT:
            if current:
                tokens.append(current)
            tokens.append(ch)
            current = ""
        elif ch == " " and current[-1:].isdigit() and paragraph[i + 1:i + 2].isdigit():
            current += ch  # a space grouping a number's digits (138 1234 5678) never breaks it
        elif ch == " ":
            current += ch
            tokens.append(current)
            current = ""
        else:
            current += ch
    if current:
        tokens.append(current)
    return tokens


GLUE_NEXT = {"\u180e", "\u200d", "\u202f"}    # vowel separator, joiners: belong to what follows
# variation selectors belong to the letter before; the vowel separator also shapes the letter before it
GLUE_PREVIOUS = {"\u180b", "\u180c", "\u180d", "\u180e", "\u180f", "\u200c", "\u200d"}


def _clusters(word: str) -> list[str]:
    """The pieces a too-long word may be broken into: a letter with its variation selector, and a
    letter, vowel separator and vowel together (a separator alone is drawn as a dotted box)."""
    out: list[str] = []
    for ch in word:
        if out and (ch in GLUE_PREVIOUS or out[-1][-1] in GLUE_NEXT):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _apart_at_suffixes(token: str) -> list[str]:
    """A word and the suffixes joined to it by narrow no-break spaces, each suffix keeping its
    space in front (it shapes the suffix's first letter)."""
    parts = token.split("\u202f")
    return [parts[0]] + ["\u202f" + part for part in parts[1:]] if parts[0] else [token]


def _token_length(token: str, measure: Measure) -> float:
    return sum(measure(kind, text) for kind, text in runs(token))


def longest_word(text: str, measure: Measure) -> float:
    """The length of the longest word of `text` (what a column must hold for no word to break)."""
    words = text.replace("\n", " ").split(" ")  # not str.split(): a narrow no-break space joins a suffix
    return max((_token_length(word, measure) for word in words if word), default=0.0)


def layout(text: str, column_length: float, measure: Measure, max_columns: int | None = None) -> list[Column]:
    """Breaks `text` into columns no longer than `column_length`, in reading order (the first
    column is the leftmost). Words move whole to the next column; a word longer than a column
    is broken between letters. Newlines start a new column. With `max_columns`, the last kept
    column ends in an ellipsis when text was left out. A word too long for a column with the
    suffixes joined to it (U+202F) parts from them before it is broken between letters."""
    columns: list[Column] = []
    for paragraph in text.split("\n"):
        column = Column()
        columns.append(column)
        pending = _tokens(paragraph)
        while pending:
            token = pending.pop(0)
            stripped = _token_length(token.rstrip(" "), measure)
            if column.length + stripped <= column_length or not column.pieces and stripped <= column_length:
                column.add_runs(token, measure)
                continue
            if stripped <= column_length:
                column = Column()
                columns.append(column)
                column.add_runs(token, measure)
                continue
            suffixes = _apart_at_suffixes(token)
            if len(suffixes) > 1:  # too long with its suffixes: they part before any letter does
                pending[:0] = suffixes
                continue
            if column.pieces:  # a word longer than a whole column starts one of its own
                column = Column()
                columns.append(column)
            for ch in _clusters(token):
                kind = char_kind(ch[0])
                ch_len = measure(kind, ch)
                if column.pieces and column.length + ch_len > column_length:
                    column = Column()
                    columns.append(column)
                column.add(kind, ch, ch_len)
    for column in columns:
        column.trim(measure)
    columns = [c for c in columns if c.pieces] or [Column()]
    if max_columns is not None and len(columns) > max_columns:
        columns = columns[:max_columns]
        ellipsis = measure(OTHER, "…")
        kept = columns[-1].text
        while kept and _token_length(kept, measure) + ellipsis > column_length:
            kept = kept[:-1]  # the ellipsis replaces the last letters: the column keeps its length
        last = columns[-1] = Column()
        last.add_runs(kept.rstrip(" "), measure)
        last.add(OTHER, "…", ellipsis)
    return columns
