from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from audit.forms import ChangeFilterForm
from audit.services import ChangeFilter, change_log, entries_for_page
from dashboard.cache import cached_page

PAGE_SIZE = 50


@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    """Administrators only: every change to every audited model, searchable and paginated."""
    if not request.user.is_admin:
        raise PermissionDenied
    return cached_page(request, lambda: _change_list_body(request), title=_("Nhật ký thay đổi"))


def _change_list_body(request: HttpRequest) -> TemplateResponse:
    form = ChangeFilterForm(request.GET or None)
    criteria = form.criteria() if form.is_valid() else ChangeFilter()
    if form.is_bound and not form.is_valid():
        criteria = None
    page = Paginator(change_log(criteria) if criteria else [], PAGE_SIZE).get_page(request.GET.get("page"))
    entries = entries_for_page(list(page.object_list))
    return TemplateResponse(
        request,
        "audit/change_list.html",
        {"form": form, "page": page, "entries": entries},
    )
