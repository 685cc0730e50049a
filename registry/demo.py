"""Demo data for the registry: Khánh Hòa (56) in its 2024 shape, and one demo user per role.

Deterministic and idempotent: loading twice gives the same database. Only ``manage.py load_demo``
calls this; migrations and production never create users.
"""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from accounts.roles import Role
from registry.models import AdministrativeUnit
from registry.services import import_admin_units, read_unit_rows

DEMO_PASSWORD = "antq-demo"  # noqa: S105 - documented demo password, refused in production
DEMO_PROVINCE = "56"
DEMO_DISTRICT = "573"  # Khánh Vĩnh
DEMO_COMMUNE = "22615"  # Khánh Bình, Khánh Vĩnh
UNITS_FIXTURE = settings.BASE_DIR / "fixtures" / "admin_units_56_2024.csv"

# username, role, scope code, full name, position
DEMO_USERS = [
    ("admin", Role.ADMIN, None, "Quản trị hệ thống", "Quản trị viên"),
    ("tinh", Role.PROVINCE_STAFF, DEMO_PROVINCE, "Nguyễn Văn Tỉnh", "Cán bộ Phòng Tham mưu (PV28)"),
    ("xa", Role.COMMUNE_STAFF, DEMO_COMMUNE, "Trần Thị Xã", "Công an xã Khánh Bình"),
    ("huyen", Role.DISTRICT_REVIEWER, DEMO_DISTRICT, "Lê Văn Huyện", "Công an huyện Khánh Vĩnh"),
    ("lanhdao", Role.LEADERSHIP, DEMO_PROVINCE, "Phạm Lãnh Đạo", "Phó Giám đốc Công an tỉnh"),
]


def load_units() -> str:
    return import_admin_units(read_unit_rows(UNITS_FIXTURE)).summary()


def load_users() -> int:
    units = {u.code: u for u in AdministrativeUnit.objects.filter(valid_to__isnull=True)}
    created = 0
    for username, role, scope, full_name, position in DEMO_USERS:
        first, _, last = full_name.rpartition(" ")
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "scope_unit": units.get(scope) if scope else None,
                "last_name": first,
                "first_name": last,
                "position": position,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
    return created


def load() -> list[str]:
    return [f"Đơn vị hành chính: {load_units()}", f"Người dùng mẫu mới: {load_users()}"]
