"""An administrator imports residential areas in a real browser: template, preview, fix, import, re-import."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from registry.models import ResidentialArea
from tests.conftest import browser_login, open_menu

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fast_passwords"),
]


def _upload(page, path: Path) -> None:
    page.goto(f"{page.live_server_url}/import/")
    page.get_by_label("Loại dữ liệu").select_option(label="Khu dân cư")
    page.get_by_label("Tệp dữ liệu").set_input_files(str(path))
    page.get_by_role("button", name="Kiểm tra (chạy thử)").click()
    page.wait_for_load_state()


def test_admin_imports_areas_from_the_template_fixing_two_bad_rows(page, tree, users, catalogues, tmp_path):
    browser_login(page, "admin")
    page.goto(f"{page.live_server_url}/")
    open_menu(page, "Quản trị", "Nhập dữ liệu")
    with page.expect_download() as download:
        page.get_by_test_id("template-areas").click()
    template = tmp_path / "mau.xlsx"
    download.value.save_as(template)

    workbook = load_workbook(template)
    sheet = workbook["Dữ liệu"]
    assert [c.value for c in sheet[1]] == [
        "Mã xã",
        "Tên thôn/tổ dân phố",
        "Loại khu dân cư",
        "Số hộ",
        "Số nhân khẩu",
        "Có từ ngày",
        "Đang tồn tại",
        "Ngừng từ ngày",
    ]
    assert sheet.max_row == 1  # no example row to delete: examples are on the guide sheet
    for i in range(1, 21):
        code = "22615" if i % 2 else "22621"
        sheet.append([code, f"Thôn {i}", "Thôn", 10 * i, 40 * i, None, "Có"])
    sheet["A5"] = "99999"  # spreadsheet row 5: a commune that does not exist
    sheet["D12"] = "nhiều"  # row 12: not a number
    bad = tmp_path / "khu-dan-cu.xlsx"
    workbook.save(bad)

    _upload(page, bad)
    errors = page.get_by_test_id("import-errors")
    assert errors.is_visible()
    rows = [r.split("\t") for r in errors.locator("tbody tr").all_inner_texts()]
    assert rows == [
        ["5", "Mã xã", "Không tìm thấy xã/phường '99999'."],
        ["12", "Số hộ", "'nhiều' không phải là số nguyên."],
    ]
    assert "2 lỗi ở 2 dòng" in page.get_by_test_id("import-summary").inner_text()
    assert page.get_by_role("button", name="Xác nhận nhập").count() == 0
    assert not ResidentialArea.objects.exists()

    sheet["A5"] = "22615"
    sheet["D12"] = 110
    fixed = tmp_path / "khu-dan-cu-da-sua.xlsx"
    workbook.save(fixed)
    _upload(page, fixed)
    assert "Sẵn sàng nhập. Thêm mới 20" in page.get_by_test_id("import-summary").inner_text()
    assert not ResidentialArea.objects.exists()
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    assert (
        "Đã nhập xong. Thêm mới 20, cập nhật 0, không đổi 0 dòng."
        in page.get_by_test_id("import-summary").inner_text()
    )
    assert ResidentialArea.objects.count() == 20
    assert ResidentialArea.objects.get(name="Thôn 11").households == 110

    _upload(page, fixed)
    assert "Không có thay đổi: 20 dòng" in page.get_by_test_id("import-summary").inner_text()
    assert page.get_by_role("button", name="Xác nhận nhập").count() == 0
    page.goto(f"{page.live_server_url}/import/")
    assert page.get_by_test_id("import-logs").locator("tbody tr").count() == 4
