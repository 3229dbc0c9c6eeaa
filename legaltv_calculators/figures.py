"""Published figures that change by year and place: incomes, wages, the loan prime rate.

Each figure is data with the year it describes, the day it applies from and its published
source; a calculation takes the newest figure in force on its reference day. Nothing here is a
constant: editors replace the whole set, the box keeps the copy it last read.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .model import N_, FigureUse

NATIONAL = "000000"
INNER_MONGOLIA = "150000"

# key → (what it is, unit); the label is a msgid for consoles and result pages
KEYS = {
    # TRANSLATORS: name of a published figure in the consoles and on the TV, max 60 chars
    "urban_disposable_income": (N_("Urban per-capita disposable income of the year"), "yuan"),
    # TRANSLATORS: name of a published figure in the consoles and on the TV, max 60 chars
    "urban_consumption_expenditure": (N_("Urban per-capita consumption expenditure of the year"), "yuan"),
    # TRANSLATORS: name of a published figure in the consoles and on the TV, max 60 chars
    "average_wage": (N_("Average yearly wage of urban workers"), "yuan"),
    # TRANSLATORS: name of a published figure in the consoles and on the TV, max 60 chars
    "lpr_one_year": (N_("One-year loan prime rate (LPR)"), "percent"),
}
SEED = Path(__file__).parent / "data" / "figures.json"


@dataclass(frozen=True)
class Figure:
    key: str
    region: str            # six-digit GB/T 2260 code; 000000 for nationwide figures
    year: int              # the year the figure describes (the LPR: the year it was announced)
    value: Decimal
    applies_from: dt.date  # first day a calculation uses it
    source: str            # where it was published, for a lawyer to check

    def use(self) -> FigureUse:
        return FigureUse(self.key, self.region, self.year, self.value, self.source)

    def as_json(self) -> dict:
        return {"key": self.key, "region": self.region, "year": self.year, "value": str(self.value),
                "applies_from": self.applies_from.isoformat(), "source": self.source}


class FigureMissing(LookupError):
    """No figure of `key` for the region applies on the day: the data needs a newer entry."""

    def __init__(self, key: str, region: str, on: dt.date):
        super().__init__(f"no {key} for {region} on {on}")
        self.key, self.region, self.on = key, region, on


class FigureError(ValueError):
    """An entry of an editor's figure set that cannot be used; `field` names it (items[3].value)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message  # msgid


def regions_up(region: str) -> tuple[str, ...]:
    """The region, its league, its province: a league's own figure wins over the province's."""
    return tuple(dict.fromkeys((region, region[:4] + "00", region[:2] + "0000")))


class Figures:
    def __init__(self, figures: list[Figure]):
        self.all = sorted(figures, key=lambda f: (f.key, f.region, f.applies_from))

    def in_force(self, key: str, region: str, on: dt.date) -> Figure:
        """The newest figure of `key` applying on `on`, for the region or the nearest level above it."""
        for place in regions_up(region):
            found = [f for f in self.all if f.key == key and f.region == place and f.applies_from <= on]
            if found:
                return found[-1]
        raise FigureMissing(key, region, on)

    @classmethod
    def from_json(cls, items: list) -> Figures:
        return cls(parse(items))

    @classmethod
    def seed(cls) -> Figures:
        return cls.from_json(json.loads(SEED.read_text(encoding="utf-8")))


def parse(items: object) -> list[Figure]:
    """Checks an editor's whole set; the first bad entry raises FigureError naming its field."""
    if not isinstance(items, list) or not items:
        # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
        raise FigureError("items", N_("Send the figures as a list with at least one entry."))
    figures, seen = [], set()
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise FigureError(where, N_("Each figure must be an object."))
        key = item.get("key")
        if key not in KEYS:
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise FigureError(f"{where}.key", N_("This kind of figure is not used by any calculator."))
        region = item.get("region")
        if not (isinstance(region, str) and len(region) == 6 and region.isascii() and region.isdigit()):
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise FigureError(f"{where}.region", N_("The region code must be six digits."))
        year = item.get("year")
        if not (isinstance(year, int) and not isinstance(year, bool) and 1990 <= year <= 2100):
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise FigureError(f"{where}.year", N_("The year must be between 1990 and 2100."))
        try:
            value = Decimal(str(item.get("value")))
        except InvalidOperation:
            value = Decimal("NaN")
        limit = Decimal(100) if KEYS[key][1] == "percent" else Decimal(10_000_000)
        if not value.is_finite() or not 0 < value <= limit:
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise FigureError(f"{where}.value", N_("The value must be a positive number."))
        try:
            applies_from = dt.date.fromisoformat(str(item.get("applies_from")))
        except ValueError:
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise FigureError(f"{where}.applies_from", N_("Write the date as YYYY-MM-DD.")) from None
        source = item.get("source")
        if not (isinstance(source, str) and 3 <= len(source.strip()) <= 300):
            # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
            raise FigureError(f"{where}.source", N_("Name where the figure was published."))
        if (key, region, applies_from) in seen:
            raise FigureError(f"{where}.applies_from",
                              # TRANSLATORS: error message shown on the TV and in the editor console, max 100 chars
                              N_("Another figure of this kind for this region applies from the same day."))
        seen.add((key, region, applies_from))
        figures.append(Figure(key, region, year, value, applies_from, source.strip()))
    return figures
