from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from dataio.entities import all_entities, slug_for
from dataio.exporters import export_response
from dataio.models import ImportLog


class ImportLinksMixin:
    """For a ModelAdmin of an importable model: "import from file" and "template" buttons on its
    list, leading to the import page (the same preview, checks and single write)."""

    change_list_template = "admin/dataio/change_list_import.html"

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        resource = next((r for _slug, r in all_entities() if r._meta.model is self.model), None)
        extra = {"dataio_entity": slug_for(resource) if resource else None}
        return super().changelist_view(request, {**extra, **(extra_context or {})})


class EntityFilter(admin.SimpleListFilter):
    """The kinds of data by their names, not their URL slugs."""

    title = ImportLog._meta.get_field("entity").verbose_name
    parameter_name = "entity"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(slug, _(resource.label)) for slug, resource in all_entities()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(entity=self.value()) if self.value() else queryset


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "user",
        "entity_label",
        "file_name",
        "file_format",
        "dry_run",
        "status",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
    )
    list_filter = ("status", "dry_run", EntityFilter)
    search_fields = ("file_name", "user__username")
    list_select_related = ("user",)
    change_list_template = "admin/dataio/importlog/change_list.html"

    @admin.display(description=ImportLog._meta.get_field("entity").verbose_name, ordering="entity")
    def entity_label(self, obj: ImportLog) -> str:
        return obj.entity_label

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ImportLog | None = None) -> bool:
        return False  # the log of who imported what is part of the audit trail


def _export(fmt: str):  # admin action factory
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        resource = next((r for _slug, r in all_entities() if r._meta.model is queryset.model), None)
        if resource is None:
            modeladmin.message_user(request, _("Loại dữ liệu này chưa có mẫu xuất."), messages.WARNING)
            return None
        scoped = queryset.model._default_manager.visible_to(request.user).filter(pk__in=queryset.values("pk"))
        return export_response(scoped, resource, fmt, queryset.model._meta.model_name)

    action.__name__ = f"export_{fmt}"
    # Evaluated when the admin page renders, in that request's language.
    action.short_description = lazy(
        lambda: _("Xuất các dòng đã chọn ra %(format)s (đúng mẫu nhập)") % {"format": fmt.upper()}, str
    )()
    return action


# Every admin list of an importable model can export its selection in the import layout.
admin.site.add_action(_export("xlsx"))
admin.site.add_action(_export("csv"))
