"""After the 2025 merger, what lives on moves to the new communes; what is history stays put."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from certification import services
from certification.models import CertificationRecord
from certification.testing import ensure_criteria, make_area, make_org, submitted
from registry.models import (
    AdministrativeUnit,
    ForceType,
    ForceUnit,
    ModelType,
    ResidentialArea,
    SecurityModel,
    SteeringCommittee,
)
from registry.reform import MOVE_REASON, MoveError, move_to_current_communes
from registry.services import import_admin_units

pytestmark = pytest.mark.django_db

PROVINCE = {
    "code": "56",
    "name": "Khánh Hòa",
    "full_name": "Tỉnh Khánh Hòa",
    "kind": "Tỉnh",
    "level": "province",
}
# 22621 (Khánh Đông) merges into 22615 (Khánh Bình), which keeps its code; 22651 only loses its district.
SHAPE_2025 = [
    {**PROVINCE, "parent_code": ""},
    {
        "code": "22615",
        "name": "Khánh Bình",
        "full_name": "Xã Khánh Bình",
        "kind": "Xã",
        "level": "commune",
        "parent_code": "56",
    },
    {
        "code": "22651",
        "name": "Diên Khánh",
        "full_name": "Xã Diên Khánh",
        "kind": "Xã",
        "level": "commune",
        "parent_code": "56",
    },
]
MAPPING = [{"Mã xã cũ": "22621", "Mã xã mới": "22615"}]


@pytest.fixture
def registry(tree, users):
    ensure_criteria()
    rows = {
        "bình_1": make_area(tree.commune, "Thôn 1"),
        "đông_1": make_area(tree.sibling_commune, "Thôn 1"),
        "đông_2": make_area(tree.sibling_commune, "Thôn 2"),
        "school": make_org(tree.sibling_commune, "Trường THCS Khánh Đông"),
    }
    rows["force"] = ForceUnit.objects.create(
        commune=tree.sibling_commune,
        area=rows["đông_2"],
        force_type=ForceType.objects.create(name="Tổ bảo vệ an ninh, trật tự"),
        name="Tổ bảo vệ thôn 2",
        member_count=5,
    )
    rows["model"] = SecurityModel.objects.create(
        commune=tree.commune, model_type=ModelType.objects.create(name="Camera an ninh"), name="Camera xã"
    )
    rows["committee"] = SteeringCommittee.objects.create(
        commune=tree.commune,
        decision_number="1/QĐ",
        decision_date=datetime.date(2023, 1, 15),
        head_name="Chủ tịch UBND xã",
        member_count=9,
    )
    approved = submitted(rows["bình_1"], 2024, users.commune_staff)
    rows["approved_2024"] = services.approve(approved, users.reviewer, decision_number="5/QĐ")
    rows["open_2025"] = services.register(rows["đông_2"], 2025, users.province_staff)
    return rows


def reform() -> None:
    report = import_admin_units(SHAPE_2025)
    assert report.valid_from == datetime.date(2025, 7, 1)


def test_a_merged_away_commune_without_a_mapping_stops_the_move(tree, users, registry):
    reform()
    with pytest.raises(MoveError) as error:
        move_to_current_communes([])
    assert error.value.errors == [
        "Xã Khánh Đông (mã 22621, hết hiệu lực từ 30/06/2025) còn dữ liệu nhưng chưa biết sáp nhập vào "
        "xã/phường nào: thêm dòng cho mã này vào tệp ánh xạ."
    ]
    assert ResidentialArea.objects.get(pk=registry["đông_2"].pk).commune == tree.sibling_commune


def test_what_lives_on_moves_to_the_new_commune_and_history_stays(tree, users, registry):
    reform()
    new_binh = AdministrativeUnit.objects.get(code="22615", valid_to__isnull=True)
    new_dien_khanh = AdministrativeUnit.objects.get(code="22651", valid_to__isnull=True)

    report = move_to_current_communes(MAPPING)

    areas = {a.pk: (a.name, a.commune) for a in ResidentialArea.objects.all()}
    assert areas == {
        registry["bình_1"].pk: ("Thôn 1", new_binh),
        registry["đông_1"].pk: ("Thôn 1 (Khánh Đông)", new_binh),  # two "Thôn 1" now in one commune
        registry["đông_2"].pk: ("Thôn 2", new_binh),
    }
    assert report.renamed == ["“Thôn 1” (Xã Khánh Đông) → “Thôn 1 (Khánh Đông)” (Xã Khánh Bình)"]
    registry["school"].refresh_from_db()
    assert registry["school"].commune == new_binh
    force = ForceUnit.objects.get()
    assert (force.commune, force.area_id) == (new_binh, registry["đông_2"].pk)
    assert SecurityModel.objects.get().commune == new_binh
    # History: the committee, and the decided 2024 record, stay with the commune as it was then.
    assert SteeringCommittee.objects.get().commune == tree.commune
    assert CertificationRecord.objects.get(pk=registry["approved_2024"].pk).commune == tree.commune
    # The 2025 dossier still in progress follows its subject, for the new commune to finish.
    assert CertificationRecord.objects.get(pk=registry["open_2025"].pk).commune == new_binh
    users.commune_staff.refresh_from_db()
    users.other_commune_staff.refresh_from_db()
    assert users.commune_staff.scope_unit == new_binh
    assert users.other_commune_staff.scope_unit == new_dien_khanh
    assert report.users_left == ["huyen", "huyen2"]  # district reviewers: the district is gone
    assert report.moved == {
        "khu dân cư": 3,
        "cơ quan, doanh nghiệp, nhà trường": 1,
        "lực lượng": 1,
        "mô hình": 1,
        "hồ sơ đang xét": 1,
        "người dùng": 2,
    }
    # Every move is in the audit trail.
    assert ResidentialArea.history.filter(history_change_reason=MOVE_REASON).count() == 3
    # A second run finds nothing left to move.
    assert move_to_current_communes(MAPPING).lines() == [
        "Không có gì phải chuyển: sổ đăng ký đã ở các xã/phường đang có hiệu lực."
    ]


def test_commune_officer_works_in_the_merged_commune_after_the_move(client, tree, users, registry):
    reform()
    move_to_current_communes(MAPPING)
    users.commune_staff.refresh_from_db()
    client.force_login(users.commune_staff)
    page = client.get(reverse("registry:area_list")).content.decode()
    assert "Thôn 1 (Khánh Đông)" in page and "Thôn 2" in page
    new_binh = AdministrativeUnit.objects.get(code="22615", valid_to__isnull=True)
    response = client.post(
        reverse("registry:area_create"),
        {"commune": new_binh.pk, "name": "Thôn 3", "kind": registry["bình_1"].kind_id, "is_active": "on"},
    )
    assert response.status_code == 302
    assert ResidentialArea.objects.get(name="Thôn 3").commune == new_binh
    # A moved force's page says where it was before the merger.
    page = client.get(reverse("registry:force_detail", args=[registry["force"].pk])).content.decode()
    assert "Xã/phường trước khi sáp nhập" in page and "Xã Khánh Đông" in page


def test_dry_run_reports_and_changes_nothing(tree, users, registry):
    reform()
    report = move_to_current_communes(MAPPING, dry_run=True)
    assert report.lines()[0].startswith("Chạy thử, chưa ghi gì: 3 khu dân cư")
    assert ResidentialArea.objects.filter(commune=tree.sibling_commune).count() == 2
    assert not ResidentialArea.history.filter(history_change_reason=MOVE_REASON).exists()


def test_the_command_reads_a_mapping_file_and_reports_bad_lines(tree, users, registry, tmp_path, capsys):
    reform()
    bad = tmp_path / "bad.csv"
    bad.write_text("Mã xã cũ,Mã xã mới\n22621,99999\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Không chuyển gì cả"):
        call_command("move_to_new_communes", str(bad))
    assert "Dòng 2: mã xã mới '99999' không phải xã/phường đang có hiệu lực." in capsys.readouterr().err
    good = tmp_path / "sap-nhap.csv"
    good.write_text("Mã xã cũ,Mã xã mới\n22621,22615\n", encoding="utf-8")
    call_command("move_to_new_communes", str(good))
    assert "Đã chuyển: 3 khu dân cư" in capsys.readouterr().out
    assert not ResidentialArea.objects.filter(commune__valid_to__isnull=False).exists()


def _certification_figures(users, year: int) -> dict:
    """What leaders read for ``year``: the status page's rates, the dashboards and their lists."""
    from certification import stats
    from dashboard.services import Scope, child_figures, figure_rows, figure_value, unit_figures

    units = list(AdministrativeUnit.objects.filter(code__in=["56", "573", "574"], valid_to__isnull=True))
    units += list(AdministrativeUnit.objects.filter(code__in=["573", "574"], valid_to__isnull=False))
    units = {u.code: u for u in sorted(units, key=lambda u: u.pk)}  # the 2024 versions (first made)
    figures = {}
    rates = stats.rates([units["573"], units["574"]], year)
    for code in ("573", "574"):
        figures[f"status {code}"] = [(r.kind, r.approved, r.eligible) for r in rates[units[code].pk]]
        scope = Scope(users.admin, units[code])
        dashboard = unit_figures(scope, year, trend=False)
        figures[f"dashboard {code}"] = [
            (r.kind, r.certified.value, r.eligible.value) for r in dashboard.certification
        ]
        figures[f"lists {code}"] = [
            (r.kind, figure_value(figure_rows("cert_eligible", scope, year, r.kind)))
            for r in dashboard.certification
        ]
    children = child_figures(Scope(users.admin, units["56"]), year)
    figures["children of 56"] = {
        row.unit.code: (row.area_rate, row.values["eligible_residential_area"]) for row in children
    }
    return figures


