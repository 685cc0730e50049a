from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.scoping import ScopedManager


class ImportLog(models.Model):
    """One import attempt (dry run or real), kept for the administrators."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Đang chạy")
        OK = "ok", _("Thành công")
        INVALID = "invalid", _("Có lỗi dữ liệu")
        REFUSED = "refused", _("Tệp bị từ chối")
        FAILED = "failed", _("Lỗi khi ghi")
        INTERRUPTED = "interrupted", _("Bị gián đoạn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_logs",
    )
    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    entity = models.CharField(_("loại dữ liệu"), max_length=50)
    file_name = models.CharField(_("tên tệp"), max_length=255)
    file_format = models.CharField(_("định dạng"), max_length=10, blank=True)
    dry_run = models.BooleanField(_("chạy thử"), default=False)
    status = models.CharField(_("kết quả"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    total_rows = models.PositiveIntegerField(_("số dòng"), default=0)
    created_count = models.PositiveIntegerField(_("thêm mới"), default=0)
    updated_count = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged_count = models.PositiveIntegerField(_("không đổi"), default=0)
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    message = models.TextField(_("ghi chú"), blank=True)

    # Only administrators (Action.IMPORT, no scope limit) read the log; scoped like everything else.
    objects = ScopedManager()
    scope_path_lookup = "user__scope_unit__path"

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("nhật ký nhập dữ liệu")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.entity_label} · {self.file_name} · {self.get_status_display()}"

    @property
    def entity_label(self) -> str:
        """The entity's name for people ("Khu dân cư") in the active language; the slug itself
        for an entity no longer registered."""
        from dataio.entities import ENTITIES, get_resource  # entities → resources → models

        if self.entity not in ENTITIES:
            return self.entity
        return gettext(get_resource(self.entity).label)
