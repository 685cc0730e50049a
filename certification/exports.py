"""The drill-down list as an xlsx workbook (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from certification.stats import KIND_LABELS, state_label
from registry.models import AdministrativeUnit

# A cell starting with one of these would be read as a formula by a spreadsheet (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def subjects_workbook(rows: Iterable, unit: AdministrativeUnit, year: int, kind: str) -> bytes:
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = _("Năm %(year)s") % {"year": year}
    title = _("Công nhận “An toàn về ANTT” năm %(year)s — %(kind)s — %(unit)s") % {
        "year": year,
        "kind": KIND_LABELS[kind],
        "unit": unit,
    }
    sheet.append([safe_cell(title)])
    sheet["A1"].font = Font(bold=True)
    header = ["STT", "Tên", "Xã/phường", "Trạng thái"]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=1):
        name = row.full_name if isinstance(row, AdministrativeUnit) else row.name
        sheet.append([number, safe_cell(name), safe_cell(row.commune_name), state_label(row.record_state)])
    for column, width in zip("ABCD", (6, 50, 35, 25), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
