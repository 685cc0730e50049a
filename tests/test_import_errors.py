"""Every kind of bad input is reported, all at once, with row, column and a Vietnamese message;
and any error means nothing is written."""

from __future__ import annotations

import datetime
import time

import pytest

from accounts.roles import ROLE_ACTIONS, Action, Role
from registry.models import ResidentialArea, SecurityModel, SteeringCommittee
from tests.import_helpers import AREA_HEADER, csv_bytes, errors_of, import_file, xlsx_bytes, zip_bomb_xlsx

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

COMMITTEE_HEADER = ["Mã xã", "Số quyết định", "Ngày quyết định", "Trưởng ban", "Số thành viên"]


def test_every_bad_row_is_listed_at_once_and_nothing_is_written(tree, users, catalogues):
    rows = [
        AREA_HEADER,
        ["22615", "Thôn 1", "Thôn", 10, 40],  # good
        ["99999", "Thôn 2", "Thôn", 10, 40],  # unknown commune
        ["22615", "Thôn 3", "Xóm", 10, 40],  # unknown kind
        ["22615", "Thôn 4", "Thôn", "mười", 40],  # bad number
        ["22615", "thôn 1", "Thôn", 12, 40],  # duplicate of row 2 (same name, any case)
        ["573", "Thôn 6", "Thôn", 1, 1],  # a district code where a commune is needed
        ["22615", "", "Thôn", 1, 1],  # required value missing
        ["22615", "Thôn 8", "Thôn", -3, 1],  # negative count
        ["2261", "Thôn 9", "Thôn", 1, 1],  # malformed code
    ]
    outcome = import_file("areas", xlsx_bytes(rows), "loi.xlsx", users.admin)
    assert not outcome.ok
    assert errors_of(outcome) == [
        (3, "Mã xã", "Không tìm thấy xã/phường '99999'."),
        (4, "Loại khu dân cư", "Không tìm thấy loại khu dân cư 'Xóm'."),
        (5, "Số hộ", "'mười' không phải là số nguyên."),
        (6, "Tên thôn/tổ dân phố", "Trùng với dòng 2 (cùng Mã xã, Tên thôn/tổ dân phố)."),
        (7, "Mã xã", "Mã xã '573' không hợp lệ: mã xã có 5 chữ số."),
        (8, "Tên thôn/tổ dân phố", "Thiếu giá trị bắt buộc."),
        (9, "Số hộ", "Phải lớn hơn hoặc bằng 0 (đang là -3)."),
        (10, "Mã xã", "Mã xã '2261' không hợp lệ: mã xã có 5 chữ số."),
    ]
    assert not ResidentialArea.objects.exists()
    assert outcome.log.status == "invalid" and outcome.log.error_count == 8


def test_a_code_of_the_wrong_level_is_reported(tree, users, catalogues):
    rows = [AREA_HEADER, ["56", "Thôn 1", "Thôn", 1, 1]]
    assert errors_of(import_file("areas", csv_bytes(rows), "a.csv", users.admin)) == [
        (2, "Mã xã", "Mã xã '56' không hợp lệ: mã xã có 5 chữ số.")
    ]


def test_bad_dates_and_numbers_are_reported_per_cell(tree, users, catalogues):
    rows = [
        COMMITTEE_HEADER,
        ["22615", "1/QĐ", "31/02/2024", "Nguyễn Văn A", 12],
        ["22621", "2/QĐ", "hôm qua", "Trần Văn B", "12,5"],
        ["22651", "3/QĐ", "2024-03-15", "Lê Văn C", 0],
    ]
    outcome = import_file("committees", csv_bytes(rows), "bcd.csv", users.admin)
    date_message = "không phải là ngày hợp lệ (dạng ngày/tháng/năm, ví dụ 15/03/2024)."
    assert errors_of(outcome) == [
        (2, "Ngày quyết định", f"'31/02/2024' {date_message}"),
        (3, "Ngày quyết định", f"'hôm qua' {date_message}"),
        (3, "Số thành viên", "'12,5' không phải là số nguyên."),
        (4, "Số thành viên", "Phải lớn hơn hoặc bằng 1 (đang là 0)."),
    ]
    assert not SteeringCommittee.objects.exists()


