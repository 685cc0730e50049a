"""Registry pages. Each kind of row is declared as an :class:`Entity`; the generic scoped views in
:mod:`registry.mixins` do the rest. Unit pages and model reviews are the only hand-written views.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext, pgettext_lazy

from accounts.roles import Action
from dashboard.cache import cached_page
from registry import filters, forms, tables
from registry.mixins import Entity
from registry.models import (
    AdministrativeUnit,
    ForceUnit,
    ModelReview,
    Organisation,
    ResidentialArea,
    SecurityModel,
    SteeringCommittee,
    UnitLevel,
)
from registry.rollups import commune_overview, unit_rollup, with_latest_effectiveness
from registry.scoping import get_scoped_object_or_404

AREAS = Entity(
    name="area",
    route="areas",
    model=ResidentialArea,
    title=pgettext_lazy("plural", "Khu dân cư"),
    filterset_class=filters.ResidentialAreaFilter,
    table_class=tables.ResidentialAreaTable,
    form_class=forms.ResidentialAreaForm,
    select_related=("kind", "commune__parent"),
)
ORGANISATIONS = Entity(
    name="organisation",
    route="organisations",
    model=Organisation,
    commendable=True,
    title=pgettext_lazy("plural", "Cơ quan, doanh nghiệp, nhà trường"),
    filterset_class=filters.OrganisationFilter,
    table_class=tables.OrganisationTable,
    form_class=forms.OrganisationForm,
    select_related=("org_type", "commune__parent"),
)
COMMITTEES = Entity(
    name="committee",
    route="committees",
    model=SteeringCommittee,
    title=pgettext_lazy("plural", "Ban chỉ đạo"),
    filterset_class=filters.SteeringCommitteeFilter,
    table_class=tables.SteeringCommitteeTable,
    form_class=forms.SteeringCommitteeForm,
    select_related=("commune__parent",),
)
FORCES = Entity(
    name="force",
    route="forces",
    model=ForceUnit,
    commendable=True,
    title=pgettext_lazy("plural", "Lực lượng nòng cốt"),
    filterset_class=filters.ForceUnitFilter,
    table_class=tables.ForceUnitTable,
    form_class=forms.ForceUnitForm,
    select_related=("force_type", "area", "organisation", "commune__parent"),
)


def _model_detail_context(
    request: HttpRequest, model: SecurityModel, context: dict[str, Any]
) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "reviews": list(model.reviews.select_related("effectiveness")),
        "replicas": list(
            SecurityModel.objects.visible_to(request.user)
            .filter(replicated_from=model)
            .select_related("commune")
        ),
    }
    if context["object_editable"]:
        extra["review_form"] = forms.ModelReviewForm(user=request.user, model=model)
    return extra


MODELS = Entity(
    name="model",
    route="models",
    model=SecurityModel,
    commendable=True,
    title=pgettext_lazy("plural", "Mô hình tự quản về ANTT"),
    filterset_class=filters.SecurityModelFilter,
    table_class=tables.SecurityModelTable,
    form_class=forms.SecurityModelForm,
    select_related=("model_type", "area", "organisation", "commune__parent", "replicated_from__commune"),
    annotate=with_latest_effectiveness,
    detail_template="registry/model_detail.html",
    detail_context=_model_detail_context,
)
REVIEWS = Entity(
    name="model_review",
    route="reviews",
    model=ModelReview,
    title=pgettext_lazy("plural", "Đánh giá mô hình"),
    filterset_class=filters.ModelReviewFilter,
    table_class=tables.ModelReviewTable,
    select_related=("model__commune__parent", "effectiveness"),
    detail_fields=("model", "reviewed_on", "kind", "effectiveness", "notes"),
    views=("list", "detail"),  # written from the model's page: model_review_create/update/delete below
)
UNITS = Entity(
    name="unit",
    route="units",
    model=AdministrativeUnit,
    title=pgettext_lazy("plural", "Địa bàn (đơn vị hành chính)"),
    filterset_class=filters.AdministrativeUnitFilter,
    table_class=tables.AdministrativeUnitTable,
    select_related=("parent",),
    views=("list",),  # unit_detail below is the overview of a commune or the roll-up of a district
)


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A commune in full; a district or province rolled up with a table of its children."""
    unit = get_scoped_object_or_404(AdministrativeUnit.objects.select_related("parent"), request.user, pk=pk)

    def body() -> TemplateResponse:
        context: dict[str, Any] = {
            "unit": unit,
            "unit_editable": request.user.can(Action.CHANGE)
            and AdministrativeUnit.objects.editable_by(request.user).filter(pk=unit.pk).exists(),
        }
        if unit.level == UnitLevel.COMMUNE:
            context["overview"] = commune_overview(unit, request.user)
            return TemplateResponse(request, "registry/commune_detail.html", context)
        context["rollup"] = unit_rollup(unit, request.user)
        return TemplateResponse(request, "registry/unit_detail.html", context)

    return cached_page(request, body, title=str(unit))


# --- Model reviews: written from the model's page -------------------------------------------------


def _require_change(request: HttpRequest) -> None:
    if not request.user.can(Action.CHANGE):
        raise PermissionDenied(gettext("Vai trò của bạn không cho phép thao tác này."))


def _editable_review(request: HttpRequest, pk: int) -> ModelReview:
    _require_change(request)
    return get_scoped_object_or_404(
        ModelReview.objects.select_related("model", "effectiveness"), request.user, Action.CHANGE, pk=pk
    )


def _review_form(request: HttpRequest, form: forms.ModelReviewForm, model: SecurityModel) -> HttpResponse:
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                review = form.save()
            messages.success(request, gettext("Đã lưu đánh giá mô hình: %(review)s.") % {"review": review})
            return redirect(model)
        messages.error(request, gettext("Chưa lưu được đánh giá: hãy sửa các lỗi được đánh dấu bên dưới."))
    return render(request, "registry/model_review_form.html", {"form": form, "model": model})


@login_required
def model_review_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_change(request)
    model = get_scoped_object_or_404(SecurityModel, request.user, Action.CHANGE, pk=pk)
    return _review_form(
        request, forms.ModelReviewForm(request.POST or None, user=request.user, model=model), model
    )


@login_required
def model_review_update(request: HttpRequest, pk: int) -> HttpResponse:
    review = _editable_review(request, pk)
    form = forms.ModelReviewForm(request.POST or None, instance=review, user=request.user, model=review.model)
    return _review_form(request, form, review.model)


@login_required
def model_review_delete(request: HttpRequest, pk: int) -> HttpResponse:
    review = _editable_review(request, pk)
    if request.method == "POST":
        with transaction.atomic():
            review.delete()
        messages.success(request, gettext("Đã xóa đánh giá mô hình: %(review)s.") % {"review": review})
        return redirect(review.model)
    return render(
        request,
        "registry/object_confirm_delete.html",
        {"object": review, "opts": ModelReview._meta, "cancel_url": review.model.get_absolute_url()},
    )
