"""The demo province reproduces the figures of its report, and loading it twice changes nothing."""

from __future__ import annotations

import random

import pytest
from django.core.management import call_command

from accounts.models import User
from registry import demo
from registry.models import (
    AdministrativeUnit,
    ForceType,
    ModelReview,
    Organisation,
    ResidentialArea,
    SecurityModel,
    UnitLevel,
)
from registry.rollups import unit_rollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_province, db):
    admin = User.objects.get(username="admin")
    province = AdministrativeUnit.objects.get(code=demo.DEMO_PROVINCE)
    return unit_rollup(province, admin)


def test_province_totals_match_the_report(loaded):
    total = loaded.total
    assert total.areas == demo.TARGET_AREAS == 978
    assert total.subject_organisations == demo.TARGET_SUBJECT_ORGANISATIONS == 1063
    assert total.organisations == demo.TARGET_SUBJECT_ORGANISATIONS + demo.TARGET_EXEMPT_ORGANISATIONS
    assert total.models == demo.TARGET_MODELS == 228
    assert total.communes == 132
    assert 100 * total.committees // total.communes == demo.TARGET_COMMITTEE_COVERAGE


def test_core_forces_by_type_match_the_report(loaded):
    by_type = {row["force_type__name"]: (row["units"], row["members"]) for row in loaded.forces_by_type}
    for name, figures in demo.TARGET_FORCES.items():
        assert by_type[name] == figures
    assert by_type[demo.COMMUNE_POLICE] == (97, 950)
    assert by_type[demo.STREET_PROTECTION] == (40, 1945)
    assert by_type[demo.AGENCY_PROTECTION] == (280, 2721)


def test_models_are_present_in_every_district(loaded):
    assert len(loaded.children) == 9
    assert all(row.unit.level == UnitLevel.DISTRICT for row in loaded.children)
    assert all(row.figures.models > 0 for row in loaded.children), [
        (row.unit.name, row.figures.models) for row in loaded.children
    ]
    assert sum(row.figures.models for row in loaded.children) == demo.TARGET_MODELS


def test_khanh_vinh_has_its_five_patrol_models_and_one_camera_model(loaded):
    khanh_vinh = SecurityModel.objects.filter(commune__parent__code=demo.DEMO_DISTRICT)
    patrols = khanh_vinh.filter(model_type__name=demo.PATROL)
    assert sorted(patrols.values_list("commune__name", flat=True)) == sorted(demo.KHANH_VINH_PATROL_COMMUNES)
    cameras = khanh_vinh.filter(model_type__name=demo.CAMERAS)
    assert list(cameras.values_list("commune__name", flat=True)) == [demo.KHANH_VINH_CAMERA_COMMUNE]


def test_reviews_and_replicas_exist(loaded):
    assert ModelReview.objects.values("effectiveness__name").distinct().count() == len(demo.EFFECTIVENESS)
    replicas = SecurityModel.objects.filter(replicated_from__isnull=False)
    assert replicas.count() == 2 * demo.REPLICAS_PER_SOURCE
    assert not replicas.filter(commune__parent__code=demo.DEMO_DISTRICT).exists()
    assert set(replicas.values_list("replicated_from__commune__parent__code", flat=True)) == {
        demo.DEMO_DISTRICT
    }


def test_catalogues_follow_the_rules(loaded):
    exempt = set(
        Organisation.objects.filter(org_type__subject_to_certification=False).values_list(
            "org_type__name", flat=True
        )
    )
    assert exempt == {demo.SMALL_ENTERPRISE, demo.ARMED_FORCES, demo.PRIMARY_SCHOOL, demo.KINDERGARTEN}
    old = ForceType.objects.filter(valid_to=demo.PRE_2024_TO).count()
    assert old == 8
    assert ForceType.objects.get(name=demo.GRASSROOTS_TEAM).valid_from == demo.LAW_2023_FROM
    assert ResidentialArea.objects.filter(kind__name="Tổ dân phố").exists()


def test_loading_twice_changes_nothing(loaded):
    counts = [m.objects.count() for m in (ResidentialArea, Organisation, SecurityModel, ModelReview, User)]
    call_command("load_demo", "--again", verbosity=0)
    assert [
        m.objects.count() for m in (ResidentialArea, Organisation, SecurityModel, ModelReview, User)
    ] == counts


def test_plan_is_deterministic():
    communes = [
        demo.Commune(code, name, f"Xã {name}", "Xã", demo.DEMO_DISTRICT)
        for code, name in [("22615", "Khánh Bình"), ("22621", "Khánh Đông"), ("22630", "Sông Cầu")]
    ]
    assert demo.spread(100, [1, 2, 3], random.Random(1)) == demo.spread(100, [1, 2, 3], random.Random(1))
    assert sum(demo.spread(950, [1.0] * 97, random.Random(5), 6)) == 950
    first = demo._area_plan(communes, random.Random(demo.SEED))
    again = demo._area_plan(communes, random.Random(demo.SEED))
    assert first == again and len(first) == demo.TARGET_AREAS


def test_demo_reviewers_each_see_only_their_own_districts_dossiers(demo_province, db, client):
    from certification.models import CertificationRecord, State

    dossier = CertificationRecord.objects.filter(state=State.SUBMITTED, commune__parent__code="573").first()
    assert dossier is not None
    for username, status in (("huyen", 200), ("huyen2", 404)):
        client.force_login(User.objects.get(username=username))
        assert client.get(dossier.get_absolute_url()).status_code == status


def test_a_second_make_run_keeps_what_users_did_to_the_demo(loaded, capsys):
    area = ResidentialArea.objects.filter(commune__code=demo.DEMO_COMMUNE).first()
    old_name, area.name = area.name, f"{area.name} (đổi tên)"
    area.save()
    call_command("load_demo")
    assert "Dữ liệu mẫu đã có: giữ nguyên" in capsys.readouterr().out
    # A reload would have brought the area back under its old name, next to the renamed one.
    assert not ResidentialArea.objects.filter(commune=area.commune, name=old_name).exists()


def test_every_audited_demo_row_has_its_creation_entry(demo_province, db):
    from audit.history import history_for
    from audit.registration import audited_models
    from certification.models import CertificationRecord, State

    for _entry, model, history in audited_models():
        without = model._base_manager.exclude(pk__in=history.objects.values("id"))
        assert not without.exists(), model._meta.label
    # So a first edit compares with the loaded values instead of claiming each field was "—".
    record = CertificationRecord.objects.filter(state=State.SUBMITTED).first()
    record.state = State.APPROVED
    record.save()
    changes = {c.name: (c.old, c.new) for c in history_for(record)[0].changes}
    assert changes["state"] == (str(State.SUBMITTED.label), str(State.APPROVED.label))
    area = ResidentialArea.objects.filter(commune__code=demo.DEMO_COMMUNE).first()
    area.save()
    assert history_for(area)[0].changes == []
