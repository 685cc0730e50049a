"""Choices of areas, organisations, forces and models past a list's size: searched, still scoped."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import demo
from registry.models import ForceUnit, ResidentialArea, SecurityModel, Status
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def cat(db):
    return demo.load_catalogues()


@pytest.fixture
def areas(tree, cat):
    """Five areas in the commune, two in its sibling, one in another district."""
    kind = cat["kinds"]["Thôn"]
    own = [
        ResidentialArea.objects.create(commune=tree.commune, name=name, kind=kind)
        for name in ("Thôn Khánh Hòa", "Thôn Suối Cát", "Thôn Đá Bàn", "Thôn Hòn Rớ", "Thôn Bình Khánh")
    ]
    sibling = [
        ResidentialArea.objects.create(commune=tree.sibling_commune, name=name, kind=kind)
        for name in ("Thôn Khánh Thượng", "Thôn Cầu Sắt")
    ]
    far = ResidentialArea.objects.create(commune=tree.other_commune, name="Thôn Khánh Xa", kind=kind)
    return own, sibling, far


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def search(client, name: str, **params) -> list[str]:
    response = client.get(reverse("registry:lookup", args=[name]), params)
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_lookup_finds_names_without_diacritics_within_the_users_scope(client, users, tree, areas):
    login(client, users.commune_staff)
    found = search(client, "areas", q="khanh")
    assert found == ["Thôn Bình Khánh — Khánh Bình", "Thôn Khánh Hòa — Khánh Bình"]
    client.logout()
    login(client, users.reviewer)  # district police read the district, edit nothing
    assert client.get(reverse("registry:lookup", args=["areas"]), {"q": "khanh"}).status_code == 403
    client.logout()
    login(client, users.province_staff)
    found = search(client, "areas", q="KHÁNH")
    assert "Thôn Khánh Xa — Diên Khánh" in found and "Thôn Khánh Thượng — Khánh Đông" in found
    assert len(found) == 4


def test_lookup_narrows_to_the_forms_commune_and_ignores_a_commune_outside_the_scope(
    client, users, tree, areas
):
    login(client, users.province_staff)
    assert search(client, "areas", commune=tree.sibling_commune.pk) == [
        "Thôn Cầu Sắt — Khánh Đông",
        "Thôn Khánh Thượng — Khánh Đông",
    ]
    client.logout()
    login(client, users.commune_staff)
    assert search(client, "areas", commune=tree.other_commune.pk) == []  # still only its own rows


def test_lookup_says_whether_there_are_more_rows_than_it_returns(client, users, tree, cat):
    kind = cat["kinds"]["Thôn"]
    ResidentialArea.objects.bulk_create(
        ResidentialArea(commune=tree.commune, name=f"Thôn {i:02d}", kind=kind) for i in range(25)
    )
    login(client, users.commune_staff)
    response = client.get(reverse("registry:lookup", args=["areas"]), {"q": "thon"})
    body = response.json()
    assert len(body["results"]) == 20 and body["more"] is True
    assert body["results"][0] == {
        "value": str(ResidentialArea.objects.get(name="Thôn 00").pk),
        "text": "Thôn 00 — Khánh Bình",
        "commune": str(tree.commune.pk),
    }


def test_lookup_needs_a_login_and_a_known_list(client, users):
    response = client.get(reverse("registry:lookup", args=["areas"]))
    assert response.status_code == 302 and "/login/" in response.url
    login(client, users.admin)
    assert client.get(reverse("registry:lookup", args=["users"])).status_code == 404
    assert client.post(reverse("registry:lookup", args=["areas"])).status_code == 405


def test_a_short_list_is_a_plain_select_with_every_row(client, users, tree, areas):
    login(client, users.commune_staff)
    html = client.get(reverse("registry:force_create")).content.decode()
    area_select = html.split('name="area"')[1].split("</select>")[0]
    assert "data-search-url" not in area_select
    assert area_select.count("<option") == 6  # the empty choice and the commune's five


def test_a_long_list_renders_only_the_chosen_row_and_any_row_in_scope_is_accepted(
    client, users, tree, areas, cat, settings
):
    settings.FORM_CHOICES_INLINE_MAX = 3
    own, _sibling, far = areas
    login(client, users.commune_staff)
    html = client.get(reverse("registry:force_create")).content.decode()
    area_select = html.split('name="area"')[1].split("</select>")[0]
    assert f'data-search-url="{reverse("registry:lookup", args=["areas"])}"' in area_select
    assert area_select.count("<option") == 1  # only the empty choice
    assert "vendor/tom-select/js/tom-select.complete.min.js" in html and "js/search-select.js" in html

    data = {
        "commune": tree.commune.pk,
        "name": "Tổ bảo vệ ANTT Hòn Rớ",
        "force_type": cat["force_types"][demo.GRASSROOTS_TEAM].pk,
        "member_count": 5,
        "status": Status.ACTIVE,
    }
    response = client.post(reverse("registry:force_create"), {**data, "area": far.pk})
    assert response.status_code == 200
    assert "nằm ngoài phạm vi" in response.context["form"].errors["area"][0]
    assert "Thôn Khánh Xa" not in response.content.decode()  # a forged id names nothing back
    response = client.post(reverse("registry:force_create"), {**data, "area": own[3].pk})
    assert response.status_code == 302
    force = ForceUnit.objects.get(name="Tổ bảo vệ ANTT Hòn Rớ")
    assert force.area == own[3]

    html = client.get(reverse("registry:force_update", args=[force.pk])).content.decode()
    area_select = html.split('name="area"')[1].split("</select>")[0]
    assert area_select.count("<option") == 2
    chosen = f'value="{own[3].pk}" selected data-commune="{tree.commune.pk}">Thôn Hòn Rớ — Khánh Bình<'
    assert chosen in area_select


def test_a_long_list_form_renders_in_constant_queries(
    client, users, tree, cat, settings, django_assert_max_num_queries
):
    settings.FORM_CHOICES_INLINE_MAX = 3
    kind = cat["kinds"]["Thôn"]
    login(client, users.province_staff)

    def render() -> None:
        assert client.get(reverse("registry:model_create")).status_code == 200

    ResidentialArea.objects.bulk_create(
        ResidentialArea(commune=tree.commune, name=f"Thôn {i:02d}", kind=kind) for i in range(5)
    )
    with django_assert_max_num_queries(30) as few:
        render()
    ResidentialArea.objects.bulk_create(
        ResidentialArea(commune=tree.commune, name=f"Xóm {i:02d}", kind=kind) for i in range(200)
    )
    SecurityModel.objects.bulk_create(
        SecurityModel(commune=tree.commune, name=f"Mô hình {i}", model_type=cat["model_types"][demo.PATROL])
        for i in range(50)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        render()


def test_commendation_recipients_past_the_list_size_are_searched_in_the_users_scope(
    client, users, tree, cat, settings
):
    settings.FORM_CHOICES_INLINE_MAX = 1
    patrol = cat["model_types"][demo.PATROL]
    for commune, name in ((tree.commune, "Tổ tự quản Bình An"), (tree.commune, "Camera Bình Khánh")):
        SecurityModel.objects.create(commune=commune, name=name, model_type=patrol)
    SecurityModel.objects.create(commune=tree.other_commune, name="Tổ tự quản Diên An", model_type=patrol)
    login(client, users.commune_staff)
    html = client.get(reverse("movement:commendation_create")).content.decode()
    select = html.split('name="security_model"')[1].split("</select>")[0]
    assert reverse("registry:lookup", args=["recipient-models"]) in select
    assert search(client, "recipient-models", q="to tu quan") == ["Tổ tự quản Bình An — Xã Khánh Bình"]


def test_a_saved_form_reads_no_choice_list(client, users, tree, areas, cat, settings):
    settings.FORM_CHOICES_INLINE_MAX = 3
    own, _sibling, _far = areas
    login(client, users.commune_staff)
    data = {
        "commune": tree.commune.pk,
        "area": own[0].pk,
        "name": "Tổ bảo vệ ANTT Khánh Hòa",
        "force_type": cat["force_types"][demo.GRASSROOTS_TEAM].pk,
        "member_count": 5,
        "status": Status.ACTIVE,
    }
    with CaptureQueriesContext(connection) as queries:
        assert client.post(reverse("registry:force_create"), data).status_code == 302
    # Validation reads the chosen row only; the lists are read when a form is drawn.
    assert not [q["sql"] for q in queries.captured_queries if "LIMIT 4" in q["sql"]]


def test_units_are_found_by_name_or_code_within_the_users_scope(client, users, tree):
    login(client, users.province_staff)
    assert search(client, "communes", q="khanh") == [
        "Xã Khánh Bình (22615)",
        "Xã Khánh Đông (22621)",
        "Xã Diên Khánh (22651)",
    ]  # in the order of the units' tree
    assert search(client, "communes", q="2265") == ["Xã Diên Khánh (22651)"]
    assert "Huyện Khánh Vĩnh (573)" in search(client, "units", q="khanh vinh")
    assert search(client, "units", q="ninh thuan") == []  # another province
    client.logout()
    login(client, users.commune_staff)
    assert search(client, "units", q="") == ["Xã Khánh Bình (22615)"]
    body = client.get(reverse("registry:lookup", args=["communes"])).json()
    assert "commune" not in body["results"][0]  # a unit is not narrowed to a commune


def test_movement_unit_choices_past_the_list_size_are_searched(client, users, tree, settings):
    settings.FORM_CHOICES_INLINE_MAX = 2
    login(client, users.province_staff)
    for name in ("plan_create", "campaign_create", "commendation_create"):
        html = client.get(reverse(f"movement:{name}")).content.decode()
        assert reverse("registry:lookup", args=["units"]) in html, name
