"""End to end in a real browser: commune registers and submits, district reviewer approves."""

from __future__ import annotations

import re

import pytest

from certification import services
from certification.models import CertificationRecord, State
from certification.testing import ensure_criteria, make_area, submitted
from tests.conftest import browser_login, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = 2025


@pytest.fixture(autouse=True)
def criteria(settings):
    ensure_criteria()  # transactional tests start from flushed tables


def logout(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login/")


def test_commune_submits_reviewer_approves_and_the_rate_changes(page, tree, users):
    make_area(tree.commune, "Thôn Suối Cá")
    base = page.live_server_url
    status_url = f"{base}/certification/status/?year={YEAR}&unit={tree.district.pk}"

    # Commune staff registers the area, fills the dossier and submits it.
    browser_login(page, "xa")
    open_menu(page, "An toàn về ANTT", "Hồ sơ công nhận")
    page.get_by_role("link", name="Đăng ký").click()
    page.get_by_label("Năm").select_option(str(YEAR))
    page.get_by_role("button", name="Xem đối tượng").click()
    page.get_by_role("button", name="Đăng ký Thôn Suối Cá").click()
    page.wait_for_url(re.compile(r"/certification/records/\d+/$"))
    record_url = page.url
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    page.get_by_label("Ngày họp đánh giá").fill(f"{YEAR}-11-05")
    page.get_by_label("Số tờ trình").fill("15/TTr-CAX")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    assert "Đã lưu hồ sơ" in page.content()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    assert "Đã nộp hồ sơ" in page.get_by_test_id("record-state").inner_text()
    logout(page)

    # The district reviewer sees the rate before, finds the dossier in the queue and approves it.
    browser_login(page, "huyen")
    page.goto(status_url)
    assert page.get_by_test_id("rate-residential_area").inner_text() == "0/1 khu dân cư (0,0%)"
    open_menu(page, "An toàn về ANTT", "Thẩm định")
    row = page.get_by_test_id("queue").locator("tr", has_text="Thôn Suối Cá")
    row.get_by_placeholder("Số quyết định").fill("25/QĐ-BCĐ")
    row.get_by_role("button", name="Công nhận").click()
    assert "Đã công nhận" in page.content()
    assert "Không có hồ sơ nào chờ thẩm định" in page.get_by_test_id("queue").inner_text()
    page.goto(status_url)
    assert page.get_by_test_id("rate-residential_area").inner_text() == "1/1 khu dân cư (100,0%)"
    page.goto(record_url)
    assert "Đạt (đã công nhận)" in page.get_by_test_id("record-state").inner_text()
    assert "25/QĐ-BCĐ" in page.content()
    logout(page)

    record = CertificationRecord.objects.get(area__name="Thôn Suối Cá", year=YEAR)
    assert (record.state, record.submitted_by, record.decided_by) == (
        State.APPROVED,
        users.commune_staff,
        users.reviewer,
    )

    # A reviewer of another district gets 404 for the very same URL.
    browser_login(page, "huyen2")
    response = page.goto(record_url)
    assert response.status == 404


def test_revocation_is_confirmed_on_its_own_page_before_it_happens(page, tree, users):
    record = submitted(make_area(tree.commune, "Thôn Suối Cá"), YEAR, users.commune_staff)
    services.approve(record, users.reviewer, decision_number="25/QĐ-BCĐ")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    browser_login(page, "huyen")
    page.goto(f"{page.live_server_url}{record.get_absolute_url()}")
    page.get_by_label("Lý do").fill("Hồ sơ không trung thực")
    page.get_by_role("button", name="Thu hồi công nhận").click()
    confirm = page.get_by_test_id("revoke-confirm")
    assert "cuối cùng cho năm này" in confirm.inner_text()
    record.refresh_from_db()
    assert record.state == State.APPROVED  # nothing happens before the confirmation

    page.get_by_role("button", name="Xác nhận thu hồi").click()
    assert "Đã thu hồi công nhận" in page.get_by_test_id("record-state").inner_text()
    record.refresh_from_db()
    assert (record.state, record.reason) == (State.REVOKED, "Hồ sơ không trung thực")
    assert errors == []  # no script or style refused by the Content-Security-Policy


def test_select_all_in_the_queue_leaves_out_a_dossier_that_cannot_be_approved(page, tree, users):
    area = submitted(make_area(tree.commune, "Thôn Suối Cá"), YEAR, users.commune_staff)
    commune = submitted(tree.commune, YEAR, users.commune_staff)  # its area is not recognised yet
    browser_login(page, "huyen")
    page.goto(f"{page.live_server_url}/certification/review/")
    page.get_by_label("Chọn tất cả").check()
    assert page.locator(f"input[name=records][value='{area.pk}']").is_checked()
    commune_box = page.locator(f"input[name=records][value='{commune.pk}']")
    assert commune_box.is_disabled() and not commune_box.is_checked()
    assert "chưa đạt" in page.locator(f"tr[data-record='{commune.pk}']").inner_text()
