"""Criteria are edited here (they change with each circular); records only move through the services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from certification.models import CertificationRecord, CriteriaSet, Criterion, Transition


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "text", "confirmed", "computed", "province"]


@admin.register(CriteriaSet)
class CriteriaSetAdmin(admin.ModelAdmin):
    list_display = ["year", "subject_kind", "name", "legal_basis"]
    list_filter = ["year", "subject_kind"]
    inlines = [CriterionInline]


class TransitionInline(admin.TabularInline):
    model = Transition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "by", "at", "reason"]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(CertificationRecord)
class CertificationRecordAdmin(admin.ModelAdmin):
    """Read-only: a change here would skip the workflow's checks and its history."""

    list_display = ["__str__", "subject_kind", "year", "state", "commune", "submitted_at", "decided_at"]
    list_filter = ["year", "state", "subject_kind"]
    search_fields = ["area__name", "organisation__name", "commune__full_name", "decision_number"]
    list_select_related = ["commune", "area", "organisation"]
    inlines = [TransitionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
