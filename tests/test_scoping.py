"""The shared scoping mechanism: (user, action) → rows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from accounts.roles import Action
from registry.models import AdministrativeUnit
from registry.scoping import get_scoped_object_or_404

pytestmark = pytest.mark.django_db


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_commune_staff_sees_only_its_commune(tree, users):
    assert codes(AdministrativeUnit.objects.visible_to(users.commune_staff)) == {"22615"}


def test_district_reviewer_sees_its_district_and_communes_below(tree, users):
    assert codes(AdministrativeUnit.objects.visible_to(users.reviewer)) == {"573", "22615", "22621"}


def test_province_staff_sees_whole_province_but_not_other_province(tree, users):
    visible = codes(AdministrativeUnit.objects.visible_to(users.province_staff))
    assert visible == {"56", "573", "574", "22615", "22621", "22651"}
    assert "58" not in visible


def test_admin_sees_everything(tree, users):
    assert AdministrativeUnit.objects.visible_to(users.admin).count() == AdministrativeUnit.objects.count()


def test_anonymous_and_inactive_users_see_nothing(tree, users):
    assert not AdministrativeUnit.objects.visible_to(AnonymousUser()).exists()
    users.province_staff.is_active = False
    assert not AdministrativeUnit.objects.visible_to(users.province_staff).exists()


def test_user_without_scope_sees_nothing(tree, users):
    users.leadership.scope_unit = None
    assert not AdministrativeUnit.objects.visible_to(users.leadership).exists()


def test_leadership_and_reviewers_cannot_edit(tree, users):
    assert not AdministrativeUnit.objects.editable_by(users.leadership).exists()
    assert not AdministrativeUnit.objects.editable_by(users.reviewer).exists()
    assert codes(AdministrativeUnit.objects.editable_by(users.commune_staff)) == {"22615"}


def test_only_reviewers_and_admins_review(tree, users):
    assert codes(AdministrativeUnit.objects.reviewable_by(users.reviewer)) == {"573", "22615", "22621"}
    assert not AdministrativeUnit.objects.reviewable_by(users.province_staff).exists()
    assert AdministrativeUnit.objects.reviewable_by(users.admin).count() == 7


def test_object_outside_scope_is_404_whatever_its_id(tree, users):
    assert get_scoped_object_or_404(AdministrativeUnit, users.reviewer, pk=tree.commune.pk) == tree.commune
    with pytest.raises(Http404):
        get_scoped_object_or_404(AdministrativeUnit, users.reviewer, pk=tree.other_commune.pk)
    with pytest.raises(Http404):
        get_scoped_object_or_404(AdministrativeUnit, users.reviewer, Action.CHANGE, pk=tree.commune.pk)


def test_scope_is_a_path_prefix_not_a_tree_walk(tree, users, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert len(list(AdministrativeUnit.objects.visible_to(users.province_staff))) == 6


def test_a_malformed_id_is_a_404_not_a_500(tree, users):
    for bad in ("abc", "1.5", "", None):
        with pytest.raises(Http404):
            get_scoped_object_or_404(AdministrativeUnit, users.admin, pk=bad)


def _breadcrumb(html: str) -> str:
    start = html.index('<ol class="breadcrumb')
    return html[start : html.index("</ol>", start)]


@pytest.mark.parametrize(
    ("role", "page"),
    [
        ("commune_staff", lambda tree: tree.commune.get_absolute_url()),
        ("commune_staff", lambda tree: reverse("movement:unit_summary", args=[tree.commune.pk])),
        ("reviewer", lambda tree: tree.district.get_absolute_url()),
        ("reviewer", lambda tree: f"{reverse('certification:status')}?unit={tree.district.pk}"),
    ],
)
def test_breadcrumbs_never_lead_outside_the_users_scope(client, tree, users, role, page):
    user = getattr(users, role)
    parent = str(user.scope_unit.parent)
    client.force_login(user)
    response = client.get(page(tree))
    assert response.status_code == 200
    assert parent not in _breadcrumb(response.content.decode())  # it would be a 404 for them
    client.force_login(users.province_staff)
    assert f">{parent}</a>" in _breadcrumb(client.get(page(tree)).content.decode())
