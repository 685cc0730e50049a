"""The five roles and what each may do. Scope (which rows) is applied by registry.scoping."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    PROVINCE_STAFF = "province_staff", "Cán bộ Công an tỉnh (xây dựng phong trào)"
    COMMUNE_STAFF = "commune_staff", "Cán bộ Công an xã"
    DISTRICT_REVIEWER = "district_reviewer", "Công an huyện (thẩm định)"
    LEADERSHIP = "leadership", "Lãnh đạo (chỉ xem)"


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
