from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Sổ đăng ký phong trào")

    def ready(self) -> None:
        # Registers the date column every table's date fields get (before any table is built).
        from registry import columns  # noqa: F401
