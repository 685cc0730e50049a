"""generate_scale: a deterministic synthetic dataset apart from the demo, and its removal."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from certification.models import CertificationRecord
from dashboard import scale
from dashboard.services import Scope, figure_rows, figure_value, unit_figures
from registry.models import AdministrativeUnit, ResidentialArea, SecurityModel

pytestmark = pytest.mark.django_db

SIZES = ["--provinces", "2", "--districts", "3", "--communes", "6", "--areas", "30", "--organisations", "24"]
SIZES += ["--models", "18", "--years", "3"]


def snapshot() -> list[tuple]:
    return list(
        CertificationRecord.objects.order_by(
            "commune__code", "area__name", "organisation__name", "year"
        ).values_list("commune__code", "area__name", "organisation__name", "year", "state")
    )


def test_generate_scale_builds_the_requested_sizes_beside_the_demo(tree):
    call_command("generate_scale", *SIZES, "--seed", "7")
    provinces = scale.synthetic_provinces()
    assert sorted(provinces.values_list("code", flat=True)) == ["98", "99"]
    assert AdministrativeUnit.objects.filter(level="commune", path__regex=r"^9[89]/").count() == 6
    assert (
        ResidentialArea.objects.filter(commune__path__startswith="99/").count()
        + ResidentialArea.objects.filter(commune__path__startswith="98/").count()
        == 30
    )
    assert SecurityModel.objects.count() == 18
    assert set(CertificationRecord.objects.values_list("year", flat=True)) == {2023, 2024, 2025}
    # the demo's units are untouched
    assert AdministrativeUnit.objects.get(pk=tree.province.pk).path == "56/"
    # and the dashboard counts it like any other data
    admin = User(username="x", role=Role.ADMIN, is_active=True)
    scope = Scope(admin, provinces.order_by("code").first())
    figures = unit_figures(scope, 2025)
    for figure in figures.all_figures():
        assert figure_value(figure_rows(figure.code, scope, 2025, figure.key)) == figure.value


def test_generate_scale_is_deterministic_and_flush_removes_it(tree):
    call_command("generate_scale", *SIZES, "--seed", "7")
    first = snapshot()
    with pytest.raises(CommandError):
        call_command("generate_scale", *SIZES)
    call_command("generate_scale", *SIZES, "--seed", "7", "--flush")
    assert snapshot() == first
    scale.flush(log=lambda _: None)
    assert not scale.synthetic_provinces().exists()
    assert not CertificationRecord.objects.exists()
    assert AdministrativeUnit.objects.filter(pk=tree.province.pk).exists()
