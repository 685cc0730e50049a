"""Registry workflows that touch many rows: loading the official administrative-unit lists."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from audit.services import bulk_create_audited, bulk_update_audited
from registry.models import AdministrativeUnit, UnitLevel
from registry.text import normalize_text

CODE_LENGTH = {UnitLevel.PROVINCE: 2, UnitLevel.DISTRICT: 3, UnitLevel.COMMUNE: 5}
PARENT_LEVELS = {
    UnitLevel.PROVINCE: set(),
    UnitLevel.DISTRICT: {UnitLevel.PROVINCE},
    UnitLevel.COMMUNE: {UnitLevel.DISTRICT, UnitLevel.PROVINCE},
}
LEVEL_ORDER = [UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE]
REQUIRED_COLUMNS = ("code", "name", "full_name", "kind", "level", "parent_code")
# The first official day of the two-tier shape (Decision 19/2025/QĐ-TTg).
REFORM_2025 = datetime.date(2025, 7, 1)
IMPORT_REASON = "Nạp danh mục đơn vị hành chính"


class UnitImportError(Exception):
    """The file cannot be imported; ``errors`` lists every bad row, nothing was written."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class UnitImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    valid_from: datetime.date | None = None
    by_level: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.closed)

    def summary(self) -> str:
        if not self.changed:
            return f"Không có thay đổi: {self.unchanged} đơn vị đã có sẵn và giống hệt tệp."
        return (
            f"Đã thêm {self.created}, cập nhật {self.updated}, đóng hiệu lực {self.closed}, "
            f"giữ nguyên {self.unchanged} đơn vị."
        )


@dataclass(frozen=True)
class _Row:
    line: int
    code: str
    name: str
    full_name: str
    kind: str
    level: str
    parent_code: str


def read_unit_rows(source: Path | str | Iterable[str]) -> list[dict[str, str]]:
    if isinstance(source, (str, Path)):
        text = Path(source).read_text(encoding="utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))
    return list(csv.DictReader(source))


def _canonical_kind(kind: str) -> str:
    # Real files write one commune's kind as "xã": kinds are capitalised like the rest.
    kind = normalize_text(kind)
    return kind[:1].upper() + kind[1:]


def _validate(raw_rows: list[dict[str, str]]) -> tuple[list[_Row], list[str]]:
    errors: list[str] = []
    if raw_rows:
        missing = [c for c in REQUIRED_COLUMNS if c not in raw_rows[0]]
        if missing:
            return [], [f"Thiếu cột bắt buộc: {', '.join(missing)}."]
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_rows, start=2):  # line 1 is the header
        code = (raw.get("code") or "").strip()
        level = (raw.get("level") or "").strip().lower()
        name = normalize_text(raw.get("name") or "")
        full_name = normalize_text(raw.get("full_name") or "") or name
        kind = _canonical_kind(raw.get("kind") or "")
        parent_code = (raw.get("parent_code") or "").strip()
        problems = []
        if level not in CODE_LENGTH:
            problems.append(f"cấp '{level}' không hợp lệ (province, district hoặc commune)")
        elif not (code.isdigit() and len(code) == CODE_LENGTH[level]):
            problems.append(f"mã '{code}' không hợp lệ: cấp này cần {CODE_LENGTH[level]} chữ số")
        if not name:
            problems.append("thiếu tên")
        if not kind:
            problems.append("thiếu loại đơn vị")
        if level == UnitLevel.PROVINCE and parent_code:
            problems.append("đơn vị cấp tỉnh không có mã cấp trên")
        if level in (UnitLevel.DISTRICT, UnitLevel.COMMUNE) and not parent_code:
            problems.append("thiếu mã đơn vị cấp trên")
        if code in seen:
            problems.append(f"mã '{code}' trùng với dòng {seen[code]}")
        if problems:
            errors.append(f"Dòng {index}: " + "; ".join(problems) + ".")
            continue
        seen[code] = index
        rows.append(_Row(index, code, name, full_name, kind, level, parent_code))
    return rows, errors


def _province_of(row: _Row, by_code: dict[str, _Row]) -> str | None:
    current: _Row | None = row
    for _ in range(3):
        if current is None:
            return None
        if current.level == UnitLevel.PROVINCE:
            return current.code
        current = by_code.get(current.parent_code)
    return None