def test_figures_of_the_years_before_the_merger_do_not_change_when_subjects_move(tree, users, registry):
    # Every area registered for 2024 (the 100 % rule), as the demo and real communes do.
    for key in ("đông_1", "đông_2", "school"):
        services.register(registry[key], 2024, users.province_staff)
    before = _certification_figures(users, 2024)
    assert before["status 573"][0] == ("residential_area", 1, 3)

    reform()
    move_to_current_communes(MAPPING)

    assert _certification_figures(users, 2024) == before
    # The merged commune counts its subjects from the year it came to be.
    from certification import stats

    new_binh = AdministrativeUnit.objects.get(code="22615", valid_to__isnull=True)
    assert stats.rates([new_binh], 2026)[new_binh.pk][0].eligible == 3


def _living_figures(users, year: int) -> dict:
    """Forces and models as leaders read them for ``year``: the old district's dashboard, its
    lists, the province's child table and a plan's progress."""
    from dashboard.services import Scope, child_figures, figure_rows, figure_value, unit_figures
    from movement import indicators

    district = AdministrativeUnit.objects.filter(code="573").order_by("pk").first()  # the 2024 version
    province = AdministrativeUnit.objects.filter(code="56").order_by("pk").first()
    scope = Scope(users.admin, district)
    dashboard = unit_figures(scope, year, trend=False)
    return {
        "forces": (dashboard.forces_total.units.value, dashboard.forces_total.members.value),
        "models": dashboard.models_total.value,
        "models by class": [(f.key, f.value) for f in dashboard.models_by_class],
        "lists": [
            figure_value(figure_rows(code, scope, year))
            for code in ("force_units", "force_members", "models")
        ],
        "class list": figure_value(figure_rows("models_class", scope, year, "none")),
        "children of 56": {
            row.unit.code: (row.force_units, row.force_members, row.models)
            for row in child_figures(Scope(users.admin, province), year)
        },
        "plan": [indicators.compute(code, district, year) for code in ("models_active", "forces_units")],
    }


