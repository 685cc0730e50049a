"""List filters. Every choice list is scoped to the user; text search ignores diacritics."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from movement.models import (
    Campaign,
    CampaignKind,
    Commendation,
    CommendationForm,
    Plan,
    PlanStatus,
    RecipientKind,
)
from registry.models import AdministrativeUnit
from registry.text import fold, folded


def _visible_units(request: HttpRequest | None) -> QuerySet[AdministrativeUnit]:
    if request is None:
        return AdministrativeUnit.objects.none()
    return AdministrativeUnit.objects.visible_to(request.user).order_by("path")


class UnitSubtreeFilter(django_filters.ModelChoiceFilter):
    """Rows of the chosen unit and everything beneath it (path prefix)."""

    def __init__(self, *args: Any, path_lookup: str, **kwargs: Any) -> None:
        self.path_lookup = path_lookup
        kwargs.setdefault("queryset", _visible_units)
        kwargs.setdefault("label", _("Địa bàn"))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: AdministrativeUnit | None) -> QuerySet:
        if not value:
            return qs
        return qs.filter(**{f"{self.path_lookup}__startswith": value.path})


def _date(label: Any, lookup: str) -> django_filters.DateFilter:
    # A campaign belongs to the period it starts in, as in the totals.
    return django_filters.DateFilter(
        label=label,
        field_name="start_date",
        lookup_expr=lookup,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class PlanFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm (số, trích yếu, đơn vị ban hành)"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"), choices=PlanStatus.choices
    )
    year = django_filters.NumberFilter(label=_("Năm thực hiện"), method="covers_year")
    unit = UnitSubtreeFilter(path_lookup="issuing_unit__path", label=_("Đơn vị ban hành"))

    class Meta:
        model = Plan
        fields = ["q", "status", "year", "unit"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # Document numbers are folded on the fly ("QD" finds "QĐ"), as in the registry's lists.
        text = fold(value)
        return qs.annotate(number_folded=folded("number")).filter(
            Q(title_search__contains=text)
            | Q(number_folded__contains=text)
            | Q(issuing_unit__name_search__contains=text)
        )

    def covers_year(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        return qs.filter(year_from__lte=value, year_to__gte=value)


class CampaignFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm (tên, đơn vị tổ chức)"), method="search")
    kind = django_filters.ModelChoiceFilter(label=_("Loại"), queryset=CampaignKind.objects.all())
    plan = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("filter", "Kế hoạch"),
        queryset=lambda request: Plan.objects.visible_to(request.user) if request else Plan.objects.none(),
    )
    unit = UnitSubtreeFilter(path_lookup="place__path")
    date_from = _date(_("Bắt đầu từ ngày"), "gte")
    date_to = _date(_("Bắt đầu đến ngày"), "lte")

    class Meta:
        model = Campaign
        fields = ["q", "kind", "plan", "unit", "date_from", "date_to"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        text = fold(value)
        return qs.filter(Q(name_search__contains=text) | Q(organisers__icontains=value.strip()))


class CommendationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm (người, tập thể được khen, số quyết định)"), method="search")
    form = django_filters.ModelChoiceFilter(label=_("Hình thức"), queryset=CommendationForm.objects.all())
    year = django_filters.NumberFilter(label=_("Năm"))
    recipient_kind = django_filters.ChoiceFilter(
        label=_("Đối tượng"), choices=RecipientKind.choices
    )
    status = django_filters.ChoiceFilter(
        label=_("Hiệu lực"),
        choices=[("effective", _("Còn hiệu lực")), ("revoked", _("Đã thu hồi"))],
        method="by_status",
    )
    unit = UnitSubtreeFilter(path_lookup="unit__path")

    class Meta:
        model = Commendation
        fields = ["q", "form", "year", "recipient_kind", "status", "unit"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        text = fold(value)
        return qs.annotate(decision_number_folded=folded("decision_number")).filter(
            Q(recipient_search__contains=text)
            | Q(security_model__name_search__contains=text)
            | Q(force_unit__name_search__contains=text)
            | Q(organisation__name_search__contains=text)
            | Q(decision_number_folded__contains=text)
        )

    def by_status(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "revoked":
            return qs.filter(revoked_at__isnull=False)
        return qs.effective()