def test_missing_required_column_is_reported_before_any_row(tree, users, catalogues):
    rows = [["Mã xã", "Tên thôn/tổ dân phố", "Số hộ"], ["22615", "Thôn 1", 3]]
    outcome = import_file("areas", csv_bytes(rows), "thieu.csv", users.admin)
    assert errors_of(outcome) == [(1, "Loại khu dân cư", "Thiếu cột bắt buộc 'Loại khu dân cư'.")]


def test_unknown_column_is_reported_with_the_row_errors(tree, users, catalogues):
    rows = [[*AREA_HEADER, "Ghi chu"], ["22615", "Thôn 1", "Thôn", "x", 1, "?"]]
    outcome = import_file("areas", csv_bytes(rows), "cot.csv", users.admin)
    assert errors_of(outcome) == [
        (1, "Ghi chu", "Cột không được hỗ trợ (kiểm tra chính tả hoặc tải tệp mẫu)."),
        (2, "Số hộ", "'x' không phải là số nguyên."),
    ]


def test_unit_outside_the_importers_scope_is_an_error_of_that_row(tree, users, catalogues, monkeypatch):
    # A province may let commune staff import: the rows must still stay inside their commune.
    monkeypatch.setitem(ROLE_ACTIONS, Role.COMMUNE_STAFF, frozenset(Action))
    rows = [AREA_HEADER, ["22615", "Thôn 1", "Thôn", 1, 1], ["22621", "Thôn 2", "Thôn", 1, 1]]
    outcome = import_file("areas", csv_bytes(rows), "pv.csv", users.commune_staff)
    assert errors_of(outcome) == [
        (3, "Mã xã", "Đơn vị '22621' (Xã Khánh Đông) nằm ngoài phạm vi bạn được phép nhập.")
    ]
    assert not ResidentialArea.objects.exists()


def test_a_model_named_in_another_commune_is_not_found(tree, users, catalogues):
    from registry.models import ModelType

    SecurityModel.objects.create(commune=tree.commune, name="Camera", model_type=ModelType.objects.get())
    rows = [
        ["Mã xã", "Tên mô hình", "Ngày đánh giá", "Hình thức", "Mức hiệu quả"],
        ["22621", "Camera", "15/06/2024", "Sơ kết", "Tốt"],
        ["22615", "Camera", "15/06/2024", "Giữa kỳ", "Tốt"],
    ]
    outcome = import_file("model-reviews", csv_bytes(rows), "dg.csv", users.admin)
    assert errors_of(outcome) == [
        (2, "Tên mô hình", "Không tìm thấy mô hình 'Camera' thuộc mã xã '22621'."),
        (3, "Hình thức", "'Giữa kỳ' không hợp lệ; chọn một trong: 'Sơ kết', 'Tổng kết'."),
    ]


