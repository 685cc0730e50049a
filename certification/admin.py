"""Criteria are edited here (they change with each circular); records only move through the services."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification import services
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
    actions = ["copy_to_next_year"]

    @admin.action(description=gettext_lazy("Sao chép sang năm sau"), permissions=["add"])
    def copy_to_next_year(self, request: HttpRequest, queryset: QuerySet[CriteriaSet]) -> None:
        by_target: dict[int, list[CriteriaSet]] = defaultdict(list)
        for criteria_set in queryset:
            by_target[criteria_set.year + 1].append(criteria_set)
        for year, sets in sorted(by_target.items()):
            try:
                report = services.copy_criteria_sets(sets, year, user=request.user)
            except services.CertificationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            created = _("Đã tạo bộ tiêu chí năm %(year)s: %(sets)s.")
            kept = _("Năm %(year)s đã có bộ tiêu chí, giữ nguyên: %(sets)s.")
            for done, text, level in (
                (report.created, created, messages.SUCCESS),
                (report.skipped, kept, messages.WARNING),
            ):
                if done:
                    kinds = ", ".join(s.get_subject_kind_display() for s in done)
                    self.message_user(request, text % {"year": year, "sets": kinds}, level)


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
