"""Cell converters: one spreadsheet cell ⇄ one Python value, with Vietnamese messages.

They subclass django-import-export's widgets so that a resource built from them still works with
the library's own ``export()``/``import_data()``; our engine calls the fast ``parse``/``format``
pair instead of ``clean``/``render``. ``parse`` gets a non-empty cell (str, int, float, date,
datetime or bool, as the readers give them) and raises :class:`CellError` with a message for the
user.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import widgets

from registry.text import day_text, fold, name_key, normalize_text

# A text cell starting with one of these is a formula to a spreadsheet program.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    """A cell that cannot be read; the message is shown to the user as is."""


def cell_text(value: Any) -> str:
    """A cell as text: 12.0 → "12", dates as dd/mm/yyyy, an export's "'=…" back to "=…"."""
    if isinstance(value, str):
        text = normalize_text(value)
        if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
            return text[1:]
        return text
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return day_text(value)
    return str(value)


SHOWN_MAX = 40


def shown(value: Any) -> str:
    """A cell as a message quotes it: as typed, and short. A spreadsheet's 1e308 is shown as
    such, not as its 309 digits; any other text past ``SHOWN_MAX`` characters is cut with "…"."""
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1e15:
        text = f"{value:g}"
    else:
        text = cell_text(value)
    return text if len(text) <= SHOWN_MAX else text[: SHOWN_MAX - 1] + "…"


class CellWidget(widgets.Widget):
    """Base: text in, text out."""

    def parse(self, value: Any) -> Any:
        return cell_text(value)

    def format(self, value: Any) -> Any:
        return "" if value is None else value

    # django-import-export's own entry points, so the library can use the same rules.
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            return self.parse(value)
        except CellError as exc:
            raise ValueError(str(exc)) from exc

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return self.format(value)


class TextWidget(CellWidget):
    def __init__(self, max_length: int | None = None, multiline: bool = False) -> None:
        super().__init__()
        self.max_length = max_length
        self.multiline = multiline

    def parse(self, value: Any) -> str:
        if self.multiline and isinstance(value, str) and "\n" in value:
            # Keep the lines of a list (members, notes); tidy each one.
            text = "\n".join(normalize_text(line) for line in value.replace("\r\n", "\n").split("\n")).strip()
        else:
            text = cell_text(value)
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("Dài quá %(max)s ký tự (%(length)s ký tự).") % {"max": self.max_length, "length": len(text)}
            )
        return text

    def format(self, value: Any) -> str:
        return value or ""


_GROUPED = re.compile(r"-?\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*")


class IntegerWidget(CellWidget):
    def __init__(self, min_value: int | None = None, max_value: int | None = None) -> None:
        super().__init__()
        self.min_value = min_value
        self.max_value = max_value

    def parse(self, value: Any) -> int:
        if isinstance(value, bool):
            raise CellError(_("Phải là một số nguyên."))
        if isinstance(value, int):
            number = value
        elif isinstance(value, float):
            if not value.is_integer():
                raise CellError(_("'%(value)s' không phải là số nguyên.") % {"value": shown(value)})
            number = int(value)
        else:
            text = str(value).strip()
            if _GROUPED.fullmatch(text):  # 1.234 or 1,234 or 1 234: thousands separators
                text = re.sub(r"[.,\s]", "", text)
            try:
                number = int(text)
            except ValueError:
                raise CellError(_("'%(value)s' không phải là số nguyên.") % {"value": shown(text)}) from None
        if self.min_value is not None and number < self.min_value:
            raise CellError(
                _("Phải lớn hơn hoặc bằng %(limit)s (đang là %(value)s).")
                % {"limit": self.min_value, "value": shown(value)}
            )
        if self.max_value is not None and number > self.max_value:
            raise CellError(
                _("Phải nhỏ hơn hoặc bằng %(limit)s (đang là %(value)s).")
                % {"limit": self.max_value, "value": shown(value)}
            )
        return number

    def format(self, value: Any) -> Any:
        return value  # numbers stay numbers in xlsx (and are never neutralised)


_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})|(\d{4})-(\d{1,2})-(\d{1,2})")


