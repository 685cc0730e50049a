"""The base for importable entities: a django-import-export ``ModelResource`` plus a few class
attributes that the fast engine (:mod:`dataio.engine`) reads.

A resource declares its columns with :func:`col` (Vietnamese header, model attribute, widget
chosen from the model field unless given) and its natural key. See ``dataio/README.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from dataio.widgets import (
    BooleanCellWidget,
    CellWidget,
    ChoiceWidget,
    DateCellWidget,
    IntegerWidget,
    NaturalKeyWidget,
    TextWidget,
)
from registry.text import fold


class Col(fields.Field):
    """A column: ``header`` is what the spreadsheet shows; the resource attribute name is the
    English name, also accepted as a header. ``attribute`` with ``__`` makes a context column
    (read to resolve another column, not saved), e.g. a review's commune code."""

    def __init__(
        self,
        attribute: str,
        header: str,
        widget: CellWidget | None = None,
        *,
        required: bool | None = None,
        help_text: str = "",
        readonly: bool = False,
    ) -> None:
        super().__init__(attribute=attribute, column_name=header, widget=widget)
        self.required = required
        # Exported and read, never written (a decision's date shown next to its number).
        self.readonly = readonly
        self.help_text = help_text or (gettext_lazy("Chỉ xuất, không nhập.") if readonly else "")


col = Col


class EntityResource(resources.ModelResource):
    """Base class of every importable entity."""

    #: Resource field names whose values identify a row (upsert key); e.g. ("commune", "name").
    #: The only key: imports go through ``dataio.engine``, not the library's ``import_data``, so
    #: ``Meta.import_id_fields`` is not declared.
    natural_key: tuple[str, ...] = ()
    #: One example row for the downloadable template: {field name: value}.
    sample: dict[str, Any] = {}
    #: Short Vietnamese name of the entity, for pages and file names.
    label: str = ""

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user  # who imports: rules of a resource may depend on it

    @classmethod
    def extra_columns(cls) -> list[Column]:
        """Columns that are not fields of the model, read from data (a campaign's result metrics).
        Their cells reach :meth:`after_write` as ``row.extra``; exports fill them from
        :meth:`extra_values`."""
        return []

    @staticmethod
    def extra_values(pks: list[Any]) -> dict[Any, dict[str, Any]]:
        """Current values of the extra columns: {pk: {column key: value}} (one query)."""
        return {}

    def existing_queryset(self) -> models.QuerySet:
        """Rows a file may update (e.g. only the units still in force)."""
        return self._meta.model._default_manager.all()

    def validate_row(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        """Cross-column rules of one row: a list of (field name, message)."""
        return []

    def validate_resolved(self, rows: list[Any]) -> list[tuple[int, str, str]]:
        """Rules that need the rows' references (ids in ``row.resolved``), checked for all rows
        at once: a list of (row number, field name, message). E.g. an area that no longer exists."""
        return []

    @staticmethod
    def resolved_ids(rows: list[Any], key: str) -> list[int]:
        """The ids the rows' ``key`` column resolved to (rows written by the same file excepted)."""
        return [pk for pk in {row.resolved.get(key) for row in rows} if isinstance(pk, int)]

    @staticmethod
    def row_problems(
        rows: list[Any], field: str, rule: Callable[[Any], str | None]
    ) -> list[tuple[int, str, str]]:
        """``rule``'s message for each row it refuses, as :meth:`validate_resolved` returns them."""
        return [(row.number, field, problem) for row in rows if (problem := rule(row))]

    def check_insert(self, new: dict[str, Any]) -> list[tuple[str, str]]:
        """Rules for a row that does not exist yet (values by attname): a list of (field name, message)."""
        return []

    def check_update(self, current: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
        """Rules for changing an existing row (values by attname): a list of (field name, message)."""
        return []

    def before_insert(self, rows: list[dict[str, Any]]) -> None:
        """Last touch to column values (by attname) of new rows before they are written."""

    def before_update(self, rows: list[dict[str, Any]]) -> None:
        """Last touch to column values (by attname) of changed rows before they are written."""

    def after_write(self, rows: list[Any], history: Callable[[type], Any], cursor: Any) -> None:
        """Write rows that hang off the imported ones (a campaign's results), in the same
        transaction. ``rows`` have their ``pk``; ``history(Model)`` gives a history writer for an
        audited model (or None)."""


@dataclass(frozen=True)
class Column:
    key: str  # resource field name (the English header)
    header: str  # Vietnamese header
    attribute: str
    widget: CellWidget
    required: bool
    model_field: models.Field | None  # None for a context column
    help_text: str
    is_fk: bool  # a foreign key given by natural key (resolved by the engine)

    @property
    def stored(self) -> bool:
        return self.model_field is not None

    @property
    def attname(self) -> str:
        assert self.model_field is not None
        return self.model_field.attname

    def headers(self) -> set[str]:
        return {fold(self.header), fold(self.key), fold(self.attribute)}


def widget_for(field: models.Field) -> CellWidget:
    if field.choices:
        # Labels stay lazy: the widget reads them in the file format's language (Vietnamese).
        return ChoiceWidget([(str(v), label) for v, label in field.flatchoices])
    if isinstance(field, models.BooleanField):
        return BooleanCellWidget()
    if isinstance(field, models.DateField):
        return DateCellWidget(rules=field.validators)
    if isinstance(field, models.IntegerField):
        low, high = None, None
        for validator in field.validators:
            if validator.__class__.__name__ == "MinValueValidator":
                low = max(low, validator.limit_value) if low is not None else validator.limit_value
            if validator.__class__.__name__ == "MaxValueValidator":
                high = min(high, validator.limit_value) if high is not None else validator.limit_value
        return IntegerWidget(low, high)
    if isinstance(field, models.TextField):
        return TextWidget(field.max_length, multiline=True)
    if isinstance(field, models.CharField):
        return TextWidget(field.max_length)
    raise TypeError(f"Không có widget mặc định cho trường {field!r}")


@cache
def columns_of(resource_class: type[EntityResource]) -> tuple[Column, ...]:
    """The resource's columns, compiled once: widgets chosen, required-ness derived."""
    model = resource_class._meta.model
    result = []
    # Columns in the order of Meta.fields: that is the order of templates and exports.
    order = list(resource_class._meta.fields or resource_class.fields)
    for key in order:
        field = resource_class.fields.get(key)
        if not isinstance(field, Col):
            continue
        model_field = (
            None if "__" in field.attribute or field.readonly else model._meta.get_field(field.attribute)
        )
        widget = field.widget if isinstance(field.widget, CellWidget) else widget_for(model_field)
        field.widget = widget
        required = field.required
        if required is None:
            required = key in resource_class.natural_key or (
                model_field is not None
                and not model_field.null
                and not model_field.blank
                and not model_field.has_default()
            )
        result.append(
            Column(
                key,
                field.column_name,
                field.attribute,
                widget,
                required,
                model_field,
                field.help_text,
                isinstance(widget, NaturalKeyWidget),
            )
        )
    return tuple(result)


def header_matcher(resource_class: type[EntityResource]) -> Callable[[str], bool]:
    """Whether a cell is one of the resource's column names (Vietnamese or English, any case)."""
    names = {name for column in columns_of(resource_class) for name in column.headers()}
    return lambda text: fold(text.strip().rstrip("*")) in names
