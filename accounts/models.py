from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.roles import ROLE_ACTIONS, Action, Role


class ScopedUserManager(UserManager):
    # The scope unit is read on every request; fetch it with the user in one query.
    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("scope_unit")

    def create_superuser(self, username: str, email: str | None = None, password: str | None = None, **extra):
        # `createsuperuser` makes an administrator: the role is what the app reads.
        extra.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=32, choices=Role.choices, default=Role.LEADERSHIP)
    scope_unit = models.ForeignKey(
        "registry.AdministrativeUnit",
        verbose_name=_("phạm vi (đơn vị hành chính)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scoped_users",
        help_text=_("Người dùng thấy đơn vị này và mọi đơn vị trực thuộc."),
    )
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)

    objects = ScopedUserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = pgettext_lazy("plural", "người dùng")

    def get_full_name(self) -> str:
        # Vietnamese order: family and middle names (last_name) before the given name.
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def can(self, action: Action | str) -> bool:
        """Whether the role allows the action at all (the rows are limited by scope separately)."""
        if not self.is_active:
            return False
        if self.is_admin:
            return True
        return Action(action) in ROLE_ACTIONS.get(self.role, frozenset())

    @property
    def scope_path(self) -> str | None:
        return self.scope_unit.path if self.scope_unit_id else None

    def clean(self) -> None:
        super().clean()
        if self.role == Role.ADMIN:
            return
        if self.scope_unit is None:
            raise ValidationError({"scope_unit": gettext("Người dùng không phải quản trị phải có phạm vi.")})
        level = self.scope_unit.level
        if self.role == Role.COMMUNE_STAFF and level != "commune":
            raise ValidationError(
                {"scope_unit": gettext("Cán bộ Công an xã phải có phạm vi là một xã/phường.")}
            )
        if self.role == Role.DISTRICT_REVIEWER and level == "commune":
            raise ValidationError(
                {"scope_unit": gettext("Người thẩm định phải có phạm vi cấp huyện hoặc tỉnh.")}
            )

    def save(self, *args, **kwargs) -> None:
        # The role alone decides: the administrator role opens the Django admin and nothing else
        # does, so a user moved out of it loses both flags too.
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)
