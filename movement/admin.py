"""Catalogues are edited by administrators; movement rows go through the scoped pages."""

from django.contrib import admin

from movement.models import CampaignKind, CommendationForm, ResultMetric


@admin.register(ResultMetric)
class ResultMetricAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "order", "is_active")
    list_editable = ("order", "is_active")
    search_fields = ("code", "name")


@admin.register(CampaignKind)
class CampaignKindAdmin(admin.ModelAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")


@admin.register(CommendationForm)
class CommendationFormAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "order", "is_active")
    list_editable = ("level", "order", "is_active")
