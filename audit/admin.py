"""Historical rows in the Django admin: read-only, for administrators, never added, changed or deleted."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from audit.registration import audited_models


class ReadOnlyHistoryAdmin(admin.ModelAdmin):
    list_display = ("history_date", "history_type", "history_user", "id", "ip_address", "request_id")
    list_filter = ("history_type",)
    list_select_related = ("history_user",)
    date_hierarchy = "history_date"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(getattr(request.user, "is_admin", False))


for _entry, _model, _history in audited_models():
    admin.site.register(_history, ReadOnlyHistoryAdmin)
