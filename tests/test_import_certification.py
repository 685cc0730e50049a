"""Certification records by file: registration lists only; decided records re-import unchanged but
a file never moves a record through the workflow."""

from __future__ import annotations

import pytest
from django.utils import timezone

from certification.models import CertificationRecord, State, SubjectKind, Transition
from dataio.entities import get_resource
from dataio.exporters import export_response
from registry.models import Organisation, OrganisationType, ResidentialArea
from tests.import_helpers import csv_bytes, errors_of, import_file, response_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

HEADER = ["Năm", "Mã xã", "Đối tượng", "Khu dân cư", "Cơ quan, doanh nghiệp, nhà trường", "Trạng thái"]
YEAR = timezone.localdate().year


@pytest.fixture
def subjects(tree, catalogues):
    from registry.models import AreaKind

    kind = AreaKind.objects.get(name="Thôn")
    school = OrganisationType.objects.get(name="Trường trung học cơ sở")
    small = OrganisationType.objects.create(
        name="Doanh nghiệp nhỏ", category="enterprise", subject_to_certification=False
    )
    return {
        "area": ResidentialArea.objects.create(commune=tree.commune, kind=kind, name="Thôn Ba Cẩm"),
        "gone": ResidentialArea.objects.create(
            commune=tree.commune, kind=kind, name="Thôn Cũ", is_active=False
        ),
        "school": Organisation.objects.create(
            commune=tree.commune, org_type=school, name="Trường THCS Khánh Bình"
        ),
        "small": Organisation.objects.create(commune=tree.commune, org_type=small, name="Cửa hàng Bình An"),
    }


def test_a_registration_list_registers_areas_organisations_and_the_commune(subjects, users):
    rows = [
        HEADER,
        [YEAR, "22615", "Khu dân cư", "thon ba cam", "", ""],
        [YEAR, "22615", "Nhà trường, cơ sở giáo dục", "", "Trường THCS Khánh Bình", "Đã đăng ký"],
        [YEAR, "22615", "Xã, phường, thị trấn", "", "", ""],
    ]
    outcome = import_file("certifications", xlsx_bytes(rows), "dk.xlsx", users.admin)
    assert outcome.ok, errors_of(outcome)
    records = CertificationRecord.objects.order_by("subject_kind")
    assert [(r.subject_kind, r.state) for r in records] == [
        (SubjectKind.COMMUNE, State.REGISTERED),
        (SubjectKind.RESIDENTIAL_AREA, State.REGISTERED),
        (SubjectKind.SCHOOL, State.REGISTERED),
    ]
    area_record = records.get(area=subjects["area"])
    assert (area_record.period_start.month, area_record.period_end.month) == (11, 10)
    assert area_record.registered_on == timezone.localdate()
    # Each registration has its first workflow step, by the importing user.
    assert set(Transition.objects.values_list("to_state", "by__username")) == {(State.REGISTERED, "admin")}
    assert not import_file("certifications", xlsx_bytes(rows), "dk.xlsx", users.admin).plan.changed


def test_decided_states_and_decisions_are_refused_with_a_clear_message(subjects, users):
    rows = [
        [*HEADER, "Số quyết định công nhận"],
        [YEAR - 1, "22615", "Khu dân cư", "Thôn Ba Cẩm", "", "Đạt (đã công nhận)", "12/QĐ-UBND"],
    ]
    outcome = import_file("certifications", csv_bytes(rows), "cn.csv", users.admin)
    messages = {column: message for _row, column, message in errors_of(outcome)}
    assert messages["Trạng thái"].startswith("Chỉ nhập được hồ sơ ở trạng thái “Đã đăng ký”")
    assert "để trống ô này" in messages["Số quyết định công nhận"]
    assert not CertificationRecord.objects.exists()


def test_ineligible_subjects_are_row_errors(subjects, users):
    rows = [
        HEADER,
        [YEAR, "22615", "Khu dân cư", "Thôn Cũ", "", ""],
        [YEAR, "22615", "Doanh nghiệp", "", "Cửa hàng Bình An", ""],
        [YEAR, "22615", "Doanh nghiệp", "", "Trường THCS Khánh Bình", ""],
        [YEAR, "22615", "Khu dân cư", "", "", ""],
        [1990, "22615", "Xã, phường, thị trấn", "", "", ""],
    ]
    outcome = import_file("certifications", csv_bytes(rows), "dk.csv", users.admin)
    errors = errors_of(outcome)
    assert [(row, column) for row, column, _ in errors] == [
        (2, "Khu dân cư"),
        (3, "Cơ quan, doanh nghiệp, nhà trường"),
        (4, "Đối tượng"),
        (5, "Khu dân cư"),
        (6, "Năm"),
    ]
    assert "không còn tồn tại" in errors[0][2]
    assert "Nhà trường" in errors[2][2]
    assert not CertificationRecord.objects.exists()


def test_an_export_with_decided_records_reimports_unchanged_but_cannot_change_them(subjects, users):
    import_file(
        "certifications",
        csv_bytes([HEADER, [YEAR, "22615", "Khu dân cư", "Thôn Ba Cẩm", "", ""]]),
        "a.csv",
        users.admin,
    )
    record = CertificationRecord.objects.get()
    CertificationRecord.objects.filter(pk=record.pk).update(
        state=State.APPROVED, decision_number="12/QĐ-UBND", decided_at=timezone.now()
    )
    resource = get_resource("certifications")
    exported = response_bytes(export_response(CertificationRecord.objects.all(), resource, "xlsx", "cn"))
    again = import_file("certifications", exported, "cn.xlsx", users.admin)
    assert again.ok and not again.plan.changed, errors_of(again)

    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exported)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][rows[0].index("Số quyết định công nhận")] == "12/QĐ-UBND"
    rows[1][rows[0].index("Trạng thái")] = "Đã thu hồi công nhận"
    outcome = import_file("certifications", xlsx_bytes(rows), "cn2.xlsx", users.admin)
    assert [column for _row, column, _ in errors_of(outcome)] == ["Trạng thái"]
    assert "không sửa bằng tệp" in errors_of(outcome)[0][2]
    record.refresh_from_db()
    assert record.state == State.APPROVED


def test_a_registered_record_cannot_be_moved_by_a_file(subjects, users):
    import_file(
        "certifications",
        csv_bytes([HEADER, [YEAR, "22615", "Khu dân cư", "Thôn Ba Cẩm", "", ""]]),
        "a.csv",
        users.admin,
    )
    rows = [HEADER, [YEAR, "22615", "Khu dân cư", "Thôn Ba Cẩm", "", "Đã nộp hồ sơ"]]
    outcome = import_file("certifications", csv_bytes(rows), "b.csv", users.admin)
    assert [column for _row, column, _ in errors_of(outcome)] == ["Trạng thái"]
    assert CertificationRecord.objects.get().state == State.REGISTERED
