"""Movement pages: scoping (404 out of scope, 403 for roles that only read), forms, lists, search."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from movement.catalogues import seed_catalogues
from movement.forms import OUT_OF_SCOPE
from movement.models import (
    Campaign,
    CampaignKind,
    CampaignResult,
    Commendation,
    CommendationForm,
    Plan,
    RecipientKind,
    ResultMetric,
)
from registry.models import ModelType, SecurityModel

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def catalogues(db):
    seed_catalogues(ResultMetric, CampaignKind, CommendationForm)
    return {m.code: m for m in ResultMetric.objects.all()}


def login(client, user):
    client.force_login(user)
    return client


def make_campaign(place, name: str = "Đợt tuyên truyền", start: datetime.date | None = None) -> Campaign:
    start = start or D(2025, 3, 1)
    return Campaign.objects.create(
        kind=CampaignKind.objects.first(), name=name, place=place, start_date=start, end_date=start
    )


def make_commendation(unit, **extra) -> Commendation:
    defaults = {
        "form": CommendationForm.objects.get(name="Giấy khen của Giám đốc Công an tỉnh"),
        "authority": "Giám đốc Công an tỉnh",
        "decision_number": "12/QĐ-CAT",
        "decision_date": D(2025, 8, 15),
        "year": 2025,
        "recipient_kind": RecipientKind.COLLECTIVE,
        "unit": unit,
        "recipient_name": "Tổ bảo vệ ANTT thôn 1",
    }
    defaults.update(extra)
    return Commendation.objects.create(**defaults)


def make_plan(unit, number: str = "747/KH-CAT") -> Plan:
    return Plan.objects.create(
        number=number,
        title="Huy động toàn dân",
        issuing_unit=unit,
        issued_on=D(2023, 2, 15),
        year_from=2023,
        year_to=2025,
    )


def campaign_post(tree, place, **overrides) -> dict[str, str]:
    data = {
        "kind": str(CampaignKind.objects.first().pk),
        "name": "Ra quân tuyên truyền",
        "plan": "",
        "start_date": "2025-04-01",
        "end_date": "2025-04-02",
        "place": str(place.pk),
        "organisers": "Công an xã",
        "participants": "120",
        "description": "",
        "results-TOTAL_FORMS": "2",
        "results-INITIAL_FORMS": "0",
        "results-MIN_NUM_FORMS": "0",
        "results-MAX_NUM_FORMS": "1000",
        "results-0-metric": str(ResultMetric.objects.get(code="propaganda_sessions").pk),
        "results-0-value": "3",
        "results-1-metric": str(ResultMetric.objects.get(code="attendance").pk),
        "results-1-value": "120",
    }
    data.update(overrides)
    return data


# --- Scoping --------------------------------------------------------------------------------------


def test_commune_staff_lists_only_their_communes_campaigns(client, tree, users, catalogues):
    make_campaign(tree.commune, "Đợt ở Khánh Bình")
    make_campaign(tree.sibling_commune, "Đợt ở Khánh Đông")
    page = login(client, users.commune_staff).get(reverse("movement:campaign_list")).content.decode()
    assert "Đợt ở Khánh Bình" in page and "Đợt ở Khánh Đông" not in page
    page = login(client, users.province_staff).get(reverse("movement:campaign_list")).content.decode()
    assert "Đợt ở Khánh Bình" in page and "Đợt ở Khánh Đông" in page


def test_campaign_of_another_commune_is_404_to_see_edit_or_delete(client, tree, users, catalogues):
    other = make_campaign(tree.other_commune)
    login(client, users.commune_staff)
    for name in ("campaign_detail", "campaign_update", "campaign_delete"):
        assert client.get(reverse(f"movement:{name}", args=[other.pk])).status_code == 404
    assert client.post(reverse("movement:campaign_delete", args=[other.pk])).status_code == 404
    assert Campaign.objects.filter(pk=other.pk).exists()


def test_leadership_and_reviewers_read_but_editing_is_403(client, tree, users, catalogues):
    campaign = make_campaign(tree.commune)
    commendation = make_commendation(tree.commune)
    plan = make_plan(tree.province)
    for user in (users.leadership, users.reviewer):
        login(client, user)
        assert client.get(reverse("movement:campaign_detail", args=[campaign.pk])).status_code == 200
        for name, pk in [
            ("campaign_create", None),
            ("campaign_update", campaign.pk),
            ("campaign_delete", campaign.pk),
            ("plan_create", None),
            ("plan_update", plan.pk),
            ("commendation_update", commendation.pk),
            ("commendation_revoke", commendation.pk),
        ]:
            url = reverse(f"movement:{name}", args=[pk] if pk else [])
            assert client.get(url).status_code == 403, (user.username, name)
        assert client.post(reverse("movement:campaign_delete", args=[campaign.pk])).status_code == 403
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_province_plan_is_visible_to_a_commune_but_only_editable_by_the_province(
    client, tree, users, catalogues
):
    plan = make_plan(tree.province)
    other_district_plan = make_plan(tree.other_district, "12/KH-CAH")
    login(client, users.commune_staff)
    assert client.get(reverse("movement:plan_detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("movement:plan_detail", args=[other_district_plan.pk])).status_code == 404
    assert client.get(reverse("movement:plan_update", args=[plan.pk])).status_code == 404
    login(client, users.province_staff)
    assert client.get(reverse("movement:plan_update", args=[plan.pk])).status_code == 200


def test_plans_visible_to_each_role(tree, users, catalogues):
    province_plan = make_plan(tree.province)
    commune_plan = make_plan(tree.commune, "15/KH-CAX")
    other_commune_plan = make_plan(tree.other_commune, "16/KH-CAX")
    assert set(Plan.objects.visible_to(users.commune_staff)) == {province_plan, commune_plan}
    assert set(Plan.objects.visible_to(users.reviewer)) == {province_plan, commune_plan}
    assert set(Plan.objects.visible_to(users.admin)) == {province_plan, commune_plan, other_commune_plan}
    assert set(Plan.objects.editable_by(users.commune_staff)) == {commune_plan}
    assert not Plan.objects.visible_to(AnonymousUser()).exists()
    assert not Plan.objects.editable_by(users.leadership).exists()


def test_unit_summary_out_of_scope_is_404(client, tree, users, catalogues):
    login(client, users.commune_staff)
    assert client.get(reverse("movement:unit_summary", args=[tree.commune.pk])).status_code == 200
    assert client.get(reverse("movement:unit_summary", args=[tree.district.pk])).status_code == 404
    assert client.get(reverse("movement:my_summary")).url == reverse(
        "movement:unit_summary", args=[tree.commune.pk]
    )


# --- Forms ----------------------------------------------------------------------------------------


def test_campaign_is_saved_with_its_results_in_one_go(client, tree, users, catalogues):
    login(client, users.commune_staff)
    response = client.post(reverse("movement:campaign_create"), campaign_post(tree, tree.commune))
    campaign = Campaign.objects.get(name="Ra quân tuyên truyền")
    assert response.url == campaign.get_absolute_url()
    assert dict(campaign.results.values_list("metric__code", "value")) == {
        "propaganda_sessions": 3,
        "attendance": 120,
    }


def test_forged_out_of_scope_place_is_refused_with_a_message(client, tree, users, catalogues):
    login(client, users.commune_staff)
    response = client.post(reverse("movement:campaign_create"), campaign_post(tree, tree.other_commune))
    assert response.status_code == 200
    assert OUT_OF_SCOPE in response.content.decode()
    assert not Campaign.objects.exists()


def test_invalid_result_leaves_nothing_half_saved(client, tree, users, catalogues):
    login(client, users.commune_staff)
    duplicate = str(ResultMetric.objects.get(code="propaganda_sessions").pk)
    for bad in ({"results-1-metric": duplicate}, {"results-1-value": "-5"}):
        response = client.post(reverse("movement:campaign_create"), campaign_post(tree, tree.commune, **bad))
        assert response.status_code == 200
    assert not Campaign.objects.exists() and not CampaignResult.objects.exists()


def test_editing_a_campaign_changes_and_removes_results(client, tree, users, catalogues):
    campaign = make_campaign(tree.commune)
    sessions = CampaignResult.objects.create(
        campaign=campaign, metric=catalogues["propaganda_sessions"], value=3
    )
    tips = CampaignResult.objects.create(campaign=campaign, metric=catalogues["tips"], value=9)
    login(client, users.commune_staff)
    page = client.get(reverse("movement:campaign_update", args=[campaign.pk])).content.decode()
    # The two recorded metrics, then one empty row for each metric not yet recorded.
    assert f'name="results-TOTAL_FORMS" value="{len(catalogues)}"' in page
    data = campaign_post(tree, tree.commune, name=campaign.name)
    data.update(
        {
            "results-TOTAL_FORMS": "2",
            "results-INITIAL_FORMS": "2",
            "results-0-id": str(sessions.pk),
            "results-0-metric": str(sessions.metric_id),
            "results-0-value": "5",
            "results-1-id": str(tips.pk),
            "results-1-metric": str(tips.metric_id),
            "results-1-value": "9",
            "results-1-DELETE": "on",
        }
    )
    assert client.post(reverse("movement:campaign_update", args=[campaign.pk]), data).status_code == 302
    assert dict(campaign.results.values_list("metric__code", "value")) == {"propaganda_sessions": 5}


def test_validation_messages_are_vietnamese(client, tree, users, catalogues):
    login(client, users.commune_staff)
    bad_dates = campaign_post(tree, tree.commune, start_date="2025-04-02", end_date="2025-04-01")
    page = client.post(reverse("movement:campaign_create"), bad_dates).content.decode()
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in page and "Constraint" not in page
    make_plan(tree.province)
    login(client, users.province_staff)
    page = client.post(reverse("movement:plan_create"), plan_post(tree)).content.decode()
    assert "Đơn vị này đã có kế hoạch cùng số, ký hiệu và năm bắt đầu." in page
    assert Plan.objects.count() == 1


def plan_post(tree, **overrides) -> dict[str, str]:
    data = {
        "number": "747/KH-CAT",
        "title": "Huy động toàn dân phòng, chống trộm cắp",
        "issuing_unit": str(tree.province.pk),
        "issuer": "Công an tỉnh",
        "issued_on": "2023-02-15",
        "year_from": "2023",
        "year_to": "2025",
        "status": "in_force",
        "summary": "",
        "targets-TOTAL_FORMS": "2",
        "targets-INITIAL_FORMS": "0",
        "targets-MIN_NUM_FORMS": "0",
        "targets-MAX_NUM_FORMS": "1000",
        "targets-0-indicator": "models_active",
        "targets-0-scope_unit": str(tree.province.pk),
        "targets-0-comparator": "gte",
        "targets-0-value": "228",
        "targets-0-year": "2025",
        "targets-1-indicator": "campaign_metric:tips",
        "targets-1-scope_unit": str(tree.district.pk),
        "targets-1-comparator": "gte",
        "targets-1-value": "400",
        "targets-1-year": "",
    }
    data.update(overrides)
    return data


def test_plan_is_created_with_its_targets(client, tree, users, catalogues):
    login(client, users.province_staff)
    response = client.post(reverse("movement:plan_create"), plan_post(tree))
    plan = Plan.objects.get(number="747/KH-CAT")
    assert response.url == plan.get_absolute_url()
    assert sorted(plan.targets.values_list("indicator", flat=True)) == [
        "campaign_metric:tips",
        "models_active",
    ]


@pytest.mark.parametrize(
    "override",
    [
        {"targets-0-indicator": "bogus"},
        {"targets-1-indicator": "campaign_metric:no_such_metric"},
        {"targets-0-year": "2030"},
    ],
)
def test_plan_target_with_unknown_indicator_or_year_outside_plan_is_refused(
    client, tree, users, catalogues, override
):
    login(client, users.province_staff)
    response = client.post(reverse("movement:plan_create"), plan_post(tree, **override))
    assert response.status_code == 200
    assert not Plan.objects.exists()



@pytest.mark.parametrize("field", ["year_from", "year_to"])
def test_a_mistyped_plan_year_is_refused_with_a_message(client, tree, users, catalogues, field):
    # A year no date can hold (20255) used to save, then break the plan's page.
    login(client, users.province_staff)
    data = plan_post(tree, **{field: "20255", "targets-0-year": ""})
    page = client.post(reverse("movement:plan_create"), data).content.decode()
    assert "Giá trị phải nhỏ hơn hoặc bằng 2100." in page
    assert not Plan.objects.exists()

def test_commendation_to_a_model_is_recorded_under_the_models_commune(client, tree, users, catalogues):
    model = SecurityModel.objects.create(
        name="Camera an ninh thôn 1", commune=tree.commune, model_type=ModelType.objects.create(name="Camera")
    )
    login(client, users.province_staff)
    data = {
        "form": str(CommendationForm.objects.get(name="Bằng khen của UBND tỉnh").pk),
        "authority": "Chủ tịch UBND tỉnh",
        "decision_number": "3120/QĐ-UBND",
        "decision_date": "2025-12-10",
        "year": "2025",
        "recipient_kind": RecipientKind.COLLECTIVE,
        "security_model": str(model.pk),
        "unit": str(tree.other_commune.pk),
        "recipient_name": "",
        "recipient_position": "Không áp dụng",
        "reason": "Thành tích xuất sắc",
    }
    response = client.post(reverse("movement:commendation_create"), data)
    commendation = Commendation.objects.get()
    assert response.url == commendation.get_absolute_url()
    assert commendation.unit == tree.commune and commendation.recipient == "Camera an ninh thôn 1"
    assert commendation.recipient_position == ""


def test_forged_model_of_another_commune_is_refused(client, tree, users, catalogues):
    model = SecurityModel.objects.create(
        name="Camera Diên Khánh",
        commune=tree.other_commune,
        model_type=ModelType.objects.create(name="Camera"),
    )
    login(client, users.commune_staff)
    data = {
        "form": str(CommendationForm.objects.first().pk),
        "authority": "Chủ tịch UBND xã",
        "decision_number": "1/QĐ",
        "decision_date": "2025-12-10",
        "year": "2025",
        "recipient_kind": RecipientKind.COLLECTIVE,
        "security_model": str(model.pk),
    }
    response = client.post(reverse("movement:commendation_create"), data)
    assert OUT_OF_SCOPE in response.content.decode()
    assert not Commendation.objects.exists()


def individual_post(tree, name: str) -> dict[str, str]:
    return {
        "form": str(CommendationForm.objects.first().pk),
        "authority": "Giám đốc Công an tỉnh",
        "decision_number": "1/QĐ",
        "decision_date": "2025-12-10",
        "year": "2025",
        "recipient_kind": RecipientKind.INDIVIDUAL,
        "unit": str(tree.commune.pk),
        "recipient_name": name,
    }


def test_individual_needs_a_name_and_no_registry_link(client, tree, users, catalogues):
    login(client, users.commune_staff)
    data = individual_post(tree, "")
    assert client.post(reverse("movement:commendation_create"), data).status_code == 200
    data["recipient_name"] = "Nguyễn Văn An"
    data["recipient_position"] = "Trưởng thôn"
    client.post(reverse("movement:commendation_create"), data)
    assert Commendation.objects.get().recipient == "Nguyễn Văn An"


def test_the_same_commendation_twice_is_refused_with_a_message(client, tree, users, catalogues):
    login(client, users.commune_staff)
    data = individual_post(tree, "Nguyễn Văn An")
    assert client.post(reverse("movement:commendation_create"), data).status_code == 302
    page = client.post(reverse("movement:commendation_create"), data).content.decode()
    assert "Quyết định này đã khen thưởng đối tượng này trong năm đó." in page
    assert Commendation.objects.count() == 1


def test_the_same_campaign_twice_is_refused_with_a_message(client, tree, users, catalogues):
    login(client, users.commune_staff)
    url, data = reverse("movement:campaign_create"), campaign_post(tree, tree.commune)
    assert client.post(url, data).status_code == 302
    page = client.post(url, data).content.decode()
    assert "Địa bàn này đã có đợt vận động, sự kiện cùng tên và ngày bắt đầu." in page
    assert Campaign.objects.count() == 1


def test_a_plan_number_may_return_in_a_later_year_but_not_twice_in_one(client, tree, users, catalogues):
    make_plan(tree.province)
    login(client, users.province_staff)
    page = client.post(reverse("movement:plan_create"), plan_post(tree, year_from="2023")).content.decode()
    assert "Đơn vị này đã có kế hoạch cùng số, ký hiệu và năm bắt đầu." in page
    response = client.post(
        reverse("movement:plan_create"),
        plan_post(tree, year_from="2026", year_to="2028", **{"targets-0-year": "2027"}),
    )
    assert response.status_code == 302
    assert Plan.objects.filter(number="747/KH-CAT").count() == 2


def test_revoke_through_the_page_keeps_it_visible_and_locked(client, tree, users, catalogues):
    commendation = make_commendation(tree.commune)
    login(client, users.commune_staff)
    assert (
        client.post(
            reverse("movement:commendation_revoke", args=[commendation.pk]), {"reason": "x"}
        ).status_code
        == 403
    )
    login(client, users.province_staff)
    client.post(reverse("movement:commendation_revoke", args=[commendation.pk]), {"reason": "Hồ sơ sai."})
    commendation.refresh_from_db()
    assert commendation.is_revoked and commendation.revoke_reason == "Hồ sơ sai."
    page = client.get(commendation.get_absolute_url()).content.decode()
    assert "Đã thu hồi" in page and "Hồ sơ sai." in page
    assert client.get(reverse("movement:commendation_update", args=[commendation.pk])).status_code == 302
    client.post(reverse("movement:commendation_delete", args=[commendation.pk]))
    assert Commendation.objects.filter(pk=commendation.pk).exists()
    listed = client.get(reverse("movement:commendation_list"), {"status": "effective"}).content.decode()
    assert "Tổ bảo vệ ANTT thôn 1" not in listed


def test_commune_staff_cannot_delete_a_commendation_only_the_province_can(client, tree, users, catalogues):
    commendation = make_commendation(tree.commune)
    url = reverse("movement:commendation_delete", args=[commendation.pk])
    login(client, users.commune_staff)
    page = client.get(commendation.get_absolute_url()).content.decode()
    assert url not in page and reverse("movement:commendation_update", args=[commendation.pk]) in page
    refused = client.post(url)
    assert refused.status_code == 403 and "Chỉ cán bộ Công an tỉnh" in refused.content.decode()
    assert Commendation.objects.filter(pk=commendation.pk).exists()

    login(client, users.province_staff)
    assert url in client.get(commendation.get_absolute_url()).content.decode()
    assert client.post(url).url == reverse("movement:commendation_list")
    assert not Commendation.objects.filter(pk=commendation.pk).exists()


def test_delete_asks_for_confirmation_first(client, tree, users, catalogues):
    campaign = make_campaign(tree.commune)
    login(client, users.commune_staff)
    page = client.get(reverse("movement:campaign_delete", args=[campaign.pk]))
    assert "Bạn có chắc" in page.content.decode() and Campaign.objects.filter(pk=campaign.pk).exists()
    assert client.post(reverse("movement:campaign_delete", args=[campaign.pk])).url == reverse(
        "movement:campaign_list"
    )
    assert not Campaign.objects.filter(pk=campaign.pk).exists()


# --- Lists, search, includes ----------------------------------------------------------------------


def test_search_ignores_diacritics(client, tree, users, catalogues):
    make_campaign(tree.commune, "Tuyên truyền ở Khánh Đông")
    make_campaign(tree.commune, "Ngày hội 19/8")
    make_commendation(tree.commune, recipient_name="Nguyễn Thị Hoa", recipient_kind=RecipientKind.INDIVIDUAL)
    login(client, users.province_staff)
    page = client.get(reverse("movement:campaign_list"), {"q": "KHANH DONG"}).content.decode()
    assert "Tuyên truyền ở Khánh Đông" in page and "Ngày hội 19/8" not in page
    page = client.get(reverse("movement:commendation_list"), {"q": "nguyen thi hoa"}).content.decode()
    assert "Nguyễn Thị Hoa" in page


@pytest.mark.parametrize(
    ("url_name", "rows"),
    [
        ("movement:campaign_list", "campaigns"),
        ("movement:commendation_list", "commendations"),
        ("movement:plan_list", "plans"),
    ],
)
def test_lists_run_a_constant_number_of_queries(
    client, tree, users, catalogues, django_assert_max_num_queries, url_name, rows
):
    model = SecurityModel.objects.create(
        name="Camera", commune=tree.commune, model_type=ModelType.objects.create(name="Camera")
    )
    for i in range(40):
        place = [tree.commune, tree.sibling_commune, tree.other_commune][i % 3]
        plan = make_plan(place, f"{i}/KH")
        campaign = make_campaign(place, f"Đợt {i}")
        campaign.plan = plan
        campaign.save()
        make_commendation(place, decision_number=f"{i}/QĐ", security_model=model if i % 2 else None)
    login(client, users.province_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(url_name), {"sort": "-start_date"} if rows == "campaigns" else {})
    assert response.status_code == 200
    assert response.content.decode().count("<tr") >= 26  # header and a full page of 25


def test_detail_pages_run_a_constant_number_of_queries(
    client, tree, users, catalogues, django_assert_max_num_queries
):
    campaign = make_campaign(tree.commune)
    CampaignResult.objects.bulk_create(
        CampaignResult(campaign=campaign, metric=metric, value=index)
        for index, metric in enumerate(catalogues.values())
    )
    model = SecurityModel.objects.create(
        name="Camera", commune=tree.commune, model_type=ModelType.objects.create(name="Camera")
    )
    commendation = make_commendation(tree.commune, security_model=model, recipient_name="")
    login(client, users.province_staff)
    for url in (campaign.get_absolute_url(), commendation.get_absolute_url()):
        # The page and its history section ("Lịch sử thay đổi").
        with django_assert_max_num_queries(11):
            response = client.get(url)
        assert response.status_code == 200
    assert "Camera" in client.get(commendation.get_absolute_url()).content.decode()


def test_unit_summary_shows_subtree_totals_for_the_period(client, tree, users, catalogues):
    sessions = ResultMetric.objects.get(code="propaganda_sessions")
    for place, start, value in [(tree.commune, D(2024, 1, 5), 7), (tree.sibling_commune, D(2025, 1, 5), 5)]:
        CampaignResult.objects.create(
            campaign=make_campaign(place, f"Đợt {start}", start), metric=sessions, value=value
        )
    login(client, users.province_staff)
    url = reverse("movement:unit_summary", args=[tree.district.pk])
    assert 'data-testid="total">12<' in client.get(url).content.decode()
    assert 'data-testid="total">5<' in client.get(url, {"date_from": "2025-01-01"}).content.decode()


def test_includes_render_totals_and_commendations_for_a_registry_row(tree, users, catalogues):
    model = SecurityModel.objects.create(
        name="Camera", commune=tree.commune, model_type=ModelType.objects.create(name="Camera")
    )
    make_commendation(tree.commune, security_model=model, recipient_name="", decision_number="99/QĐ-CAT")
    make_commendation(tree.commune, decision_number="100/QĐ-CAT")  # free-text collective: not this model's
    request = RequestFactory().get("/")
    request.user = users.commune_staff
    html = Template(
        "{% load movement_tags %}{% commendations_for model %}{% unit_campaign_totals unit %}"
    ).render(Context({"request": request, "model": model, "unit": tree.commune}))
    assert "99/QĐ-CAT" in html and "100/QĐ-CAT" not in html
    assert 'data-testid="unit-totals"' in html


def test_deleting_a_target_whose_year_was_mistyped_deletes_it_as_stored(client, tree, users, catalogues):
    # The deleted row is not validated; its typed year (32768, beyond the column) used to reach
    # the deletion's history row and fail with a database error.
    login(client, users.province_staff)
    client.post(reverse("movement:plan_create"), plan_post(tree))
    plan = Plan.objects.get()
    target = plan.targets.get(indicator="models_active")
    other = plan.targets.get(indicator="campaign_metric:tips")
    data = plan_post(tree, **{"targets-TOTAL_FORMS": "2", "targets-INITIAL_FORMS": "2"})
    data |= {"targets-0-id": str(target.pk), "targets-0-year": "32768", "targets-0-DELETE": "on"}
    data |= {"targets-1-id": str(other.pk)}
    response = client.post(reverse("movement:plan_update", args=[plan.pk]), data)
    assert response.status_code == 302
    assert list(plan.targets.values_list("pk", flat=True)) == [other.pk]
    deleted = target.history.latest()
    assert (deleted.history_type, deleted.year) == ("-", 2025)
