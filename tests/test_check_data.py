"""`manage.py check_data`: rows saved before a rule existed are listed, nothing is changed."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from registry import demo
from registry.checks import rule_problems
from registry.models import ModelReview, ResidentialArea, SecurityModel

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("check_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def old_rows(tree):
    """Rows written around today's rules (as before the rules existed): saved without validation."""
    cat = demo.load_catalogues()
    thon = cat["kinds"]["Thôn"]
    crowded = ResidentialArea.objects.create(commune=tree.commune, name="Thôn Đông", kind=thon)
    ResidentialArea.objects.filter(pk=crowded.pk).update(households=300, population=120)
    ResidentialArea.objects.create(
        commune=tree.commune, name="Thôn Tây", kind=thon, households=100, population=400
    )
    model = SecurityModel.objects.create(
        commune=tree.other_commune, name="Camera Diên An", model_type=cat["model_types"][demo.CAMERAS]
    )
    future = datetime.date.today() + datetime.timedelta(days=30)
    good = next(iter(cat["effectiveness"].values()))
    review = ModelReview.objects.create(
        model=model, reviewed_on=datetime.date(2025, 6, 30), kind="final", effectiveness=good
    )
    ModelReview.objects.filter(pk=review.pk).update(reviewed_on=future)
    return crowded, review


def test_rows_that_todays_rules_refuse_are_listed_with_the_rules_message(old_rows):
    crowded, review = old_rows
    found = {(p.model, p.pk): p for p in rule_problems()}
    assert set(found) == {(ResidentialArea, crowded.pk), (ModelReview, review.pk)}
    assert any("hộ" in m for m in found[(ResidentialArea, crowded.pk)].messages)
    output = run()
    assert f"#{crowded.pk} “Thôn Đông”" in output and "Thôn Tây" not in output
    assert "2 dòng cần sửa" in output
    crowded.refresh_from_db()
    assert (crowded.households, crowded.population) == (300, 120)  # nothing is changed


def test_check_data_looks_only_under_the_unit_asked_for(old_rows, tree):
    crowded, review = old_rows
    output = run("--unit", tree.district.code)
    assert f"#{crowded.pk}" in output and f"#{review.pk}" not in output
    assert "1 dòng cần sửa" in output
    with pytest.raises(CommandError, match="Không có đơn vị hành chính mã 99999"):
        run("--unit", "99999")


def test_clean_data_says_so(tree):
    assert "Không có dòng nào vi phạm" in run()
