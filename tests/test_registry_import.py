"""Loading the official administrative-unit lists: idempotent, all or nothing, with line numbers."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from registry.demo import UNITS_FIXTURE
from registry.models import AdministrativeUnit
from registry.services import UnitImportError, import_admin_units, read_unit_rows

pytestmark = pytest.mark.django_db

HEADER = "code,name,full_name,kind,level,parent_code\n"
TWO_PROVINCES = HEADER + (
    "56,Khánh Hòa,Tỉnh Khánh Hòa,Tỉnh,province,\n"
    "573,Khánh Vĩnh,Huyện Khánh Vĩnh,Huyện,district,56\n"
    "22615,Khánh Bình,Xã Khánh Bình,Xã,commune,573\n"
    "58,Ninh Thuận,Tỉnh Ninh Thuận,Tỉnh,province,\n"
    "582,Phan Rang-Tháp Chàm,Thành phố Phan Rang-Tháp Chàm,Thành phố,district,58\n"
)


def rows(text: str) -> list[dict[str, str]]:
    return read_unit_rows(io.StringIO(text))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "units.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_importing_the_same_file_twice_changes_nothing():
    first = import_admin_units(read_unit_rows(UNITS_FIXTURE))
    assert first.created == AdministrativeUnit.objects.count() == 142
    paths = dict(AdministrativeUnit.objects.values_list("code", "path"))
    second = import_admin_units(read_unit_rows(UNITS_FIXTURE))
    assert (second.created, second.updated, second.closed, second.unchanged) == (0, 0, 0, 142)
    assert not second.changed
    assert dict(AdministrativeUnit.objects.values_list("code", "path")) == paths
    assert paths["22615"] == "56/573/22615/"


def test_a_bad_row_is_reported_with_its_line_number_and_nothing_is_written():
    text = TWO_PROVINCES + "2261,Sai Mã,Xã Sai Mã,Xã,commune,573\n" + "22621,,Xã Không Tên,Xã,commune,573\n"
    with pytest.raises(UnitImportError) as error:
        import_admin_units(rows(text))
    assert error.value.errors == [
        "Dòng 7: mã '2261' không hợp lệ: cấp này cần 5 chữ số.",
        "Dòng 8: thiếu tên.",
    ]
    assert not AdministrativeUnit.objects.exists()


def test_unknown_parent_is_an_error_for_the_whole_file():
    with pytest.raises(UnitImportError) as error:
        import_admin_units(rows(TWO_PROVINCES + "22999,Mồ Côi,Xã Mồ Côi,Xã,commune,599\n"))
    assert error.value.errors == ["Dòng 7: không tìm thấy đơn vị cấp trên mã '599'."]
    assert not AdministrativeUnit.objects.exists()


def test_lower_case_kind_of_the_2025_file_becomes_xa():
    # The real 2025 list writes this one commune's kind in lower case.
    text = HEADER + "20,Lạng Sơn,Tỉnh Lạng Sơn,Tỉnh,province,\n06325,Bắc Sơn,xã Bắc Sơn,xã,commune,20\n"
    report = import_admin_units(rows(text))
    commune = AdministrativeUnit.objects.get(code="06325")
    assert commune.kind == "Xã"
    assert commune.path == "20/06325/"
    # A file without districts is the two-tier shape that starts on 1 July 2025.
    assert report.valid_from == commune.valid_from == datetime.date(2025, 7, 1)


def test_province_option_loads_one_province_only(tmp_path, capsys):
    call_command("import_admin_units", str(write(tmp_path, TWO_PROVINCES)), province="56")
    assert set(AdministrativeUnit.objects.values_list("code", flat=True)) == {"56", "573", "22615"}
    assert "Đã thêm 3" in capsys.readouterr().out


def test_command_is_all_or_nothing_and_lists_every_error(tmp_path, capsys):
    path = write(tmp_path, TWO_PROVINCES + "22621,Khánh Đông,Xã Khánh Đông,Xã,commune,\n")
    with pytest.raises(CommandError, match="Không nạp gì cả: 1 lỗi"):
        call_command("import_admin_units", str(path))
    assert "Dòng 7: thiếu mã đơn vị cấp trên." in capsys.readouterr().err
    assert not AdministrativeUnit.objects.exists()


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("import_admin_units", str(tmp_path / "khong-co.csv"))
