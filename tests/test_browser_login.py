"""Logging in and out in a real browser."""

from __future__ import annotations

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_commune_staff_logs_in_sees_own_home_and_logs_out(page, users):
    browser_login(page, "xa")
    assert page.get_by_test_id("home-commune-staff").is_visible()
    assert "Khánh Bình" in page.get_by_test_id("current-user").inner_text()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login/")
    page.goto(f"{page.live_server_url}/")
    assert "/login/" in page.url


def test_wrong_password_shows_message(page, users):
    browser_login(page, "xa", "sai-mat-khau")
    assert "không đúng" in page.content()
