"""Plan targets: indicators computed from the registry, and the plan page that shows them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from certification.models import CertificationRecord, State, SubjectKind
from movement import indicators, services
from movement.catalogues import seed_catalogues
from movement.models import (
    Campaign,
    CampaignKind,
    CampaignResult,
    CommendationForm,
    Comparator,
    Plan,
    PlanTarget,
    ResultMetric,
)
from registry.models import (
    AreaKind,
    ForceType,
    ForceUnit,
    ModelType,
    ResidentialArea,
    SecurityModel,
    Status,
    SteeringCommittee,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def registry(tree):
    model_type = ModelType.objects.create(name="Camera an ninh")
    for name, commune, started, status in [
        ("Camera thôn 1", tree.commune, D(2024, 3, 1), Status.ACTIVE),
        ("Camera thôn 2", tree.commune, D(2025, 2, 1), Status.ACTIVE),
        ("Camera thôn 3", tree.commune, D(2025, 6, 1), Status.DISSOLVED),
        ("Camera Khánh Đông", tree.sibling_commune, None, Status.ACTIVE),
        ("Camera Diên Khánh", tree.other_commune, D(2025, 9, 1), Status.ACTIVE),
        ("Camera năm sau", tree.commune, D(2026, 1, 5), Status.ACTIVE),
    ]:
        SecurityModel.objects.create(
            name=name, commune=commune, model_type=model_type, started_on=started, status=status
        )
    force_type = ForceType.objects.create(name="Tổ bảo vệ an ninh, trật tự")
    for name, commune, members, status in [
        ("Tổ 1", tree.commune, 10, Status.ACTIVE),
        ("Tổ 2", tree.sibling_commune, 15, Status.ACTIVE),
        ("Tổ 3", tree.other_commune, 20, Status.ACTIVE),
        ("Tổ giải thể", tree.commune, 99, Status.DISSOLVED),
    ]:
        ForceUnit.objects.create(
            name=name, commune=commune, force_type=force_type, member_count=members, status=status
        )
    kind = AreaKind.objects.create(name="Thôn")
    areas = [
        ResidentialArea.objects.create(name=f"Thôn {i}", commune=tree.commune, kind=kind) for i in range(4)
    ]
    for area, year, state in [
        (areas[0], 2025, State.APPROVED),
        (areas[1], 2025, State.APPROVED),
        (areas[2], 2025, State.APPROVED),
        (areas[3], 2025, State.REJECTED),
        (areas[3], 2024, State.APPROVED),
    ]:
        CertificationRecord.objects.create(
            commune=tree.commune,
            area=area,
            subject_kind=SubjectKind.RESIDENTIAL_AREA,
            year=year,
            period_start=D(year - 1, 11, 1),
            period_end=D(year, 10, 31),
            registered_on=D(year, 1, 15),
            state=state,
        )
    SteeringCommittee.objects.create(
        commune=tree.commune,
        decision_number="1/QĐ-UBND",
        decision_date=D(2024, 1, 2),
        head_name="A",
        member_count=7,
    )
    seed_catalogues(ResultMetric, CampaignKind, CommendationForm)
    sessions = ResultMetric.objects.get(code="propaganda_sessions")
    for place, start, value in [
        (tree.commune, D(2023, 5, 1), 4),
        (tree.sibling_commune, D(2025, 5, 1), 6),
        (tree.other_commune, D(2025, 5, 1), 100),
    ]:
        c = Campaign.objects.create(
            kind=CampaignKind.objects.first(),
            name=f"Đợt {start}",
            place=place,
            start_date=start,
            end_date=start,
        )
        CampaignResult.objects.create(campaign=c, metric=sessions, value=value)
    return tree


def value(code: str, unit, year: int = 2025, first_year: int | None = None) -> Decimal:
    return indicators.compute(code, unit, year, first_year)


def test_model_indicators_count_the_subtree_at_year_end(registry):
    tree = registry
    assert value("models_active", tree.district) == 3
    assert value("models_active", tree.province) == 4
    assert value("models_active", tree.district, 2024) == 2  # the 2025 model had not started
    assert value("models_new", tree.province) == 3  # started in 2025, dissolved or not
    assert value("models_new", tree.province, 2025, first_year=2024) == 4


def test_force_indicators_ignore_dissolved_units(registry):
    assert value("forces_members", registry.district) == 25
    assert value("forces_members", registry.province) == 45
    assert value("forces_units", registry.province) == 3


def test_certification_rate_is_approved_records_of_the_year_over_eligible_subjects(registry):
    assert value("cert_rate_residential_area", registry.commune) == Decimal("75.00")
    assert value("cert_rate_residential_area", registry.commune, 2024) == Decimal("25.00")
    assert value("cert_rate_residential_area", registry.other_commune) == 0  # no areas: no division by zero
    assert value("committees_rate", registry.district) == Decimal("50.00")


def test_campaign_metric_sums_over_the_years(registry):
    code = "campaign_metric:propaganda_sessions"
    assert value(code, registry.district) == 6
    assert value(code, registry.district, 2025, first_year=2023) == 10
    assert value(code, registry.province, 2025, first_year=2023) == 110


def test_unknown_indicator_codes_are_refused(registry):
    indicators.validate_indicator_code("campaign_metric:guns")
    for bad in ("bogus", "campaign_metric:no_such_metric", ""):
        with pytest.raises(ValidationError):
            indicators.validate_indicator_code(bad)


def make_plan(tree, targets) -> Plan:
    plan = Plan.objects.create(
        number="747/KH-CAT",
        title="Huy động toàn dân",
        issuing_unit=tree.province,
        issued_on=D(2023, 2, 15),
        year_from=2023,
        year_to=2025,
    )
    for code, unit, comparator, target_value, year in targets:
        PlanTarget.objects.create(
            plan=plan, indicator=code, scope_unit=unit, comparator=comparator, value=target_value, year=year
        )
    return plan


def test_plan_progress_puts_each_target_beside_its_current_value(registry, users):
    tree = registry
    plan = make_plan(
        tree,
        [
            ("models_new", tree.province, Comparator.AT_LEAST, 8, None),  # cumulative 2023-2025
            ("campaign_metric:propaganda_sessions", tree.district, Comparator.AT_LEAST, 20, None),
            ("cert_rate_residential_area", tree.commune, Comparator.AT_LEAST, 70, 2025),
            ("forces_members", tree.district, Comparator.AT_MOST, 20, 2025),
        ],
    )
    progress = services.plan_progress(plan, users.province_staff)
    assert [(p.current, p.met, p.percent) for p in progress] == [
        (Decimal(4), False, 50),
        (Decimal(10), False, 50),
        (Decimal("75.00"), True, 100),
        (Decimal(25), False, None),
    ]
    assert progress[0].first_year == 2023 and progress[2].first_year is None



def test_a_target_without_a_year_is_read_now_while_the_plan_runs(registry, users):
    plan = make_plan(registry, [("models_active", registry.province, Comparator.AT_LEAST, 3, None)])
    this_year = timezone.localdate().year
    plan.year_from, plan.year_to = this_year - 1, this_year + 2
    plan.save()
    assert services.plan_progress(plan, users.province_staff)[0].year == this_year
    plan.year_from, plan.year_to = this_year - 3, this_year - 1  # ended: its last year
    plan.save()
    assert services.plan_progress(plan, users.province_staff)[0].year == this_year - 1
    plan.year_from, plan.year_to = this_year + 1, this_year + 3  # not begun: its first year
    plan.save()
    assert services.plan_progress(plan, users.province_staff)[0].year == this_year + 1

def test_targets_outside_the_users_scope_are_not_computed(registry, users):
    plan = make_plan(registry, [("models_active", registry.province, Comparator.AT_LEAST, 3, None)])
    progress = services.plan_progress(plan, users.commune_staff)
    assert progress[0].current is None


def test_plan_page_runs_a_fixed_number_of_queries_per_target(
    registry, users, client, django_assert_max_num_queries
):
    tree = registry
    plan = make_plan(
        tree,
        [
            ("models_active", tree.province, Comparator.AT_LEAST, 3, 2025),
            ("campaign_metric:propaganda_sessions", tree.district, Comparator.AT_LEAST, 20, None),
            ("cert_rate_residential_area", tree.commune, Comparator.AT_LEAST, 70, 2025),
        ],
    )
    client.login(username=users.province_staff.username, password=PASSWORD)
    # session (read and save: 4), user, plan, targets, metric names, visible units, can-change,
    # campaigns, history section: 13 whatever the registry holds, plus one aggregate per target.
    with django_assert_max_num_queries(13 + 3):
        response = client.get(reverse("movement:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    assert b'data-indicator="campaign_metric:propaganda_sessions"' in response.content
