"""A hamlet or an enterprise that closes keeps counting in the years it existed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certification import stats
from certification.testing import ensure_criteria, make_area, make_org
from dashboard.services import Scope, figure_rows, figure_value, unit_figures
from registry.models import ResidentialArea
from tests.import_helpers import AREA_HEADER, csv_bytes, errors_of, import_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]


def area_rate(unit, year: int) -> tuple[int, int]:
    rate = stats.rates([unit], year)[unit.pk][0]
    return rate.approved, rate.eligible


def test_an_area_closed_in_2026_still_counts_in_2024_and_2025(tree, users):
    ensure_criteria()
    make_area(tree.commune, "Thôn 1")
    closed = make_area(tree.commune, "Thôn 2")
    closed.is_active, closed.closed_on = False, datetime.date(2026, 3, 1)
    closed.save()
    legacy = make_area(tree.commune, "Thôn 3", active=False)  # closed before days were recorded
    assert legacy.closed_on is None

    assert [area_rate(tree.district, y)[1] for y in (2024, 2025, 2026)] == [2, 2, 1]
    scope = Scope(users.leadership, tree.district)
    for year, expected in ((2025, 2), (2026, 1)):
        figures = unit_figures(scope, year)
        eligible = next(r.eligible for r in figures.certification if r.kind == "residential_area")
        assert (eligible.value, eligible.previous) == (expected, 2)
        listing = figure_rows("cert_eligible", scope, year, "residential_area")
        assert figure_value(listing) == expected
    # An organisation closed on 10 November 2025, before the 15 November end of its period: 2025
    # was its last year.
    org = make_org(tree.commune, "Trường THCS")
    org.is_active, org.closed_on = False, datetime.date(2025, 11, 10)
    org.save()
    rates = {y: stats.rates([tree.district], y)[tree.district.pk] for y in (2024, 2025)}
    assert [next(r.eligible for r in rates[y] if r.kind == "school") for y in (2024, 2025)] == [1, 0]


def test_closing_an_area_on_its_page_records_the_day(client, tree, users):
    area = make_area(tree.commune, "Thôn 1")
    client.force_login(users.province_staff)
    url = reverse("registry:area_update", args=[area.pk])
    data = {"commune": tree.commune.pk, "name": "Thôn 1", "kind": area.kind_id}

    client.post(url, data)  # "đang tồn tại" unticked, no day given: closed today
    area.refresh_from_db()
    assert (area.is_active, area.closed_on) == (False, timezone.localdate())

    client.post(url, {**data, "closed_on": "2025-12-20"})
    area.refresh_from_db()
    assert area.closed_on == datetime.date(2025, 12, 20)

    page = client.post(url, {**data, "is_active": "on", "closed_on": "2025-12-20"}).content.decode()
    assert "Còn tồn tại thì không có ngày ngừng" in page

    client.post(url, {**data, "is_active": "on"})
    area.refresh_from_db()
    assert (area.is_active, area.closed_on) == (True, None)


def test_an_area_already_closed_without_a_day_is_not_given_one(tree):
    area = make_area(tree.commune, "Thôn 1", active=False)
    area.households = 12
    area.save()
    area.refresh_from_db()
    assert area.closed_on is None


def test_import_takes_the_closing_day_with_no_in_the_existence_column(tree, users, catalogues):
    header = [*AREA_HEADER, "Đang tồn tại", "Ngừng từ ngày"]
    rows = [
        header,
        ["22615", "Thôn 1", "Thôn", 10, 40, "Không", "01/03/2026"],
        ["22615", "Thôn 2", "Thôn", 10, 40, "Có", "01/03/2026"],
    ]
    outcome = import_file("areas", csv_bytes(rows), "a.csv", users.admin)
    assert errors_of(outcome) == [
        (3, "Ngừng từ ngày", "Có ngày ngừng thì cột “Đang tồn tại” phải ghi “Không”.")
    ]
    rows[2][6] = ""
    assert import_file("areas", csv_bytes(rows), "a.csv", users.admin).ok
    assert dict(ResidentialArea.objects.values_list("name", "closed_on")) == {
        "Thôn 1": datetime.date(2026, 3, 1),
        "Thôn 2": None,
    }
    # Reopened by a later file: the closing day goes. Closed by a file without a day: closed on
    # the day of the import, as on the page; a row already closed keeps its unknown day.
    make_area(tree.commune, "Thôn 9", active=False)
    rows = [
        header,
        ["22615", "Thôn 1", "Thôn", 10, 40, "Có", ""],
        ["22615", "Thôn 2", "Thôn", 10, 40, "Không", ""],
        ["22615", "Thôn 9", "Thôn", 12, 40, "Không", ""],
    ]
    assert import_file("areas", csv_bytes(rows), "a.csv", users.admin).ok
    assert dict(ResidentialArea.objects.values_list("name", "closed_on")) == {
        "Thôn 1": None,
        "Thôn 2": timezone.localdate(),
        "Thôn 9": None,
    }


def test_a_model_dissolved_in_2026_still_counts_in_2025(client, tree, users):
    from registry.models import ModelType, SecurityModel, Status

    camera = ModelType.objects.create(name="Camera an ninh")
    model = SecurityModel.objects.create(
        commune=tree.commune, model_type=camera, name="Camera xã", started_on=datetime.date(2023, 5, 1)
    )
    SecurityModel.objects.create(commune=tree.commune, model_type=camera, name="Camera thôn 1")
    client.force_login(users.province_staff)
    data = {"commune": tree.commune.pk, "name": "Camera xã", "model_type": camera.pk}
    data |= {"started_on": "2023-05-01", "status": Status.DISSOLVED, "stopped_on": "2026-02-01"}
    response = client.post(reverse("registry:model_update", args=[model.pk]), data)
    assert response.status_code == 302
    model.refresh_from_db()
    assert model.stopped_on == datetime.date(2026, 2, 1)

    scope = Scope(users.leadership, tree.province)
    counts = {y: unit_figures(scope, y, trend=False).models_total for y in (2022, 2025, 2026)}
    assert [(f.value, f.previous) for f in counts.values()] == [(1, 1), (2, 2), (1, 2)]
    assert figure_value(figure_rows("models", scope, 2025)) == 2
    assert figure_value(figure_rows("models", scope, 2026)) == 1

    # Back to active: the stopping day goes; active with a day is a contradiction.
    page = client.post(reverse("registry:model_update", args=[model.pk]), {**data, "status": Status.ACTIVE})
    assert "Đang hoạt động thì không có ngày ngừng" in page.content.decode()
    client.post(
        reverse("registry:model_update", args=[model.pk]), {**data, "status": Status.ACTIVE, "stopped_on": ""}
    )
    model.refresh_from_db()
    assert (model.status, model.stopped_on) == (Status.ACTIVE, None)


def test_suspending_a_force_without_a_day_stops_it_today(tree):
    from registry.models import ForceType, ForceUnit, Status

    force = ForceUnit.objects.create(
        commune=tree.commune,
        force_type=ForceType.objects.create(name="Tổ bảo vệ"),
        name="Tổ 1",
        member_count=5,
    )
    force.status = Status.SUSPENDED
    force.save()
    force.refresh_from_db()
    assert force.stopped_on == timezone.localdate()


def test_a_commune_that_replaced_its_committee_stays_covered_in_the_years_before(client, tree, users):
    from registry.models import SteeringCommittee

    old = SteeringCommittee.objects.create(
        commune=tree.commune,
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2021, 7, 1),
        head_name="Chủ tịch UBND xã",
        member_count=9,
    )
    # The 2026 term: the old committee ends on its page, the new one is set up.
    client.force_login(users.province_staff)
    data = {
        "commune": tree.commune.pk,
        "decision_number": "12/QĐ-UBND",
        "decision_date": "2021-07-01",
        "head_name": "Chủ tịch UBND xã",
        "member_count": 9,
        "ended_on": "2026-03-15",
    }
    assert client.post(reverse("registry:committee_update", args=[old.pk]), data).status_code == 302
    SteeringCommittee.objects.create(
        commune=tree.commune,
        decision_number="3/QĐ-UBND",
        decision_date=datetime.date(2026, 3, 15),
        head_name="Chủ tịch UBND xã",
        member_count=11,
    )
    scope = Scope(users.leadership, tree.district)
    covered = {y: unit_figures(scope, y, trend=False).committees.value for y in (2020, 2024, 2026)}
    assert covered == {2020: 0, 2024: 1, 2026: 1}
    assert figure_value(figure_rows("committees", scope, 2024)) == 1
    assert figure_value(figure_rows("communes", scope, 2024)) == 2  # each commune once
    # Plan targets measure the same way.
    from movement.indicators import committees_rate

    assert [committees_rate(tree.district, y) for y in (2020, 2024)] == [0, 50]


def test_models_by_class_count_a_model_stopped_since_in_the_year_before(tree, users):
    from registry.models import EffectivenessClass, ModelReview, ModelType, SecurityModel, Status

    good = EffectivenessClass.objects.create(name="Tốt", rank=1)
    camera = ModelType.objects.create(name="Camera an ninh")
    for name, stopped in (("Camera xã", datetime.date(2026, 2, 1)), ("Camera thôn", None)):
        model = SecurityModel.objects.create(
            commune=tree.commune,
            model_type=camera,
            name=name,
            status=Status.DISSOLVED if stopped else Status.ACTIVE,
            stopped_on=stopped,
        )
        ModelReview.objects.create(
            model=model, reviewed_on=datetime.date(2024, 12, 1), kind="final", effectiveness=good
        )
    for scope in (Scope(users.admin, None), Scope(users.leadership, tree.province)):
        figures = unit_figures(scope, 2026, trend=False)
        [by_class] = [f for f in figures.models_by_class if f.key == str(good.pk)]
        assert (by_class.value, by_class.previous) == (1, 2), scope.unit
        assert figure_value(figure_rows("models_class", scope, 2025, str(good.pk))) == 2


def test_a_file_without_the_status_columns_leaves_the_days_alone(tree, users, catalogues):
    open_area = make_area(tree.commune, "Thôn 1")
    closed = make_area(tree.commune, "Thôn 2")
    closed.is_active, closed.closed_on = False, datetime.date(2025, 12, 20)
    closed.save()
    # Households only: nothing about existence.
    rows = [AREA_HEADER, ["22615", "Thôn 1", "Thôn", 11, 40], ["22615", "Thôn 2", "Thôn", 12, 40]]
    assert import_file("areas", csv_bytes(rows), "a.csv", users.admin).ok
    # The existence column without the day column: the stored day stays.
    rows = [[*AREA_HEADER, "Đang tồn tại"], ["22615", "Thôn 1", "Thôn", 13, 40, "Có"]]
    rows.append(["22615", "Thôn 2", "Thôn", 14, 40, "Không"])
    assert import_file("areas", csv_bytes(rows), "b.csv", users.admin).ok
    values = dict(ResidentialArea.objects.values_list("pk", "closed_on"))
    assert values == {open_area.pk: None, closed.pk: datetime.date(2025, 12, 20)}
    assert ResidentialArea.objects.get(pk=open_area.pk).is_active


def test_an_area_opened_in_2025_is_not_counted_in_2024(tree, users):
    make_area(tree.commune, "Thôn 1")
    split = make_area(tree.commune, "Thôn 1B")
    split.opened_on = datetime.date(2025, 3, 1)
    split.save()
    assert [area_rate(tree.district, y)[1] for y in (2024, 2025)] == [1, 2]
    scope = Scope(users.leadership, tree.district)
    assert figure_value(figure_rows("cert_eligible", scope, 2024, "residential_area")) == 1
