"""The import engine: a file's rows → a plan (every error, every new/updated/unchanged row) →
one set-based write in a single transaction.

Foreign keys are resolved by natural key with one query per referenced column, existing rows are
fetched with one query, and the write is a COPY of the new rows plus a COPY into a temporary
table and one UPDATE for the changed ones. Nothing is written unless the plan has no errors.
"""

from __future__ import annotations

import datetime
import functools
import io
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dataio.readers import Table
from dataio.resources import Column, EntityResource, columns_of
from dataio.widgets import CellError, ChoiceWidget, NaturalKeyWidget, TextWidget, UnitCodeWidget
from registry.models import AdministrativeUnit
from registry.text import day_text, fold, name_key

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
STATUS_LABELS = {
    NEW: gettext_lazy("Thêm mới"),
    UPDATED: gettext_lazy("Cập nhật"),
    UNCHANGED: gettext_lazy("Không đổi"),
}
PREVIEW_ROWS = 500  # rows kept for the preview page; counts cover all rows


@dataclass(frozen=True)
class Issue:
    row: int
    column: str
    message: str


@dataclass
class RowResult:
    row: int
    status: str
    label: str
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    bad: bool = False
    resolved: dict[str, Any] = field(default_factory=dict)  # key → pk (or _Pending)
    existing: dict[str, Any] | None = None
    key: tuple = ()
    pk: int | None = None  # set by the write
    extra: dict[Any, Any] = field(default_factory=dict)  # a resource's own cells (see extra_columns)


@dataclass(frozen=True)
class _Pending:
    """A reference to a row of the same file not yet written (a district above its communes)."""

    key: tuple


@dataclass
class Plan:
    resource_class: type[EntityResource]
    format: str
    errors: list[Issue] = field(default_factory=list)
    results: list[RowResult] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {NEW: 0, UPDATED: 0, UNCHANGED: 0})
    total: int = 0
    inserts: list[_Row] = field(default_factory=list)
    updates: list[_Row] = field(default_factory=list)
    # Rows whose own columns are unchanged but whose extra columns (results) changed.
    touched: list[_Row] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.counts[NEW] or self.counts[UPDATED])

    @property
    def error_rows(self) -> int:
        return len({issue.row for issue in self.errors})

    def summary(self) -> str:
        if self.errors:
            return _("%(errors)s lỗi ở %(rows)s dòng: chưa ghi gì vào cơ sở dữ liệu.") % {
                "errors": len(self.errors),
                "rows": self.error_rows,
            }
        if not self.changed:
            return _("Không có thay đổi: %(unchanged)s dòng đã có sẵn và giống hệt tệp.") % {
                "unchanged": self.counts[UNCHANGED]
            }
        return _("Thêm mới %(new)s, cập nhật %(updated)s, không đổi %(unchanged)s dòng.") % {
            "new": self.counts[NEW],
            "updated": self.counts[UPDATED],
            "unchanged": self.counts[UNCHANGED],
        }


