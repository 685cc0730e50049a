"""Upserts by natural key, idempotence, round trips of exports, parents and children in one file."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command

from dataio.entities import get_resource
from dataio.exporters import export_response
from dataio.models import ImportLog
from registry.models import (
    AdministrativeUnit,
    ForceUnit,
    ModelReview,
    Organisation,
    ResidentialArea,
    SecurityModel,
    SteeringCommittee,
)
from tests.import_helpers import AREA_HEADER, csv_bytes, errors_of, import_file, response_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]


def test_reimporting_the_same_file_changes_nothing(tree, users, catalogues):
    data = xlsx_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 10, 40], ["22621", "Thôn 2", "Buôn", 5, 9]])
    first = import_file("areas", data, "a.xlsx", users.admin)
    assert first.plan.counts == {"new": 2, "updated": 0, "unchanged": 0}
    before = list(ResidentialArea.objects.order_by("pk").values())
    again = import_file("areas", data, "a.xlsx", users.admin)
    assert again.ok and not again.plan.changed
    assert again.message == "Không có thay đổi: 2 dòng đã có sẵn và giống hệt tệp."
    assert list(ResidentialArea.objects.order_by("pk").values()) == before


def test_rows_are_upserted_by_natural_key_and_omitted_columns_are_kept(tree, users, catalogues):
    import_file("areas", csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 10, 40]]), "a.csv", users.admin)
    area = ResidentialArea.objects.get()
    # Same commune and name (other case and spacing): the same area; population not in the file.
    rows = [["Mã xã", "Tên thôn/tổ dân phố", "Loại khu dân cư", "Số hộ"], ["22615", "  THÔN 1 ", "Thôn", 11]]
    outcome = import_file("areas", csv_bytes(rows), "b.csv", users.admin)
    assert outcome.plan.counts == {"new": 0, "updated": 1, "unchanged": 0}
    assert outcome.plan.results[0].changes == [("Tên thôn/tổ dân phố", "Thôn 1", "THÔN 1"), ("Số hộ", 10, 11)]
    area.refresh_from_db()
    assert (area.name, area.households, area.population) == ("THÔN 1", 11, 40)
    assert ResidentialArea.objects.count() == 1


def test_units_file_with_provinces_districts_and_communes_together(tree, users, catalogues):
    rows = [
        ["Mã đơn vị", "Tên", "Tên đầy đủ", "Loại đơn vị", "Cấp", "Mã đơn vị cấp trên"],
        ["00003", "Phúc Xá", "Phường Phúc Xá", "Phường", "Cấp xã", "001"],  # child before its parent
        ["001", "Ba Đình", "Quận Ba Đình", "Quận", "Cấp huyện", "01"],
        ["01", "Hà Nội", "Thành phố Hà Nội", "Thành phố", "Cấp tỉnh", ""],
        ["22627", "Khánh Trung", "Xã Khánh Trung", "Xã", "commune", "573"],  # under an existing district
    ]
    outcome = import_file("units", xlsx_bytes(rows), "dv.xlsx", users.admin)
    assert outcome.ok, errors_of(outcome)
    assert outcome.plan.counts["new"] == 4
    assert AdministrativeUnit.objects.get(code="00003").path == "01/001/00003/"
    assert AdministrativeUnit.objects.get(code="22627").path == "56/573/22627/"
    assert AdministrativeUnit.objects.get(code="001").parent.code == "01"
    assert not import_file("units", xlsx_bytes(rows), "dv.xlsx", users.admin).plan.changed


def test_units_file_refuses_wrong_levels_and_moving_an_existing_unit(tree, users, catalogues):
    rows = [
        ["Mã đơn vị", "Tên", "Tên đầy đủ", "Loại đơn vị", "Cấp", "Mã đơn vị cấp trên"],
        ["22615", "Khánh Bình", "Xã Khánh Bình", "Xã", "Cấp xã", "574"],
        ["575", "Mới", "Huyện Mới", "Huyện", "Cấp huyện", ""],
    ]
    outcome = import_file("units", csv_bytes(rows), "dv.csv", users.admin)
    assert [(row, column) for row, column, _ in errors_of(outcome)] == [
        (2, "Mã đơn vị cấp trên"),
        (3, "Mã đơn vị cấp trên"),
    ]
    assert "import_admin_units" in errors_of(outcome)[0][2]
    assert AdministrativeUnit.objects.get(code="22615").parent == tree.district


def _populate(tree) -> None:
    from registry.models import AreaKind, EffectivenessClass, ForceType, ModelType, OrganisationType

    area = ResidentialArea.objects.create(
        commune=tree.commune, name="=Thôn Ba Cẩm", kind=AreaKind.objects.get(name="Thôn"), households=120
    )
    school = Organisation.objects.create(
        commune=tree.commune, name="Trường THCS", org_type=OrganisationType.objects.get(), staff_count=30
    )
    SteeringCommittee.objects.create(
        commune=tree.commune,
        decision_number="15/QĐ-UBND",
        decision_date=datetime.date(2024, 1, 15),
        head_name="Nguyễn Văn A",
        member_count=12,
        members="Nguyễn Văn A\nTrần Thị B",
    )
    ForceUnit.objects.create(
        commune=tree.commune,
        area=area,
        name="+Tổ bảo vệ",
        force_type=ForceType.objects.get(),
        member_count=5,
        established_on=datetime.date(2024, 7, 1),
    )
    model = SecurityModel.objects.create(
        commune=tree.commune, organisation=school, name="Camera", model_type=ModelType.objects.get()
    )
    ModelReview.objects.create(
        model=model,
        reviewed_on=datetime.date(2024, 6, 15),
        kind="interim",
        effectiveness=EffectivenessClass.objects.get(name="Tốt"),
        notes="@ghi chú",
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize(
    ("entity", "model"),
    [
        ("units", AdministrativeUnit),
        ("areas", ResidentialArea),
        ("organisations", Organisation),
        ("committees", SteeringCommittee),
        ("forces", ForceUnit),
        ("models", SecurityModel),
        ("model-reviews", ModelReview),
    ],
)
def test_an_export_reimports_unchanged(tree, users, catalogues, entity, model, fmt):
    _populate(tree)
    before = list(model.objects.order_by("pk").values())
    resource = get_resource(entity)
    response = export_response(model.objects.visible_to(users.admin), resource, fmt, entity)
    outcome = import_file(entity, response_bytes(response), f"{entity}.{fmt}", users.admin)
    assert outcome.ok, errors_of(outcome)
    assert outcome.plan.counts == {"new": 0, "updated": 0, "unchanged": len(before)}
    assert list(model.objects.order_by("pk").values()) == before


def test_an_export_loads_into_an_empty_registry_identically(tree, users, catalogues):
    _populate(tree)
    resource = get_resource("forces")
    data = response_bytes(export_response(ForceUnit.objects.all(), resource, "xlsx", "f"))
    before = list(ForceUnit.objects.values("name", "area__name", "member_count", "established_on", "status"))
    ForceUnit.objects.all().delete()
    assert import_file("forces", data, "f.xlsx", users.admin).plan.counts["new"] == 1
    after = list(ForceUnit.objects.values("name", "area__name", "member_count", "established_on", "status"))
    assert after == before


def test_every_import_is_logged(tree, users, catalogues):
    data = csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 10, 40], ["22615", "Thôn 2", "Thôn", "x", 1]])
    import_file("areas", data, "log.csv", users.admin, dry_run=True)
    log = ImportLog.objects.get()
    assert (log.user, log.entity, log.file_name, log.file_format, log.dry_run, log.status) == (
        users.admin,
        "areas",
        "log.csv",
        "csv",
        True,
        "invalid",
    )
    assert (log.total_rows, log.created_count, log.error_count) == (2, 1, 1)
    assert log.finished_at is not None


def _write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_command_imports_and_reports(tree, users, catalogues, tmp_path, capsys):
    path = _write(tmp_path, "a.csv", csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 10, 40]]))
    call_command("import_data", "areas", path, "--dry-run")
    assert "[Chạy thử] Thêm mới 1" in capsys.readouterr().out
    assert not ResidentialArea.objects.exists()
    call_command("import_data", "areas", path, "--user", "admin")
    assert ResidentialArea.objects.get().name == "Thôn 1"
    assert ImportLog.objects.filter(dry_run=False).get().user == users.admin
    call_command("import_data", "areas", path)
    assert "Không có thay đổi" in capsys.readouterr().out


def test_command_raises_for_errors_refusals_and_users_without_import(tree, users, catalogues, tmp_path):
    # CommandError is what manage.py turns into exit status 1 (a real process: test_import_atomicity).
    bad = _write(tmp_path, "b.csv", csv_bytes([AREA_HEADER, ["99999", "Thôn 1", "Thôn", 10, 40]]))
    with pytest.raises(CommandError, match="1 lỗi ở 1 dòng"):
        call_command("import_data", "areas", bad)
    with pytest.raises(CommandError, match="Chỉ quản trị hệ thống"):
        call_command("import_data", "areas", bad, "--user", "tinh")
    with pytest.raises(CommandError, match="Không thấy tệp"):
        call_command("import_data", "areas", str(tmp_path / "none.csv"))
    assert not ResidentialArea.objects.exists()


def test_preview_names_changed_references_instead_of_ids(tree, users, catalogues):
    import_file("areas", csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 10, 40]]), "a.csv", users.admin)
    outcome = import_file(
        "areas",
        csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Buôn", 10, 40]]),
        "b.csv",
        users.admin,
        dry_run=True,
    )
    assert outcome.plan.results[0].changes == [("Loại khu dân cư", "Thôn", "Buôn")]
    assert ResidentialArea.objects.get().kind.name == "Thôn"


def test_names_that_differ_only_in_diacritics_are_different_places(tree, users, catalogues):
    # "Thôn Đông" and "Thôn Đồng" are two hamlets: a file naming one never renames the other.
    from registry.models import AreaKind

    thon = AreaKind.objects.get(name="Thôn")
    dong = ResidentialArea.objects.create(commune=tree.commune, name="Thôn Đông", kind=thon, households=10)
    dong_2 = ResidentialArea.objects.create(commune=tree.commune, name="Thôn Đồng", kind=thon, households=20)
    rows = [AREA_HEADER, ["22615", "Thôn Đồng", "Thôn", 21, ""], ["22615", "thôn đông", "Thôn", 11, ""]]
    outcome = import_file("areas", csv_bytes(rows), "a.csv", users.admin)
    assert outcome.ok, errors_of(outcome)
    assert outcome.plan.counts == {"new": 0, "updated": 2, "unchanged": 0}
    dong.refresh_from_db()
    dong_2.refresh_from_db()
    assert (dong.households, dong_2.households) == (11, 21)


def test_a_new_name_that_differs_from_a_stored_one_only_in_diacritics_is_refused(tree, users, catalogues):
    from registry.models import AreaKind

    ResidentialArea.objects.create(
        commune=tree.commune, name="Thôn Đông", kind=AreaKind.objects.get(name="Thôn")
    )
    outcome = import_file(
        "areas", csv_bytes([AREA_HEADER, ["22615", "Thon Dong", "Thôn", 5, ""]]), "a.csv", users.admin
    )
    assert errors_of(outcome) == [
        (
            2,
            "Tên thôn/tổ dân phố",
            "Đã có 'Thôn Đông', tên chỉ khác dấu. Nếu là cùng một nơi, ghi đúng tên đã có; nếu là nơi khác, "
            "thêm nó bằng nút “Thêm” trên trang của xã.",
        )
    ]
    assert ResidentialArea.objects.get().name == "Thôn Đông"


def test_a_host_named_without_diacritics_is_found_only_when_it_is_the_only_candidate(tree, users, catalogues):
    from registry.models import AreaKind

    thon = AreaKind.objects.get(name="Thôn")
    dong = ResidentialArea.objects.create(commune=tree.commune, name="Thôn Đông", kind=thon)
    header = ["Mã xã", "Tên lực lượng", "Loại lực lượng", "Khu dân cư", "Số thành viên"]
    force = ["22615", "Tổ bảo vệ", "Tổ bảo vệ an ninh, trật tự", "Thon Dong", 5]
    outcome = import_file("forces", csv_bytes([header, force]), "f.csv", users.admin)
    assert outcome.ok, errors_of(outcome)
    assert ForceUnit.objects.get().area == dong

    ResidentialArea.objects.create(commune=tree.commune, name="Thôn Đồng", kind=thon)
    exact = ["22615", "Tổ bảo vệ", "Tổ bảo vệ an ninh, trật tự", "Thôn Đồng", 5]
    assert import_file("forces", csv_bytes([header, exact]), "f.csv", users.admin).ok
    assert ForceUnit.objects.get().area.name == "Thôn Đồng"
    outcome = import_file("forces", csv_bytes([header, force]), "f.csv", users.admin)
    assert [(row, column) for row, column, _ in errors_of(outcome)] == [(2, "Khu dân cư")]
