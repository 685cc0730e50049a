"""The annual report: the unit's figures in the order a provincial report quotes them.

One list of sections feeds both the printable page and the xlsx workbook, so they cannot disagree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dashboard.services import Figure, UnitFigures
from dashboard.templatetags.dashboard_tags import num, signed

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Line:
    """A row of a section: a label and its cells, in the order of the section's headers."""

    label: str
    cells: list[Any]
    url: str | None = None
    formats: tuple[str, ...] | None = None  # the section's, unless the line reads otherwise


@dataclass
class Section:
    title: str
    sheet: str
    headers: tuple[str, ...]
    lines: list[Line] = field(default_factory=list)
    # how each cell after the label reads: num, signed, rate, text
    formats: tuple[str, ...] = ("num", "num", "signed", "text")

    def display(self) -> list[tuple[Line, list[str]]]:
        """Each line with its cells formatted for reading (the workbook keeps raw numbers)."""
        formatters = {
            "num": num,
            "rate": lambda v: num(v, 1),
            "signed": lambda v: signed(v, 1),
            "text": lambda v: v or "",
        }
        return [
            (line, [formatters[f](v) for f, v in zip(line.formats or self.formats, line.cells, strict=True)])
            for line in self.lines
        ]


def _line(figure: Figure, label: str | None = None) -> Line:
    return Line(
        str(label or figure.label),
        [figure.value, figure.previous, figure.change, figure.unit_label],
        figure.url,
    )


def sections(figures: UnitFigures) -> list[Section]:
    year = figures.year
    headers = (
        _("Chỉ tiêu"),
        _("Năm %(year)s") % {"year": year},
        _("Năm %(year)s") % {"year": year - 1},
        _("Tăng/giảm"),
        _("Đơn vị tính"),
    )
    committees = Section(_("1. Ban chỉ đạo"), _("Ban chỉ đạo"), headers)
    committees.lines = [
        _line(figures.committees, _("Xã, phường, thị trấn có Ban chỉ đạo")),
        _line(figures.communes, _("Tổng số xã, phường, thị trấn")),
        Line(
            _("Tỷ lệ xã có Ban chỉ đạo (%)"),
            [figures.committee_rate, figures.committee_previous_rate, figures.committee_change, "%"],
            formats=("rate", "rate", "signed", "text"),
        ),
    ]
    forces = Section(_("2. Lực lượng nòng cốt"), _("Lực lượng nòng cốt"), headers)
    for pair in [*figures.forces, figures.forces_total]:
        forces.lines.append(_line(pair.units, _("%(force)s: số đơn vị") % {"force": pair.label}))
        forces.lines.append(_line(pair.members, _("%(force)s: số thành viên") % {"force": pair.label}))
    models = Section(_("3. Mô hình tự quản về ANTT"), _("Mô hình tự quản"), headers)
    models.lines = [_line(f) for f in figures.models_by_type] + [_line(figures.models_total)]
    models.lines += [
        _line(f, _("Hiệu quả (đánh giá gần nhất): %(class)s") % {"class": f.label})
        for f in figures.models_by_class
    ]
    cert = Section(
        _("4. Công nhận “An toàn về ANTT”"),
        _("Công nhận ANTT"),
        (
            _("Đối tượng"),
            _("Đạt %(year)s") % {"year": year},
            _("Thuộc diện"),
            _("Tỷ lệ %(year)s (%%)") % {"year": year},
            _("Tỷ lệ %(year)s (%%)") % {"year": year - 1},
            _("Tăng/giảm (điểm %)"),
        ),
        formats=("num", "num", "rate", "rate", "signed"),
    )
    cert.lines = []
    for rate in figures.certification:
        label = str(rate.label)
        cert.lines.append(
            Line(
                label[:1].upper() + label[1:],
                [rate.certified.value, rate.eligible.value, rate.rate, rate.previous_rate, rate.change],
                rate.certified.url,
            )
        )
    results = Section(_("5. Kết quả các đợt vận động"), _("Kết quả vận động"), headers)
    results.lines = [_line(f) for f in figures.results]
    commendations = Section(_("6. Khen thưởng"), _("Khen thưởng"), headers)
    commendations.lines = [_line(f) for f in figures.commendations] + [_line(figures.commendations_total)]
    return [committees, forces, models, cert, results, commendations]


def inert(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula is prefixed with ' (stays text)."""
    if isinstance(value, Promise):  # a translatable label: its text in the active language
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def workbook(figures: UnitFigures) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for section in sections(figures):
        sheet = book.create_sheet(section.sheet[:31])
        title = _("%(title)s — %(unit)s — năm %(year)s") % {
            "title": section.title,
            "unit": figures.scope.name,
            "year": figures.year,
        }
        sheet.append([inert(title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([inert(h) for h in section.headers])
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for line in section.lines:
            sheet.append([inert(line.label), *(inert(v) for v in line.cells)])
        sheet.column_dimensions["A"].width = 55
    return book


def xlsx_response(figures: UnitFigures) -> HttpResponse:
    buffer = io.BytesIO()
    workbook(figures).save(buffer)
    name = slugify(f"bao-cao-{figures.scope.name}-{figures.year}") or "bao-cao"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