class _Planner:
    def __init__(self, resource_class: type[EntityResource], table: Table, user: User) -> None:
        self.resource = resource_class(user)
        self.model = resource_class._meta.model
        self.extras = resource_class.extra_columns()
        self.columns = (*columns_of(resource_class), *self.extras)
        self.by_key = {c.key: c for c in self.columns}
        self.table = table
        self.user = user
        self.plan = Plan(resource_class, table.format)
        self.key_parts = self._key_parts()

    def error(self, row: int, column: Column | str, message: str) -> None:
        header = column.header if isinstance(column, Column) else column
        self.plan.errors.append(Issue(row, header, message))

    # --- header ---------------------------------------------------------------------------------

    def map_header(self) -> list[tuple[Column, int]] | None:
        lookup: dict[str, Column] = {}
        for column in self.columns:
            for name in column.headers():
                lookup[name] = column
        present: dict[str, int] = {}
        repeated = False
        row = self.table.header_row
        for index, raw in enumerate(self.table.header):
            name = fold(raw.strip().rstrip("*"))
            if not name:
                continue
            column = lookup.get(name)
            if column is None:
                self.error(row, raw.strip(), _("Cột không được hỗ trợ (kiểm tra chính tả hoặc tải tệp mẫu)."))
            elif column.key in present:
                self.error(
                    row, raw.strip(), _("Cột '%(column)s' xuất hiện hai lần.") % {"column": column.header}
                )
                repeated = True
            else:
                present[column.key] = index
        missing = [c for c in self.columns if c.required and c.key not in present]
        for column in missing:
            self.error(row, column, _("Thiếu cột bắt buộc '%(column)s'.") % {"column": column.header})
        if missing or repeated:
            return None
        return [(self.by_key[key], index) for key, index in present.items()]

    # --- cells ----------------------------------------------------------------------------------

    def parse_rows(self, mapping: list[tuple[Column, int]]) -> list[_Row]:
        rows = []
        prepared = [
            (
                c,
                i,
                _memoised(c.widget.parse) if c.is_fk else c.widget.parse,
                c.required,
                isinstance(c.widget, TextWidget) and c.model_field is not None and not c.model_field.null,
            )
            for c, i in mapping
        ]
        for number, cells in self.table.rows:
            values: dict[str, Any] = {}
            bad = False
            width = len(cells)
            for column, index, parse, required, blank_text in prepared:
                raw = cells[index] if index < width else None
                if raw is None or (raw.__class__ is str and not raw.strip()):
                    if required:
                        self.error(number, column, _("Thiếu giá trị bắt buộc."))
                        bad = True
                    if blank_text:
                        values[column.key] = ""
                    elif column.model_field is None or column.model_field.null:
                        values[column.key] = None
                    # else: a NOT NULL field with a default (a yes/no) left empty is not given
                    continue
                try:
                    values[column.key] = parse(raw)
                except CellError as exc:
                    self.error(number, column, str(exc))
                    values[column.key] = None
                    bad = True
            rows.append(_Row(number, values, bad))
        return rows

    # --- foreign keys ---------------------------------------------------------------------------

    def resolve(self, rows: list[_Row], present: set[str]) -> None:
        fk_columns = [c for c in self.columns if c.is_fk and c.key in present]
        # Columns that others are named within (a commune) are resolved first.
        fk_columns.sort(key=lambda c: c.widget.within is not None)
        for column in fk_columns:
            widget: NaturalKeyWidget = column.widget
            if widget.within:
                self._resolve_within(rows, column)
            else:
                self._resolve_plain(rows, column)

    def _resolve_plain(self, rows: list[_Row], column: Column) -> None:
        widget: NaturalKeyWidget = column.widget
        match = functools.cache(widget.match_key)
        keys = {match(r.values[column.key]) for r in rows if r.values.get(column.key) is not None}
        if not keys:
            return
        candidates = widget.candidates()
        ambiguous = set()
        if isinstance(widget, UnitCodeWidget):
            found = {
                u["code"]: u
                for u in candidates.filter(code__in=keys).values("pk", "code", "level", "full_name")
            }
            editable = set(
                AdministrativeUnit.objects.editable_by(self.user)
                .filter(pk__in=[u["pk"] for u in found.values()])
                .values_list("pk", flat=True)
            )
        else:
            if not widget.folded:
                candidates = candidates.filter(**{f"{widget.field}__in": keys})
            # else: names may be typed without diacritics, so the (small) catalogue is read whole
            found, near, near_ambiguous = {}, {}, set()
            for item in candidates.values("pk", widget.field):
                if found.setdefault(match(item[widget.field]), item)["pk"] != item["pk"]:
                    ambiguous.add(match(item[widget.field]))  # two plans with the same number
                loose = widget.near_key(item[widget.field]) if widget.folded else None
                if loose is not None and near.setdefault(loose, item)["pk"] != item["pk"]:
                    near_ambiguous.add(loose)
            if widget.folded:
                # The exact name first; without it, the one row whose name differs only in diacritics.
                for key in keys - found.keys():
                    loose = widget.near_key(key)
                    if loose in near_ambiguous:
                        ambiguous.add(key)
                    elif loose in near:
                        found[key] = near[loose]
            editable = None
        self_ref = widget.model is self.model
        file_keys = self._file_keys(rows) if self_ref else set()
        for row in rows:
            key = row.values.get(column.key)
            if key is None:
                continue
            target = found.get(match(key))
            if not isinstance(widget, UnitCodeWidget) and match(key) in ambiguous:
                self.error(
                    row.number,
                    column,
                    _("Có nhiều hơn một %(label)s '%(key)s': không xác định được.")
                    % {"label": widget.label, "key": key},
                )
                row.bad = True
                continue
            if target is None:
                if self_ref and (key,) in file_keys:
                    row.resolved[column.key] = _Pending((key,))
                    continue
                self.error(
                    row.number,
                    column,
                    _("Không tìm thấy %(label)s '%(key)s'.") % {"label": widget.label, "key": key},
                )
                row.bad = True
                continue
            if isinstance(widget, UnitCodeWidget):
                if widget.level and target["level"] != widget.level:
                    self.error(
                        row.number,
                        column,
                        _("'%(code)s' (%(name)s) không phải là cấp xã.")
                        % {"code": key, "name": target["full_name"]},
                    )
                    row.bad = True
                    continue
                if target["pk"] not in editable:
                    self.error(
                        row.number,
                        column,
                        _("Đơn vị '%(code)s' (%(name)s) nằm ngoài phạm vi bạn được phép nhập.")
                        % {"code": key, "name": target["full_name"]},
                    )
                    row.bad = True
                    continue
            row.resolved[column.key] = target["pk"]

    def _resolve_within(self, rows: list[_Row], column: Column) -> None:
        widget: NaturalKeyWidget = column.widget
        parent_ids = {
            r.resolved[widget.within]
            for r in rows
            if r.values.get(column.key) is not None and widget.within in r.resolved
        }
        if not parent_ids:
            for row in rows:  # the column it is named within is missing or bad
                if row.values.get(column.key) is not None and not row.bad:
                    within = self.by_key[widget.within]
                    self.error(
                        row.number,
                        column,
                        _("Cần '%(column)s' để xác định %(label)s.")
                        % {"column": within.header, "label": widget.label},
                    )
                    row.bad = True
            return
        within_attr = f"{widget.within_field}_id"
        found: dict[tuple, list[int]] = defaultdict(list)
        near: dict[tuple, list[int]] = defaultdict(list)  # names without diacritics, tried second
        for item in (
            widget.candidates()
            .filter(**{f"{within_attr}__in": parent_ids})
            .values("pk", within_attr, widget.field)
        ):
            found[(item[within_attr], widget.match_key(item[widget.field]))].append(item["pk"])
            near[(item[within_attr], widget.near_key(item[widget.field]))].append(item["pk"])
        for row in rows:
            key = row.values.get(column.key)
            if key is None or widget.within not in row.resolved:
                continue
            parent = row.resolved[widget.within]
            pks = found.get((parent, widget.match_key(key))) or near.get((parent, widget.near_key(key)), [])
            within = self.by_key[widget.within]
            if len(pks) != 1:
                message = (
                    _("Không tìm thấy %(label)s '%(key)s' thuộc %(column)s '%(within)s'.")
                    if not pks
                    else _("Có nhiều hơn một %(label)s '%(key)s' thuộc %(column)s '%(within)s'.")
                )
                params = {
                    "label": widget.label,
                    "key": key,
                    "column": within.header.lower(),
                    "within": row.values.get(widget.within),
                }
                self.error(row.number, column, message % params)
                row.bad = True
                continue
            row.resolved[column.key] = pks[0]

    # --- natural keys, existing rows --------------------------------------------------------------

    def _key_parts(self) -> list[tuple[str, str]]:
        parts = []
        for key in self.resource.natural_key:
            column = self.by_key[key]
            kind = "fk" if column.is_fk else "name" if isinstance(column.widget, TextWidget) else "raw"
            parts.append((key, kind))
        return parts

    def _file_keys(self, rows: list[_Row]) -> set[tuple]:
        # Keys of the file's rows before resolution: only single-column keys can be referenced.
        key = self.resource.natural_key
        return {(r.values.get(key[0]),) for r in rows} if len(key) == 1 else set()

    def row_key(self, row: _Row, text: Callable[[str | None], str] = name_key) -> tuple:
        key = []
        for name, kind in self.key_parts:
            if kind == "fk":
                key.append(row.resolved.get(name))
            elif kind == "name":
                key.append(text(row.values.get(name)))
            else:
                key.append(row.values.get(name))
        return tuple(key)

    def fetch_existing(self, rows: list[_Row]) -> tuple[dict[tuple, dict[str, Any]], dict[tuple, str]]:
        """The stored rows the file's rows may update, by key; and their names by key with names
        folded (no diacritics), so that a new row differing from one only in diacritics is refused
        rather than guessed either way."""
        natural_key = self.resource.natural_key
        stored = [c for c in self.columns if c.stored]
        names = ["pk", *{c.attname for c in stored}]
        queryset = self.resource.existing_queryset()
        first = self.by_key[natural_key[0]]
        if first.is_fk:
            ids = {r.resolved.get(first.key) for r in rows} - {None}
            queryset = queryset.filter(**{f"{first.attname}__in": ids})
        else:
            queryset = queryset.filter(**{f"{first.attname}__in": {r.values.get(first.key) for r in rows}})
        existing: dict[tuple, dict[str, Any]] = {}
        near: dict[tuple, str] = {}
        for item in queryset.values(*names):
            key, loose, names_of = [], [], []
            for name in natural_key:
                column = self.by_key[name]
                value = item[column.attname]
                if isinstance(column.widget, TextWidget):
                    key.append(name_key(value))
                    loose.append(fold(value))
                    names_of.append(value or "")
                else:
                    key.append(value)
                    loose.append(value)
            existing[tuple(key)] = item
            if names_of:
                near.setdefault(tuple(loose), " · ".join(names_of))
        editable = set(
            self.model._default_manager.editable_by(self.user)
            .filter(pk__in=[item["pk"] for item in existing.values()])
            .values_list("pk", flat=True)
        )
        for key in [k for k, item in existing.items() if item["pk"] not in editable]:
            existing[key]["_out_of_scope"] = True
        return existing, near

    # --- the plan -------------------------------------------------------------------------------

    def build(self) -> Plan:
        plan = self.plan
        plan.total = len(self.table.rows)
        mapping = self.map_header()
        if mapping is None:
            return plan
        present = {c.key for c, _index in mapping}
        # An optional part of the key (the organisation of a commendation) may be left out.
        missing_key = [k for k in self.resource.natural_key if k not in present and self.by_key[k].required]
        if missing_key:
            return plan
        rows = self.parse_rows(mapping)
        self.resolve(rows, present)
        for row in rows:
            for key, message in self.resource.validate_row(row.values):
                self.error(row.number, self.by_key[key], message)
                row.bad = True
        by_number = {row.number: row for row in rows if not row.bad}
        for number, key, message in self.resource.validate_resolved(list(by_number.values())):
            self.error(number, self.by_key[key], message)
            by_number[number].bad = True
        seen: dict[tuple, int] = {}
        for row in rows:
            if row.bad:
                continue
            key = row.key = self.row_key(row)
            if key in seen:
                headers = ", ".join(self.by_key[k].header for k in self.resource.natural_key)
                self.error(
                    row.number,
                    self.by_key[self.resource.natural_key[-1]],
                    _("Trùng với dòng %(row)s (cùng %(columns)s).") % {"row": seen[key], "columns": headers},
                )
                row.bad = True
                continue
            seen[key] = row.number
        good = [r for r in rows if not r.bad]
        existing, near_existing = self.fetch_existing(good) if good else ({}, {})
        stored = [c for c in self.columns if c.stored and c.key in present]
        label_keys = self.resource.natural_key
        extract = [(c.key, c.attname, c.is_fk) for c in stored]
        extras = [c for c in self.extras if c.key in present]
        current_extra = (
            self.resource.extra_values([item["pk"] for item in existing.values()])
            if extras and existing
            else {}
        )
        for row in good:
            current = existing.get(row.key)
            near = near_existing.get(self.row_key(row, fold)) if current is None else None
            label = (
                " · ".join(key_text(self.by_key[k], row.values.get(k)) for k in label_keys)
                if len(plan.results) < PREVIEW_ROWS
                else ""
            )
            if current is not None and current.get("_out_of_scope"):
                self.error(
                    row.number, self.by_key[label_keys[0]], _("Dòng này thuộc phạm vi bạn không được sửa.")
                )
                continue
            values, resolved = row.values, row.resolved
            new_values = {
                attname: resolved.get(key) if is_fk else values[key]
                for key, attname, is_fk in extract
                if key in values
            }
            row.values = new_values
            row.extra = {c.key: values.get(c.key) for c in extras}
            if near is not None:
                self.error(
                    row.number,
                    self.by_key[label_keys[-1]],
                    _(
                        "Đã có '%(name)s', tên chỉ khác dấu. Nếu là cùng một nơi, ghi đúng tên đã có; nếu "
                        "là nơi khác, thêm nó bằng nút “Thêm” trên trang của xã."
                    )
                    % {"name": near},
                )
                continue
            if current is None:
                problems = self.resource.check_insert(new_values)
                for key, message in problems:
                    self.error(row.number, self.by_key[key], message)
                if problems:
                    continue
                plan.counts[NEW] += 1
                plan.inserts.append(row)
                self._result(RowResult(row.number, NEW, label))
                continue
            changes = [
                (c.header, current[c.attname], new_values[c.attname])
                for c in stored
                if c.attname in new_values and current[c.attname] != new_values[c.attname]
            ]
            own_changes = bool(changes)
            if extras:
                before = current_extra.get(current["pk"], {})
                changes += [
                    (c.header, before.get(c.key), row.extra[c.key])
                    for c in extras
                    if before.get(c.key) != row.extra[c.key]
                ]
            # Columns left empty but not given keep their value: every update writes the same columns.
            row.values = {c.attname: current[c.attname] for c in stored} | new_values
            row.existing = current
            problems = self.resource.check_update(current, new_values) if changes else []
            for key, message in problems:
                self.error(row.number, self.by_key[key], message)
            if problems:
                continue
            if changes:
                plan.counts[UPDATED] += 1
                (plan.updates if own_changes else plan.touched).append(row)
                self._result(RowResult(row.number, UPDATED, label, changes))
            else:
                plan.counts[UNCHANGED] += 1
                self._result(RowResult(row.number, UNCHANGED, label))
        plan.errors.sort(key=lambda issue: issue.row)
        self._name_references(stored)
        return plan

    def _name_references(self, stored: list[Column]) -> None:
        """Changes of foreign keys in the preview show natural keys, not ids (one query per column)."""
        by_header = {c.header: c for c in stored if c.is_fk}
        ids: dict[str, set] = defaultdict(set)
        for result in self.plan.results:
            for header, old, new in result.changes:
                if header in by_header:
                    ids[header] |= {old, new} - {None}
        names = {}
        for header, pks in ids.items():
            widget = by_header[header].widget
            names[header] = dict(
                widget.model._default_manager.filter(pk__in=pks).values_list("pk", widget.field)
            )
        for result in self.plan.results:
            result.changes = [
                (h, names[h].get(old, old), names[h].get(new, new)) if h in names else (h, old, new)
                for h, old, new in result.changes
            ]

    def _result(self, result: RowResult) -> None:
        if len(self.plan.results) < PREVIEW_ROWS:
            self.plan.results.append(result)