class DateCellWidget(CellWidget):
    def __init__(self, *args: Any, rules: Sequence[Callable[[Any], None]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The field's validators (``registry.validators.not_after_today``), run as the form runs them.
        self.rules = rules

    def parse(self, value: Any) -> datetime.date:
        day = self._day(value)
        for rule in self.rules:
            try:
                rule(day)
            except ValidationError as error:
                raise CellError(" ".join(error.messages)) from None
        return day

    def _day(self, value: Any) -> datetime.date:
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        match = _DATE.fullmatch(text.split(" ")[0])
        if match:
            day, month, year = (
                match.group(1, 2, 3) if match.group(1) else (match.group(6), match.group(5), match.group(4))
            )
            try:
                return datetime.date(int(year), int(month), int(day))
            except ValueError:
                pass
        raise CellError(
            _("'%(value)s' không phải là ngày hợp lệ (dạng ngày/tháng/năm, ví dụ 15/03/2024).")
            % {"value": shown(text)}
        )

    def format(self, value: Any) -> Any:
        return value


class LocalDateWidget(DateCellWidget):
    """A moment (decided at …, revoked at …) shown as its local date; export only."""

    def format(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).date()
        return value


_TRUE = {"co", "x", "1", "true", "yes", "dung", "c", "y"}
_FALSE = {"khong", "0", "false", "no", "sai", "k", "n"}


class BooleanCellWidget(CellWidget):
    def parse(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        key = fold(cell_text(value))
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise CellError(_("'%(value)s' không hợp lệ: ghi 'Có' hoặc 'Không'.") % {"value": shown(value)})

    def format(self, value: Any) -> str:
        return "" if value is None else ("Có" if value else "Không")


class ChoiceWidget(CellWidget):
    """A choice given by its Vietnamese label ("Sơ kết") or its stored value ("interim")."""

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        # The labels are cell values of the file format: always the Vietnamese text (the msgid of a
        # translatable label), whatever language is active when the resource is first used.
        with translation.override(None):
            self.labels = {value: str(label) for value, label in choices}
        self.lookup = {fold(label): value for value, label in self.labels.items()}
        self.lookup.update({fold(value): value for value in self.labels})

    def parse(self, value: Any) -> str:
        text = cell_text(value)
        try:
            return self.lookup[fold(text)]
        except KeyError:
            allowed = ", ".join(f"'{label}'" for label in self.labels.values())
            raise CellError(
                _("'%(value)s' không hợp lệ; chọn một trong: %(allowed)s.")
                % {"value": shown(text), "allowed": allowed}
            ) from None

    def format(self, value: Any) -> str:
        return self.labels.get(value, value or "")


class NaturalKeyWidget(widgets.ForeignKeyWidget, CellWidget):
    """A foreign key written as the target's natural key (a unit's code, a type's name).

    ``within`` names another column of the same resource whose resolved object the target must
    belong to through ``within_field``: a residential area is named within its commune. The
    engine resolves all keys of a column with one query; ``parse`` only normalises the key.
    ``queryset`` limits the candidates (e.g. only units still in force).
    """

    def __init__(
        self,
        model: type[models.Model],
        field: str = "name",
        *,
        within: str | None = None,
        within_field: str = "commune",
        queryset: models.QuerySet | None = None,
        label: str | None = None,
    ) -> None:
        super().__init__(model, field)
        self.within = within
        self.within_field = within_field
        self._queryset = queryset
        # Kept lazy: messages show it in the language of the request that reads the file.
        self.label = label or model._meta.verbose_name

    def candidates(self) -> models.QuerySet:
        return (self._queryset if self._queryset is not None else self.model._default_manager).all()

    def parse(self, value: Any) -> str:
        return cell_text(value)

    folded = True  # a name typed without its diacritics still finds the one row it can mean

    def match_key(self, key: str) -> str:
        """What two spellings of the same key have in common (names: case, spacing, normalisation)."""
        return name_key(key)

    def near_key(self, key: str) -> str:
        """The looser match tried when no row has the exact name: diacritics and case folded."""
        return fold(key)

    def format(self, value: Any) -> str:
        return "" if value is None else getattr(value, self.field)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return self.format(value)


def parse_unit_code(value: Any, level: str | None = None) -> str:
    """An official unit code from a cell; a code typed as a number gets its leading zeros back."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        width = 5 if level == "commune" or value > 999 else 3 if value > 99 else 2
        value = str(value).zfill(width)
    code = cell_text(value)
    if level == "commune" and not (code.isdigit() and len(code) == 5):
        raise CellError(_("Mã xã '%(code)s' không hợp lệ: mã xã có 5 chữ số.") % {"code": shown(code)})
    if not code.isdigit() or len(code) not in (2, 3, 5):
        raise CellError(_("Mã đơn vị '%(code)s' không hợp lệ (2, 3 hoặc 5 chữ số).") % {"code": shown(code)})
    return code


class UnitCodeTextWidget(TextWidget):
    """The official code of the row's own unit (a plain column, not a reference)."""

    def parse(self, value: Any) -> str:
        return parse_unit_code(value)


class UnitCodeWidget(NaturalKeyWidget):
    """An administrative unit by its official code, among the units still in force."""

    folded = False

    def __init__(self, level: str | None = None, label: str | None = None) -> None:
        from registry.models import AdministrativeUnit

        super().__init__(
            AdministrativeUnit,
            "code",
            queryset=AdministrativeUnit.objects.filter(valid_to__isnull=True),
            label=label or gettext_lazy("đơn vị hành chính"),
        )
        self.level = level

    def parse(self, value: Any) -> str:
        return parse_unit_code(value, self.level)

    def match_key(self, key: str) -> str:
        return key
