from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "get_full_name", "role", "scope_unit", "is_active", "last_login")
    list_filter = ("role", "is_active")
    list_select_related = ("scope_unit",)
    search_fields = ("username", "first_name", "last_name", "scope_unit__name", "scope_unit__code")
    autocomplete_fields = ("scope_unit",)
    # Permissions come from the role (``User.save``): no superuser, staff, group or permission boxes
    # that could say otherwise.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("first_name", "last_name", "email")}),
        (_("Vai trò và phạm vi"), {"fields": ("role", "scope_unit", "position", "is_active")}),
        (_("Các mốc thời gian"), {"fields": ("last_login", "date_joined")}),
    )

    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Vai trò và phạm vi"), {"fields": ("role", "scope_unit", "position")}),
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        # History rows name their author through this table: an account that leaves is
        # deactivated, never deleted, so "who" stays answerable.
        return False
