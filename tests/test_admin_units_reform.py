"""Both administrative shapes live in one database: moving to the 2025 shape keeps the 2024 history."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import F

from registry.models import AdministrativeUnit
from registry.services import import_admin_units

pytestmark = pytest.mark.django_db

SHAPE_2024 = [
    {
        "code": "56",
        "name": "Khánh Hòa",
        "full_name": "Tỉnh Khánh Hòa",
        "kind": "Tỉnh",
        "level": "province",
        "parent_code": "",
    },
    {
        "code": "573",
        "name": "Khánh Vĩnh",
        "full_name": "Huyện Khánh Vĩnh",
        "kind": "Huyện",
        "level": "district",
        "parent_code": "56",
    },
    {
        "code": "22609",
        "name": "Khánh Vĩnh",
        "full_name": "Thị trấn Khánh Vĩnh",
        "kind": "Thị trấn",
        "level": "commune",
        "parent_code": "573",
    },
    {
        "code": "22615",
        "name": "Khánh Bình",
        "full_name": "Xã Khánh Bình",
        "kind": "Xã",
        "level": "commune",
        "parent_code": "573",
    },
]
# After the reform: no districts; 22609 absorbs 22615 and keeps its code, under the province directly.
SHAPE_2025 = [
    SHAPE_2024[0],
    {
        "code": "22609",
        "name": "Khánh Vĩnh",
        "full_name": "Xã Khánh Vĩnh",
        "kind": "Xã",
        "level": "commune",
        "parent_code": "56",
    },
]


def test_moving_to_the_2025_shape_closes_old_units_and_keeps_them():
    import_admin_units(SHAPE_2024)
    report = import_admin_units(SHAPE_2025)

    assert report.valid_from == datetime.date(2025, 7, 1)
    old_district = AdministrativeUnit.objects.get(code="573")
    assert old_district.valid_to == datetime.date(2025, 6, 30)
    merged_away = AdministrativeUnit.objects.get(code="22615")
    assert merged_away.valid_to == datetime.date(2025, 6, 30)

    versions = AdministrativeUnit.objects.filter(code="22609").order_by(F("valid_from").asc(nulls_first=True))
    assert [(v.parent.code, v.valid_to) for v in versions] == [
        ("573", datetime.date(2025, 6, 30)),
        ("56", None),
    ]
    assert versions.last().path == "56/22609/"

    on_2024 = AdministrativeUnit.objects.current(datetime.date(2024, 12, 31))
    on_2026 = AdministrativeUnit.objects.current(datetime.date(2026, 1, 1))
    assert set(on_2024.values_list("code", flat=True)) == {"56", "573", "22609", "22615"}
    assert set(on_2026.values_list("code", flat=True)) == {"56", "22609"}


def test_second_import_of_the_new_shape_changes_nothing():
    import_admin_units(SHAPE_2024)
    import_admin_units(SHAPE_2025)
    again = import_admin_units(SHAPE_2025)
    assert not again.changed
    assert again.summary().startswith("Không có thay đổi")


def test_subtree_of_the_old_district_still_finds_its_communes():
    import_admin_units(SHAPE_2024)
    import_admin_units(SHAPE_2025)
    district = AdministrativeUnit.objects.get(code="573")
    assert set(AdministrativeUnit.objects.subtree(district).values_list("code", flat=True)) == {
        "573",
        "22609",
        "22615",
    }
