"""Plans, campaigns and commendations keep plausible values: a rate target within 0 to 100, no
negative target, decisions not dated after today, a campaign within its plan's years, one row
per result metric with a message that names it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from movement.models import Campaign, CampaignKind, Plan, ResultMetric
from tests.test_movement_views import campaign_post, catalogues, login, make_plan, plan_post  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        (
            {"targets-0-indicator": "committees_rate", "targets-0-value": "150"},
            "value",
            "Chỉ tiêu tính theo tỷ lệ: giá trị mục tiêu từ 0 đến 100.",
        ),
        ({"targets-0-value": "-5"}, "value", "Giá trị mục tiêu không được âm."),
    ],
)
def test_plan_targets_must_be_meaningful(client, tree, users, catalogues, override, field, message):  # noqa: F811
    login(client, users.province_staff)
    response = client.post(reverse("movement:plan_create"), plan_post(tree, **override))
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors[field] == [message]
    assert not Plan.objects.exists()
    ok = {**override, "targets-0-value": "95"}
    assert client.post(reverse("movement:plan_create"), plan_post(tree, **ok)).status_code == 302


def test_plan_is_issued_neither_after_today_nor_after_its_period(client, tree, users, catalogues):  # noqa: F811
    login(client, users.province_staff)
    later = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(reverse("movement:plan_create"), plan_post(tree, issued_on=later.isoformat()))
    assert response.context["form"].errors["issued_on"][0].startswith(f"Ngày {later:%d/%m/%Y} chưa đến")
    response = client.post(reverse("movement:plan_create"), plan_post(tree, issued_on="2026-02-01"))
    assert response.context["form"].errors["issued_on"] == [
        "Kế hoạch đến năm 2025 không thể ban hành sau năm đó."
    ]
    assert not Plan.objects.exists()


def test_campaign_outside_its_plans_years_is_refused(client, tree, users, catalogues):  # noqa: F811
    plan = make_plan(tree.province)  # 2023 to 2025
    login(client, users.province_staff)
    data = campaign_post(tree, tree.commune, plan=str(plan.pk), start_date="2022-03-01")
    response = client.post(reverse("movement:campaign_create"), data)
    assert response.context["form"].errors["plan"] == [
        "Đợt vận động bắt đầu năm 2022, ngoài thời kỳ của kế hoạch này (2023 đến 2025)."
    ]
    assert not Campaign.objects.exists()
    data.update(start_date="2024-03-01", end_date="2024-03-05")
    response = client.post(reverse("movement:campaign_create"), data)
    assert response.status_code == 302


def test_a_metric_entered_twice_is_named_in_vietnamese(client, tree, users, catalogues):  # noqa: F811
    login(client, users.commune_staff)
    same = str(ResultMetric.objects.get(code="attendance").pk)
    data = campaign_post(tree, tree.commune, **{"results-0-metric": same, "results-1-metric": same})
    response = client.post(reverse("movement:campaign_create"), data)
    [message] = response.context["formset"].non_form_errors()
    assert message == "Mỗi chỉ số chỉ nhập một lần cho một đợt vận động."
    assert not Campaign.objects.exists()


def test_commendation_decision_cannot_be_dated_after_today(client, tree, users, catalogues):  # noqa: F811
    from movement.models import CommendationForm, RecipientKind

    login(client, users.province_staff)
    later = timezone.localdate() + datetime.timedelta(days=3)
    data = {
        "form": str(CommendationForm.objects.get(name="Bằng khen của UBND tỉnh").pk),
        "authority": "Chủ tịch UBND tỉnh",
        "decision_number": "3120/QĐ-UBND",
        "decision_date": later.isoformat(),
        "year": "2025",
        "recipient_kind": RecipientKind.INDIVIDUAL,
        "unit": str(tree.commune.pk),
        "recipient_name": "Nguyễn Văn An",
        "reason": "Thành tích xuất sắc",
    }
    response = client.post(reverse("movement:commendation_create"), data)
    assert response.context["form"].errors["decision_date"][0].startswith(f"Ngày {later:%d/%m/%Y} chưa đến")


@pytest.mark.usefixtures("fast_passwords")
def test_a_campaign_import_outside_its_plans_years_is_refused(tree, users, catalogues):  # noqa: F811
    from tests.import_helpers import csv_bytes, errors_of, import_file

    make_plan(tree.province)  # 747/KH-CAT, 2023 to 2025
    header = ["Mã địa bàn", "Tên đợt vận động, sự kiện", "Loại", "Số kế hoạch", "Từ ngày", "Đến ngày"]
    kind = CampaignKind.objects.first().name
    rows = [header, ["22615", "Ra quân 2022", kind, "747/KH-CAT", "01/05/2022", "02/05/2022"]]
    assert errors_of(import_file("campaigns", csv_bytes(rows), "dvd.csv", users.admin)) == [
        (2, "Số kế hoạch", "Đợt vận động bắt đầu năm 2022, ngoài thời kỳ của kế hoạch này (2023 đến 2025).")
    ]
    assert not Campaign.objects.exists()