def test_oversized_file_is_refused_with_a_clear_message(tree, users, catalogues, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    rows = [AREA_HEADER] + [["22615", f"Thôn {i}", "Thôn", 1, 1] for i in range(100)]
    data = csv_bytes(rows)
    assert len(data) == 2674
    outcome = import_file("areas", data, "to.csv", users.admin)
    assert (
        outcome.refused
        == "Tệp 2.674 byte vượt giới hạn 1.000 byte cho một lần nhập; hãy chia thành nhiều tệp."
    )
    assert outcome.log.status == "refused"
    assert not ResidentialArea.objects.exists()


def test_too_many_rows_is_refused(tree, users, catalogues, settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [AREA_HEADER] + [["22615", f"Thôn {i}", "Thôn", 1, 1] for i in range(6)]
    outcome = import_file("areas", csv_bytes(rows), "nhieu.csv", users.admin)
    assert (
        outcome.refused
        == "Tệp có hơn 5 dòng dữ liệu, vượt giới hạn cho một lần nhập; hãy chia thành nhiều tệp."
    )


def test_zip_bomb_is_refused_quickly_without_inflating(tree, users, catalogues):
    data = zip_bomb_xlsx(inflated_gib=2)
    assert len(data) < 3_000_000
    start = time.perf_counter()
    outcome = import_file("areas", data, "bom.xlsx", users.admin)
    assert time.perf_counter() - start < 2
    assert "nén với tỷ lệ bất thường" in outcome.refused
    assert outcome.log.status == "refused"


def test_a_broken_xlsx_is_refused(tree, users, catalogues):
    outcome = import_file("areas", b"PK\x03\x04 not really a zip", "hong.xlsx", users.admin)
    assert outcome.refused == "Tệp xlsx bị hỏng (không đọc được cấu trúc zip)."


def test_users_without_the_import_action_cannot_import(tree, users, catalogues):
    from django.core.exceptions import PermissionDenied

    rows = [AREA_HEADER, ["22615", "Thôn 1", "Thôn", 1, 1]]
    for user in (users.province_staff, users.commune_staff, users.reviewer, users.leadership):
        with pytest.raises(PermissionDenied):
            import_file("areas", csv_bytes(rows), "a.csv", user)
    assert not ResidentialArea.objects.exists()


def test_a_province_row_is_out_of_scope_for_anyone_but_administrators(tree, users, catalogues, monkeypatch):
    monkeypatch.setitem(ROLE_ACTIONS, Role.PROVINCE_STAFF, frozenset(Action))
    rows = [
        ["Mã đơn vị", "Tên", "Tên đầy đủ", "Loại đơn vị", "Cấp", "Mã đơn vị cấp trên"],
        ["60", "Mới", "Tỉnh Mới", "Tỉnh", "Cấp tỉnh", ""],
        ["22627", "Khánh Trung", "Xã Khánh Trung", "Xã", "Cấp xã", "573"],
        ["22901", "Phước Hà", "Xã Phước Hà", "Xã", "Cấp xã", "58"],
    ]
    outcome = import_file("units", csv_bytes(rows), "dv.csv", users.province_staff)
    assert errors_of(outcome) == [
        (2, "Cấp", "Chỉ quản trị hệ thống được thêm, sửa đơn vị cấp tỉnh."),
        (4, "Mã đơn vị cấp trên", "Đơn vị '58' (Tỉnh Ninh Thuận) nằm ngoài phạm vi bạn được phép nhập."),
    ]


def test_a_committee_decision_number_used_again_on_another_date_is_a_new_committee(tree, users, catalogues):
    # Numbers start again every year; a commune's 2026 "1/QĐ" is not its 2023 one.
    rows = [
        [*COMMITTEE_HEADER, "Đang hoạt động"],
        ["22615", "1/QĐ", "15/01/2023", "Nguyễn Văn A", 12, "Không"],
        ["22615", "1/QĐ", "05/01/2026", "Trần Văn B", 10, "Có"],
    ]
    outcome = import_file("committees", csv_bytes(rows), "bcd.csv", users.admin)
    assert outcome.ok, errors_of(outcome)
    assert sorted(SteeringCommittee.objects.values_list("head_name", "is_active")) == [
        ("Nguyễn Văn A", False),
        ("Trần Văn B", True),
    ]


def test_two_active_committees_for_one_commune_are_reported_in_the_dry_run(tree, users, catalogues):
    SteeringCommittee.objects.create(
        commune=tree.commune,
        decision_number="1/QĐ",
        decision_date=datetime.date(2023, 1, 15),
        head_name="Nguyễn Văn A",
        member_count=12,
    )
    rows = [
        [*COMMITTEE_HEADER, "Đang hoạt động"],
        ["22615", "5/QĐ", "05/01/2026", "Trần Văn B", 10, "Có"],
        ["22621", "9/QĐ", "01/02/2024", "Lê Văn D", 9, ""],
    ]
    outcome = import_file("committees", csv_bytes(rows), "bcd.csv", users.admin, dry_run=True)
    assert errors_of(outcome) == [
        (
            2,
            "Đang hoạt động",
            "Xã/phường chỉ có một ban chỉ đạo đang hoạt động; sau khi nhập sẽ có 2 (1/QĐ, 5/QĐ). "
            "Ghi “Không” ở cột “Đang hoạt động” cho ban cũ.",
        )
    ]
    # The fix the message asks for: the old committee, in the same file, stops being active.
    rows.append(["22615", "1/QĐ", "15/01/2023", "Nguyễn Văn A", 12, "Không"])
    outcome = import_file("committees", csv_bytes(rows), "bcd.csv", users.admin)
    assert outcome.ok, errors_of(outcome)
    assert list(
        SteeringCommittee.objects.filter(is_active=True)
        .order_by("decision_number")
        .values_list("decision_number", flat=True)
    ) == ["5/QĐ", "9/QĐ"]


def test_a_database_constraint_broken_by_the_file_saves_nothing(tree, users, catalogues, monkeypatch):
    # A rule only the database knows: the planner's own check of this one is switched off.
    from registry.resources import SteeringCommitteeResource

    monkeypatch.setattr(SteeringCommitteeResource, "validate_resolved", lambda self, rows: [])
    rows = [
        [*COMMITTEE_HEADER, "Đang hoạt động"],
        ["22621", "9/QĐ", "01/02/2024", "Lê Văn D", 9, "Có"],
        ["22615", "1/QĐ", "15/01/2024", "Nguyễn Văn A", 12, "Có"],
        ["22615", "2/QĐ", "20/01/2024", "Trần Văn B", 10, "Có"],
    ]
    outcome = import_file("committees", csv_bytes(rows), "bcd.csv", users.admin)
    assert outcome.failed == (
        "Không ghi được vì dữ liệu vi phạm ràng buộc của cơ sở dữ liệu "
        "(one_active_committee_per_commune); không có thay đổi nào được lưu."
    )
    assert outcome.log.status == "failed"
    assert not SteeringCommittee.objects.exists()


def test_a_huge_number_is_quoted_as_typed_not_as_its_hundreds_of_digits(tree, users, catalogues):
    rows = [
        AREA_HEADER,
        ["22615", "Thôn 1", "Thôn", 1, 1e308],
        ["22615", "Thôn 2", "Thôn", 1, 1e30],
        ["22615", "Thôn 3", "Thôn", 1, "9" * 400],
    ]
    outcome = import_file("areas", xlsx_bytes(rows), "so.xlsx", users.admin)
    assert errors_of(outcome) == [
        (2, "Số nhân khẩu", "Phải nhỏ hơn hoặc bằng 2147483647 (đang là 1e+308)."),
        (3, "Số nhân khẩu", "Phải nhỏ hơn hoặc bằng 2147483647 (đang là 1e+30)."),
        (4, "Số nhân khẩu", f"Phải nhỏ hơn hoặc bằng 2147483647 (đang là {'9' * 39}…)."),
    ]
    assert not ResidentialArea.objects.exists()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (xlsx_bytes([AREA_HEADER]), "tieu-de.xlsx"),
        (csv_bytes([["Danh sách khu dân cư"], AREA_HEADER, [], []]), "tieu-de.csv"),
    ],
)
def test_a_file_with_only_its_header_is_refused_not_a_success(tree, users, catalogues, data, name):
    outcome = import_file("areas", data, name, users.admin, dry_run=True)
    assert not outcome.ok
    assert outcome.message == "Tệp không có dòng dữ liệu nào (chỉ có dòng tiêu đề)."
    assert outcome.log.status == "refused"
