"""Numbers the Vietnamese way: "1.048/1.063 (98,6%)" — dot for thousands, comma for decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def format_int(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def format_percent(numerator: int, denominator: int, digits: int = 1) -> str:
    if not denominator:
        return "—"
    share = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
    whole, _, fraction = f"{share:f}".partition(".")
    text = format_int(int(whole)) + ("," + fraction if fraction else "")
    return f"{text}%"


def format_rate(numerator: int, denominator: int, label: str = "") -> str:
    """ "950/978 khu dân cư (97,1%)" """
    counts = f"{format_int(numerator)}/{format_int(denominator)}"
    return (
        f"{counts} {label} ({format_percent(numerator, denominator)})"
        if label
        else (f"{counts} ({format_percent(numerator, denominator)})")
    )
