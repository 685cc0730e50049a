"""Dashboards, figure lists and the annual report: read-only, for every role within its scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from dashboard import reports
from dashboard.cache import cached
from dashboard.lanes import alongside
from dashboard.links import attach_urls, child_list_urls
from dashboard.services import (
    CERT_LABELS,
    ORGANISATIONS,
    Scope,
    aggregate_session,
    child_figures,
    default_unit,
    default_year,
    figure_rows,
    figure_value,
    model_counts,
    unit_figures,
)
from registry.models import AdministrativeUnit
from registry.scoping import get_scoped_object_or_404, visible_parent

MIN_YEAR, MAX_YEAR = 2000, 2100


# Child table column → (figure code, key) of the list behind it.
CHILD_LINKS = {
    "committees": ("committees", None),
    "communes": ("communes", None),
    "force_units": ("force_units", None),
    "force_members": ("force_members", None),
    "models": ("models", None),
    "approved_residential_area": ("cert_approved", "residential_area"),
    "eligible_residential_area": ("cert_eligible", "residential_area"),
    "approved_commune": ("cert_approved", "commune"),
    "eligible_commune": ("cert_eligible", "commune"),
    "approved_organisation": ("cert_approved", ORGANISATIONS),
    "eligible_organisation": ("cert_eligible", ORGANISATIONS),
    "commendations": ("commendations", None),
}


def _year(request: HttpRequest) -> int:
    raw = request.GET.get("year")
    if not raw:
        return cached(request.user, ("default_year",), lambda: default_year(request.user))
    try:
        year = int(raw)
    except ValueError as exc:
        raise Http404(_("Năm không hợp lệ.")) from exc
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404(_("Năm không hợp lệ."))
    return year


def _scope(request: HttpRequest, pk: str | int | None) -> Scope:
    """The unit from the URL if the user may see it (else 404); no unit is the country, admins only."""
    if pk in (None, ""):
        if not request.user.is_admin:
            raise Http404(_("Không tìm thấy hoặc bạn không có quyền truy cập."))
        return Scope(request.user, None)
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404(_("Đơn vị không hợp lệ.")) from exc
    return Scope(request.user, get_scoped_object_or_404(AdministrativeUnit, request.user, pk=pk))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = default_unit(request.user)
    if unit is None:
        if request.user.is_admin:
            return redirect("dashboard:country")
        raise Http404(_("Tài khoản chưa có phạm vi."))
    return redirect("dashboard:unit", pk=unit.pk)


def _dashboard(request: HttpRequest, scope: Scope) -> HttpResponse:
    year = _year(request)
    unit_key = scope.unit.pk if scope.unit else None
    content = cached(request.user, ("unit", unit_key, year), lambda: _dashboard_content(request, scope, year))
    return render(request, "dashboard/unit.html", {"scope": scope, "year": year, "content": content})


def _dashboard_content(request: HttpRequest, scope: Scope, year: int) -> str:
    """The dashboard's body: the figures, the child table and the charts' data, rendered."""
    # The model tally and the child table run on a second connection while this one computes
    # the other figures: about half of the work each.
    alongside_work = alongside(
        lambda: (model_counts(scope, year, [year, year - 1]), child_figures(scope, year)),
        whole_country=scope.unit is None,
    )
    figures = unit_figures(scope, year, model_tally=lambda: alongside_work()[0])
    attach_urls(list(figures.all_figures()), scope, year)
    children = alongside_work()[1]
    charts = {
        "children": {
            "labels": [row.unit.name for row in children],
            "series": [
                {
                    "label": _("Khu dân cư đạt (%%) — %(year)s") % {"year": year},
                    "data": [row.area_rate for row in children],
                },
                {
                    "label": _("Cơ quan, DN, nhà trường đạt (%%) — %(year)s") % {"year": year},
                    "data": [row.organisation_rate for row in children],
                },
            ],
        },
        "models": {
            "labels": [f.label for f in figures.models_by_type],
            "series": [
                {
                    "label": _("Số mô hình — %(year)s") % {"year": year},
                    "data": [f.value for f in figures.models_by_type],
                }
            ],
        },
        "trend": {
            "labels": [str(y) for y in figures.trend_years],
            "series": [
                {
                    "label": _("%(subject)s đạt (%%)") % {"subject": str(CERT_LABELS[kind]).capitalize()},
                    "data": rates,
                }
                for kind, rates in figures.trend.items()
            ],
        },
    }
    # Every number of the child table opens the list it counts, for that child unit.
    links = child_list_urls([row.unit for row in children], year, CHILD_LINKS)
    for row in children:
        row.links = links[row.unit.pk]
    parent = visible_parent(scope.unit, request.user) if scope.unit is not None else None
    return render_to_string(
        "dashboard/partials/unit_content.html",
        {
            "user": request.user,
            "parent": parent,
            "scope": scope,
            "unit": scope.unit,
            "year": year,
            "years": range(year - 4, year + 2),
            "figures": figures,
            "children": children,
            "charts": charts,
        },
    )


@login_required
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    with aggregate_session():
        return _dashboard(request, _scope(request, pk))


@login_required
def country(request: HttpRequest) -> HttpResponse:
    with aggregate_session(whole_country=True):
        return _dashboard(request, _scope(request, None))


@login_required
def figure_list(request: HttpRequest) -> HttpResponse:
    scope = _scope(request, request.GET.get("unit"))
    year = _year(request)
    code = request.GET.get("figure", "")
    key = request.GET.get("key") or None
    try:
        listing = figure_rows(code, scope, year, key)
    except (KeyError, ValueError) as exc:
        raise Http404(_("Chỉ tiêu không hợp lệ.")) from exc
    page = Paginator(listing.rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboard/figure_list.html",
        {
            "scope": scope,
            "year": year,
            "code": code,
            "listing": listing,
            "page": page,
            "total": figure_value(listing) if listing.sum_field else page.paginator.count,
        },
    )


@login_required
def annual_report(request: HttpRequest) -> HttpResponse:
    pk = request.GET.get("unit")
    if not pk:
        unit = default_unit(request.user)
        pk = unit.pk if unit else None
    scope = _scope(request, pk)
    year = _year(request)
    with aggregate_session(whole_country=scope.unit is None):
        figures = unit_figures(scope, year, trend=False)
    if request.GET.get("format") == "xlsx":
        return reports.xlsx_response(figures)
    attach_urls(list(figures.all_figures()), scope, year)
    return render(
        request,
        "dashboard/annual_report.html",
        {
            "scope": scope,
            "year": year,
            "as_of": scope.as_of(year),
            "figures": figures,
            "sections": reports.sections(figures),
        },
    )
