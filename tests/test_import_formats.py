"""Reading each format: xlsx, xls, csv (UTF-8 with or without BOM, comma or semicolon)."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest

from registry.models import ResidentialArea
from tests.import_helpers import AREA_HEADER, csv_bytes, import_file, xls_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

ROWS = [
    AREA_HEADER,
    ["22615", "Thôn Ba Cẩm", "Thôn", 120, 480],
    ["22621", "Tổ dân phố 1", "Tổ dân phố", 80, ""],
]


def _assert_imported(outcome) -> None:
    assert outcome.ok, outcome.message
    assert outcome.plan.counts == {"new": 2, "updated": 0, "unchanged": 0}
    area = ResidentialArea.objects.get(name="Thôn Ba Cẩm")
    assert (area.commune.code, area.kind.name, area.households, area.population) == (
        "22615",
        "Thôn",
        120,
        480,
    )
    other = ResidentialArea.objects.get(name="Tổ dân phố 1")
    assert other.population is None and other.name_search == "to dan pho 1"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("khu.xlsx", xlsx_bytes(ROWS)),
        ("khu.xls", xls_bytes(ROWS)),
        ("khu.csv", csv_bytes(ROWS)),
        ("khu-bom.csv", csv_bytes(ROWS, bom=True)),
        ("khu-semicolon.csv", csv_bytes(ROWS, delimiter=";")),
        ("khu-semicolon-bom.csv", csv_bytes(ROWS, delimiter=";", bom=True)),
    ],
)
def test_each_format_imports_the_same_rows(tree, users, catalogues, name, data):
    _assert_imported(import_file("areas", data, name, users.admin))


def test_format_is_detected_from_content_not_extension(tree, users, catalogues):
    outcome = import_file("areas", xlsx_bytes(ROWS), "khu.csv", users.admin)
    assert outcome.log.file_format == "xlsx"
    _assert_imported(outcome)


def test_english_field_names_are_accepted_as_headers(tree, users, catalogues):
    rows = [["commune", "name", "kind", "households", "population"], *ROWS[1:]]
    _assert_imported(import_file("areas", csv_bytes(rows), "en.csv", users.admin))


def test_numeric_commune_code_cell_keeps_its_digits(tree, users, catalogues):
    rows = [AREA_HEADER, [22615, "Thôn Ba Cẩm", "Thôn", 120, 480]]
    outcome = import_file("areas", xlsx_bytes(rows), "so.xlsx", users.admin)
    assert outcome.ok, outcome.message
    assert ResidentialArea.objects.get().commune.code == "22615"


def test_non_utf8_csv_is_refused_with_a_clear_message(tree, users, catalogues):
    text = "Mã xã,Tên thôn/tổ dân phố,Loại khu dân cư\n22615,Thôn Ba,Thôn\n"
    data = text.encode("cp1258", errors="replace")  # Windows' Vietnamese code page
    outcome = import_file("areas", data, "cu.csv", users.admin)
    assert "UTF-8" in outcome.refused
    assert not ResidentialArea.objects.exists()


def libreoffice_like_xlsx(rows: list[list], empty_rows: int) -> bytes:
    """An xlsx like LibreOffice writes for a formatted sheet: a full-height dimension and a
    formatted (empty) row element for each of ``empty_rows`` rows below the data."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(rows)))
    out = io.BytesIO()
    first = len(rows) + 1
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(r'<dimension ref="[^"]+"', '<dimension ref="A1:AMJ1048576"', data.decode())
                empty = "".join(
                    f'<row r="{r}" s="1" customFormat="true" ht="12.8">'
                    f'<c r="A{r}" s="1"/><c r="B{r}" s="1"/></row>'
                    for r in range(first, first + empty_rows)
                )
                data = text.replace("</sheetData>", empty + "</sheetData>").encode()
            target.writestr(info, data)
    return out.getvalue()


def test_xlsx_with_a_million_formatted_empty_rows_is_read_quickly(tree, users, catalogues):
    data = libreoffice_like_xlsx(ROWS, 1_000_000)
    start = time.perf_counter()
    outcome = import_file("areas", data, "libreoffice.xlsx", users.admin)
    assert time.perf_counter() - start < 15  # reading every empty row through openpyxl takes minutes
    assert [r.row for r in outcome.plan.results] == [2, 3]
    _assert_imported(outcome)


def test_blank_lines_and_rows_inside_the_data_are_skipped_and_numbers_stay_spreadsheet_rows(
    tree, users, catalogues
):
    rows = [AREA_HEADER, ["22615", "Thôn A", "Thôn", 1, 2], [], ["22615", "Thôn B", "Thôn", "x", 2]]
    outcome = import_file("areas", csv_bytes(rows), "blank.csv", users.admin)
    assert [(i.row, i.column) for i in outcome.plan.errors] == [(4, "Số hộ")]


def test_title_lines_above_the_header_are_skipped(tree, users, catalogues):
    rows = [["DANH SÁCH KHU DÂN CƯ XÃ KHÁNH BÌNH"], ["(kèm theo báo cáo số 12/BC)"], [], *ROWS]
    outcome = import_file("areas", xlsx_bytes(rows), "tieu-de.xlsx", users.admin)
    assert outcome.log.status == "ok"
    assert [r.row for r in outcome.plan.results] == [5, 6]
    _assert_imported(outcome)
