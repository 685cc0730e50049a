"""Number formatting for figures: Vietnamese separators, signed changes, x/y rates."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from django import template
from django.utils.formats import get_format
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=16)
def _separators(language: str | None) -> dict[int, str]:
    # Formats come from the code's locale modules and settings: fixed for a process and language.
    return {
        ord(","): get_format("THOUSAND_SEPARATOR", language),
        ord("."): get_format("DECIMAL_SEPARATOR", language),
    }


@register.filter
def num(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """1234 → "1.234", 12.5 → "12,5" (the active locale's separators); None → "—".

    Formats with Python's own grouping then swaps in the locale's separators: the child table
    formats thousands of numbers, and Django's number_format is slow for that.
    """
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, Decimal):
        text = f"{value:,.{max(decimals, 2)}f}".rstrip("0").rstrip(".")
    else:  # rates: one decimal at least
        text = f"{value:,.{max(decimals, 1)}f}"
    return text.translate(_separators(get_language()))


@register.filter
def signed(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """A change with its sign: +12, -3, 0 (a real minus sign, U+2212, for reading)."""
    if value is None:
        return "—"
    if value > 0:
        return "+" + num(value, decimals)
    if value < 0:
        return "\u2212" + num(-value, decimals)
    return "0"


@register.filter
def change_class(value: int | float | Decimal | None) -> str:
    if value is None or value == 0:
        return "text-muted"
    return "text-success" if value > 0 else "text-danger"
