"""Number formatting for figures: Vietnamese separators, signed changes, x/y rates."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value: int | float | Decimal | None, decimals: int = 0) -> str:
    """1234 → "1.234", 12.5 → "12,5" (the active locale's separators); None → "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, int):
        places = 0
    elif isinstance(value, Decimal):
        places = max(decimals, 2)
    else:  # rates: one decimal at least
        places = max(decimals, 1)
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    if isinstance(value, Decimal) and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


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
