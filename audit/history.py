"""Reading the audit trail: history rows with the values before and after, in constant queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy

from dashboard.templatetags.dashboard_tags import num

TYPE_LABELS = {
    "+": pgettext_lazy("history type", "Tạo mới"),
    "~": pgettext_lazy("history type", "Sửa"),
    "-": pgettext_lazy("history type", "Xóa"),
}
EMPTY = "—"


@dataclass
class FieldChange:
    name: str
    label: str
    old: str | None  # None: no earlier history row, the value before is unknown
    new: str


@dataclass
class HistoryEntry:
    record: Any  # the historical row
    model_label: str
    object_label: str
    changes: list[FieldChange] = field(default_factory=list)
    # An edit or deletion with no earlier row (data written without history): its values are shown
    # as they became, not as changes from "—".
    previous_unknown: bool = False

    @property
    def date(self) -> datetime.datetime:
        return self.record.history_date

    @property
    def user_label(self) -> str:
        user = self.record.history_user
        if user is not None:
            return user.get_username()
        if self.record.history_user_id is not None:
            return gettext("Người dùng #%(id)s (đã xóa)") % {"id": self.record.history_user_id}
        return gettext("Hệ thống")  # a command or an import run without a user

    @property
    def type_label(self) -> str:
        return TYPE_LABELS.get(self.record.history_type, self.record.history_type)

    @property
    def object_id(self) -> Any:
        return self.record.id

    @property
    def id_label(self) -> str:
        # The same "#id" object_label() falls back to, so a row without a name shows its id once.
        return f"#{self.record.id}"


def diff_fields(history_model: type[models.Model]) -> list[models.Field]:
    """The fields a person edits (timestamps, paths and generated columns are not diffed)."""
    return [f for f in history_model.tracked_fields if f.editable and not f.primary_key]


def _label_fields(record: Any) -> list[tuple[models.Field, ...]]:
    """The fields a row without a name of its own is known by (the model's ``HISTORY_LABEL``: each
    part a field name, or a tuple of alternatives of which the first filled one is used)."""
    parts = getattr(record.instance_type, "HISTORY_LABEL", ())
    return [
        tuple(record._meta.get_field(name) for name in (part if isinstance(part, tuple) else (part,)))
        for part in parts
    ]


def object_label(record: Any, labels: dict[tuple[type, Any], str] | None = None) -> str:
    """What the row is called: its ``HISTORY_LABEL`` ("Đợt A — Số tin báo"), else its name or number.

    Read from the row itself, not from the model's __str__, which may follow relations (queries);
    related rows come from ``labels``, fetched in bulk by :func:`build_entries`.
    """
    texts = []
    for alternatives in _label_fields(record):
        filled = [f for f in alternatives if getattr(record, f.attname) not in (None, "")]
        if not filled:
            continue
        f, value = filled[0], getattr(record, filled[0].attname)
        if f.is_relation and (labels is None or (f.related_model, value) not in labels):
            texts = []  # a related row not looked up: the name or id below says more than half a label
            break
        texts.append(_display(f, value, labels or {}))
    if texts:
        return " — ".join(texts)
    for name in ("full_name", "name", "username", "decision_number"):
        value = getattr(record, name, None)
        if value:
            return str(value)
    return f"#{record.id}"


def _changed(record: Any, previous: Any | None, fields: list[models.Field]) -> list[models.Field]:
    if previous is None:
        return [f for f in fields if getattr(record, f.attname) not in (None, "")]
    return [f for f in fields if getattr(record, f.attname) != getattr(previous, f.attname)]


def _display(f: models.Field, value: Any, labels: dict[tuple[type, Any], str]) -> str:
    if value is None or value == "":
        return EMPTY
    if f.is_relation:
        label = labels.get((f.related_model, value))
        return label if label is not None else gettext("#%(id)s (đã xóa)") % {"id": value}
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, datetime.datetime):
        # Stored in UTC: shown in the server's time zone, as every other time on the pages.
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, datetime.date):
        return formats.localize(value)
    if isinstance(value, Decimal):
        return num(value)  # "2", "2,5": the active language's separators, no trailing zeros
    return str(value)


def build_entries(pairs: list[tuple[Any, Any | None]]) -> list[HistoryEntry]:
    """Entries for (record, previous record of the same object) pairs.

    Related objects named in the changes are looked up in one query per related model, whatever
    the number of rows.
    """
    changed: list[list[models.Field]] = []
    wanted: dict[type, set[Any]] = defaultdict(set)
    for record, previous in pairs:
        fields = _changed(record, previous, diff_fields(type(record)))
        changed.append(fields)
        named_by = [f for alternatives in _label_fields(record) for f in alternatives]
        for f in [*fields, *named_by]:
            if f.is_relation:
                for row in (record, previous):
                    value = getattr(row, f.attname, None) if row is not None else None
                    if value is not None:
                        wanted[f.related_model].add(value)
    labels: dict[tuple[type, Any], str] = {}
    for model, ids in wanted.items():
        # A related row's name may follow its own relations (a dossier is named by its subject).
        parents = [f.name for f in model._meta.fields if f.many_to_one]
        for obj in model._base_manager.filter(pk__in=ids).select_related(*parents):
            labels[(model, obj.pk)] = str(obj)
        missing = ids - {pk for (m, pk) in labels if m is model}
        history = getattr(model, "history", None)
        if missing and history is not None:
            # Deleted since: named from its last historical row (DISTINCT ON, one query).
            for row in (
                history.model.objects.filter(id__in=missing).order_by("id", "-history_date").distinct("id")
            ):
                labels[(model, row.id)] = gettext("%(label)s (đã xóa)") % {"label": object_label(row)}

    entries = []
    for (record, previous), fields in zip(pairs, changed, strict=True):
        entry = HistoryEntry(
            record=record,
            model_label=str(record.instance_type._meta.verbose_name),
            object_label=object_label(record, labels),
            previous_unknown=previous is None and record.history_type != "+",
        )
        for f in fields:
            if previous is not None:
                old = _display(f, getattr(previous, f.attname), labels)
            else:
                old = None if entry.previous_unknown else EMPTY
            new = _display(f, getattr(record, f.attname), labels)
            entry.changes.append(FieldChange(f.name, str(f.verbose_name), old, new))
        entries.append(entry)
    return entries


def history_for(obj: models.Model) -> list[HistoryEntry]:
    """The object's history, newest first, each row with its changes against the row before.

    Constant number of queries: one for the rows (with their users), one per related model named
    in the changes.
    """
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id"))
    pairs = [(record, records[i - 1] if i else None) for i, record in enumerate(records)]
    return list(reversed(build_entries(pairs)))
