from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Nhật ký thay đổi")

    def ready(self) -> None:
        # One mechanism for every model: history is registered here, centrally, and the
        # historical tables and their migrations belong to this app.
        from audit import signals  # noqa: F401  (connects the receivers)
        from audit.registration import register_all

        register_all()
