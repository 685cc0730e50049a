"""Django admin for the registry: every list scoped through ``visible_to`` like the rest of the app."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from dataio.admin import ImportLinksMixin
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


class ScopedAdmin(ImportLinksMixin, admin.ModelAdmin):
    """Rows come through the scoping mechanism; counting every row on each page is skipped."""

    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).visible_to(request.user)


class CatalogueAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "description")
    show_full_result_count = False


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ScopedAdmin):
    list_display = ("code", "full_name", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level", "kind", "valid_to")
    search_fields = ("code", "name", "full_name", "name_search")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)

    def get_readonly_fields(self, request: HttpRequest, obj: AdministrativeUnit | None = None) -> tuple:
        # Every unit below keeps this unit's code in its path (scopes, filters and totals read it):
        # an existing unit is re-coded or moved only by the boundary import, which versions it.
        return ("code", "parent", "path") if obj is not None else ("path",)


@admin.register(AreaKind, ModelType)
class SimpleCatalogueAdmin(CatalogueAdmin):
    pass


@admin.register(OrganisationType)
class OrganisationTypeAdmin(CatalogueAdmin):
    list_display = ("name", "category", "subject_to_certification", "order", "is_active")
    list_filter = ("category", "subject_to_certification", "is_active")


@admin.register(ForceType)
class ForceTypeAdmin(CatalogueAdmin):
    list_display = ("name", "short_name", "valid_from", "valid_to", "order", "is_active")


@admin.register(EffectivenessClass)
class EffectivenessClassAdmin(CatalogueAdmin):
    list_display = ("name", "rank", "order", "is_active")


class CommuneScopedAdmin(ScopedAdmin):
    search_fields = ("name", "name_search", "commune__name", "commune__code")
    list_select_related = ("commune",)
    autocomplete_fields = ("commune",)


@admin.register(ResidentialArea)
class ResidentialAreaAdmin(CommuneScopedAdmin):
    list_display = ("name", "kind", "commune", "households", "population", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("commune", "kind")


@admin.register(Organisation)
class OrganisationAdmin(CommuneScopedAdmin):
    list_display = ("name", "org_type", "commune", "staff_count", "is_active")
    list_filter = ("org_type__category", "org_type__subject_to_certification", "org_type", "is_active")
    list_select_related = ("commune", "org_type")


@admin.register(SteeringCommittee)
class SteeringCommitteeAdmin(CommuneScopedAdmin):
    list_display = ("commune", "decision_number", "decision_date", "head_name", "member_count", "is_active")
    list_filter = ("is_active",)
    search_fields = ("decision_number", "head_name", "commune__name", "commune__code")
    date_hierarchy = "decision_date"


@admin.register(ForceUnit)
class ForceUnitAdmin(CommuneScopedAdmin):
    list_display = ("name", "force_type", "commune", "area", "organisation", "member_count", "status")
    list_filter = ("force_type", "status")
    list_select_related = ("commune", "force_type", "area", "organisation")
    autocomplete_fields = ("commune", "area", "organisation")


class ModelReviewInline(admin.TabularInline):
    model = ModelReview
    extra = 0
    autocomplete_fields = ("effectiveness",)


@admin.register(SecurityModel)
class SecurityModelAdmin(CommuneScopedAdmin):
    list_display = ("name", "model_type", "commune", "area", "organisation", "started_on", "status")
    list_filter = ("model_type", "status")
    list_select_related = ("commune", "model_type", "area", "organisation")
    autocomplete_fields = ("commune", "area", "organisation", "replicated_from")
    inlines = (ModelReviewInline,)


@admin.register(ModelReview)
class ModelReviewAdmin(ScopedAdmin):
    list_display = ("model", "reviewed_on", "kind", "effectiveness")
    list_filter = ("kind", "effectiveness")
    search_fields = ("model__name", "model__name_search", "notes")
    list_select_related = ("model", "effectiveness")
    autocomplete_fields = ("model", "effectiveness")
    date_hierarchy = "reviewed_on"
