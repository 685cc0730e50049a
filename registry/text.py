"""Diacritic-insensitive text: one folding table used by Python and by PostgreSQL alike.

"Khánh Hòa", "KHANH HOA" and "khanh hoa" all fold to "khanh hoa"; đ/Đ fold to d. The database
computes the same folding in generated columns (``translate`` + ``lower``, both immutable), so
bulk writes and COPY keep the search columns right without any Python in the loop.
"""

from __future__ import annotations

import datetime
import unicodedata

from django.db.models import CharField, F, Func, Value
from django.db.models.functions import Lower


def _build_table() -> tuple[str, str]:
    source, target = [], []
    ranges = [range(0x00C0, 0x0250), range(0x1E00, 0x1F00)]
    for block in ranges:
        for code in block:
            char = chr(code)
            base = unicodedata.normalize("NFD", char)[0]
            if base.isascii() and base.isalpha() and base != char:
                source.append(char)
                target.append(base)
    source += ["Đ", "đ"]
    target += ["D", "d"]
    return "".join(source), "".join(target)


FOLD_FROM, FOLD_TO = _build_table()
# Combining marks (decomposed input): translate() drops characters that have no counterpart.
COMBINING_MARKS = "".join(chr(c) for c in range(0x0300, 0x0370))
_TRANSLATION = str.maketrans(FOLD_FROM, FOLD_TO, COMBINING_MARKS)


def normalize_text(value: str) -> str:
    """NFC-normalise and trim user text so that composed and decomposed input are stored alike."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def day_text(day: datetime.date) -> str:
    """A day as the pages, the messages and the spreadsheets write it: 15/03/2024."""
    return day.strftime("%d/%m/%Y")


def name_key(value: str | None) -> str:
    """What two spellings of one name share: normalisation, case and spacing, but every diacritic.

    "Thôn Đông" and "Thôn Đồng" are two hamlets; "thôn  đông" is the first one retyped.
    """
    if not value:
        return ""
    return normalize_text(value).lower()


def fold(value: str | None) -> str:
    """Fold text for searching: no diacritics, đ → d, lower case, single spaces."""
    if not value:
        return ""
    return " ".join(value.translate(_TRANSLATION).lower().split())


def folded(field: str) -> Lower:
    """SQL twin of :func:`fold` for a column (without the whitespace squeeze)."""
    return Lower(
        Func(
            F(field),
            Value(FOLD_FROM + COMBINING_MARKS),
            Value(FOLD_TO),
            function="translate",
            output_field=CharField(),
        )
    )
