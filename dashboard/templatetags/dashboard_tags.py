"""Number formatting for figures: Vietnamese separators, signed changes, x/y rates."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import get_format

register = template.Library()


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
    decimal_sep, thousand_sep = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
    return text.translate({ord(","): thousand_sep, ord("."): decimal_sep})


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
