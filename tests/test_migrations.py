"""Data steps of migrations, run forward on rows made with the schema before them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("movement", "0006_target_year_help")]
AFTER = [("movement", "0007_document_numbers_per_year")]


@pytest.fixture
def executor(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_duplicates_an_earlier_version_allowed_are_kept_apart_not_lost(executor):
    apps = executor.loader.project_state(BEFORE).apps
    unit_model = apps.get_model("registry", "AdministrativeUnit")
    province = unit_model.objects.create(
        code="56", name="Khánh Hòa", full_name="Tỉnh Khánh Hòa", level="province", path="56/"
    )
    form = apps.get_model("movement", "CommendationForm").objects.create(name="Giấy khen")
    kind = apps.get_model("movement", "CampaignKind").objects.create(name="Tuyên truyền")
    commendation = apps.get_model("movement", "Commendation")
    values = {
        "form": form,
        "authority": "GĐ",
        "decision_number": "1/QĐ",
        "decision_date": datetime.date(2025, 8, 19),
        "year": 2025,
        "recipient_kind": "individual",
        "unit": province,
        "recipient_name": "Nguyễn Văn An",
    }
    first, second = commendation.objects.create(**values), commendation.objects.create(**values)
    campaign = apps.get_model("movement", "Campaign")
    day = datetime.date(2025, 3, 1)
    for _ in range(2):
        campaign.objects.create(kind=kind, name="Ra quân", place=province, start_date=day, end_date=day)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    apps = executor.loader.project_state(AFTER).apps
    names = dict(apps.get_model("movement", "Commendation").objects.values_list("pk", "recipient_name"))
    assert names == {first.pk: "Nguyễn Văn An", second.pk: f"Nguyễn Văn An (#{second.pk})"}
    assert sorted(apps.get_model("movement", "Campaign").objects.values_list("name", flat=True)) == [
        "Ra quân",
        f"Ra quân (#{max(apps.get_model('movement', 'Campaign').objects.values_list('pk', flat=True))})",
    ]
    history = apps.get_model("audit", "HistoricalCommendation").objects.get(id=second.pk)
    assert (history.history_type, history.recipient_name) == ("~", f"Nguyễn Văn An (#{second.pk})")
