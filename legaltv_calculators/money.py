"""Yuan as Decimals, rounded to the fen the way courts and social insurance round: half up."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
ZERO = Decimal(0)


def yuan(value: Decimal | int) -> Decimal:
    return Decimal(value).quantize(FEN, rounding=ROUND_HALF_UP)


def percent(share: Decimal | int) -> Decimal:
    """15 → 0.15."""
    return Decimal(share) / 100