def _memoised(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Reference columns repeat a few values (commune codes, type names): parse each once."""
    seen: dict[Any, Any] = {}

    def cached(raw: Any) -> Any:
        try:
            result = seen[raw]
        except KeyError:
            try:
                result = seen[raw] = parse(raw)
            except CellError as exc:
                result = seen[raw] = exc
        if isinstance(result, CellError):
            raise result
        return result

    return cached


def make_plan(resource_class: type[EntityResource], table: Table, user: User) -> Plan:
    """Validate every row of ``table`` for ``user`` and work out what an import would do."""
    return _Planner(resource_class, table, user).build()


# --- writing --------------------------------------------------------------------------------------


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _copy_rows(cursor: Any, table: str, columns: list[str], rows: Iterable[list[Any]]) -> None:
    buffer = io.StringIO()
    for values in rows:
        buffer.write("\t".join(_copy_text(v) for v in values))
        buffer.write("\n")
    buffer.seek(0)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    # copy_expert is psycopg's own: wrap it so that errors become Django's (IntegrityError …).
    with connection.wrap_database_errors:
        cursor.copy_expert(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN", buffer)


def _writable_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not isinstance(f, models.GeneratedField)
    ]


def _self_reference(plan: Plan) -> Column | None:
    for column in columns_of(plan.resource_class):
        if column.stored and column.is_fk and column.widget.model is plan.resource_class._meta.model:
            return column
    return None


class ImportFailed(Exception):
    """The write could not be done; nothing was saved. The message is for the user."""


def write_plan(plan: Plan, user: User | None = None, *, reason: str = "") -> None:
    """Write a checked plan: every new and changed row in one transaction, or nothing.

    This is the one place where an import writes, and so where its history is kept
    (:func:`record_history`); ``reason`` names the import in every history row.
    """
    if not plan.ok:
        raise ImportFailed(plan.summary())
    resource = plan.resource_class(user)
    model = plan.resource_class._meta.model
    table = model._meta.db_table
    now = timezone.now()
    fields = _writable_fields(model)
    pk = model._meta.pk
    reference = _self_reference(plan)
    with transaction.atomic(), connection.cursor() as cursor:
        written: dict[Any, int] = {}
        created: list[int] = []
        updated = [r.existing["pk"] for r in plan.updates]
        history = HistoryWriter(model, now, user, reason) if _audited(model) else None

        def write_updates() -> None:
            if history is not None and updated:
                history.baseline(cursor, updated)
            if plan.updates:
                for row in plan.updates:
                    row.pk = row.existing["pk"]
                _update_rows(cursor, plan, resource, now)

        # Changed rows go first, so that a file may retire a row and add its successor (the old
        # committee made inactive, the new one active) under a one-active rule; but where rows
        # point at rows of their own table, a change may point at a new row, which must exist.
        if reference is None:
            write_updates()
        for wave in _waves_of(plan, reference):
            rows = []
            for row in wave:
                if reference is not None:
                    target = row.resolved.get(reference.key)
                    if isinstance(target, _Pending):
                        row.values[reference.attname] = written[target.key[0]]
                rows.append(_full_row(row.values, fields, now))
            resource.before_insert(rows)
            # Ids are taken from the table's sequence first, so the new rows are known without
            # reading them back (history, child rows) and COPY stays the insert path.
            ids = _next_ids(cursor, model, len(rows))
            for row, values, new_id in zip(wave, rows, ids, strict=True):
                values[pk.attname] = row.pk = new_id
            _copy_rows(
                cursor,
                table,
                [pk.column, *[f.column for f in fields]],
                ([r[pk.attname], *[r[f.attname] for f in fields]] for r in rows),
            )
            created.extend(ids)
            if reference is not None:
                written.update(_written_keys(plan, resource, wave))
        if reference is not None:
            write_updates()
        record_history(model, now, created, updated, user, reason=reason, cursor=cursor)
        for row in plan.touched:
            row.pk = row.existing["pk"]
        resource.after_write(
            plan.inserts + plan.updates + plan.touched, HistoryWriterFactory(now, user, reason), cursor
        )


def _next_ids(cursor: Any, model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys from the table's own sequence (safe with concurrent writers)."""
    if not count:
        return []
    cursor.execute(
        "SELECT min(v), max(v), CASE WHEN max(v) - min(v) + 1 = count(*) THEN NULL ELSE array_agg(v) END "
        "FROM (SELECT nextval(pg_get_serial_sequence(%s, %s)) AS v FROM generate_series(1, %s)) AS ids",
        [connection.ops.quote_name(model._meta.db_table), model._meta.pk.column, count],
    )
    low, high, scattered = cursor.fetchone()
    # Usually one unbroken run (no concurrent writer took values in between): no list to send.
    return sorted(scattered) if scattered is not None else list(range(low, high + 1))


def _waves_of(plan: Plan, reference: Column | None) -> list[list[_Row]]:
    if reference is None:
        return [plan.inserts] if plan.inserts else []
    key_name = plan.resource_class.natural_key[0]
    remaining = list(plan.inserts)
    waves: list[list[_Row]] = []
    written: set[Any] = set()
    while remaining:
        wave = [
            r
            for r in remaining
            if not isinstance(r.resolved.get(reference.key), _Pending)
            or r.resolved[reference.key].key[0] in written
        ]
        if not wave:
            raise ImportFailed(_("Các dòng tham chiếu vòng tròn tới nhau (đơn vị cấp trên)."))
        waves.append(wave)
        written |= {r.values[_attname(plan, key_name)] for r in wave}
        in_wave = {id(r) for r in wave}
        remaining = [r for r in remaining if id(r) not in in_wave]
    return waves


def _attname(plan: Plan, key: str) -> str:
    return next(c.attname for c in columns_of(plan.resource_class) if c.key == key)


def _written_keys(plan: Plan, resource: EntityResource, wave: list[_Row]) -> dict[Any, int]:
    attname = _attname(plan, plan.resource_class.natural_key[0])
    keys = [r.values[attname] for r in wave]
    return dict(resource.existing_queryset().filter(**{f"{attname}__in": keys}).values_list(attname, "pk"))


def key_text(column: Column, value: Any) -> str:
    """A key cell as the preview names the row: dates as dd/mm/yyyy and choices by their label,
    as the file writes them, not as stored ("2023-01-05", "final")."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.date):
        return day_text(value)
    if isinstance(column.widget, ChoiceWidget):
        return str(column.widget.format(value))
    return str(value)


def _full_row(values: dict[str, Any], fields: list[models.Field], now: datetime.datetime) -> dict[str, Any]:
    row = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            row[f.attname] = now
        elif f.attname in values:
            row[f.attname] = values[f.attname]
        else:
            row[f.attname] = f.get_default()
    return row


def _update_rows(cursor: Any, plan: Plan, resource: EntityResource, now: datetime.datetime) -> None:
    model = plan.resource_class._meta.model
    by_attname = {f.attname: f for f in _writable_fields(model)}
    names = list(plan.updates[0].values)
    auto = [a for a, f in by_attname.items() if getattr(f, "auto_now", False)]
    rows = []
    for row in plan.updates:
        values = {"id": row.existing["pk"], **row.values, **dict.fromkeys(auto, now)}
        rows.append(values)
    resource.before_update(rows)
    names = [n for n in rows[0] if n != "id"]
    fields = [by_attname[n] for n in names]
    temp = "dataio_update"
    definition = ", ".join(f"{connection.ops.quote_name(f.column)} {f.db_type(connection)}" for f in fields)
    cursor.execute(f"CREATE TEMPORARY TABLE {temp} (id bigint PRIMARY KEY, {definition}) ON COMMIT DROP")
    _copy_rows(
        cursor, temp, ["id", *[f.column for f in fields]], ([r["id"], *[r[n] for n in names]] for r in rows)
    )
    assignments = ", ".join(
        f"{connection.ops.quote_name(f.column)} = u.{connection.ops.quote_name(f.column)}" for f in fields
    )
    # Names come from the model's metadata; values went in through COPY.
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"UPDATE {table} AS t SET {assignments} FROM {temp} AS u WHERE t.id = u.id"  # noqa: S608
    cursor.execute(sql)
    cursor.execute(f"DROP TABLE {temp}")


def _audited(model: type[models.Model]) -> bool:
    return "history" in model.__dict__


# The columns every historical table has besides the tracked fields (see audit.models).
_HISTORY_ONLY = {
    "history_id",
    "history_date",
    "history_type",
    "history_user_id",
    "history_change_reason",
    "ip_address",
    "request_id",
}


class HistoryWriter:
    """Set-based history rows for one audited model: one ``INSERT … SELECT`` per change type.

    The rows carry what a save through the ORM would give them: the user, the time, the type,
    the IP address and request id of the request (when there is one), and the import as the
    change reason.
    """

    def __init__(
        self, model: type[models.Model], when: datetime.datetime, user: User | None, reason: str
    ) -> None:
        from audit.signals import request_context

        self.model = model
        self.history = model.history.model
        self.tracked = [f.column for f in self.history.tracked_fields]
        unknown = {f.column for f in self.history._meta.concrete_fields} - set(self.tracked) - _HISTORY_ONLY
        if unknown:
            # A new audit column would otherwise stay empty on every imported change.
            raise ImproperlyConfigured(f"Cột lịch sử chưa được ghi khi nhập: {sorted(unknown)}")
        self.when = when
        self.user_id = getattr(user, "pk", None)
        self.reason = reason[:100] or None
        context = request_context()
        self.ip_address = context.get("ip_address")
        self.request_id = (context.get("request_id") or "")[:32]

    def _insert(self, cursor: Any, kind: str, ids: list[int], *, extra_where: str = "", **over: Any) -> None:
        if not ids:
            return
        q = connection.ops.quote_name
        columns = ", ".join(q(c) for c in self.tracked)
        source = ", ".join(f"t.{q(c)}" for c in self.tracked)
        values = {
            "history_date": self.when,
            "history_type": kind,
            "history_user_id": self.user_id,
            "history_change_reason": self.reason,
            "ip_address": self.ip_address,
            "request_id": self.request_id,
        } | over
        names = ", ".join(q(n) for n in values)
        placeholders = ", ".join("%s" for _name in values)
        pk = f"t.{q(self.model._meta.pk.column)}"
        low, high = min(ids), max(ids)
        if high - low + 1 == len(ids) == len(set(ids)):
            # New rows' ids come from one run of the sequence: a range is cheaper than a long array.
            where, id_params = f"{pk} BETWEEN %s AND %s", [low, high]
        else:
            where, id_params = f"{pk} = ANY(%s::bigint[])", [ids]
        # Table and column names come from the models' metadata; values are parameters.
        sql = (
            f"INSERT INTO {q(self.history._meta.db_table)} ({columns}, {names}) "  # noqa: S608
            f"SELECT {source}, {placeholders} FROM {q(self.model._meta.db_table)} AS t "
            f"WHERE {where}{extra_where}"
        )
        cursor.execute(sql, [*values.values(), *id_params])

    def created(self, cursor: Any, ids: list[int]) -> None:
        self._insert(cursor, "+", ids)

    def changed(self, cursor: Any, ids: list[int]) -> None:
        """Call after the update: the row holds the new values, the previous row the old ones."""
        self._insert(cursor, "~", ids)

    def deleted(self, cursor: Any, ids: list[int]) -> None:
        """Call before the delete: the last state of each row, marked as deleted."""
        self._insert(cursor, "-", ids)

    def baseline(self, cursor: Any, ids: list[int]) -> None:
        """Before an update: rows that have no history yet (written before the audit trail, or
        by a plain COPY) get a snapshot of their current values, so that the update's history row
        shows what it changed instead of a row without a past."""
        q = connection.ops.quote_name
        pk = q(self.model._meta.pk.column)
        self._insert(
            cursor,
            "+",
            ids,
            extra_where=(
                f" AND NOT EXISTS (SELECT 1 FROM {q(self.history._meta.db_table)} AS h WHERE h.id = t.{pk})"  # noqa: S608 - names from metadata
            ),
            history_user_id=None,
            history_change_reason="Trạng thái trước khi nhập (chưa có lịch sử)",
            ip_address=None,
            request_id="",
        )


class HistoryWriterFactory:
    """Hands out :class:`HistoryWriter` objects for child models a resource writes after its rows."""

    def __init__(self, when: datetime.datetime, user: User | None, reason: str) -> None:
        self.when, self.user, self.reason = when, user, reason

    def __call__(self, model: type[models.Model]) -> HistoryWriter | None:
        return HistoryWriter(model, self.when, self.user, self.reason) if _audited(model) else None


def record_history(
    model: type[models.Model],
    written_at: datetime.datetime,
    created_pks: list[int],
    updated_pks: list[int],
    user: User | None,
    *,
    reason: str = "",
    cursor: Any = None,
) -> None:
    """The audit trail of an import: bulk writes bypass model signals, so history is added here.

    One ``INSERT INTO <historical table> SELECT … FROM <table> WHERE id = ANY(…)`` for the new
    rows ("+") and one for the changed rows ("~", after the update), in the import's transaction;
    ``bulk_create_with_history`` would need model instances and forgo COPY.
    """
    if not _audited(model) or not (created_pks or updated_pks):
        return
    writer = HistoryWriter(model, written_at, user, reason)
    if cursor is None:
        with connection.cursor() as own:
            writer.created(own, created_pks)
            writer.changed(own, updated_pks)
        return
    writer.created(cursor, created_pks)
    writer.changed(cursor, updated_pks)