@transaction.atomic
def import_admin_units(
    raw_rows: list[dict[str, str]],
    *,
    province: str | None = None,
    valid_from: datetime.date | None = None,
) -> UnitImportReport:
    """Load an official unit list, all or nothing; a second run of the same file changes nothing.

    ``valid_from`` is the first day of the shape the file describes. A two-level file (no districts)
    defaults to the 2025 reform. With a date, units of the file's provinces that the file no longer
    lists are closed on the day before, and changed units get a new version, so history recorded
    under the old shape stays attached to the old units. Without one, changes correct in place.
    """
    rows, errors = _validate(raw_rows)
    by_code = {row.code: row for row in rows}
    if valid_from is None and rows and not any(r.level == UnitLevel.DISTRICT for r in rows):
        valid_from = REFORM_2025
    if province:
        rows = [row for row in rows if _province_of(row, by_code) == province]
        if not rows and not errors:
            errors.append(f"Tệp không có đơn vị nào thuộc tỉnh mã '{province}'.")

    current = {u.code: u for u in AdministrativeUnit.objects.filter(valid_to__isnull=True)}
    for row in rows:
        if row.level == UnitLevel.PROVINCE:
            continue
        parent = by_code.get(row.parent_code)
        parent_level = parent.level if parent else getattr(current.get(row.parent_code), "level", None)
        if parent_level is None:
            errors.append(f"Dòng {row.line}: không tìm thấy đơn vị cấp trên mã '{row.parent_code}'.")
        elif parent_level not in PARENT_LEVELS[row.level]:
            errors.append(f"Dòng {row.line}: đơn vị cấp trên '{row.parent_code}' không đúng cấp.")
    if errors:
        raise UnitImportError(errors)

    report = UnitImportReport(valid_from=valid_from)
    day_before = valid_from - datetime.timedelta(days=1) if valid_from else None
    for level in LEVEL_ORDER:
        to_create: list[AdministrativeUnit] = []
        to_update: list[AdministrativeUnit] = []
        to_close: list[AdministrativeUnit] = []
        for row in (r for r in rows if r.level == level):
            parent = current.get(row.parent_code) if row.parent_code else None
            existing = current.get(row.code)
            values = {
                "name": row.name,
                "full_name": row.full_name,
                "kind": row.kind,
                "level": row.level,
                "parent_id": parent.pk if parent else None,
            }
            if existing is not None and all(getattr(existing, k) == v for k, v in values.items()):
                report.unchanged += 1
                continue
            path = f"{parent.path if parent else ''}{row.code}/"
            if existing is not None and (valid_from is None or existing.valid_from == valid_from):
                for key, value in values.items():
                    setattr(existing, key, value)
                existing.path = path
                to_update.append(existing)
                continue
            if existing is not None:
                existing.valid_to = day_before
                to_close.append(existing)
            unit = AdministrativeUnit(code=row.code, path=path, valid_from=valid_from, **values)
            to_create.append(unit)
        # Bulk writes keep the audit trail: one history row per unit, in the same transaction.
        bulk_update_audited(to_close, AdministrativeUnit, ["valid_to"], reason=IMPORT_REASON)
        bulk_update_audited(
            to_update,
            AdministrativeUnit,
            ["name", "full_name", "kind", "level", "parent", "path"],
            reason=IMPORT_REASON,
        )
        bulk_create_audited(to_create, AdministrativeUnit, reason=IMPORT_REASON)
        for unit in to_create + to_update:
            current[unit.code] = unit
        report.created += len(to_create)
        report.updated += len(to_update)
        report.closed += len(to_close)
        report.by_level[level] = sum(1 for r in rows if r.level == level)

    if valid_from is not None:
        # The new shape replaces the old one in the provinces the file covers: what it no longer
        # lists (the districts, merged-away communes) ends the day before.
        listed = {row.code for row in rows}
        provinces = [current[row.code].path for row in rows if row.level == UnitLevel.PROVINCE]
        stale = [
            u
            for u in AdministrativeUnit.objects.filter(valid_to__isnull=True).exclude(code__in=listed)
            if any(u.path.startswith(p) for p in provinces)
        ]
        for unit in stale:
            unit.valid_to = max(day_before, unit.valid_from) if unit.valid_from else day_before
        bulk_update_audited(stale, AdministrativeUnit, ["valid_to"], reason=IMPORT_REASON)
        report.closed += len(stale)
    return report
