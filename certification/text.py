"""Rates as reports write them, in the active language: "1.048/1.063 (98,6%)" in Vietnamese (dot for
thousands, comma for decimals), "1,048/1,063 (98.6%)" in English."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import get_format
from django.utils.translation import get_language


def _separator(name: str) -> str:
    return get_format(name, get_language())


def format_int(value: int) -> str:
    return f"{value:,}".replace(",", _separator("THOUSAND_SEPARATOR"))


def format_percent(numerator: int, denominator: int, digits: int = 1) -> str:
    if not denominator:
        return "—"
    share = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
    whole, _, fraction = f"{share:f}".partition(".")
    text = format_int(int(whole)) + (_separator("DECIMAL_SEPARATOR") + fraction if fraction else "")
    return f"{text}%"


def format_rate(numerator: int, denominator: int, label: str = "") -> str:
    """ "950/978 khu dân cư (97,1%)" """
    counts = f"{format_int(numerator)}/{format_int(denominator)}"
    return (
        f"{counts} {label} ({format_percent(numerator, denominator)})"
        if label
        else (f"{counts} ({format_percent(numerator, denominator)})")
    )
