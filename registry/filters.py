"""List filters: by place (district, commune), type, status, and diacritic-insensitive search.

Place choices are the user's own visible units; a place filter is a path-prefix match on the
model's ``scope_path_lookup``, so it works for any registry model whatever its link to the commune.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField, ModelChoiceIterator

from registry.models import (
    AdministrativeUnit,
    AreaKind,
    EffectivenessClass,
    ForceType,
    ForceUnit,
    ModelReview,
    ModelType,
    Organisation,
    OrganisationCategory,
    OrganisationType,
    ResidentialArea,
    ReviewKind,
    SecurityModel,
    Status,
    SteeringCommittee,
    UnitLevel,
)
from registry.text import fold
from registry.text import folded as folded_column

ALL = _("Tất cả")
ACTIVE_CHOICES = (("1", _("Đang hoạt động")), ("0", _("Không còn hoạt động")))


def _visible_units(request: HttpRequest | None, level: str) -> QuerySet[AdministrativeUnit]:
    if request is None:
        return AdministrativeUnit.objects.none()
    return AdministrativeUnit.objects.visible_to(request.user).current().filter(level=level)


def visible_districts(request: HttpRequest | None) -> QuerySet[AdministrativeUnit]:
    return _visible_units(request, UnitLevel.DISTRICT)


def visible_communes(request: HttpRequest | None) -> QuerySet[AdministrativeUnit]:
    return _visible_units(request, UnitLevel.COMMUNE)


class PlaceSelect(forms.Select):
    """A select of places rendered in Python, one string per option.

    The template-per-option rendering of Django's Select cost ~0.1 ms an option: 70 ms on every list
    page of an administrator who sees the country's 700 districts. Each option is one f-string:
    ``format_html`` per option still took a third of that page's time.
    """

    def render(
        self, name: str, value: object, attrs: dict | None = None, renderer: object = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = []
        for choice, label in self.choices:
            key = str(choice)
            selected = " selected" if key in chosen else ""
            label = conditional_escape(label)
            options.append(f'<option value="{conditional_escape(key)}"{selected}>{label}</option>')
        return format_html("<select{}>{}</select>", flatatt(final_attrs), mark_safe("".join(options)))  # noqa: S308


class PlaceChoiceIterator(ModelChoiceIterator):
    """Place choices as (id, full name) rows, without a model instance per option.

    Building 700 district instances only to print their names was a quarter of an administrator's
    list page. Validation still goes through the field's queryset as usual.
    """

    def __iter__(self) -> Iterator[tuple[object, object]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.queryset.values_list("pk", "full_name")


class PlaceChoiceField(ModelChoiceField):
    iterator = PlaceChoiceIterator


class PlaceFilter(django_filters.ModelChoiceFilter):
    """A district or commune among the user's visible units, matched by path prefix."""

    field_class = PlaceChoiceField

    def __init__(self, label: str, queryset: Callable) -> None:
        super().__init__(
            label=label, queryset=queryset, method="in_unit", empty_label=ALL, widget=PlaceSelect
        )


class ScopedFilterSet(django_filters.FilterSet):
    """Search, district and commune filters shared by every registry list."""

    # Where the search box looks: generated folded columns (``*_search``, indexed for names), or
    # plain text columns, folded on the fly (people's names and document numbers on small tables).
    search_fields: tuple[str, ...] = ("name_search",)

    q = django_filters.CharFilter(label=_("Tìm kiếm"), method="search")
    district = PlaceFilter(_("Quận/huyện"), visible_districts)
    commune = PlaceFilter(_("Xã/phường"), visible_communes)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        folded = fold(value)
        if not folded:
            return queryset
        match, on_the_fly = Q(), {}
        for field in self.search_fields:
            if not field.endswith("_search"):
                on_the_fly[f"{field}_folded"] = folded_column(field)
                field = f"{field}_folded"
            match |= Q(**{f"{field}__contains": folded})
        return queryset.annotate(**on_the_fly).filter(match)

    def in_unit(self, queryset: QuerySet, name: str, unit: AdministrativeUnit) -> QuerySet:
        return queryset.filter(**{f"{queryset.model.scope_path_lookup}__startswith": unit.path})


