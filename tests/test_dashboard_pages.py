"""Dashboard pages: scope, links from every figure to its list, constant query counts."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.models import State
from registry.models import AreaKind, ResidentialArea, UnitLevel
from tests.conftest import PASSWORD, make_unit
from tests.test_dashboard_figures import YEAR, build_world, record

pytestmark = pytest.mark.django_db


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def dashboard_url(unit, year: int = YEAR) -> str:
    return f"{reverse('dashboard:unit', args=[unit.pk])}?year={year}"


def test_dashboard_home_redirects_to_the_users_scope_unit(client, tree, users):
    login(client, users.reviewer)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response.url == reverse("dashboard:unit", args=[tree.district.pk])


def test_admin_home_goes_to_the_first_province(client, tree, users):
    login(client, users.admin)
    assert client.get(reverse("dashboard:home")).url == reverse("dashboard:unit", args=[tree.province.pk])


def test_district_reviewer_sees_own_district_dashboard(client, tree, users):
    build_world(tree)
    login(client, users.reviewer)
    response = client.get(dashboard_url(tree.district))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Huyện Khánh Vĩnh" in content
    # children of the district are its two communes, not the other district's
    assert "Xã Khánh Bình" in content and "Xã Khánh Đông" in content
    assert "Xã Diên Khánh" not in content


def test_district_reviewer_gets_404_for_another_district_and_the_province(client, tree, users):
    login(client, users.reviewer)
    assert client.get(dashboard_url(tree.other_district)).status_code == 404
    assert client.get(dashboard_url(tree.province)).status_code == 404
    assert client.get(dashboard_url(tree.other_commune)).status_code == 404
    figure_list = reverse("dashboard:figure_list")
    assert client.get(figure_list, {"figure": "communes", "unit": tree.other_district.pk}).status_code == 404
    assert client.get(figure_list, {"figure": "communes"}).status_code == 404
    assert client.get(reverse("dashboard:country")).status_code == 404
    assert client.get(reverse("dashboard:annual_report"), {"unit": tree.province.pk}).status_code == 404


def test_commune_staff_sees_own_commune_only(client, tree, users):
    login(client, users.commune_staff)
    assert client.get(dashboard_url(tree.commune)).status_code == 200
    assert client.get(dashboard_url(tree.sibling_commune)).status_code == 404


def test_anonymous_user_is_sent_to_login(client, tree):
    response = client.get(dashboard_url(tree.province))
    assert response.status_code == 302
    assert "/login/" in response.url


def test_bad_year_and_unknown_figure_are_404(client, tree, users):
    login(client, users.leadership)
    assert client.get(reverse("dashboard:unit", args=[tree.province.pk]), {"year": "abc"}).status_code == 404
    figure_list = reverse("dashboard:figure_list")
    assert client.get(figure_list, {"figure": "nope", "unit": tree.province.pk}).status_code == 404
    bad_key = {"figure": "models", "unit": tree.province.pk, "key": "x"}
    assert client.get(figure_list, bad_key).status_code == 404


FIGURE_LINK = re.compile(r'<a href="([^"]+)" data-figure="[^"]+">([^<]+)</a>')


def shown_number(text: str) -> int:
    return int(text.replace(".", "").strip())


def test_every_figure_on_the_page_links_to_a_list_of_that_many_rows(client, tree, users):
    build_world(tree)
    login(client, users.leadership)
    content = client.get(dashboard_url(tree.province)).content.decode()
    links = FIGURE_LINK.findall(content)
    assert len(links) > 20
    for href, shown in links:
        listing = client.get(unescape(href))
        assert listing.status_code == 200, href
        total = re.search(r'data-testid="figure-total">([^<]+)<', listing.content.decode()).group(1)
        assert shown_number(total) == shown_number(shown), href


def test_page_has_no_inline_script_and_passes_chart_data_as_json(client, tree, users):
    build_world(tree)
    login(client, users.leadership)
    content = client.get(dashboard_url(tree.province)).content.decode()
    for tag in re.findall(r"<script[^>]*>", content):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert 'id="dashboard-charts" type="application/json"' in content
    assert "vendor/chart.js/chart.umd.min.js" in content
    assert "js/dashboard.js" in content


def test_weakest_child_is_highlighted(client, tree, users):
    build_world(tree)
    login(client, users.leadership)
    content = client.get(dashboard_url(tree.province)).content.decode()
    weakest = re.findall(
        r'<tr class="table-danger" data-weakest="1">\s*<th[^>]*><a[^>]*>([^<]+)</a>', content
    )
    assert weakest == ["Huyện Diên Khánh"]


def district_with_communes(tree, count: int):
    district = make_unit(f"{600 + count}", f"Huyện {count}", UnitLevel.DISTRICT, tree.province)
    kind = AreaKind.objects.get_or_create(name="Thôn")[0]
    for index in range(count):
        commune = make_unit(
            f"{40000 + count * 100 + index}", f"Xã {count}-{index}", UnitLevel.COMMUNE, district
        )
        area = ResidentialArea.objects.create(commune=commune, name="Thôn 1", kind=kind)
        record(commune, YEAR, State.APPROVED, area=area)
        record(commune, YEAR, State.APPROVED)
    return district


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_children(client, tree, users):
    build_world(tree)
    small, large = district_with_communes(tree, 3), district_with_communes(tree, 30)
    login(client, users.leadership)
    count_queries(client, dashboard_url(small))  # warm the session
    assert count_queries(client, dashboard_url(small)) == count_queries(client, dashboard_url(large))


def test_dashboard_runs_a_bounded_number_of_queries(client, tree, users, django_assert_max_num_queries):
    build_world(tree)
    district_with_communes(tree, 30)
    login(client, users.leadership)
    with django_assert_max_num_queries(30):
        client.get(dashboard_url(tree.province))


def test_country_dashboard_for_admins(client, tree, users):
    build_world(tree)
    login(client, users.admin)
    response = client.get(reverse("dashboard:country"), {"year": YEAR})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Toàn quốc" in content and "Tỉnh Khánh Hòa" in content and "Tỉnh Ninh Thuận" in content


def test_default_year_is_the_latest_year_with_certification(client, tree, users, settings):
    build_world(tree)
    settings.DASHBOARD_DEFAULT_YEAR = None
    login(client, users.leadership)
    response = client.get(reverse("dashboard:unit", args=[tree.province.pk]))
    assert response.context["year"] == YEAR
    settings.DASHBOARD_DEFAULT_YEAR = 2024
    assert client.get(reverse("dashboard:unit", args=[tree.province.pk])).context["year"] == 2024


def test_registering_for_next_year_does_not_move_the_pages_to_an_empty_year(client, tree, users, settings):
    build_world(tree)
    settings.DASHBOARD_DEFAULT_YEAR = None
    area = ResidentialArea.objects.get(name="Thôn 1")
    record(area.commune, YEAR + 1, State.REGISTERED, area=area)  # an early registration
    login(client, users.leadership)
    assert client.get(reverse("dashboard:unit", args=[tree.province.pk])).context["year"] == YEAR
    assert client.get(reverse("certification:status")).context["year"] == YEAR


def test_menu_links_to_dashboard(client, tree, users):
    login(client, users.leadership)
    content = client.get(reverse("home")).content.decode()
    assert reverse("dashboard:home") in content
    assert reverse("dashboard:annual_report") in content
