"""Rules that keep the registry's rows plausible: days in order and already come, a place with
rows attached staying in its commune, a replaced force type kept for the units of its time."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from registry import demo
from registry.models import ForceUnit, ModelReview, Organisation, ResidentialArea, Status, SteeringCommittee
from tests.import_helpers import csv_bytes, errors_of, import_file, xlsx_bytes
from tests.test_registry_pages import login, make_area, make_force, make_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat(db):
    return demo.load_catalogues()


def force_data(commune, cat, **extra):
    return {
        "commune": commune.pk,
        "name": "Tổ bảo vệ ANTT thôn Đông",
        "force_type": cat["force_types"][demo.GRASSROOTS_TEAM].pk,
        "member_count": 5,
        "status": Status.ACTIVE,
        **extra,
    }


def area_data(area, commune):
    return {"commune": commune.pk, "name": area.name, "kind": area.kind_id, "is_active": "on"}


def test_area_with_a_force_cannot_move_to_another_commune(client, tree, users, cat):
    area = make_area(tree.commune, cat)
    make_force(tree.commune, cat, area=area)
    login(client, users.province_staff)
    url = reverse("registry:area_update", args=[area.pk])
    response = client.post(url, area_data(area, tree.other_commune))
    assert response.status_code == 200
    [message] = response.context["form"].errors["commune"]
    assert message.startswith("Không chuyển được sang xã/phường khác: còn lực lượng nòng cốt gắn với")
    area.refresh_from_db()
    assert area.commune == tree.commune


def test_area_with_nothing_attached_moves_to_another_commune(client, tree, users, cat):
    area = make_area(tree.commune, cat)
    login(client, users.province_staff)
    url = reverse("registry:area_update", args=[area.pk])
    assert client.post(url, area_data(area, tree.other_commune)).status_code == 302
    area.refresh_from_db()
    assert area.commune == tree.other_commune
    # Editing it in place is untouched by the rule, attached rows or not.
    make_force(tree.other_commune, cat, area=area)
    response = client.post(url, {**area_data(area, tree.other_commune), "households": 40})
    assert response.status_code == 302
    assert ResidentialArea.objects.get(pk=area.pk).households == 40


def test_force_cannot_stop_before_it_was_established(client, tree, users, cat):
    login(client, users.commune_staff)
    data = force_data(
        tree.commune, cat, status=Status.DISSOLVED, established_on="2025-06-01", stopped_on="2025-01-01"
    )
    response = client.post(reverse("registry:force_create"), data)
    assert response.context["form"].errors["stopped_on"] == [
        "Ngày ngừng hoạt động không được trước ngày thành lập."
    ]
    response = client.post(reverse("registry:force_create"), {**data, "stopped_on": "2025-06-01"})
    assert response.status_code == 302
    assert ForceUnit.objects.count() == 1


def test_model_cannot_stop_before_it_started(client, tree, users, cat):
    login(client, users.commune_staff)
    response = client.post(
        reverse("registry:model_create"),
        {
            "commune": tree.commune.pk,
            "name": "Camera an ninh",
            "model_type": cat["model_types"][demo.CAMERAS].pk,
            "status": Status.SUSPENDED,
            "started_on": "2024-03-01",
            "stopped_on": "2023-12-31",
        },
    )
    [message] = response.context["form"].errors["stopped_on"]
    assert message == "Ngày ngừng hoạt động không được trước ngày bắt đầu."


def test_committee_cannot_end_before_its_decision_nor_list_more_members_than_it_has(client, tree, users):
    login(client, users.commune_staff)
    data = {
        "commune": tree.commune.pk,
        "decision_number": "12/QĐ-UBND",
        "decision_date": "2024-01-10",
        "head_name": "Nguyễn Văn An",
        "member_count": 3,
        "ended_on": "2023-01-01",
    }
    errors = client.post(reverse("registry:committee_create"), data).context["form"].errors
    assert errors["ended_on"] == ["Ngày hết hoạt động không được trước ngày quyết định."]
    members = "Nguyễn Văn An\nTrần Thị Bình\nLê Văn Cường\nPhạm Thị Dung\n\n"
    errors = client.post(
        reverse("registry:committee_create"), {**data, "ended_on": "2025-01-01", "members": members}
    ).context["form"].errors
    assert errors["member_count"] == ["Danh sách thành viên có 4 người, nhiều hơn số thành viên đã nhập."]
    data.update(ended_on="2025-01-01", members=members, member_count=4)
    response = client.post(reverse("registry:committee_create"), data)
    assert response.status_code == 302
    assert SteeringCommittee.objects.get().member_count == 4


def test_committee_decision_cannot_be_dated_after_today(client, tree, users):
    login(client, users.commune_staff)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("registry:committee_create"),
        {
            "commune": tree.commune.pk,
            "decision_number": "12/QĐ-UBND",
            "decision_date": tomorrow.isoformat(),
            "head_name": "Nguyễn Văn An",
            "member_count": 3,
            "is_active": "on",
        },
    )
    [message] = response.context["form"].errors["decision_date"]
    assert message.startswith(f"Ngày {tomorrow:%d/%m/%Y} chưa đến")
    assert not SteeringCommittee.objects.exists()


def test_review_is_neither_after_today_nor_before_the_model_started(client, tree, users, cat):
    model = make_model(tree.commune, cat, started_on=datetime.date(2024, 3, 1))
    login(client, users.commune_staff)
    url = reverse("registry:model_review_create", args=[model.pk])
    good = cat["effectiveness"]["Tốt"].pk
    later = timezone.localdate() + datetime.timedelta(days=1)
    for day, message in (
        (later, f"Ngày {later:%d/%m/%Y} chưa đến"),
        (datetime.date(2023, 1, 1), "Mô hình bắt đầu từ 01/03/2024: ngày đánh giá không được trước đó."),
    ):
        response = client.post(url, {"reviewed_on": day.isoformat(), "kind": "final", "effectiveness": good})
        assert response.context["form"].errors["reviewed_on"][0].startswith(message)
    assert not ModelReview.objects.exists()
    response = client.post(url, {"reviewed_on": "2024-09-01", "kind": "final", "effectiveness": good})
    assert response.status_code == 302


def test_force_type_replaced_by_the_reform_is_refused_for_units_set_up_after(client, tree, users, cat):
    login(client, users.commune_staff)
    old_type = cat["force_types"][demo.COMMUNE_POLICE]
    assert old_type.valid_to is not None
    after = old_type.valid_to + datetime.timedelta(days=1)
    data = force_data(tree.commune, cat, force_type=old_type.pk, established_on=after.isoformat())
    response = client.post(reverse("registry:force_create"), data)
    [message] = response.context["form"].errors["force_type"]
    assert message.startswith(f"Loại lực lượng này chỉ áp dụng đến {old_type.valid_to:%d/%m/%Y}")
    # A unit set up while the type was in use keeps it.
    response = client.post(reverse("registry:force_create"), {**data, "established_on": "2015-05-01"})
    assert response.status_code == 302


def test_two_hosts_get_one_vietnamese_message(client, tree, users, cat):
    area = make_area(tree.commune, cat)
    school = Organisation.objects.create(
        commune=tree.commune, name="Trường Tiểu học", org_type=next(iter(cat["org_types"].values()))
    )
    login(client, users.commune_staff)
    data = force_data(tree.commune, cat, area=area.pk, organisation=school.pk)
    form = client.post(reverse("registry:force_create"), data).context["form"]
    assert form.non_field_errors() == ["Chỉ chọn một nơi: khu dân cư hoặc cơ quan, doanh nghiệp, nhà trường."]


@pytest.mark.usefixtures("fast_passwords")
def test_imports_apply_the_same_day_rules(tree, users, catalogues):
    later = timezone.localdate() + datetime.timedelta(days=30)
    header = ["Mã xã", "Số quyết định", "Ngày quyết định", "Trưởng ban", "Số thành viên"]
    rows = [
        [*header, "Đang hoạt động", "Hết hoạt động từ ngày"],
        ["22615", "1/QĐ", later.strftime("%d/%m/%Y"), "Nguyễn Văn A", 5, "Có", ""],
        ["22621", "2/QĐ", "10/01/2024", "Trần Văn B", 5, "Không", "01/01/2023"],
    ]
    outcome = import_file("committees", csv_bytes(rows), "bcd.csv", users.admin)
    assert errors_of(outcome) == [
        (2, "Ngày quyết định", f"Ngày {later:%d/%m/%Y} chưa đến: hãy kiểm tra lại."),
        (3, "Hết hoạt động từ ngày", "Ngày hết hoạt động không được trước ngày quyết định."),
    ]
    assert not SteeringCommittee.objects.exists()


def test_a_name_retyped_in_another_case_or_spacing_is_the_same_area(client, tree, users, cat):
    make_area(tree.commune, cat, "Thôn Nam")
    login(client, users.commune_staff)
    kind = cat["kinds"]["Thôn"].pk
    for retyped in ("thôn nam", "THÔN  NAM"):
        response = client.post(
            reverse("registry:area_create"), {"commune": tree.commune.pk, "name": retyped, "kind": kind}
        )
        assert response.context["form"].non_field_errors() == ["Xã/phường này đã có một khu dân cư cùng tên."]
    # A different diacritic is a different hamlet.
    response = client.post(
        reverse("registry:area_create"), {"commune": tree.commune.pk, "name": "Thôn Năm", "kind": kind}
    )
    assert response.status_code == 302
    assert ResidentialArea.objects.count() == 2


@pytest.mark.usefixtures("fast_passwords")
def test_an_area_cannot_have_more_households_than_people(client, tree, users, cat):
    login(client, users.commune_staff)
    data = {"commune": tree.commune.pk, "name": "Thôn Mới", "kind": cat["kinds"]["Thôn"].pk}
    response = client.post(reverse("registry:area_create"), {**data, "households": 100, "population": 20})
    message = "Số hộ không thể lớn hơn số nhân khẩu: mỗi hộ có ít nhất một người."
    assert response.context["form"].errors["households"] == [message]
    rows = [["Mã xã", "Tên thôn/tổ dân phố", "Loại khu dân cư", "Số hộ", "Số nhân khẩu"]]
    rows.append(["22615", "Thôn Mới", "Thôn", 100, 20])
    assert errors_of(import_file("areas", csv_bytes(rows), "a.csv", users.admin)) == [(2, "Số hộ", message)]
    assert not ResidentialArea.objects.exists()


def test_a_model_cannot_start_after_its_first_review(client, tree, users, cat):
    model = make_model(tree.commune, cat, started_on=datetime.date(2021, 11, 1))
    good = cat["effectiveness"]["Tốt"]
    day = datetime.date(2023, 6, 24)
    ModelReview.objects.create(model=model, reviewed_on=day, kind="interim", effectiveness=good)
    login(client, users.province_staff)
    data = {
        "commune": tree.commune.pk,
        "name": model.name,
        "model_type": model.model_type_id,
        "status": Status.ACTIVE,
        "started_on": "2025-01-01",
    }
    response = client.post(reverse("registry:model_update", args=[model.pk]), data)
    assert response.context["form"].errors["started_on"] == [
        "Mô hình đã có lần đánh giá ngày 24/06/2023: ngày bắt đầu không được sau ngày đó."
    ]
    data["started_on"] = "2022-01-01"
    response = client.post(reverse("registry:model_update", args=[model.pk]), data)
    assert response.status_code == 302


@pytest.mark.usefixtures("fast_passwords")
def test_imports_check_member_lists_and_reviews_before_the_model_started(tree, users, cat):
    header = ["Mã xã", "Số quyết định", "Ngày quyết định", "Trưởng ban", "Số thành viên", "Thành viên"]
    rows = [header, ["22615", "1/QĐ", "10/01/2024", "Nguyễn Văn A", 2, "Nguyễn Văn A\nTrần Văn B\nLê Thị C"]]
    assert errors_of(import_file("committees", xlsx_bytes(rows), "bcd.xlsx", users.admin)) == [
        (2, "Số thành viên", "Danh sách thành viên có 3 người, nhiều hơn số thành viên đã nhập.")
    ]
    make_model(tree.commune, cat, name="Camera an ninh", started_on=datetime.date(2024, 3, 1))
    rows = [
        ["Mã xã", "Tên mô hình", "Ngày đánh giá", "Hình thức", "Mức hiệu quả"],
        ["22615", "Camera an ninh", "01/01/1990", "Tổng kết", "Tốt"],
        ["22615", "Camera an ninh", "01/09/2024", "Sơ kết", "Khá"],
    ]
    assert errors_of(import_file("model-reviews", csv_bytes(rows), "dg.csv", users.admin)) == [
        (2, "Ngày đánh giá", "Mô hình bắt đầu từ 01/03/2024: ngày đánh giá không được trước đó.")
    ]
    assert not ModelReview.objects.exists()


@pytest.mark.usefixtures("fast_passwords")
def test_the_force_import_refuses_a_replaced_type_for_a_later_unit(tree, users, cat):
    old_type = cat["force_types"][demo.COMMUNE_POLICE]
    later = old_type.valid_to + datetime.timedelta(days=1)
    rows = [
        ["Mã xã", "Tên lực lượng", "Loại lực lượng", "Số thành viên", "Ngày thành lập"],
        ["22615", "Ban Công an xã", old_type.name, 9, later.strftime("%d/%m/%Y")],
        ["22615", "Ban Công an xã cũ", old_type.name, 9, "01/05/2015"],
    ]
    [(row, column, message)] = errors_of(import_file("forces", csv_bytes(rows), "llnc.csv", users.admin))
    assert (row, column) == (2, "Loại lực lượng")
    assert message.startswith(f"Loại lực lượng này chỉ áp dụng đến {old_type.valid_to:%d/%m/%Y}")
    assert not ForceUnit.objects.exists()
