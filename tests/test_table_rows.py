"""List tables write their rows in Python: the markup must be exactly what django-tables2 writes."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver, reverse
from django.utils import translation

from accounts.models import User

pytestmark = pytest.mark.django_db

STOCK = "django_tables2/bootstrap5-responsive.html"


def table_list_urls() -> list[str]:
    """Every list page of the registry and the movement: each renders a django-tables2 table."""
    names = []
    for namespace in ("registry", "movement"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names += [f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)]
    return sorted(name for name in names if name.endswith("_list"))


def normalise(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def without_pager(html: str) -> str:
    # The pager is ours on purpose: the stock one's words have no Vietnamese (test_qa_ui).
    return re.sub(r"<nav\b.*?</nav>", "", html, flags=re.DOTALL)


def both(table, request) -> tuple[str, str]:
    """The table as our template writes it and as django-tables2's stock template does."""
    ours = table.as_html(request)
    ours_template = table.template_name
    table.template_name = STOCK
    try:
        return ours, table.as_html(request)
    finally:
        table.template_name = ours_template


@pytest.mark.parametrize("url_name", table_list_urls())
@pytest.mark.parametrize("language", ["vi", "en"])
def test_table_rows_match_django_tables2_markup(client, demo_province, url_name, language):
    client.force_login(User.objects.get(username="admin"))
    client.cookies["django_language"] = language
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    table = response.context["table"]
    assert table.template_name != STOCK
    assert len(table.paginated_rows) > 0, "the demo must give this list rows to compare"
    with translation.override(language):
        ours, stock = both(table, response.wsgi_request)
    assert "<td" in ours
    assert normalise(without_pager(ours)) == normalise(without_pager(stock))


def test_empty_table_says_so(client, demo_province):
    client.force_login(User.objects.get(username="admin"))
    response = client.get(reverse("registry:area_list"), {"q": "không có khu dân cư nào tên này"})
    table = response.context["table"]
    assert len(table.paginated_rows) == 0
    ours, stock = both(table, response.wsgi_request)
    assert str(table.empty_text) in ours
    assert normalise(ours) == normalise(stock)
