"""The five roles and what each may do. Scope (which rows) is applied by registry.scoping."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    ADMIN = "admin", pgettext_lazy("role", "Quản trị hệ thống")
    PROVINCE_STAFF = "province_staff", _("Cán bộ Công an tỉnh (xây dựng phong trào)")
    COMMUNE_STAFF = "commune_staff", _("Cán bộ Công an xã")
    DISTRICT_REVIEWER = "district_reviewer", _("Công an huyện (thẩm định)")
    LEADERSHIP = "leadership", _("Lãnh đạo (chỉ xem)")


class Action(StrEnum):
    VIEW = "view"  # read rows in scope
    CHANGE = "change"  # create, edit, delete rows in scope; register and submit dossiers
    REVIEW = "review"  # approve, reject, revoke certifications in scope
    IMPORT = "import"  # bulk import and user management


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.PROVINCE_STAFF: frozenset({Action.VIEW, Action.CHANGE}),
    Role.COMMUNE_STAFF: frozenset({Action.VIEW, Action.CHANGE}),
    Role.DISTRICT_REVIEWER: frozenset({Action.VIEW, Action.REVIEW}),
    Role.LEADERSHIP: frozenset({Action.VIEW}),
}
