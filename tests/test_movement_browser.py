"""Province staff plans, records a campaign and a commendation, and revokes it, in a real browser."""

from __future__ import annotations

import re

import pytest

from movement.catalogues import seed_catalogues
from movement.models import CampaignKind, Commendation, CommendationForm, Plan, ResultMetric
from registry.models import ModelType, SecurityModel
from tests.conftest import browser_login, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_staff_plans_campaigns_and_commends_then_revokes(page, tree, users):
    # Browser tests flush the database between tests: the catalogues are seeded here, not assumed.
    seed_catalogues(ResultMetric, CampaignKind, CommendationForm)
    model = SecurityModel.objects.create(
        name="Camera an ninh thôn Suối Thơm",
        commune=tree.commune,
        model_type=ModelType.objects.create(name="Camera an ninh"),
    )
    base = page.live_server_url
    browser_login(page, "tinh")

    # A plan with two targets.
    open_menu(page, "Phong trào", "Kế hoạch")
    page.get_by_role("link", name="Thêm kế hoạch").click()
    page.locator("[name=number]").fill("747/KH-CAT")
    page.locator("[name=title]").fill("Huy động toàn dân tham gia phòng, chống tội phạm cướp, trộm cắp")
    page.locator("[name=issuing_unit]").select_option(label="Tỉnh Khánh Hòa (56)")
    page.locator("[name=issued_on]").fill("2023-02-15")
    page.locator("[name=year_from]").fill("2023")
    page.locator("[name=year_to]").fill("2025")
    page.locator("[name='targets-0-indicator']").select_option("campaign_metric:propaganda_sessions")
    page.locator("[name='targets-0-scope_unit']").select_option(label="Huyện Khánh Vĩnh (573)")
    page.locator("[name='targets-0-value']").fill("10")
    page.locator("[name='targets-1-indicator']").select_option("models_active")
    page.locator("[name='targets-1-scope_unit']").select_option(label="Tỉnh Khánh Hòa (56)")
    page.locator("[name='targets-1-value']").fill("1")
    page.locator("[name='targets-1-year']").fill("2025")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/movement/plans/\d+/$"))
    plan_url = page.url
    assert "Đã lưu kế hoạch" in page.content()

    # A campaign in a commune, with its results.
    page.goto(f"{base}/movement/campaigns/new/")
    page.locator("[name=kind]").select_option(label="Đợt tuyên truyền")
    page.locator("[name=name]").fill("Tuyên truyền phòng, chống trộm cắp tại Khánh Bình")
    page.locator("[name=plan]").select_option(label=str(Plan.objects.get()))
    page.locator("[name=start_date]").fill("2025-04-01")
    page.locator("[name=end_date]").fill("2025-04-02")
    page.locator("[name=place]").select_option(label="Xã Khánh Bình (22615)")
    page.locator("[name='results-0-metric']").select_option(label="Buổi tuyên truyền (buổi)")
    page.locator("[name='results-0-value']").fill("4")
    page.locator("[name='results-1-metric']").select_option(label="Lượt người tham dự (lượt người)")
    page.locator("[name='results-1-value']").fill("150")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/movement/campaigns/\d+/$"))
    assert "150" in page.get_by_test_id("campaign-results").inner_text()

    # The totals on the district's summary, and the progress on the plan page.
    page.goto(f"{base}/movement/units/{tree.district.pk}/summary/?date_from=2025-01-01&date_to=2025-12-31")
    totals = page.get_by_test_id("unit-totals")
    assert totals.locator("tr[data-metric=propaganda_sessions] [data-testid=total]").inner_text() == "4"
    assert totals.locator("tr[data-metric=attendance] [data-testid=total]").inner_text() == "150"
    page.goto(plan_url)
    sessions_row = page.locator("tr[data-indicator='campaign_metric:propaganda_sessions']")
    assert sessions_row.get_by_test_id("current").inner_text().startswith("4")
    assert sessions_row.get_by_test_id("percent").inner_text() == "40%"
    models_row = page.locator("tr[data-indicator=models_active]")
    assert models_row.get_by_test_id("current").inner_text().startswith("1")
    assert "Đạt" in models_row.inner_text()

    # A commendation to the self-managed model.
    open_menu(page, "Phong trào", "Khen thưởng")
    page.get_by_role("link", name="Thêm khen thưởng").click()
    page.locator("[name=form]").select_option(label="Giấy khen của Giám đốc Công an tỉnh")
    page.locator("[name=authority]").fill("Giám đốc Công an tỉnh")
    page.locator("[name=decision_number]").fill("4415/QĐ-CAT")
    page.locator("[name=decision_date]").fill("2025-08-15")
    page.locator("[name=year]").fill("2025")
    page.locator("[name=recipient_kind]").select_option("collective")
    page.locator("[name=security_model]").select_option(label=f"{model.name} — Xã Khánh Bình")
    page.locator("[name=reason]").fill("Phát hiện, ngăn chặn nhiều vụ trộm cắp")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/movement/commendations/\d+/$"))
    commendation_url = page.url
    assert model.name in page.get_by_test_id("recipient").inner_text()

    summary_url = f"{base}/movement/units/{tree.province.pk}/summary/"
    page.goto(summary_url)
    counts = page.get_by_test_id("commendation-counts").inner_text()
    assert "Giấy khen của Giám đốc Công an tỉnh" in counts

    # Revoked: still visible as such, gone from the counts.
    page.goto(commendation_url)
    page.get_by_text("Thu hồi khen thưởng").click()
    page.locator("[name=reason]").fill("Hồ sơ kê khai không đúng thành tích")
    page.get_by_role("button", name="Thu hồi").click()
    page.wait_for_url(commendation_url)
    assert page.get_by_test_id("revoked-badge").is_visible()
    assert Commendation.objects.get().is_revoked
    page.goto(summary_url)
    counts = page.get_by_test_id("commendation-counts").inner_text()
    assert "Giấy khen của Giám đốc Công an tỉnh" not in counts
    assert "Chưa có khen thưởng" in counts
