"""The Django admin lists every registry model, searchable and scoped like the rest of the app."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from registry import demo
from registry.models import (
    AdministrativeUnit,
    AreaKind,
    EffectivenessClass,
    ForceType,
    ForceUnit,
    ModelReview,
    ModelType,
    Organisation,
    OrganisationType,
    ResidentialArea,
    SecurityModel,
    SteeringCommittee,
)
from tests.conftest import PASSWORD, unit_admin_form

pytestmark = pytest.mark.django_db

REGISTRY_MODELS = [
    AdministrativeUnit,
    AreaKind,
    OrganisationType,
    ForceType,
    ModelType,
    EffectivenessClass,
    ResidentialArea,
    Organisation,
    SteeringCommittee,
    ForceUnit,
    SecurityModel,
    ModelReview,
]


def test_every_registry_model_is_registered_with_search_and_autocomplete():
    for model in REGISTRY_MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields, model
        assert model_admin.show_full_result_count is False, model
        foreign_keys = {
            f.name for f in model._meta.fields if f.is_relation and f.editable and f.name != "model"
        }
        if model in (ResidentialArea, Organisation, ForceUnit, SecurityModel, SteeringCommittee):
            assert "commune" in model_admin.autocomplete_fields
            assert set(model_admin.list_select_related) & foreign_keys


def test_admin_changelists_and_search_work(client, tree, users):
    cat = demo.load_catalogues()
    ResidentialArea.objects.create(commune=tree.commune, name="Thôn Đồng Trăng", kind=cat["kinds"]["Thôn"])
    client.login(username="admin", password=PASSWORD)
    for model in REGISTRY_MODELS:
        url = reverse(f"admin:registry_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, model
        assert client.get(url, {"q": "dong"}).status_code == 200, model
    response = client.get(reverse("admin:registry_residentialarea_changelist"), {"q": "dong trang"})
    assert "Thôn Đồng Trăng" in response.content.decode()


def test_admin_querysets_go_through_the_scoping_mechanism(tree, users):
    cat = demo.load_catalogues()
    ResidentialArea.objects.create(commune=tree.commune, name="Thôn A", kind=cat["kinds"]["Thôn"])
    ResidentialArea.objects.create(commune=tree.other_commune, name="Thôn B", kind=cat["kinds"]["Thôn"])
    request = RequestFactory().get("/admin/")
    request.user = users.commune_staff
    model_admin = admin.site._registry[ResidentialArea]
    assert [a.name for a in model_admin.get_queryset(request)] == ["Thôn A"]
    request.user = users.admin
    assert model_admin.get_queryset(request).count() == 2


def test_admin_does_not_recode_or_move_an_existing_unit(client, tree, users):
    # Units below keep the unit's code in their path; only the versioned boundary import changes it.
    client.force_login(users.admin)
    url = reverse("admin:registry_administrativeunit_change", args=[tree.commune.pk])
    data = unit_admin_form(tree.commune, code="99999", parent=tree.other_district.pk)
    assert client.post(url, data).status_code == 302
    tree.commune.refresh_from_db()
    assert (tree.commune.code, tree.commune.parent_id) == ("22615", tree.district.pk)
    assert tree.commune.path.endswith("/22615/")