def _dashboard_queries(users) -> int:
    """Queries of the province's 2025 figures with their five-year trend."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard.services import Scope, unit_figures

    province = AdministrativeUnit.objects.filter(code="56").order_by("pk").first()
    with CaptureQueriesContext(connection) as captured:
        unit_figures(Scope(users.admin, province), 2025)
    return len(captured)


def test_forces_models_and_unfiled_areas_stay_with_the_old_units_for_the_years_before(
    tree, users, registry
):
    # Only one area has a 2024 dossier: the others count where they stood, not where they are now.
    before = (_living_figures(users, 2024), _certification_figures(users, 2024))
    queries_before = _dashboard_queries(users)
    assert before[0]["forces"] == (1, 5) and before[0]["models"] == 1
    assert before[0]["children of 56"] == {"573": (1, 5, 1), "574": (0, 0, 0)}
    assert before[1]["status 573"][0] == ("residential_area", 1, 3)

    reform()
    move_to_current_communes(MAPPING)

    force = ForceUnit.objects.get()
    assert (force.commune.valid_to, force.former_commune) == (None, tree.sibling_commune)
    assert (_living_figures(users, 2024), _certification_figures(users, 2024)) == before
    # Placing every year before the merger costs no query more: one per figure family.
    assert _dashboard_queries(users) == queries_before
    # From the merger on they count in the merged commune, and only there.
    from dashboard.services import Scope, unit_figures

    new_binh = AdministrativeUnit.objects.get(code="22615", valid_to__isnull=True)
    merged = unit_figures(Scope(users.admin, new_binh), 2026, trend=False)
    assert (merged.forces_total.units.value, merged.models_total.value) == (1, 1)
    district = AdministrativeUnit.objects.filter(code="573").order_by("pk").first()
    assert _living_figures(users, 2026)["children of 56"] == {"22615": (1, 5, 1), "22651": (0, 0, 0)}
    assert unit_figures(Scope(users.admin, district), 2024, trend=False).forces_total.units.value == 1


def test_a_name_taken_twice_in_the_merged_commune_gets_the_old_code_too(tree, users, registry):
    reform()
    new_binh = AdministrativeUnit.objects.get(code="22615", valid_to__isnull=True)
    make_area(new_binh, "Thôn 1 (Khánh Đông)")  # entered in the merged commune before the move
    move_to_current_communes(MAPPING)
    moved = ResidentialArea.objects.get(pk=registry["đông_1"].pk)
    assert moved.name == "Thôn 1 (Khánh Đông, 22621)"


def test_the_command_writes_a_template_of_the_communes_still_to_map(tree, users, registry, tmp_path, capsys):
    reform()
    template = tmp_path / "mau.csv"
    call_command("move_to_new_communes", "--template", str(template))
    assert "1 xã cần điền mã xã mới" in capsys.readouterr().out
    lines = template.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "Mã xã cũ,Tên xã cũ,Đơn vị cấp trên cũ,Mã xã mới",
        "22621,Xã Khánh Đông,Huyện Khánh Vĩnh,",
    ]
    # Filled in, the template is the mapping.
    template.write_text(lines[0] + "\n" + lines[1] + "22615\n", encoding="utf-8")
    call_command("move_to_new_communes", str(template))
    assert not ResidentialArea.objects.filter(commune__valid_to__isnull=False).exists()


def test_province_users_follow_a_new_version_of_their_province(tree, users, registry):
    # The real 2025 list spells "Khánh Hoà": the province gets a new version, its users follow it.
    respelled = {**SHAPE_2025[0], "name": "Khánh Hoà", "full_name": "Tỉnh Khánh Hoà"}
    import_admin_units([respelled, *SHAPE_2025[1:]])
    report = move_to_current_communes(MAPPING)
    new_province = AdministrativeUnit.objects.get(code="56", valid_to__isnull=True)
    assert new_province.pk != tree.province.pk
    for account in (users.province_staff, users.leadership):
        account.refresh_from_db()
        assert account.scope_unit == new_province
    assert report.moved["người dùng"] == 4  # two commune officers, two province users
    assert report.users_left == ["huyen", "huyen2"]
