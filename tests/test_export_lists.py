"""Every list page exports what it lists: the page's filters, the user's scope, every page."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from certification.models import CertificationRecord, SubjectKind
from certification.models import State as CertState
from movement.models import (
    Campaign,
    CampaignKind,
    CampaignResult,
    Commendation,
    CommendationForm,
    Plan,
    ResultMetric,
)
from registry.models import AreaKind, ResidentialArea
from tests.import_helpers import response_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]


def _csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response_bytes(response).decode("utf-8-sig"))))


def _column(rows: list[list], header: str) -> list:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def areas(tree, catalogues):
    thon, buon = AreaKind.objects.get(name="Thôn"), AreaKind.objects.get(name="Buôn")
    made = []
    for commune in (tree.commune, tree.sibling_commune, tree.other_commune):
        for index in range(30):  # more than a page of the list
            made.append(
                ResidentialArea(
                    commune=commune, kind=thon if index % 3 else buon, name=f"Thôn {commune.code}-{index}"
                )
            )
    return ResidentialArea.objects.bulk_create(made)


def test_registry_list_export_has_exactly_the_filtered_rows(client, tree, users, areas):
    client.force_login(users.admin)
    url = reverse("registry:area_list")
    buon = AreaKind.objects.get(name="Buôn")
    filters = {"kind": buon.pk, "district": tree.district.pk}
    page = client.get(url, filters)
    assert page.status_code == 200
    expected = ResidentialArea.objects.filter(kind=buon, commune__path__startswith=tree.district.path)
    assert page.context["table"].page.paginator.count == expected.count() == 20
    rows = _csv_rows(client.get(url, {**filters, "export": "csv", "page": 2}))
    assert sorted(_column(rows, "Tên thôn/tổ dân phố")) == sorted(expected.values_list("name", flat=True))
    assert set(_column(rows, "Loại khu dân cư")) == {"Buôn"}
    # The page links its buttons with its own filters.
    html = page.content.decode()
    assert f'href="?kind={buon.pk}&amp;district={tree.district.pk}&amp;export=xlsx"' in html
    assert "Xuất Excel" in html and "Xuất CSV" in html


def test_commune_staff_export_never_holds_another_communes_rows(client, tree, users, areas):
    client.force_login(users.commune_staff)
    url = reverse("registry:area_list")
    for query in ({}, {"commune": tree.other_commune.pk}, {"district": tree.other_district.pk}):
        rows = _csv_rows(client.get(url, {**query, "export": "csv"}))
        assert set(_column(rows, "Mã xã")) <= {tree.commune.code}
    rows = _csv_rows(client.get(url, {"export": "csv"}))
    assert len(rows) - 1 == 30
    workbook = load_workbook(io.BytesIO(response_bytes(client.get(url, {"export": "xlsx"}))))
    codes = {row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)}
    assert codes == {tree.commune.code}


def test_registry_list_export_runs_constant_queries(
    client, tree, users, areas, django_assert_max_num_queries
):
    client.force_login(users.admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("registry:area_list"), {"export": "xlsx"})
        assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response_bytes(response))).active
    assert sheet.max_row - 1 == len(areas)


def test_leadership_may_export_what_it_may_read(client, tree, users, areas):
    client.force_login(users.leadership)
    rows = _csv_rows(client.get(reverse("registry:area_list"), {"export": "csv"}))
    assert len(rows) - 1 == 90  # the three communes are in the province


@pytest.fixture
def movement(tree, users):
    # A known catalogue, whatever the data migration seeded (the test's transaction restores it).
    for catalogue in (ResultMetric, CampaignKind, CommendationForm):
        catalogue.objects.all().delete()
    kind = CampaignKind.objects.create(name="Ngày hội")
    metric = ResultMetric.objects.create(code="propaganda_sessions", name="Số buổi tuyên truyền", unit="buổi")
    form = CommendationForm.objects.create(name="Giấy khen")
    for unit in (tree.commune, tree.other_commune):
        campaign = Campaign.objects.create(
            kind=kind,
            name=f"Ngày hội {unit.name}",
            place=unit,
            start_date=datetime.date(2024, 8, 19),
            end_date=datetime.date(2024, 8, 19),
        )
        CampaignResult.objects.create(campaign=campaign, metric=metric, value=7)
        Commendation.objects.create(
            form=form,
            authority="Giám đốc",
            decision_number=f"1/{unit.code}",
            decision_date=datetime.date(2024, 9, 1),
            year=2024,
            recipient_kind="individual",
            unit=unit,
            recipient_name=f"Người {unit.code}",
        )
        Plan.objects.create(
            number=f"KH-{unit.code}",
            title="Kế hoạch",
            issuing_unit=unit,
            issued_on=datetime.date(2024, 1, 2),
            year_from=2024,
            year_to=2024,
        )


@pytest.mark.parametrize(
    ("url_name", "header"),
    [
        ("movement:campaign_list", "Mã địa bàn"),
        ("movement:commendation_list", "Mã địa bàn"),
        ("movement:plan_list", "Mã đơn vị ban hành"),
    ],
)
def test_movement_list_exports_are_scoped_and_filtered(client, tree, users, movement, url_name, header):
    client.force_login(users.commune_staff)
    url = reverse(url_name)
    assert "Xuất CSV" in client.get(url).content.decode()
    rows = _csv_rows(client.get(url, {"export": "csv"}))
    assert _column(rows, header) == [tree.commune.code]
    client.force_login(users.admin)
    rows = _csv_rows(client.get(url, {"export": "csv", "unit": tree.other_district.pk}))
    assert _column(rows, header) == [tree.other_commune.code]


def test_campaign_list_export_carries_the_results(client, tree, users, movement):
    client.force_login(users.admin)
    rows = _csv_rows(client.get(reverse("movement:campaign_list"), {"export": "csv", "q": "khanh binh"}))
    assert _column(rows, "Số buổi tuyên truyền") == ["7"]
    assert _column(rows, "Tên đợt vận động, sự kiện") == ["Ngày hội Khánh Bình"]


def test_certification_list_export_follows_the_filters_and_the_scope(client, tree, users):
    year = timezone.localdate().year
    for commune, state in ((tree.commune, CertState.REGISTERED), (tree.sibling_commune, CertState.APPROVED)):
        CertificationRecord.objects.create(
            commune=commune,
            subject_kind=SubjectKind.COMMUNE,
            year=year,
            period_start=datetime.date(year - 1, 11, 16),
            period_end=datetime.date(year, 11, 15),
            registered_on=datetime.date(year, 2, 1),
            state=state,
        )
    url = reverse("certification:record_list")
    client.force_login(users.reviewer)
    assert "Xuất Excel" in client.get(url).content.decode()
    rows = _csv_rows(client.get(url, {"export": "csv", "state": CertState.APPROVED}))
    assert _column(rows, "Mã xã") == [tree.sibling_commune.code]
    assert _column(rows, "Trạng thái") == ["Đạt (đã công nhận)"]
    client.force_login(users.commune_staff)
    rows = _csv_rows(client.get(url, {"export": "csv"}))
    assert _column(rows, "Mã xã") == [tree.commune.code]
