"""The movement demo: the provincial report's figures, exactly, and idempotent loading."""

from __future__ import annotations

import datetime

import pytest

from movement import demo, services
from movement.models import Campaign, Commendation, Plan
from registry.models import ModelType, SecurityModel

pytestmark = pytest.mark.django_db


def test_khanh_vinh_five_year_totals_match_the_report(tree):
    demo.load()
    totals = {
        t.code: int(t.total)
        for t in services.campaign_totals(
            tree.district, datetime.date(2021, 1, 1), datetime.date(2025, 12, 31)
        )
    }
    assert totals == {
        "propaganda_sessions": 235,
        "attendance": 8500,
        "leaflets": 680,
        "respected_meetings": 1233,
        "tips": 400,
        "wanted_caught": 19,
        "offenders_educated": 73,
        "guns": 78,
        "bullets": 54,
    }
    assert not Campaign.objects.exclude(place__path__startswith=tree.district.path).exists()


def test_2025_commendations_match_the_report_and_revoked_ones_do_not_count(tree):
    model = SecurityModel.objects.create(
        name="Camera an ninh", commune=tree.commune, model_type=ModelType.objects.create(name="Camera")
    )
    demo.load()
    counts = {
        c.form: (c.collectives, c.individuals)
        for c in services.commendation_counts(tree.province, 2025, 2025)
    }
    assert counts["Cờ thi đua của Bộ Công an"] == (3, 0)
    assert sum(sum(counts[f]) for f in counts if f.startswith("Bằng khen")) == 9
    assert counts["Giấy khen của Giám đốc Công an tỉnh"] == (60, 20)
    assert sum(counts["Tôn vinh điển hình tiên tiến"]) == 56
    assert Commendation.objects.filter(revoked_at__isnull=False).count() == 2
    # Collectives point at the registry's rows when there are some.
    assert Commendation.objects.filter(security_model=model).exists()


def test_plan_747_is_in_its_third_year_with_targets_and_loading_twice_changes_nothing(tree):
    demo.load()
    plan = Plan.objects.get(number="747/KH-CAT")
    assert (plan.year_from, plan.year_to) == (2023, 2025)
    assert plan.targets.count() >= 4
    before = (Plan.objects.count(), Campaign.objects.count(), Commendation.objects.count())
    assert demo.load()[1:] == ["Kế hoạch mới: 0", "Đợt vận động mới: 0", "Khen thưởng mới: 0"]
    assert (Plan.objects.count(), Campaign.objects.count(), Commendation.objects.count()) == before


def test_demo_without_units_falls_back_gracefully(db):
    assert "bỏ qua" in demo.load()[0]
