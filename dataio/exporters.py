"""Exports of any (already scoped, already filtered) queryset to xlsx or csv.

Text cells that a spreadsheet program would take for a formula are neutralised with a leading
single quote; numbers and dates stay typed. The importer strips that quote again, so an export
re-imports unchanged.
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from dataio.resources import Column, EntityResource, columns_of
from dataio.widgets import FORMULA_TRIGGERS, NaturalKeyWidget, UnitCodeTextWidget

EXPORT_FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """Make a text cell inert in spreadsheet programs; leave numbers and dates alone."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


CHUNK = 2000


def _value(obj: Any, column: Column) -> Any:
    value = obj
    for part in column.attribute.split("__"):
        value = getattr(value, part, None)
        if value is None:
            break
    return neutralise(column.widget.format(value))


def all_columns(resource_class: type[EntityResource]) -> list[Column]:
    """The resource's own columns, then its extra ones (e.g. one per result metric)."""
    return [*columns_of(resource_class), *resource_class.extra_columns()]


def export_rows(queryset: models.QuerySet, resource_class: type[EntityResource]) -> Iterator[list[Any]]:
    """Header then one list of cells per row; one query per 2,000 rows whatever the size."""
    columns = columns_of(resource_class)
    extras = resource_class.extra_columns()
    related = {c.attribute for c in columns if isinstance(c.widget, NaturalKeyWidget)}
    queryset = queryset.select_related(*related) if related else queryset
    yield [c.header for c in (*columns, *extras)]
    if not extras:
        for obj in queryset.iterator(chunk_size=CHUNK):
            yield [_value(obj, c) for c in columns]
        return
    chunk: list[Any] = []
    for obj in queryset.iterator(chunk_size=CHUNK):
        chunk.append(obj)
        if len(chunk) == CHUNK:
            yield from _with_extras(chunk, resource_class, columns, extras)
            chunk = []
    yield from _with_extras(chunk, resource_class, columns, extras)


def _with_extras(
    objs: list[Any], resource_class: type[EntityResource], columns: tuple[Column, ...], extras: list[Column]
) -> Iterator[list[Any]]:
    if not objs:
        return
    values = resource_class.extra_values([obj.pk for obj in objs])
    for obj in objs:
        own = values.get(obj.pk, {})
        yield [
            *[_value(obj, c) for c in columns],
            *[neutralise(c.widget.format(own.get(c.key))) for c in extras],
        ]


def write_xlsx(rows: Iterator[list[Any]], target: Any, sheet_title: str = "Dữ liệu") -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(sheet_title)[:31])
    header = next(rows)
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for index in range(len(header)):
        sheet.column_dimensions[_letter(index)].width = max(12, min(40, len(header[index]) + 4))
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                out.append(cell)
            else:
                # Text stays text (the data type is set explicitly so "=…" is never a formula).
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"
                out.append(cell)
        sheet.append(out)
    workbook.save(target)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterator[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel then opens the UTF-8 file with the right accents
    for row in rows:
        yield writer.writerow(
            [
                v.strftime("%d/%m/%Y") if isinstance(v, datetime.date) else ("" if v is None else v)
                for v in row
            ]
        )


def export_response(
    queryset: models.QuerySet, resource_class: type[EntityResource], fmt: str, filename: str
) -> HttpResponse | StreamingHttpResponse:
    """A download of ``queryset`` (already scoped and filtered by the caller) as xlsx or csv."""
    rows = export_rows(queryset, resource_class)
    if fmt == "csv":
        response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if fmt != "xlsx":
        raise ValueError(f"Định dạng xuất không hỗ trợ: {fmt}")
    spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 - closed by the response
    write_xlsx(rows, spool, resource_class.label or "Dữ liệu")
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_TYPE)


def template_workbook(resource_class: type[EntityResource]) -> bytes:
    """The downloadable template: the headers, and a sheet explaining each column with an example.

    The example is not a row of the data sheet: rows typed below it would be imported with it.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    columns = all_columns(resource_class)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dữ liệu"
    sheet.append([c.header for c in columns])
    required = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(columns, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        if column.required:
            header.fill = required
        letter = _letter(index - 1)
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.header) + 4))
        if isinstance(column.widget, (NaturalKeyWidget, UnitCodeTextWidget)):
            # Codes keep their leading zeros only as text: the whole column is formatted as text.
            sheet.column_dimensions[letter].number_format = "@"
    # The first sheet is the file format (Vietnamese headers); this one only explains it to the reader.
    guide = workbook.create_sheet(_("Hướng dẫn"))
    guide.append(
        [_("Cột"), _("Tên tiếng Anh (cũng được chấp nhận)"), _("Bắt buộc"), _("Ví dụ"), _("Ghi chú")]
    )
    for column in columns:
        example = resource_class.sample.get(column.key)
        guide.append(
            [
                column.header,
                column.key,
                _("Có") if column.required else "",
                "" if example is None else str(example),
                str(_hint(column)),
            ]
        )
    for letter, width in zip("ABCDE", (34, 30, 10, 30, 70), strict=True):
        guide.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _hint(column: Column) -> str:
    from dataio import widgets

    widget = column.widget
    if column.help_text:
        return column.help_text
    if isinstance(widget, widgets.UnitCodeWidget):
        return _("Mã chính thức của đơn vị (nhập dạng văn bản để giữ số 0 đầu).")
    if isinstance(widget, NaturalKeyWidget):
        if widget.within:
            return _("Tên %(label)s trong xã/phường đã ghi, đúng như trong danh mục.") % {
                "label": widget.label
            }
        return _("Tên %(label)s, đúng như trong danh mục.") % {"label": widget.label}
    if isinstance(widget, widgets.ChoiceWidget):
        # The choices are written as the file has them (Vietnamese), whatever the page's language.
        return _("Một trong: %(choices)s") % {"choices": ", ".join(widget.labels.values())}
    if isinstance(widget, widgets.DateCellWidget):
        return _("Ngày dạng ngày/tháng/năm, ví dụ 15/03/2024.")
    if isinstance(widget, widgets.IntegerWidget):
        if widget.min_value is not None:
            return _("Số nguyên ≥ %(min)s.") % {"min": widget.min_value}
        return _("Số nguyên.")
    if isinstance(widget, widgets.BooleanCellWidget):
        return _("'Có' hoặc 'Không' (để trống: Có).")
    return ""


# --- List pages -------------------------------------------------------------------------------------

EXPORT_PARAM = "export"


def export_links(request: Any, model: type[models.Model]) -> dict[str, Any]:
    """Context for a list page's "Xuất Excel / Xuất CSV" buttons: the page's own filters plus
    ``export=…`` (without the page number: an export has every filtered row). Empty when the
    model has no import/export resource."""
    from dataio.entities import slug_for_model

    if slug_for_model(model) is None:
        return {}
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(EXPORT_PARAM, None)
    encoded = query.urlencode()
    return {"export_query": f"{encoded}&" if encoded else ""}


def list_export(request: Any, queryset: models.QuerySet) -> HttpResponse | StreamingHttpResponse | None:
    """The download a list page was asked for (``?export=xlsx|csv``), else None.

    ``queryset`` must be the page's own rows: scoped with ``visible_to`` and filtered, before
    pagination; the export then has exactly the rows the page lists.
    """
    from django.utils import timezone

    from dataio.entities import get_resource, slug_for_model

    fmt = request.GET.get(EXPORT_PARAM)
    slug = slug_for_model(queryset.model)
    if fmt not in EXPORT_FORMATS or slug is None:
        return None
    return export_response(queryset, get_resource(slug), fmt, f"{slug}-{timezone.localdate():%Y%m%d}")
