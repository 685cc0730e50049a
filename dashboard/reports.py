"""The annual report: the unit's figures in the order a provincial report quotes them.

One list of sections feeds both the printable page and the xlsx workbook, so they cannot disagree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify
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
            (line, [formatters[f](v) for f, v in zip(self.formats, line.cells, strict=True)])
            for line in self.lines
        ]


def _line(figure: Figure, label: str | None = None) -> Line:
    return Line(
        label or figure.label,
        [figure.value, figure.previous, figure.change, figure.unit_label],
        figure.url,
    )


def sections(figures: UnitFigures) -> list[Section]:
    year = figures.year
    headers = ("Chỉ tiêu", f"Năm {year}", f"Năm {year - 1}", "Tăng/giảm", "Đơn vị tính")
    committees = Section("1. Ban chỉ đạo", "Ban chỉ đạo", headers)
    committees.lines = [
        _line(figures.committees, "Xã, phường, thị trấn có Ban chỉ đạo"),
        _line(figures.communes, "Tổng số xã, phường, thị trấn"),
        Line("Tỷ lệ xã có Ban chỉ đạo (%)", [figures.committee_rate, None, None, "%"]),
    ]
    forces = Section("2. Lực lượng nòng cốt", "Lực lượng nòng cốt", headers)
    for pair in [*figures.forces, figures.forces_total]:
        forces.lines.append(_line(pair.units, f"{pair.label}: số đơn vị"))
        forces.lines.append(_line(pair.members, f"{pair.label}: số thành viên"))
    models = Section("3. Mô hình tự quản về ANTT", "Mô hình tự quản", headers)
    models.lines = [_line(f) for f in figures.models_by_type] + [_line(figures.models_total)]
    models.lines += [_line(f, f"Hiệu quả (đánh giá gần nhất): {f.label}") for f in figures.models_by_class]
    cert = Section(
        "4. Công nhận “An toàn về ANTT”",
        "Công nhận ANTT",
        (
            "Đối tượng",
            f"Đạt {year}",
            "Thuộc diện",
            f"Tỷ lệ {year} (%)",
            f"Tỷ lệ {year - 1} (%)",
            "Tăng/giảm (điểm %)",
        ),
        formats=("num", "num", "rate", "rate", "signed"),
    )
    cert.lines = [
        Line(
            rate.label[:1].upper() + rate.label[1:],
            [rate.certified.value, rate.eligible.value, rate.rate, rate.previous_rate, rate.change],
            rate.certified.url,
        )
        for rate in figures.certification
    ]
    results = Section("5. Kết quả các đợt vận động", "Kết quả vận động", headers)
    results.lines = [_line(f) for f in figures.results]
    commendations = Section("6. Khen thưởng", "Khen thưởng", headers)
    commendations.lines = [_line(f) for f in figures.commendations] + [_line(figures.commendations_total)]
    return [committees, forces, models, cert, results, commendations]


def inert(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula is prefixed with ' (stays text)."""
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
        sheet.append([inert(f"{section.title} — {figures.scope.name} — năm {figures.year}")])
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
