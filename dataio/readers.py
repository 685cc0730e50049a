"""Reading uploaded spreadsheets (xlsx, xls, csv) into rows, within the configured limits.

Checks come before parsing: the size, then for xlsx the zip's declared member sizes and ratios
(a decompression bomb is refused without inflating anything). xlsx is read with calamine, which
uses the sheet's real extent: a LibreOffice file with a million formatted empty rows is quick.
Every reader also stops at a long run of empty rows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.utils.formats import get_format
from django.utils.translation import gettext as _

FORMATS = ("xlsx", "xls", "csv")
EMPTY_RUN_STOP = 1000  # this many empty rows in a row end the table


class FileRefused(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class Table:
    format: str
    header: list[str]
    header_row: int  # spreadsheet row number of the header (1-based)
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells)


def vi_number(value: int) -> str:
    """12345 → "12.345" with the active language's thousands separator (Vietnamese: a dot).

    Not ``number_format(force_grouping=True)``: Django's Vietnamese formats set no grouping size.
    """
    return f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))


def detect_format(head: bytes, filename: str) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("xlsx", "xls"):
        raise FileRefused(_("Tệp '%(name)s' không phải là tệp Excel hợp lệ.") % {"name": filename})
    return "csv"


def check_zip(data: IO[bytes]) -> None:
    """Refuse an xlsx whose members would inflate beyond the limits, from the declared sizes."""
    limit = settings.IMPORT_MAX_UNCOMPRESSED_BYTES
    ratio_limit = settings.IMPORT_MAX_COMPRESSION_RATIO
    try:
        archive = zipfile.ZipFile(data)
    except zipfile.BadZipFile:
        raise FileRefused(_("Tệp xlsx bị hỏng (không đọc được cấu trúc zip).")) from None
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1_000_000 and ratio > ratio_limit:
            raise FileRefused(
                _(
                    "Tệp bị từ chối: thành phần '%(member)s' nén với tỷ lệ bất thường "
                    "(%(ratio)s:1), có thể là tệp nén độc hại."
                )
                % {"member": info.filename, "ratio": f"{ratio:.0f}"}
            )
    if total > limit:
        raise FileRefused(
            _("Tệp bị từ chối: nội dung giải nén %(size)s MB vượt giới hạn %(limit)s MB.")
            % {"size": vi_number(total // 1_000_000), "limit": vi_number(limit // 1_000_000)}
        )
    data.seek(0)


def _is_empty(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


HEADER_SEARCH_ROWS = 10  # title lines above the header ("DANH SÁCH KHU DÂN CƯ …") are skipped


def _collect(
    numbered: Iterator[tuple[int, list[Any]]], max_rows: int, is_header: Callable[[str], bool] | None
) -> tuple[int, list[Any], list]:
    """Header and data rows; stops at a long empty run; enforces the row limit.

    The header is the first of the first non-empty rows holding a known column name (``is_header``),
    or the first non-empty row."""
    header_row, header = 0, None
    leading: list[tuple[int, list[Any]]] = []  # non-empty rows while the header is not settled
    rows: list[tuple[int, list[Any]]] = []
    empty_run = 0
    for number, cells in numbered:
        if _is_empty(cells):
            empty_run += 1
            if empty_run >= EMPTY_RUN_STOP and header is not None:
                break
            continue
        empty_run = 0
        if header is None:
            leading.append((number, cells))
            if is_header is None or any(isinstance(c, str) and is_header(c) for c in cells):
                header_row, header = number, cells  # what came before it are title lines
                leading = []
            elif len(leading) >= HEADER_SEARCH_ROWS:
                (header_row, header), *rest = leading
                rows.extend(rest)
                leading = []
            continue
        rows.append((number, cells))
        if len(rows) > max_rows:
            raise FileRefused(
                _(
                    "Tệp có hơn %(rows)s dòng dữ liệu, vượt giới hạn cho một lần nhập; "
                    "hãy chia thành nhiều tệp."
                )
                % {"rows": vi_number(max_rows)}
            )
    if header is None and leading:  # a short file with no known column name
        (header_row, header), *rest = leading
        rows.extend(rest)
    return header_row, header or [], rows


def _read_xlsx(data: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    from python_calamine import CalamineWorkbook

    check_zip(data)
    try:
        workbook = CalamineWorkbook.from_filelike(data)
        sheet = workbook.get_sheet_by_index(0)
    except Exception as exc:  # calamine raises its own error types for broken files
        raise FileRefused(_("Không đọc được tệp Excel: %(error)s") % {"error": exc}) from None
    first = sheet.start[0] + 1 if sheet.start else 1
    for offset, row in enumerate(sheet.iter_rows()):
        yield first + offset, [None if c == "" else c for c in row]


def _read_xls(data: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data.read(), on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception as exc:  # xlrd raises bare errors for broken files
        raise FileRefused(_("Không đọc được tệp Excel 97-2003: %(error)s") % {"error": exc}) from None
    for index in range(sheet.nrows):
        cells = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                cells.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                cells.append(None)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                cells.append(bool(cell.value))
            else:
                cells.append(cell.value)
        yield index + 1, cells


def decode_text(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            _(
                "Tệp CSV phải mã hoá UTF-8 (trong Excel: Lưu thành, chọn CSV UTF-8). "
                "Tệp này dùng bảng mã khác nên tiếng Việt sẽ bị sai."
            )
        ) from None


def sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def _read_csv(data: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    text = decode_text(data.read())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise FileRefused(
            _("Tệp CSV sai định dạng ở dòng %(row)s: %(error)s") % {"row": reader.line_num, "error": exc}
        ) from None


def megabytes(size: int) -> str:
    """A size for people: 25,0 MB, or bytes when small (the active language's separators)."""
    if size >= 100_000:
        return f"{size / 1_000_000:.1f} MB".replace(".", get_format("DECIMAL_SEPARATOR"))
    return _("%(size)s byte") % {"size": vi_number(size)}


def read_table(
    data: IO[bytes],
    filename: str,
    size: int | None = None,
    is_header: Callable[[str], bool] | None = None,
) -> Table:
    """Read the first sheet of an uploaded file; raise :class:`FileRefused` with a clear message.

    ``is_header`` tells a known column name, to find the header below any title lines."""
    if size is None:
        data.seek(0, io.SEEK_END)
        size = data.tell()
    data.seek(0)
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if size > limit:
        raise FileRefused(
            _("Tệp %(size)s vượt giới hạn %(limit)s cho một lần nhập; hãy chia thành nhiều tệp.")
            % {"size": megabytes(size), "limit": megabytes(limit)}
        )
    if size == 0:
        raise FileRefused(_("Tệp rỗng."))
    fmt = detect_format(data.read(8), filename)
    data.seek(0)
    reader = {"xlsx": _read_xlsx, "xls": _read_xls, "csv": _read_csv}[fmt]
    header_row, header, rows = _collect(reader(data), settings.IMPORT_MAX_ROWS, is_header)
    if not header:
        raise FileRefused(_("Tệp không có dòng tiêu đề (tên cột) nào."))
    if not rows:
        # Nothing to import is not a success with nothing changed: likely the wrong sheet or file.
        raise FileRefused(_("Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề)."))
    return Table(fmt, ["" if h is None else str(h) for h in header], header_row, rows)
