"""The audit trail: who changed what, when, from which request, before and after."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site as admin_site
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.history import history_for
from audit.registration import audited_models, history_model
from audit.services import bulk_create_audited, bulk_update_audited
from registry.models import AreaKind, ResidentialArea
from tests.conftest import PASSWORD, unit_admin_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def kind(db) -> AreaKind:
    return AreaKind.objects.create(name="Thôn")


def make_area(commune, kind, name: str = "Thôn 1") -> ResidentialArea:
    return ResidentialArea.objects.create(commune=commune, kind=kind, name=name, households=10)


def test_every_registry_model_and_the_user_are_audited():
    from django.apps import apps

    audited = {model for _entry, model, _history in audited_models()}
    registry_models = set(apps.get_app_config("registry").get_models())
    assert registry_models <= audited
    assert User in audited
    for _entry, _model, history in audited_models():
        assert history._meta.app_label == "audit"


def test_password_hashes_never_reach_the_history(users):
    fields = {f.name for f in history_model("accounts.User")._meta.fields}
    assert "password" not in fields and "last_login" not in fields
    users.commune_staff.set_password("Mot-mat-khau-moi-2026")
    users.commune_staff.save()
    assert users.commune_staff.history.count() == 2


def test_a_login_is_not_a_change_of_the_user(client, users):
    before = users.commune_staff.history.count()
    assert client.login(username="xa", password=PASSWORD)
    users.commune_staff.refresh_from_db()
    assert users.commune_staff.last_login is not None
    assert users.commune_staff.history.count() == before


def test_change_through_a_request_records_user_ip_request_id_and_values(client, tree, users):
    client.force_login(users.admin)
    url = reverse("admin:registry_administrativeunit_change", args=[tree.commune.pk])
    data = unit_admin_form(tree.commune, name="Khánh Bình Mới", full_name="Xã Khánh Bình Mới")
    response = client.post(url, data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = tree.commune.history.latest()
    assert latest.history_user == users.admin
    assert latest.history_type == "~"
    assert latest.ip_address == "10.1.2.3"
    assert latest.request_id == response["X-Request-ID"]
    assert len(latest.request_id) == 32

    entry = history_for(tree.commune)[0]
    changes = {c.name: (c.old, c.new) for c in entry.changes}
    assert changes["name"] == ("Khánh Bình", "Khánh Bình Mới")
    assert changes["full_name"] == ("Xã Khánh Bình", "Xã Khánh Bình Mới")
    assert "path" not in changes  # computed, not edited


def test_the_editors_address_is_shown_to_administrators_only(client, tree, users, kind):
    area = make_area(tree.commune, kind)
    client.force_login(users.admin)
    url = reverse("admin:registry_residentialarea_change", args=[area.pk])
    data = {
        "commune": tree.commune.pk,
        "name": "Thôn Một",
        "kind": kind.pk,
        "households": "",
        "population": "",
    }
    data["is_active"] = "on"
    assert client.post(url, data, REMOTE_ADDR="10.1.2.3").status_code == 302
    assert area.history.latest().ip_address == "10.1.2.3"

    assert "10.1.2.3" in client.get(area.get_absolute_url()).content.decode()
    client.force_login(users.province_staff)
    page = client.get(area.get_absolute_url()).content.decode()
    assert "Thôn Một" in page and "10.1.2.3" not in page


def test_every_response_carries_a_fresh_request_id(client):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert first and second and first != second


def test_request_id_is_not_taken_from_the_client(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="forged")
    assert response["X-Request-ID"] != "forged"


def test_history_shows_related_objects_by_name_and_deleted_objects_stay(tree, kind):
    area = make_area(tree.commune, kind)
    other_kind = AreaKind.objects.create(name="Tổ dân phố")
    area.kind = other_kind
    area.save()
    entry = history_for(area)[0]
    assert {c.name: (c.old, c.new) for c in entry.changes}["kind"] == ("Thôn", "Tổ dân phố")
    area_id = area.pk
    area.delete()
    rows = history_model("registry.ResidentialArea").objects.filter(id=area_id)
    assert [r.history_type for r in rows.order_by("history_date")] == ["+", "~", "-"]


def test_history_for_runs_constant_queries(tree, kind, django_assert_max_num_queries):
    area = make_area(tree.commune, kind)
    kinds = [AreaKind.objects.create(name=f"Loại {i}") for i in range(5)]
    for i in range(40):
        area.households = i
        area.kind = kinds[i % 5]
        area.save()
    with django_assert_max_num_queries(3):
        entries = history_for(area)
    assert len(entries) == 41
    assert entries[0].changes and entries[-1].type_label == "Tạo mới"


def test_history_tab_renders_escaped_in_one_line(tree, kind):
    area = make_area(tree.commune, kind, name="<script>alert(1)</script>")
    html = Template("{% load audit %}{% history_tab area %}").render(Context({"area": area}))
    assert "Lịch sử thay đổi" in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_edit_without_an_earlier_history_row_shows_values_as_unknown_not_as_changed(tree, kind):
    area = make_area(tree.commune, kind)
    area.history.all().delete()  # written without history, as bulk writers that skip signals do
    area.households = 12
    area.save()
    entry = history_for(area)[0]
    assert entry.previous_unknown
    assert {c.name: (c.old, c.new) for c in entry.changes}["households"] == (None, "12")
    html = Template("{% load audit %}{% history_tab area %}").render(Context({"area": area}))
    assert "Không rõ giá trị trước lần sửa này" in html
    assert "—" not in html and "→" not in html


def test_record_missing_creations_gives_rows_without_history_their_creation_entry(tree, kind):
    from audit.services import record_missing_creations

    area = make_area(tree.commune, kind)
    area.history.all().delete()
    assert record_missing_creations(reason="Dữ liệu mẫu") >= 1
    assert record_missing_creations() == 0  # nothing left without history
    created = area.history.get()
    assert (created.history_type, created.history_change_reason) == ("+", "Dữ liệu mẫu")
    assert created.history_date == area.created_at and created.name == area.name
    area.name = "Thôn Một"
    area.save()
    changes = {c.name: (c.old, c.new) for c in history_for(area)[0].changes}
    assert changes == {"name": ("Thôn 1", "Thôn Một")}


def test_change_log_names_a_campaign_result_by_campaign_and_metric_with_its_value_in_local_format(
    client, tree, users
):
    from movement.models import Campaign, CampaignKind, CampaignResult, ResultMetric

    # Own catalogue rows: a transactional test run before may have flushed the seeded ones.
    kind, _created = CampaignKind.objects.get_or_create(name="Ngày hội toàn dân bảo vệ ANTQ")
    metric, _created = ResultMetric.objects.get_or_create(
        code="propaganda_sessions", defaults={"name": "Số buổi tuyên truyền", "unit": "buổi"}
    )
    campaign = Campaign.objects.create(
        kind=kind,
        name="Ngày hội toàn dân",
        place=tree.commune,
        start_date=datetime.date(2025, 8, 19),
        end_date=datetime.date(2025, 8, 19),
    )
    result = CampaignResult.objects.create(
        campaign=campaign, metric=metric, value=Decimal("2.50")
    )
    client.force_login(users.admin)
    html = listed(client, model="movement.campaignresult")
    assert "Đợt vận động, sự kiện:" in html and "Campaign" not in html
    # Named by what it is, not by its id alone (the id follows once).
    label = f"Kết quả: Ngày hội toàn dân — {metric.name}"  # the seeded name, or the one made here
    assert f'{label} <span class="text-muted small">#{result.pk}</span>' in html
    assert "2,5<" in html and "2.50" not in html


def test_change_log_model_filter_keeps_acronyms_in_capitals(users):
    from audit.forms import ChangeFilterForm

    labels = dict(ChangeFilterForm().fields["model"].choices)
    assert labels["registry.securitymodel"] == "Mô hình tự quản về ANTT"
    assert labels["certification.certificationrecord"].startswith("Hồ sơ công nhận “An toàn về ANTT”")


def test_bulk_writers_write_history_rows(tree, kind, users):
    areas = bulk_create_audited(
        [ResidentialArea(commune=tree.commune, kind=kind, name=f"Thôn {i}") for i in range(5)],
        ResidentialArea,
        user=users.admin,
        reason="Nhập từ tệp",
    )
    history = history_model("registry.ResidentialArea").objects
    assert history.filter(history_type="+").count() == 5
    assert set(history.values_list("history_user_id", flat=True)) == {users.admin.pk}
    for area in areas:
        area.households = 7
    assert bulk_update_audited(areas, ResidentialArea, ["households"], user=users.admin) == 5
    assert history.filter(history_type="~", households=7).count() == 5


def test_history_rows_are_read_only_in_the_admin(client, users, tree):
    historical = history_model("registry.AdministrativeUnit")
    model_admin = admin_site._registry[historical]
    request = RequestFactory().get("/")
    request.user = users.admin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    client.force_login(users.admin)
    row = tree.commune.history.first()
    change_url = reverse("admin:audit_historicaladministrativeunit_change", args=[row.pk])
    assert client.get(change_url).status_code == 200  # viewable
    assert client.post(change_url, {"name": "x"}).status_code == 403
    delete_url = reverse("admin:audit_historicaladministrativeunit_delete", args=[row.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert historical.objects.filter(pk=row.pk).exists()


# --- The administrator's change log ---------------------------------------------------------------


def test_change_log_is_for_administrators_only(client, users):
    url = reverse("audit:change_list")
    assert client.get(url).status_code == 302
    for user in (users.province_staff, users.leadership, users.reviewer, users.commune_staff):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(users.admin)
    assert client.get(url).status_code == 200


def listed(client, **params) -> str:
    response = client.get(reverse("audit:change_list"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_change_log_filters_by_unit_subtree(client, tree, users, kind):
    make_area(tree.commune, kind, name="Thôn Trong Huyện")
    make_area(tree.other_commune, kind, name="Thôn Ngoài Huyện")
    client.force_login(users.admin)
    html = listed(client, unit=tree.district.code)
    assert "Thôn Trong Huyện" in html and "Thôn Ngoài Huyện" not in html
    assert "Đơn vị hành chính: Xã Khánh Bình" in html  # the commune's own creation
    assert "Đơn vị hành chính: Tỉnh Ninh Thuận" not in html  # another province
    html = listed(client, unit=tree.province.code)
    assert "Thôn Trong Huyện" in html and "Thôn Ngoài Huyện" in html
    assert "Không có đơn vị hành chính" in listed(client, unit="99999")


def test_change_log_filters_by_user_model_and_dates(client, tree, users, kind):
    rows = history_model("registry.ResidentialArea").objects
    area = make_area(tree.commune, kind, name="Thôn Của Xã")
    rows.filter(id=area.pk).update(history_user=users.commune_staff)
    old = make_area(tree.commune, kind, name="Thôn Năm Ngoái")
    rows.filter(id=old.pk).update(history_date=timezone.now() - datetime.timedelta(days=400))
    client.force_login(users.admin)

    html = listed(client, user=users.commune_staff.pk)
    unit_row = "Đơn vị hành chính: Xã Khánh Bình"
    assert "Thôn Của Xã" in html and "Thôn Năm Ngoái" not in html and unit_row not in html
    html = listed(client, model="registry.residentialarea")
    assert "Thôn Của Xã" in html and unit_row not in html
    assert unit_row in listed(client)
    today = timezone.localdate().isoformat()
    html = listed(client, date_from=today, date_to=today)
    assert "Thôn Của Xã" in html and "Thôn Năm Ngoái" not in html
    assert "phải trước" in listed(client, date_from=today, date_to="2000-01-01")


def test_change_log_pages_in_constant_queries(client, tree, users, kind, django_assert_max_num_queries):
    areas = [make_area(tree.commune, kind, name=f"Thôn {i}") for i in range(60)]
    for area in areas[:30]:
        area.households = 99
        area.save()
    client.force_login(users.admin)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("audit:change_list"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 51  # header + one page of 50
    with django_assert_max_num_queries(20):
        assert client.get(reverse("audit:change_list"), {"page": 2}).status_code == 200


def test_change_log_finds_reviews_through_their_model_even_after_deletion(client, tree, users):
    from registry.models import EffectivenessClass, ModelReview, ModelType, SecurityModel

    model_type = ModelType.objects.create(name="Camera an ninh")
    good = EffectivenessClass.objects.create(name="Tốt", rank=1)
    inside = SecurityModel.objects.create(commune=tree.commune, name="Camera Trong", model_type=model_type)
    outside = SecurityModel.objects.create(
        commune=tree.other_commune, name="Camera Ngoài", model_type=model_type
    )
    for model in (inside, outside):
        ModelReview.objects.create(
            model=model, reviewed_on=datetime.date(2025, 6, 30), kind="final", effectiveness=good
        )
    inside.delete()  # cascades to its review; both stay in the history
    client.force_login(users.admin)
    html = listed(client, unit=tree.district.code, model="registry.modelreview")
    assert html.count("Đánh giá mô hình:") == 2  # the review's creation and its deletion
    assert "Camera Trong" in html and "Camera Ngoài" not in html
    # Named by its model (deleted since, named from its history) and its day.
    assert html.count("Camera Trong (đã xóa) — 30/06/2025") == 2


def test_change_log_names_rows_without_a_name_by_their_parents_in_constant_queries(
    client, tree, users, django_assert_max_num_queries
):
    from certification.models import CertificationRecord, SubjectKind
    from movement.models import Campaign, CampaignKind, CampaignResult, ResultMetric

    kind, _created = CampaignKind.objects.get_or_create(name="Ngày hội toàn dân bảo vệ ANTQ")
    metric, _created = ResultMetric.objects.get_or_create(
        code="propaganda_sessions", defaults={"name": "Số buổi tuyên truyền", "unit": "buổi"}
    )
    area_kind = AreaKind.objects.create(name="Thôn")
    for i in range(12):
        campaign = Campaign.objects.create(
            kind=kind,
            name=f"Đợt {i}",
            place=tree.commune,
            start_date=datetime.date(2025, 8, 19),
            end_date=datetime.date(2025, 8, 19),
        )
        CampaignResult.objects.create(campaign=campaign, metric=metric, value=i)
        area = make_area(tree.commune, area_kind, name=f"Thôn {i}")
        CertificationRecord.objects.create(
            commune=tree.commune,
            area=area,
            subject_kind=SubjectKind.RESIDENTIAL_AREA,
            year=2025,
            period_start=datetime.date(2024, 11, 1),
            period_end=datetime.date(2025, 10, 31),
            registered_on=datetime.date(2025, 1, 15),
        )
    client.force_login(users.admin)
    # Two queries per kind of row on the page, one per kind of related row: none per row.
    with django_assert_max_num_queries(25):
        html = client.get(reverse("audit:change_list")).content.decode()
    assert f"Đợt 11 — {metric.name}" in html
    assert "Thôn 11 — 2025" in html  # a dossier by its subject and year


def test_administrators_see_the_change_log_in_the_menu(client, users):
    client.force_login(users.admin)
    assert reverse("audit:change_list") in client.get(reverse("home")).content.decode()
    client.force_login(users.province_staff)
    assert reverse("audit:change_list") not in client.get(reverse("home")).content.decode()


def test_change_log_counts_in_the_languages_digit_grouping_with_bootstrap_filters(client, tree, users, kind):
    bulk_create_audited(
        [ResidentialArea(commune=tree.commune, kind=kind, name=f"Thôn {i}") for i in range(1200)],
        ResidentialArea,
        user=users.admin,
    )
    client.force_login(users.admin)
    html = listed(client, model="registry.residentialarea")
    assert "1.200 thay đổi." in html
    form = html.split('data-testid="audit-filter"')[1].split("</form>")[0]
    assert 'class="form-select form-select-sm"' in form and 'class="form-control form-control-sm"' in form
