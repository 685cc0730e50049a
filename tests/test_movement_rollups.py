"""Campaign totals by unit and period, and commendation counts that revocation leaves."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from accounts.roles import Role
from movement import services
from movement.catalogues import seed_catalogues
from movement.models import (
    Campaign,
    CampaignKind,
    CampaignResult,
    Commendation,
    CommendationForm,
    RecipientKind,
    ResultMetric,
)
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def catalogues(db) -> dict[str, ResultMetric]:
    seed_catalogues(ResultMetric, CampaignKind, CommendationForm)
    return {m.code: m for m in ResultMetric.objects.all()}


def campaign(place, start: datetime.date, metrics: dict[str, ResultMetric], **values: int) -> Campaign:
    c = Campaign.objects.create(
        kind=CampaignKind.objects.first(),
        name=f"Đợt {place.code} {start}",
        place=place,
        start_date=start,
        end_date=start,
    )
    CampaignResult.objects.bulk_create(
        CampaignResult(campaign=c, metric=metrics[code], value=Decimal(v)) for code, v in values.items()
    )
    return c


@pytest.fixture
def campaigns(tree, catalogues):
    m = catalogues
    campaign(tree.commune, D(2021, 3, 10), m, propaganda_sessions=10, attendance=300)
    campaign(tree.sibling_commune, D(2023, 8, 19), m, propaganda_sessions=5, attendance=200, guns=3)
    campaign(tree.commune, D(2025, 12, 31), m, propaganda_sessions=2)
    campaign(tree.other_commune, D(2024, 5, 1), m, propaganda_sessions=7, attendance=100)
    campaign(tree.district, D(2022, 1, 1), m, propaganda_sessions=1)  # held at district level
    campaign(tree.commune, D(2026, 1, 1), m, propaganda_sessions=100)  # after the period
    campaign(tree.other_province, D(2023, 1, 1), m, propaganda_sessions=1000, attendance=9000)


def as_dict(totals) -> dict[str, Decimal]:
    return {t.code: t.total for t in totals}


def test_district_totals_over_five_years_add_its_communes_and_itself(tree, campaigns):
    totals = services.campaign_totals(tree.district, D(2021, 1, 1), D(2025, 12, 31))
    assert as_dict(totals) == {"propaganda_sessions": 18, "attendance": 500, "guns": 3}
    sessions = next(t for t in totals if t.code == "propaganda_sessions")
    assert sessions.campaigns == 4 and sessions.unit == "buổi"


def test_province_totals_include_both_districts_but_not_other_province(tree, campaigns):
    totals = as_dict(services.campaign_totals(tree.province, D(2021, 1, 1), D(2025, 12, 31)))
    assert totals == {"propaganda_sessions": 25, "attendance": 600, "guns": 3}


def test_period_bounds_are_inclusive_and_open_bounds_mean_all_time(tree, campaigns):
    assert as_dict(services.campaign_totals(tree.district, D(2023, 1, 1), D(2024, 12, 31))) == {
        "propaganda_sessions": 5,
        "attendance": 200,
        "guns": 3,
    }
    assert as_dict(services.campaign_totals(tree.commune, D(2025, 12, 31), D(2025, 12, 31))) == {
        "propaganda_sessions": 2
    }
    assert as_dict(services.campaign_totals(tree.commune))["propaganda_sessions"] == 112
    assert services.campaign_totals(tree.other_district, D(2025, 1, 1), D(2025, 12, 31)) == []


def test_totals_are_one_query_whatever_the_number_of_campaigns(tree, campaigns, django_assert_num_queries):
    with django_assert_num_queries(1):
        services.campaign_totals(tree.province, D(2021, 1, 1), D(2025, 12, 31))


def test_totals_for_a_user_stay_inside_their_scope(tree, users, campaigns):
    # Asked about the whole province, a commune user still only gets their commune's campaigns.
    totals = as_dict(
        services.campaign_totals(tree.province, D(2021, 1, 1), D(2025, 12, 31), user=users.commune_staff)
    )
    assert totals == {"propaganda_sessions": 12, "attendance": 300}


def test_breakdown_by_child_unit_sums_each_subtree_in_one_query(tree, campaigns, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = services.campaign_totals_by_child(
            tree.province, ["propaganda_sessions", "guns"], D(2021, 1, 1), D(2025, 12, 31)
        )
    assert [(r.unit.code, r.totals) for r in rows] == [("573", [18, 3]), ("574", [7, 0])]


def test_unit_summary_page_runs_a_constant_number_of_queries(
    client, tree, users, campaigns, django_assert_max_num_queries
):
    client.login(username=users.province_staff.username, password=PASSWORD)
    with django_assert_max_num_queries(14):
        response = client.get(
            reverse("movement:unit_summary", args=[tree.province.pk]), {"date_from": "2021-01-01"}
        )
    assert 'data-unit="573"' in response.content.decode()


# --- Commendations -------------------------------------------------------------------------------


def commend(
    unit, form_name: str, kind: str = RecipientKind.COLLECTIVE, year: int = 2025, **extra
) -> Commendation:
    return Commendation.objects.create(
        form=CommendationForm.objects.get(name=form_name),
        authority="Giám đốc Công an tỉnh",
        decision_number=extra.pop("number", "1/QĐ-CAT"),
        decision_date=D(year, 8, 15),
        year=year,
        recipient_kind=kind,
        unit=unit,
        recipient_name=extra.pop("name", "Tổ bảo vệ ANTT thôn 1"),
        **extra,
    )


@pytest.fixture
def commendations(tree, catalogues):
    giay_khen = "Giấy khen của Giám đốc Công an tỉnh"
    return [
        commend(tree.commune, giay_khen),
        commend(tree.sibling_commune, giay_khen),
        commend(tree.commune, giay_khen, RecipientKind.INDIVIDUAL, name="Nguyễn Văn An"),
        commend(tree.other_commune, "Cờ thi đua của Bộ Công an"),
        commend(tree.commune, giay_khen, year=2024),
    ]


def counts(unit, *years, user=None) -> dict[str, tuple[int, int]]:
    return {
        c.form: (c.collectives, c.individuals) for c in services.commendation_counts(unit, *years, user=user)
    }


def test_commendation_counts_by_form_and_recipient_kind(tree, commendations):
    assert counts(tree.district, 2025, 2025) == {"Giấy khen của Giám đốc Công an tỉnh": (2, 1)}
    assert counts(tree.province, 2025, 2025) == {
        "Cờ thi đua của Bộ Công an": (1, 0),
        "Giấy khen của Giám đốc Công an tỉnh": (2, 1),
    }
    assert counts(tree.province)["Giấy khen của Giám đốc Công an tỉnh"] == (3, 1)


def test_revoked_commendation_stays_visible_but_leaves_every_count(tree, users, commendations):
    revoked = services.revoke_commendation(commendations[0].pk, users.province_staff, "Hồ sơ kê khai sai.")
    assert revoked.is_revoked and revoked.revoked_by == users.province_staff
    assert counts(tree.district, 2025, 2025) == {"Giấy khen của Giám đốc Công an tỉnh": (1, 1)}
    assert Commendation.objects.effective().count() == 4
    assert Commendation.objects.visible_to(users.province_staff).filter(pk=revoked.pk).exists()


def test_only_province_staff_and_admin_revoke(tree, users, commendations):
    for user in (users.commune_staff, users.leadership, users.reviewer):
        with pytest.raises(PermissionDenied):
            services.revoke_commendation(commendations[0].pk, user, "Sai.")
    services.revoke_commendation(commendations[1].pk, users.admin, "Sai.")
    assert not Commendation.objects.get(pk=commendations[0].pk).is_revoked


def test_revocation_out_of_scope_is_404_and_needs_a_reason_once(tree, users, commendations):
    stranger = make_user("tinh58", Role.PROVINCE_STAFF, tree.other_province)
    with pytest.raises(Http404):
        services.revoke_commendation(commendations[0].pk, stranger, "Sai.")
    with pytest.raises(ValidationError):
        services.revoke_commendation(commendations[0].pk, users.province_staff, "   ")
    services.revoke_commendation(commendations[0].pk, users.province_staff, "Sai.")
    with pytest.raises(ValidationError):
        services.revoke_commendation(commendations[0].pk, users.province_staff, "Lần nữa.")
