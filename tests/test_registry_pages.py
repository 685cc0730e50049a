"""Registry pages: province and commune staff keep the registry through scoped forms and lists."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.urls import reverse

from registry import demo
from registry.models import (
    ForceUnit,
    ModelReview,
    Organisation,
    ResidentialArea,
    SecurityModel,
    Status,
    SteeringCommittee,
)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat(db):
    return demo.load_catalogues()


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def make_area(commune, cat, name="Thôn Đông", **extra):
    return ResidentialArea.objects.create(commune=commune, name=name, kind=cat["kinds"]["Thôn"], **extra)


def make_force(commune, cat, name="Ban Công an xã", members=10, force_type=demo.COMMUNE_POLICE, **extra):
    return ForceUnit.objects.create(
        commune=commune, name=name, force_type=cat["force_types"][force_type], member_count=members, **extra
    )


def make_model(commune, cat, name="Tổ tuần tra tự quản", **extra):
    return SecurityModel.objects.create(
        commune=commune, name=name, model_type=cat["model_types"][demo.PATROL], **extra
    )


def page(client, name, *args, **query):
    response = client.get(reverse(f"registry:{name}", args=args), query)
    assert response.status_code == 200, response.status_code
    return response


def totals(response) -> dict:
    figures = response.context["rollup"].total
    return {
        "areas": figures.areas,
        "forces": figures.forces,
        "members": figures.members,
        "models": figures.models,
    }


# --- The province staff flow ------------------------------------------------------------------


def test_province_staff_adds_area_force_and_model_and_sees_totals_change(client, tree, users, cat):
    login(client, users.province_staff)
    before_district = totals(page(client, "unit_detail", tree.district.pk))
    before_province = totals(page(client, "unit_detail", tree.province.pk))

    response = client.post(
        reverse("registry:area_create"),
        {
            "commune": tree.commune.pk,
            "name": "Tổ dân phố Đồng Trăng",
            "kind": cat["kinds"]["Tổ dân phố"].pk,
            "households": 120,
            "population": 480,
            "is_active": "on",
        },
    )
    area = ResidentialArea.objects.get(name="Tổ dân phố Đồng Trăng")
    assert response.status_code == 302 and response.url == area.get_absolute_url()
    response = client.post(
        reverse("registry:force_create"),
        {
            "commune": tree.commune.pk,
            "area": area.pk,
            "name": "Tổ bảo vệ ANTT Đồng Trăng",
            "force_type": cat["force_types"][demo.GRASSROOTS_TEAM].pk,
            "member_count": 6,
            "status": Status.ACTIVE,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(
        reverse("registry:model_create"),
        {
            "commune": tree.commune.pk,
            "area": area.pk,
            "name": "Camera an ninh Đồng Trăng",
            "model_type": cat["model_types"][demo.CAMERAS].pk,
            "status": Status.ACTIVE,
            "participants": 30,
        },
    )
    assert response.status_code == 302, response.context["form"].errors

    # Search without diacritics finds what was typed with them.
    found = page(client, "area_list", q="dong trang").context["table"].data.data
    assert [a.name for a in found] == ["Tổ dân phố Đồng Trăng"]
    assert [a.name for a in page(client, "area_list", q="DAN PHO").context["table"].data.data] == [area.name]
    assert [f.name for f in page(client, "force_list", q="bao ve antt").context["table"].data.data] == [
        "Tổ bảo vệ ANTT Đồng Trăng"
    ]
    assert [
        m.name for m in page(client, "model_list", q="camera an ninh dong").context["table"].data.data
    ] == ["Camera an ninh Đồng Trăng"]

    expected = {"areas": 1, "forces": 1, "members": 6, "models": 1}
    after_district = totals(page(client, "unit_detail", tree.district.pk))
    after_province = totals(page(client, "unit_detail", tree.province.pk))
    assert {k: after_district[k] - before_district[k] for k in expected} == expected
    assert {k: after_province[k] - before_province[k] for k in expected} == expected
    district_rows = {
        row.unit.code: row.figures
        for row in page(client, "unit_detail", tree.province.pk).context["rollup"].children
    }
    assert district_rows[tree.district.code].members == 6
    assert district_rows[tree.other_district.code].members == 0

    commune_page = page(client, "unit_detail", tree.commune.pk)
    overview = commune_page.context["overview"]
    assert [a.name for a in overview.areas] == [area.name]
    assert overview.forces_by_type == [{"force_type__name": demo.GRASSROOTS_TEAM, "units": 1, "members": 6}]
    assert "Camera an ninh Đồng Trăng" in commune_page.content.decode()


def test_search_folds_diacritics_of_unit_names(client, tree, users):
    login(client, users.province_staff)
    names = [u.full_name for u in page(client, "unit_list", q="khanh vinh").context["table"].data.data]
    assert names == ["Huyện Khánh Vĩnh"]
    assert [u.code for u in page(client, "unit_list", q="22615").context["table"].data.data] == ["22615"]


def test_search_finds_committees_by_head_or_decision_and_forces_by_leader(client, tree, users, cat):
    login(client, users.province_staff)
    SteeringCommittee.objects.create(
        commune=tree.commune,
        decision_number="15/QĐ-UBND",
        decision_date=datetime.date(2024, 1, 15),
        head_name="Nguyễn Đức Thắng",
        member_count=9,
    )
    make_force(tree.sibling_commune, cat, leader_name="Trần Thị Hoà")
    committees = page(client, "committee_list", q="nguyen duc thang").context["table"].data.data
    assert [c.head_name for c in committees] == ["Nguyễn Đức Thắng"]
    assert len(page(client, "committee_list", q="15/qđ").context["table"].data.data) == 1
    assert len(page(client, "committee_list", q="khanh binh").context["table"].data.data) == 1
    assert not page(client, "committee_list", q="tran thi").context["table"].data.data
    forces = page(client, "force_list", q="tran thi hoa").context["table"].data.data
    assert [f.leader_name for f in forces] == ["Trần Thị Hoà"]


def test_decomposed_input_is_stored_composed(client, tree, users, cat):
    login(client, users.province_staff)
    decomposed = unicodedata.normalize("NFD", "Thôn  Hòn Nghê ")
    client.post(
        reverse("registry:area_create"),
        {"commune": tree.commune.pk, "name": decomposed, "kind": cat["kinds"]["Thôn"].pk, "is_active": "on"},
    )
    assert ResidentialArea.objects.get().name == "Thôn Hòn Nghê"
    assert [a.name for a in page(client, "area_list", q="hon nghe").context["table"].data.data] == [
        "Thôn Hòn Nghê"
    ]


def test_lists_filter_by_district_commune_type_and_status(client, tree, users, cat):
    make_area(tree.commune, cat, "Thôn A")
    make_area(tree.sibling_commune, cat, "Thôn B", is_active=False)
    ResidentialArea.objects.create(
        commune=tree.other_commune, name="Tổ dân phố 1", kind=cat["kinds"]["Tổ dân phố"]
    )
    login(client, users.province_staff)

    def names(**query):
        return sorted(a.name for a in page(client, "area_list", **query).context["table"].data.data)

    assert names(district=tree.district.pk) == ["Thôn A", "Thôn B"]
    assert names(commune=tree.other_commune.pk) == ["Tổ dân phố 1"]
    assert names(kind=cat["kinds"]["Thôn"].pk) == ["Thôn A", "Thôn B"]
    assert names(is_active="0") == ["Thôn B"]
    ordered = [a.name for a in page(client, "area_list", sort="-name").context["table"].page.object_list.data]
    assert ordered == ["Tổ dân phố 1", "Thôn B", "Thôn A"]


def test_form_offers_only_communes_the_user_may_edit(client, tree, users, cat):
    login(client, users.commune_staff)
    form = page(client, "area_create").context["form"]
    assert list(form.fields["commune"].queryset) == [tree.commune]
    assert form.initial["commune"] == tree.commune.pk
    make_area(tree.other_commune, cat, "Thôn khác")
    make_area(tree.commune, cat, "Thôn nhà")
    form = page(client, "force_create").context["form"]
    assert [a.name for a in form.fields["area"].queryset] == ["Thôn nhà"]


# --- Scope and roles ---------------------------------------------------------------------------


def test_commune_staff_cannot_see_or_edit_another_communes_rows(client, tree, users, cat):
    area = make_area(tree.commune, cat)
    force = make_force(tree.commune, cat)
    model = make_model(tree.commune, cat)
    login(client, users.other_commune_staff)
    for name, obj in (("area", area), ("force", force), ("model", model)):
        for view in ("detail", "update", "delete"):
            assert client.get(reverse(f"registry:{name}_{view}", args=[obj.pk])).status_code == 404
        assert client.post(reverse(f"registry:{name}_delete", args=[obj.pk])).status_code == 404
    assert client.get(reverse("registry:unit_detail", args=[tree.commune.pk])).status_code == 404
    assert not page(client, "area_list").context["table"].data.data
    assert not page(client, "area_list", q="dong").context["table"].data.data
    assert ResidentialArea.objects.filter(pk=area.pk).exists()


def test_object_that_does_not_exist_is_404_like_one_out_of_scope(client, tree, users):
    login(client, users.province_staff)
    assert client.get(reverse("registry:area_detail", args=[999999])).status_code == 404


def test_leadership_gets_403_on_create_edit_and_delete_but_reads_the_province(client, tree, users, cat):
    area = make_area(tree.commune, cat)
    login(client, users.leadership)
    for name in ("area", "organisation", "committee", "force", "model"):
        assert client.get(reverse(f"registry:{name}_create")).status_code == 403
    assert client.post(reverse("registry:area_create"), {"commune": tree.commune.pk}).status_code == 403
    assert client.get(reverse("registry:area_update", args=[area.pk])).status_code == 403
    assert client.post(reverse("registry:area_delete", args=[area.pk])).status_code == 403
    response = page(client, "area_detail", area.pk)
    assert not response.context["object_editable"]
    assert reverse("registry:area_update", args=[area.pk]) not in response.content.decode()
    assert 'data-testid="create-link"' not in page(client, "area_list").content.decode()


def test_reviewer_reads_its_district_only_and_cannot_edit(client, tree, users, cat):
    area = make_area(tree.commune, cat)
    other = make_area(tree.other_commune, cat, "Thôn ngoài")
    login(client, users.reviewer)
    page(client, "area_detail", area.pk)
    assert client.get(reverse("registry:area_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("registry:area_update", args=[area.pk])).status_code == 403
    page(client, "unit_detail", tree.district.pk)
    assert client.get(reverse("registry:unit_detail", args=[tree.province.pk])).status_code == 404


def test_forged_out_of_scope_commune_is_rejected_with_a_message(client, tree, users, cat):
    login(client, users.commune_staff)
    response = client.post(
        reverse("registry:area_create"),
        {"commune": tree.other_commune.pk, "name": "Thôn giả", "kind": cat["kinds"]["Thôn"].pk},
    )
    assert response.status_code == 200
    assert "nằm ngoài phạm vi" in response.context["form"].errors["commune"][0]
    assert "Chưa lưu được" in response.content.decode()
    assert not ResidentialArea.objects.exists()


def test_forged_out_of_scope_area_and_edit_moving_a_row_out_are_rejected(client, tree, users, cat):
    own = make_area(tree.commune, cat)
    foreign = make_area(tree.other_commune, cat, "Thôn ngoài")
    force = make_force(tree.commune, cat)
    login(client, users.commune_staff)
    data = {
        "commune": tree.commune.pk,
        "area": foreign.pk,
        "name": "Tổ mới",
        "force_type": cat["force_types"][demo.GRASSROOTS_TEAM].pk,
        "member_count": 4,
        "status": Status.ACTIVE,
    }
    response = client.post(reverse("registry:force_create"), data)
    assert "nằm ngoài phạm vi" in response.context["form"].errors["area"][0]
    response = client.post(
        reverse("registry:force_update", args=[force.pk]),
        {**data, "area": own.pk, "commune": tree.other_commune.pk, "name": force.name},
    )
    assert response.status_code == 200
    force.refresh_from_db()
    assert force.commune == tree.commune


def test_area_of_another_commune_is_rejected_for_province_staff(client, tree, users, cat):
    area = make_area(tree.sibling_commune, cat)
    login(client, users.province_staff)
    response = client.post(
        reverse("registry:model_create"),
        {
            "commune": tree.commune.pk,
            "area": area.pk,
            "name": "Mô hình",
            "status": Status.ACTIVE,
            "model_type": cat["model_types"][demo.CAMERAS].pk,
        },
    )
    assert response.context["form"].errors["area"] == ["Phải thuộc xã/phường đã chọn."]


def test_validation_messages_are_vietnamese(client, tree, users, cat):
    make_area(tree.commune, cat, "Thôn Đông")
    login(client, users.commune_staff)
    response = client.post(reverse("registry:area_create"), {"commune": tree.commune.pk, "name": ""})
    errors = response.context["form"].errors
    assert errors["name"] == ["Hãy nhập tên."]
    assert errors["kind"] == ["Hãy chọn loại."]
    response = client.post(
        reverse("registry:area_create"),
        {"commune": tree.commune.pk, "name": "Thôn Đông", "kind": cat["kinds"]["Thôn"].pk},
    )
    assert response.context["form"].non_field_errors() == ["Xã/phường này đã có một khu dân cư cùng tên."]


def test_only_one_active_steering_committee_per_commune(client, tree, users):
    login(client, users.commune_staff)
    data = {
        "commune": tree.commune.pk,
        "decision_number": "12/QĐ-UBND",
        "decision_date": "2024-01-15",
        "head_name": "Nguyễn Văn An",
        "member_count": 11,
        "is_active": "on",
    }
    assert client.post(reverse("registry:committee_create"), data).status_code == 302
    response = client.post(reverse("registry:committee_create"), {**data, "decision_number": "30/QĐ-UBND"})
    assert "đã có một ban chỉ đạo đang hoạt động" in response.context["form"].errors["is_active"][0]
    assert SteeringCommittee.objects.count() == 1


def test_delete_asks_for_confirmation_and_refuses_when_rows_depend(client, tree, users, cat):
    area = make_area(tree.commune, cat)
    make_force(tree.commune, cat, area=area)
    login(client, users.commune_staff)
    assert "Bạn có chắc" in page(client, "area_delete", area.pk).content.decode()
    response = client.post(reverse("registry:area_delete", args=[area.pk]), follow=True)
    assert "Không xóa được" in response.content.decode()
    assert ResidentialArea.objects.filter(pk=area.pk).exists()
    lone = make_area(tree.commune, cat, "Thôn trống")
    response = client.post(reverse("registry:area_delete", args=[lone.pk]))
    assert response.status_code == 302
    assert not ResidentialArea.objects.filter(pk=lone.pk).exists()


# --- Models and their reviews ------------------------------------------------------------------


def test_model_reviews_are_added_on_the_model_page_and_shown_as_latest(client, tree, users, cat):
    model = make_model(tree.commune, cat)
    login(client, users.commune_staff)
    assert 'data-testid="review-form"' in page(client, "model_detail", model.pk).content.decode()
    for day, kind, level in (("2023-06-10", "interim", "Khá"), ("2024-12-05", "final", "Tốt")):
        response = client.post(
            reverse("registry:model_review_create", args=[model.pk]),
            {"reviewed_on": day, "kind": kind, "effectiveness": cat["effectiveness"][level].pk},
        )
        assert response.status_code == 302
    duplicate = client.post(
        reverse("registry:model_review_create", args=[model.pk]),
        {"reviewed_on": "2024-12-05", "kind": "final", "effectiveness": cat["effectiveness"]["Yếu"].pk},
    )
    assert "đã có một lần đánh giá" in duplicate.content.decode()
    assert ModelReview.objects.count() == 2
    assert page(client, "model_detail", model.pk).context["object"].latest_effectiveness == "Tốt"
    assert (
        page(client, "unit_detail", tree.commune.pk).context["overview"].models[0].latest_effectiveness
        == "Tốt"
    )

    review = ModelReview.objects.get(kind="final")
    login(client, users.other_commune_staff)
    assert client.post(reverse("registry:model_review_create", args=[model.pk]), {}).status_code == 404
    assert client.post(reverse("registry:model_review_delete", args=[review.pk])).status_code == 404
    login(client, users.leadership)
    assert client.post(reverse("registry:model_review_update", args=[review.pk]), {}).status_code == 403
    login(client, users.commune_staff)
    assert client.post(reverse("registry:model_review_delete", args=[review.pk])).status_code == 302
    assert ModelReview.objects.count() == 1


def test_replicated_model_shows_on_its_source(client, tree, users, cat):
    source = make_model(tree.commune, cat)
    login(client, users.province_staff)
    response = client.post(
        reverse("registry:model_create"),
        {
            "commune": tree.other_commune.pk,
            "name": "Tổ tuần tra tự quản Diên Khánh",
            "status": Status.ACTIVE,
            "model_type": cat["model_types"][demo.PATROL].pk,
            "replicated_from": source.pk,
        },
    )
    assert response.status_code == 302
    assert [m.name for m in page(client, "model_detail", source.pk).context["replicas"]] == [
        "Tổ tuần tra tự quản Diên Khánh"
    ]
    assert [m.name for m in page(client, "model_list", replicated="1").context["table"].data.data] == [
        "Tổ tuần tra tự quản Diên Khánh"
    ]


# --- Constant queries whatever the row count --------------------------------------------------


def _fill(tree, cat, count):
    communes = [tree.commune, tree.sibling_commune, tree.other_commune]
    areas = ResidentialArea.objects.bulk_create(
        [
            ResidentialArea(commune=communes[i % 3], name=f"Thôn {i}", kind=cat["kinds"]["Thôn"])
            for i in range(count)
        ]
    )
    orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                commune=communes[i % 3], name=f"Công ty {i}", org_type=cat["org_types"][demo.STATE_AGENCY]
            )
            for i in range(count)
        ]
    )
    ForceUnit.objects.bulk_create(
        [
            ForceUnit(
                commune=a.commune,
                area=a,
                name=f"Tổ {i}",
                member_count=5,
                force_type=cat["force_types"][demo.GRASSROOTS_TEAM],
            )
            for i, a in enumerate(areas)
        ]
        + [
            ForceUnit(
                commune=o.commune,
                organisation=o,
                name=f"Tổ bảo vệ {i}",
                member_count=7,
                force_type=cat["force_types"][demo.AGENCY_PROTECTION],
            )
            for i, o in enumerate(orgs)
        ]
    )
    models = SecurityModel.objects.bulk_create(
        [
            SecurityModel(
                commune=a.commune, area=a, name=f"Mô hình {i}", model_type=cat["model_types"][demo.PATROL]
            )
            for i, a in enumerate(areas)
        ]
    )
    ModelReview.objects.bulk_create(
        [
            ModelReview(
                model=m,
                reviewed_on=datetime.date(2024, 1, 1),
                kind="final",
                effectiveness=cat["effectiveness"]["Tốt"],
            )
            for m in models
        ]
    )
    SteeringCommittee.objects.bulk_create(
        [
            SteeringCommittee(
                commune=c,
                decision_number=f"{i}/QĐ",
                decision_date=datetime.date(2024, 1, 1),
                head_name="Nguyễn Văn An",
                member_count=9,
            )
            for i, c in enumerate(communes)
        ]
    )


PAGES = [
    ("unit_list", None),
    ("area_list", None),
    ("organisation_list", None),
    ("committee_list", None),
    ("force_list", None),
    ("model_list", None),
    ("model_review_list", None),
    ("unit_detail", "province"),
    ("unit_detail", "district"),
    ("unit_detail", "commune"),
]


@pytest.mark.parametrize(("name", "unit"), PAGES)
def test_pages_run_a_constant_number_of_queries(
    client, tree, users, cat, name, unit, django_assert_max_num_queries
):
    login(client, users.province_staff)
    args = [getattr(tree, unit).pk] if unit else []
    _fill(tree, cat, 6)
    with django_assert_max_num_queries(20) as few:
        page(client, name, *args)
    small = len(few.captured_queries)
    # Many more rows (other names) must not add a single query.
    communes = [tree.commune, tree.sibling_commune, tree.other_commune]
    extra = ResidentialArea.objects.bulk_create(
        [
            ResidentialArea(commune=communes[i % 3], name=f"Làng {i}", kind=cat["kinds"]["Làng"])
            for i in range(120)
        ]
    )
    models = SecurityModel.objects.bulk_create(
        [
            SecurityModel(
                commune=a.commune,
                area=a,
                name=f"Mô hình làng {i}",
                model_type=cat["model_types"][demo.CAMERAS],
            )
            for i, a in enumerate(extra)
        ]
    )
    ForceUnit.objects.bulk_create(
        [
            ForceUnit(
                commune=a.commune,
                area=a,
                name=f"Tổ làng {i}",
                member_count=4,
                force_type=cat["force_types"][demo.GRASSROOTS_TEAM],
            )
            for i, a in enumerate(extra)
        ]
    )
    ModelReview.objects.bulk_create(
        [
            ModelReview(
                model=m,
                reviewed_on=datetime.date(2024, 6, 1),
                kind="interim",
                effectiveness=cat["effectiveness"]["Khá"],
            )
            for m in models
        ]
    )
    with django_assert_max_num_queries(small):
        page(client, name, *args)


def test_create_forms_run_a_constant_number_of_queries(
    client, tree, users, cat, django_assert_max_num_queries
):
    login(client, users.province_staff)
    _fill(tree, cat, 150)
    for name in ("area_create", "organisation_create", "committee_create", "force_create", "model_create"):
        with django_assert_max_num_queries(15):
            page(client, name)


def test_commune_staff_edit_their_replica_of_a_model_they_cannot_see(client, tree, users, cat):
    source = make_model(tree.commune, cat)
    replica = make_model(tree.other_commune, cat, "Tổ tuần tra Diên Khánh", replicated_from=source)
    login(client, users.other_commune_staff)
    assert client.get(reverse("registry:model_detail", args=[source.pk])).status_code == 404
    response = client.post(
        reverse("registry:model_update", args=[replica.pk]),
        {
            "commune": tree.other_commune.pk,
            "name": "Tổ tuần tra tự quản Diên Khánh",
            "status": Status.ACTIVE,
            "model_type": cat["model_types"][demo.PATROL].pk,
            "replicated_from": source.pk,
        },
    )
    assert response.status_code == 302
    replica.refresh_from_db()
    assert (replica.name, replica.replicated_from) == ("Tổ tuần tra tự quản Diên Khánh", source)


def test_rows_of_a_closed_commune_stay_editable(client, tree, users, cat):
    area = make_area(tree.commune, cat)
    tree.commune.valid_to = datetime.date(2025, 6, 30)
    tree.commune.save()
    login(client, users.province_staff)
    assert tree.commune not in page(client, "area_create").context["form"].fields["commune"].queryset
    response = client.post(
        reverse("registry:area_update", args=[area.pk]),
        {
            "commune": tree.commune.pk,
            "name": "Thôn Đông Bắc",
            "kind": cat["kinds"]["Thôn"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.name == "Thôn Đông Bắc"


def test_detail_pages_run_a_constant_number_of_queries(
    client, tree, users, cat, django_assert_max_num_queries
):
    source = make_model(tree.commune, cat)
    area = make_area(tree.commune, cat)
    login(client, users.province_staff)

    def add(n, start):
        replicas = SecurityModel.objects.bulk_create(
            [
                SecurityModel(
                    commune=tree.other_commune,
                    name=f"Bản sao {start + i}",
                    replicated_from=source,
                    model_type=cat["model_types"][demo.PATROL],
                )
                for i in range(n)
            ]
        )
        ModelReview.objects.bulk_create(
            [
                ModelReview(
                    model=source,
                    reviewed_on=datetime.date(2000 + (start + i) // 12, (start + i) % 12 + 1, 1),
                    kind="interim",
                    effectiveness=cat["effectiveness"]["Khá"],
                )
                for i in range(n)
            ]
        )
        return replicas

    add(2, 0)
    # The page itself, its history section and the commendations it received.
    with django_assert_max_num_queries(24) as few:
        page(client, "model_detail", source.pk)
        page(client, "area_detail", area.pk)
    add(60, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = page(client, "model_detail", source.pk)
        page(client, "area_detail", area.pk)
    assert len(response.context["replicas"]) == 62 and len(response.context["reviews"]) == 62


def test_place_filter_offers_the_users_own_units_by_full_name(client, users, tree, cat):
    from registry.models import AdministrativeUnit

    login(client, users.reviewer)
    response = page(client, "area_list")
    html = response.content.decode()
    start = html.index('name="district"')
    district_select = html[start : html.index("</select>", start)]
    assert f'<option value="{tree.district.pk}">{tree.district.full_name}</option>' in district_select
    assert str(tree.other_district.pk) not in district_select
    communes = AdministrativeUnit.objects.visible_to(users.reviewer).current().filter(level="commune")
    choices = response.context["filter"].form.fields["commune"].choices
    offered = [(value, str(label)) for value, label in choices]
    assert offered == [("", "Tất cả")] + [(unit.pk, unit.full_name) for unit in communes]
    # Outside the scope is not a choice: the filter is refused, not applied.
    refused = page(client, "area_list", commune=tree.other_commune.pk).context["filter"]
    assert not refused.is_valid() and "commune" in refused.errors


def test_place_filter_keeps_the_chosen_district_selected_and_escapes_names(client, users, tree):
    from registry.filters import PlaceSelect

    widget = PlaceSelect(choices=[("", "Tất cả"), (tree.district.pk, "Huyện <A> & B")])
    html = widget.render("district", str(tree.district.pk), {"id": "id_district", "class": "form-select"})
    assert f'<option value="{tree.district.pk}" selected>Huyện &lt;A&gt; &amp; B</option>' in html
    assert html.startswith('<select class="form-select" id="id_district" name="district">')
    assert '<option value="">Tất cả</option>' in html


def test_commune_page_counts_agree_with_the_district_table(client, tree, users, cat):
    from registry.models import Status
    from registry.rollups import unit_rollup

    make_area(tree.commune, cat)
    make_area(tree.commune, cat, name="Thôn cũ", is_active=False)
    make_force(tree.commune, cat)
    make_force(tree.commune, cat, name="Tổ đã giải thể", status=Status.DISSOLVED)
    make_model(tree.commune, cat)
    make_model(tree.commune, cat, name="Mô hình tạm dừng", status=Status.SUSPENDED)
    login(client, users.province_staff)
    page = client.get(tree.commune.get_absolute_url()).content.decode()
    children = unit_rollup(tree.district, users.province_staff).children
    row = next(r for r in children if r.unit.pk == tree.commune.pk)
    for testid, figure in (("count-areas", "areas"), ("count-forces", "forces"), ("count-models", "models")):
        assert f'data-testid="{testid}">{getattr(row.figures, figure)}</div>' in page
        assert getattr(row.figures, figure) == 1
