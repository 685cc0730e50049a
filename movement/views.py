"""Plans, campaigns and commendations: lists, details, forms, deletion, revocation, unit summary.

Every view reads through the scoping mechanism: ``visible_to`` for lists and pages,
``get_scoped_object_or_404`` with ``Action.CHANGE`` for edits (404 out of scope), and a 403 for a role
that may not change anything (leadership, reviewers).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, ProtectedError, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_tables2 import RequestConfig

from accounts.roles import Action
from dashboard.cache import cached_page
from dataio.exporters import export_links, list_export
from movement import services
from movement.filters import CampaignFilter, CommendationFilter, PlanFilter
from movement.forms import (
    CampaignForm,
    CommendationEditForm,
    PeriodForm,
    PlanForm,
    RevokeForm,
    campaign_result_formset,
    plan_target_formset,
)
from movement.models import Campaign, Commendation, Plan
from movement.tables import CampaignTable, CommendationTable, PlanTable
from registry.mixins import drop_unknown_sort
from registry.models import AdministrativeUnit
from registry.scoping import get_scoped_object_or_404

PER_PAGE = 25
BREAKDOWN_COLUMNS = 5


def _require_change(request: HttpRequest) -> None:
    if not request.user.can(Action.CHANGE):
        raise PermissionDenied(_("Vai trò của bạn chỉ được xem, không được thêm, sửa, xóa."))


def _may_change(request: HttpRequest, model: type, pk: int) -> bool:
    return request.user.can(Action.CHANGE) and model.objects.editable_by(request.user).filter(pk=pk).exists()


def _list(
    request: HttpRequest, queryset: QuerySet, filterset_class: type, table_class: type, **context: Any
) -> HttpResponse:
    filterset = filterset_class(request.GET or None, queryset=queryset, request=request)
    # "Xuất Excel / CSV": the rows of this list as filtered, every page.
    export = list_export(request, filterset.qs)
    if export is not None:
        return export

    def body() -> TemplateResponse:
        drop_unknown_sort(request, table_class)
        table = table_class(filterset.qs)
        RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
        context.update(filterset=filterset, table=table, can_change=request.user.can(Action.CHANGE))
        context.update(export_links(request, queryset.model))
        return TemplateResponse(request, "movement/list.html", context)

    return cached_page(request, body, title=str(context["title"]))


def _edit_page(
    request: HttpRequest, form: Any, formset: Any = None, *, title: str, cancel_url: str
) -> HttpResponse:
    return render(
        request,
        "movement/form.html",
        {"form": form, "formset": formset, "title": title, "cancel_url": cancel_url},
    )


def _delete(request: HttpRequest, obj: Any, *, list_url: str, what: str) -> HttpResponse:
    if request.method == "POST":
        try:
            obj.delete()
        except ProtectedError:
            messages.error(
                request, _("Không thể xóa %(what)s này vì còn dữ liệu khác tham chiếu tới.") % {"what": what}
            )
            return redirect(obj.get_absolute_url())
        messages.success(request, _("Đã xóa %(what)s “%(object)s”.") % {"what": what, "object": obj})
        return redirect(list_url)
    return render(request, "movement/confirm_delete.html", {"object": obj, "what": what})


# --- Plans ---------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        Plan.objects.visible_to(request.user)
        .select_related("issuing_unit")
        .annotate(target_count=Count("targets"))
    )
    return _list(
        request,
        queryset,
        PlanFilter,
        PlanTable,
        title=_("Kế hoạch"),
        create_url=reverse("movement:plan_create"),
        create_label=_("Thêm kế hoạch"),
    )


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_scoped_object_or_404(Plan.objects.select_related("issuing_unit"), request.user, pk=pk)
    campaigns = (
        Campaign.objects.visible_to(request.user)
        .filter(plan=plan)
        .select_related("kind", "place")
        .order_by("-start_date")[:20]
    )
    context = {
        "plan": plan,
        "progress": services.plan_progress(plan, request.user),
        "campaigns": campaigns,
        "can_change": _may_change(request, Plan, plan.pk),
    }
    return render(request, "movement/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    _require_change(request)
    return _plan_form(request, Plan())


@login_required
@require_http_methods(["GET", "POST"])
def plan_update(request: HttpRequest, pk: int) -> HttpResponse:
    _require_change(request)
    plan = get_scoped_object_or_404(Plan, request.user, Action.CHANGE, pk=pk)
    return _plan_form(request, plan)


def _plan_form(request: HttpRequest, plan: Plan) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=plan, user=request.user)
    formset = plan_target_formset(request.user, data, instance=plan)
    # The parent form first: the targets' years are checked against the plan's.
    if data is not None and form.is_valid() and formset.is_valid():
        plan = services.save_with_formset(form, formset)
        messages.success(request, _("Đã lưu kế hoạch “%(number)s”.") % {"number": plan.number})
        return redirect(plan)
    title = _("Sửa kế hoạch %(number)s") % {"number": plan.number} if plan.pk else _("Thêm kế hoạch")
    cancel = plan.get_absolute_url() if plan.pk else reverse("movement:plan_list")
    return _edit_page(request, form, formset, title=title, cancel_url=cancel)


@login_required
@require_http_methods(["GET", "POST"])
def plan_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_change(request)
    plan = get_scoped_object_or_404(Plan, request.user, Action.CHANGE, pk=pk)
    return _delete(request, plan, list_url=reverse("movement:plan_list"), what=_("kế hoạch"))


# --- Campaigns -----------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    queryset = Campaign.objects.visible_to(request.user).select_related("kind", "place", "plan")
    summary_url = reverse("movement:my_summary")
    return _list(
        request,
        queryset,
        CampaignFilter,
        CampaignTable,
        title=_("Đợt vận động, sự kiện"),
        create_url=reverse("movement:campaign_create"),
        create_label=_("Thêm đợt vận động"),
        extra_links=[(summary_url, _("Tổng hợp kết quả theo địa bàn"))],
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_scoped_object_or_404(
        Campaign.objects.select_related("kind", "place", "plan"), request.user, pk=pk
    )
    context = {
        "campaign": campaign,
        "results": campaign.results.select_related("metric"),
        "can_change": _may_change(request, Campaign, campaign.pk),
    }
    return render(request, "movement/campaign_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    _require_change(request)
    return _campaign_form(request, Campaign())


@login_required
@require_http_methods(["GET", "POST"])
def campaign_update(request: HttpRequest, pk: int) -> HttpResponse:
    _require_change(request)
    campaign = get_scoped_object_or_404(Campaign, request.user, Action.CHANGE, pk=pk)
    return _campaign_form(request, campaign)


def _campaign_form(request: HttpRequest, campaign: Campaign) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data, instance=campaign, user=request.user)
    formset = campaign_result_formset(data, instance=campaign)
    if data is not None and form.is_valid() and formset.is_valid():
        campaign = services.save_with_formset(form, formset)
        messages.success(request, _("Đã lưu đợt vận động “%(name)s”.") % {"name": campaign.name})
        return redirect(campaign)
    title = _("Sửa: %(name)s") % {"name": campaign.name} if campaign.pk else _("Thêm đợt vận động, sự kiện")
    cancel = campaign.get_absolute_url() if campaign.pk else reverse("movement:campaign_list")
    return _edit_page(request, form, formset, title=title, cancel_url=cancel)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_change(request)
    campaign = get_scoped_object_or_404(Campaign, request.user, Action.CHANGE, pk=pk)
    return _delete(request, campaign, list_url=reverse("movement:campaign_list"), what=_("đợt vận động"))


# --- Commendations -------------------------------------------------------------------------------


@login_required
def commendation_list(request: HttpRequest) -> HttpResponse:
    queryset = Commendation.objects.visible_to(request.user).select_related(
        "form", "unit", "security_model", "force_unit", "organisation"
    )
    return _list(
        request,
        queryset,
        CommendationFilter,
        CommendationTable,
        title=_("Khen thưởng"),
        create_url=reverse("movement:commendation_create"),
        create_label=_("Thêm khen thưởng"),
    )


@login_required
def commendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = get_scoped_object_or_404(
        Commendation.objects.select_related(
            "form", "unit", "security_model", "force_unit", "organisation", "revoked_by"
        ),
        request.user,
        pk=pk,
    )
    may_change = _may_change(request, Commendation, commendation.pk)
    context = {
        "commendation": commendation,
        "can_change": may_change and not commendation.is_revoked,
        "can_revoke": may_change and services.can_revoke(request.user) and not commendation.is_revoked,
        "can_delete": may_change and services.can_revoke(request.user) and not commendation.is_revoked,
        "revoke_form": RevokeForm(),
    }
    return render(request, "movement/commendation_detail.html", context)


def _editable_commendation(request: HttpRequest, pk: int) -> Commendation:
    _require_change(request)
    return get_scoped_object_or_404(Commendation, request.user, Action.CHANGE, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def commendation_create(request: HttpRequest) -> HttpResponse:
    _require_change(request)
    return _commendation_form(request, Commendation())


@login_required
@require_http_methods(["GET", "POST"])
def commendation_update(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = _editable_commendation(request, pk)
    if commendation.is_revoked:
        messages.error(request, _("Khen thưởng đã bị thu hồi, không sửa được nữa."))
        return redirect(commendation)
    return _commendation_form(request, commendation)


def _commendation_form(request: HttpRequest, commendation: Commendation) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = CommendationEditForm(data, instance=commendation, user=request.user)
    if data is not None and form.is_valid():
        commendation = form.save()
        messages.success(
            request, _("Đã lưu khen thưởng số %(number)s.") % {"number": commendation.decision_number}
        )
        return redirect(commendation)
    title = _("Sửa khen thưởng") if commendation.pk else _("Thêm khen thưởng")
    cancel = commendation.get_absolute_url() if commendation.pk else reverse("movement:commendation_list")
    return _edit_page(request, form, title=title, cancel_url=cancel)


@login_required
@require_http_methods(["GET", "POST"])
def commendation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    # A recorded decision leaves only the way revocation does: else deleting would undo a
    # commendation that only the province may withdraw. Commune staff correct it by editing.
    if not services.can_revoke(request.user):
        raise PermissionDenied(
            _("Chỉ cán bộ Công an tỉnh hoặc quản trị viên được xóa khen thưởng; nếu nhập sai, hãy sửa lại.")
        )
    commendation = _editable_commendation(request, pk)
    if commendation.is_revoked:
        messages.error(request, _("Khen thưởng đã thu hồi được giữ lại làm hồ sơ, không xóa được."))
        return redirect(commendation)
    return _delete(
        request, commendation, list_url=reverse("movement:commendation_list"), what=_("khen thưởng")
    )


@login_required
@require_http_methods(["GET", "POST"])
def commendation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not services.can_revoke(request.user):
        raise PermissionDenied(_("Chỉ cán bộ Công an tỉnh hoặc quản trị viên được thu hồi khen thưởng."))
    commendation = get_scoped_object_or_404(
        Commendation.objects.select_related("form"), request.user, Action.CHANGE, pk=pk
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_commendation(commendation.pk, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã thu hồi khen thưởng; khen thưởng này không còn được tính."))
        return redirect(commendation)
    return render(request, "movement/commendation_revoke.html", {"commendation": commendation, "form": form})


# --- Summary by unit -----------------------------------------------------------------------------


@login_required
def my_summary(request: HttpRequest) -> HttpResponse:
    visible = AdministrativeUnit.objects.visible_to(request.user)
    unit = request.user.scope_unit or visible.order_by("path").first()
    if unit is None:
        raise PermissionDenied(_("Tài khoản chưa được gán phạm vi."))
    return redirect("movement:unit_summary", pk=unit.pk)


@login_required
def unit_summary(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_object_or_404(AdministrativeUnit.objects.select_related("parent"), request.user, pk=pk)
    period = PeriodForm(request.GET or None)
    date_from = date_to = None
    if period.is_valid():
        date_from, date_to = period.cleaned_data["date_from"], period.cleaned_data["date_to"]
    campaigns = services.campaigns_in(unit, date_from, date_to, user=request.user)
    totals = services.unit_totals_context(unit, request.user, date_from, date_to)
    # The breakdown shows the first few metrics that have results (one correlated sum each).
    columns = totals["totals"][:BREAKDOWN_COLUMNS]
    by_child = services.campaign_totals_by_child(
        unit, [t.code for t in columns], date_from, date_to, user=request.user
    )
    context = {
        "unit": unit,
        "period": period,
        "campaign_count": campaigns.count(),
        "recent_campaigns": campaigns.select_related("kind", "place").order_by("-start_date")[:10],
        "commendation_counts": services.commendation_counts(
            unit,
            date_from.year if date_from else None,
            date_to.year if date_to else None,
            user=request.user,
        ),
        "breakdown_columns": columns,
        "by_child": by_child,
        **totals,
    }
    return render(request, "movement/unit_summary.html", context)
