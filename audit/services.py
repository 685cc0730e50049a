"""Searching the audit trail across every audited model, and writing history for bulk writes."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import F, OuterRef, Subquery, Value
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from audit.history import HistoryEntry, build_entries
from audit.registration import AUDITED_BY_LABEL, audited_models
from audit.signals import request_context

M = TypeVar("M", bound=models.Model)

# The columns every historical table shares, in the order the UNION needs them.
COMMON = ("history_id", "history_date", "obj_id", "model_key")


@dataclass(frozen=True)
class ChangeFilter:
    user_id: int | None = None
    model_label: str | None = None  # "registry.organisation"
    unit_path: str | None = None  # changes to rows in this unit's subtree
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def change_log(criteria: ChangeFilter) -> models.QuerySet:
    """One UNION over the historical tables, newest first: rows of (history_id, date, object, model).

    Filters are applied to each table before the union, so PostgreSQL uses each table's indexes.
    """
    parts = []
    for entry, model, history in audited_models():
        key = model._meta.label_lower
        if criteria.model_label and criteria.model_label != key:
            continue
        qs = history.objects.all()
        if criteria.unit_path:
            if entry.unit is None:
                continue  # catalogues belong to no unit
            qs = qs.filter(entry.unit(criteria.unit_path))
        if criteria.user_id:
            qs = qs.filter(history_user_id=criteria.user_id)
        if criteria.date_from:
            qs = qs.filter(history_date__date__gte=criteria.date_from)
        if criteria.date_to:
            qs = qs.filter(history_date__date__lte=criteria.date_to)
        parts.append(
            qs.annotate(obj_id=F("id"), model_key=Value(key, output_field=models.CharField()))
            .values_list(*COMMON)
            .order_by()
        )
    if not parts:
        return audited_models()[0][2].objects.none().values_list(*COMMON)
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")


def entries_for_page(rows: Sequence[tuple]) -> list[HistoryEntry]:
    """Full entries (with diffs) for one page of :func:`change_log` rows.

    Two queries per model present on the page (its rows, their previous rows) plus one per
    related model named in the changes: constant, whatever the page size or table sizes.
    """
    by_model: dict[str, list[int]] = defaultdict(list)
    for history_id, _date, _obj, key in rows:
        by_model[key].append(history_id)
    found: dict[tuple[str, int], tuple[Any, Any]] = {}
    for key, ids in by_model.items():
        history = _history_of(key)
        previous_id = (
            history.objects.filter(id=OuterRef("id"))
            .filter(
                models.Q(history_date__lt=OuterRef("history_date"))
                | models.Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
            )
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        records = list(
            history.objects.filter(history_id__in=ids)
            .select_related("history_user")
            .annotate(previous_id=Subquery(previous_id))
        )
        previous = history.objects.in_bulk([r.previous_id for r in records if r.previous_id])
        for record in records:
            found[(key, record.history_id)] = (record, previous.get(record.previous_id))
    pairs = [found[(key, hid)] for hid, _date, _obj, key in rows if (key, hid) in found]
    return build_entries(pairs)


def _history_of(key: str) -> type[models.Model]:
    for _entry, model, history in audited_models():
        if model._meta.label_lower == key:
            return history
    raise LookupError(key)


def is_audited(model: type[models.Model]) -> bool:
    return model._meta.label_lower in AUDITED_BY_LABEL


# --- Bulk writers ---------------------------------------------------------------------------------


def _bulk_history_kwargs(user: Any | None, reason: str) -> dict[str, Any]:
    return {
        "default_user": user,
        "default_change_reason": reason[:100],
        "custom_historical_attrs": request_context() or None,
    }


def bulk_create_audited(
    objs: Iterable[M], model: type[M], *, user: Any | None = None, reason: str = "", batch_size: int = 1000
) -> list[M]:
    """``bulk_create`` that also writes one history row per object ("+"), in the same transaction.

    ``user`` is who ran the import (None for a command run by the system); inside a request the
    IP address and request id are stamped as for any other change.
    """
    objs = list(objs)
    if not objs:
        return []
    return bulk_create_with_history(objs, model, batch_size=batch_size, **_bulk_history_kwargs(user, reason))


def bulk_update_audited(
    objs: Iterable[M],
    model: type[M],
    fields: list[str],
    *,
    user: Any | None = None,
    reason: str = "",
    batch_size: int = 1000,
) -> int:
    """``bulk_update`` that also writes one history row per object ("~")."""
    objs = list(objs)
    if not objs:
        return 0
    return (
        bulk_update_with_history(
            objs, model, fields, batch_size=batch_size, **_bulk_history_kwargs(user, reason)
        )
        or 0
    )


def record_missing_creations(*, reason: str = "") -> int:
    """A "+" history row, by the system, for every audited row that has no history at all.

    For writers that skip signals and cannot use :func:`bulk_create_audited` (the demo's
    ``bulk_create(ignore_conflicts=True)`` returns no keys): without it the row's first edit has
    nothing to compare against. One ``INSERT … SELECT`` per model, dated by ``created_at`` where
    the model has one. Returns the number of rows written.
    """
    quote = connection.ops.quote_name
    total = 0
    with connection.cursor() as cursor:
        for _entry, model, history in audited_models():
            columns = [f.column for f in history.tracked_fields]
            pk = quote(model._meta.pk.column)
            date = "t.created_at" if "created_at" in columns else "now()"
            table, hist = quote(model._meta.db_table), quote(history._meta.db_table)
            # Table and column names come from the models' metadata; the reason is a parameter.
            sql = (
                f"INSERT INTO {hist} ({', '.join(quote(c) for c in columns)}, "  # noqa: S608
                "history_date, history_type, history_change_reason, history_user_id, request_id) "
                f"SELECT {', '.join(f't.{quote(c)}' for c in columns)}, {date}, '+', %s, NULL, '' "
                f"FROM {table} AS t WHERE NOT EXISTS (SELECT 1 FROM {hist} AS h WHERE h.{pk} = t.{pk})"
            )
            cursor.execute(sql, [reason[:100]])
            total += cursor.rowcount
    return total
