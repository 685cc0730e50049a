from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Nhật ký thay đổi"

    def ready(self) -> None:
        # One mechanism for every model: history is registered here, centrally, and the
        # historical tables and their migrations belong to this app.
        from audit import signals  # noqa: F401  (connects the receivers)
        from audit.registration import register_all

        register_all()
