"""Helpers for the import tests: files in each format, catalogues, one call to import."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest

from dataio.entities import get_resource
from dataio.services import ImportOutcome, run_import
from registry.models import AreaKind, EffectivenessClass, ForceType, ModelType, OrganisationType

AREA_HEADER = ["Mã xã", "Tên thôn/tổ dân phố", "Loại khu dân cư", "Số hộ", "Số nhân khẩu"]


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls_bytes(rows: list[list[Any]]) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Dữ liệu")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def response_bytes(response: Any) -> bytes:
    """The body of a response, streamed (exports) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def import_file(entity: str, data: bytes, name: str, user: Any, *, dry_run: bool = False) -> ImportOutcome:
    return run_import(get_resource(entity), io.BytesIO(data), name, user, dry_run=dry_run)


def errors_of(outcome: ImportOutcome) -> list[tuple[int, str, str]]:
    return [(i.row, i.column, i.message) for i in outcome.plan.errors]


@pytest.fixture
def fast_passwords(settings) -> None:
    """The shared users fixture hashes seven passwords; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogues(db) -> None:
    for name in ("Thôn", "Tổ dân phố", "Buôn"):
        AreaKind.objects.create(name=name)
    OrganisationType.objects.create(name="Trường trung học cơ sở", category="school")
    ForceType.objects.create(name="Tổ bảo vệ an ninh, trật tự")
    ModelType.objects.create(name="Camera an ninh")
    EffectivenessClass.objects.create(name="Tốt", rank=1)
    EffectivenessClass.objects.create(name="Khá", rank=2)


def zip_bomb_xlsx(inflated_gib: int = 2) -> bytes:
    """A real xlsx whose sheet inflates to ``inflated_gib`` GiB of spaces (honest zip headers).

    The deflate stream is one compressed 16 MiB block repeated, so building it takes a second."""
    import struct
    import zlib

    chunk = 16 * 1024 * 1024
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(b" " * chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeats = inflated_gib * 1024 * 1024 * 1024 // chunk
    crc = 0
    spaces = b" " * chunk
    for _ in range(repeats):
        crc = zlib.crc32(spaces, crc)
    bomb = (block * repeats + b"\x03\x00", crc, chunk * repeats)

    members = []
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([AREA_HEADER])))
    for info in source.infolist():
        if info.filename == "xl/worksheets/sheet1.xml":
            members.append((info.filename, *bomb))
            continue
        raw = source.read(info.filename)
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        members.append((info.filename, packer.compress(raw) + packer.flush(), zlib.crc32(raw), len(raw)))
    out = io.BytesIO()
    central = b""
    for name, data, checksum, size in members:
        offset = out.tell()
        encoded = name.encode()
        out.write(
            struct.pack(
                "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, checksum, len(data), size, len(encoded), 0
            )
            + encoded
            + data
        )
        central += (
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0,
                checksum,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    out.write(central)
    out.write(
        struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), start, 0)
    )
    return out.getvalue()