def active_filter(field: str = "is_active") -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name=field, label=_("Tình trạng"), choices=ACTIVE_CHOICES, empty_label=ALL
    )


def status_filter() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(label=_("Tình trạng"), choices=Status.choices, empty_label=ALL)


class ResidentialAreaFilter(ScopedFilterSet):
    kind = django_filters.ModelChoiceFilter(label=_("Loại"), queryset=AreaKind.objects, empty_label=ALL)
    is_active = active_filter()

    class Meta:
        model = ResidentialArea
        fields: list[str] = []


class OrganisationFilter(ScopedFilterSet):
    org_type = django_filters.ModelChoiceFilter(
        label=_("Loại"),
        queryset=OrganisationType.objects,
        empty_label=ALL,
    )
    category = django_filters.ChoiceFilter(
        field_name="org_type__category",
        label=_("Nhóm"),
        choices=OrganisationCategory.choices,
        empty_label=ALL,
    )
    subject = django_filters.ChoiceFilter(
        field_name="org_type__subject_to_certification",
        label=_("Diện công nhận"),
        choices=(("1", _("Thuộc diện công nhận")), ("0", _("Không thuộc diện"))),
        empty_label=ALL,
    )
    is_active = active_filter()

    class Meta:
        model = Organisation
        fields: list[str] = []


class SteeringCommitteeFilter(ScopedFilterSet):
    search_fields = ("commune__name_search", "decision_number", "head_name")
    is_active = active_filter()

    class Meta:
        model = SteeringCommittee
        fields: list[str] = []


class ForceUnitFilter(ScopedFilterSet):
    search_fields = ("name_search", "leader_name")
    force_type = django_filters.ModelChoiceFilter(
        label=_("Loại lực lượng"),
        queryset=ForceType.objects,
        empty_label=ALL,
    )
    status = status_filter()

    class Meta:
        model = ForceUnit
        fields: list[str] = []


class SecurityModelFilter(ScopedFilterSet):
    model_type = django_filters.ModelChoiceFilter(
        label=_("Loại mô hình"),
        queryset=ModelType.objects,
        empty_label=ALL,
    )
    status = status_filter()
    replicated = django_filters.ChoiceFilter(
        label=_("Nguồn gốc"),
        choices=(("1", _("Nhân rộng từ mô hình khác")), ("0", _("Mô hình gốc"))),
        method="by_origin",
        empty_label=ALL,
    )

    class Meta:
        model = SecurityModel
        fields: list[str] = []

    def by_origin(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(replicated_from__isnull=value != "1")


class ModelReviewFilter(ScopedFilterSet):
    search_fields = ("model__name_search",)
    kind = django_filters.ChoiceFilter(label=_("Hình thức"), choices=ReviewKind.choices, empty_label=ALL)
    effectiveness = django_filters.ModelChoiceFilter(
        label=_("Mức hiệu quả"), queryset=EffectivenessClass.objects, empty_label=ALL
    )

    class Meta:
        model = ModelReview
        fields: list[str] = []


class AdministrativeUnitFilter(ScopedFilterSet):
    search_fields = ("name_search", "code")
    commune = None  # a unit list filters by level and district instead
    level = django_filters.ChoiceFilter(label=_("Cấp"), choices=UnitLevel.choices, empty_label=ALL)
    validity = django_filters.ChoiceFilter(
        label=_("Hiệu lực"),
        choices=(("current", _("Đang có hiệu lực")), ("closed", _("Đã hết hiệu lực"))),
        method="by_validity",
        empty_label=ALL,
    )

    class Meta:
        model = AdministrativeUnit
        fields: list[str] = []

    def by_validity(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        current = queryset.current()
        return current if value == "current" else queryset.exclude(pk__in=current.values("pk"))
