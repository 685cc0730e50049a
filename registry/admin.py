from django.contrib import admin

from dataio.admin import ImportLinksMixin
from registry.models import AdministrativeUnit


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ImportLinksMixin, admin.ModelAdmin):
    list_display = ("code", "full_name", "level", "parent", "valid_from", "valid_to")
    list_filter = ("level", "kind")
    search_fields = ("code", "name", "full_name")
    list_select_related = ("parent",)
    show_full_result_count = False
