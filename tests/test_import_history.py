"""Imports leave an audit trail: every created and updated row, with the importing user, the
import named as the reason, the request it came from, and the values before and after."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.history import history_for
from audit.registration import history_model
from dataio.models import ImportLog
from registry.models import AdministrativeUnit, ResidentialArea
from tests.import_helpers import AREA_HEADER, csv_bytes, errors_of, import_file, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]


def test_import_records_created_and_updated_rows_with_user_and_previous_values(tree, users, catalogues):
    first = import_file(
        "areas", csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 10, 40]]), "a.csv", users.admin
    )
    assert first.ok, errors_of(first)
    area = ResidentialArea.objects.get()
    second = import_file(
        "areas",
        csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Buôn", 12, 40], ["22621", "Thôn 2", "Thôn", 3, 9]]),
        "b.csv",
        users.admin,
    )
    assert second.plan.counts == {"new": 1, "updated": 1, "unchanged": 0}

    updated, created = history_for(area)
    assert (created.record.history_type, updated.record.history_type) == ("+", "~")
    assert created.user_label == updated.user_label == "admin"
    assert created.record.history_change_reason == f"Nhập dữ liệu #{first.log.pk} (a.csv)"
    assert updated.record.history_change_reason == f"Nhập dữ liệu #{second.log.pk} (b.csv)"
    changes = {c.name: (c.old, c.new) for c in updated.changes}
    assert changes == {"kind": ("Thôn", "Buôn"), "households": ("10", "12")}
    other = ResidentialArea.objects.get(name="Thôn 2")
    [entry] = history_for(other)
    assert entry.type_label == "Tạo mới" and {c.name for c in entry.changes} >= {"commune", "name", "kind"}


def test_unchanged_rows_and_dry_runs_write_no_history(tree, users, catalogues):
    data = csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 10, 40]])
    import_file("areas", data, "a.csv", users.admin, dry_run=True)
    rows = history_model("registry.ResidentialArea").objects
    assert not rows.exists()
    import_file("areas", data, "a.csv", users.admin)
    import_file("areas", data, "a.csv", users.admin)  # nothing changes the second time
    assert rows.count() == 1


def test_rows_written_before_the_audit_trail_keep_their_old_values_in_history(tree, users, catalogues):
    import_file("areas", csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 10, 40]]), "a.csv", users.admin)
    area = ResidentialArea.objects.get()
    history_model("registry.ResidentialArea").objects.all().delete()  # as if loaded by a plain COPY
    import_file("areas", csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 11, 40]]), "b.csv", users.admin)
    updated, baseline = history_for(area)
    assert baseline.record.history_change_reason == "Trạng thái trước khi nhập (chưa có lịch sử)"
    assert baseline.record.history_user_id is None
    assert {c.name: (c.old, c.new) for c in updated.changes} == {"households": ("10", "11")}
    assert updated.user_label == "admin"


def test_a_failed_import_leaves_no_history(tree, users, catalogues):
    rows = [AREA_HEADER, ["22615", "Thôn 1", "Thôn", 10, 40], ["22615", "Thôn 2", "Không có", 1, 1]]
    outcome = import_file("areas", xlsx_bytes(rows), "a.xlsx", users.admin)
    assert not outcome.ok
    assert not history_model("registry.ResidentialArea").objects.exists()


def test_history_of_an_import_through_the_page_names_the_request_and_shows_in_the_change_log(
    client, tree, users, catalogues
):
    client.force_login(users.admin)
    data = xlsx_bytes([AREA_HEADER, ["22615", "Thôn Nhập", "Thôn", 10, 40]])
    response = client.post(
        reverse("dataio:index"), {"entity": "areas", "file": SimpleUploadedFile("k.xlsx", data)}
    )
    response = client.post(
        reverse("dataio:confirm"), {"token": response.context["token"]}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 200
    log = ImportLog.objects.filter(dry_run=False).get()
    record = ResidentialArea.objects.get().history.get()
    assert record.history_user == users.admin
    assert record.ip_address == "10.9.8.7"
    assert record.request_id == response["X-Request-ID"]
    assert record.history_change_reason == f"Nhập dữ liệu #{log.pk} (k.xlsx)"
    page = client.get(reverse("audit:change_list"), {"model": "registry.residentialarea"}).content.decode()
    assert "Thôn Nhập" in page and "admin" in page


def test_imported_units_get_history_too(tree, users, catalogues):
    rows = [
        ["Mã đơn vị", "Tên", "Tên đầy đủ", "Loại đơn vị", "Cấp", "Mã đơn vị cấp trên"],
        ["22627", "Khánh Trung", "Xã Khánh Trung", "Xã", "Cấp xã", "573"],
    ]
    outcome = import_file("units", xlsx_bytes(rows), "dv.xlsx", users.admin)
    assert outcome.ok, errors_of(outcome)
    unit = AdministrativeUnit.objects.get(code="22627")
    [entry] = history_for(unit)
    assert entry.record.path == "56/573/22627/" and entry.user_label == "admin"


def test_changes_to_scattered_rows_get_one_history_row_each(tree, users, catalogues):
    rows = [AREA_HEADER, *[["22615", f"Thôn {i}", "Thôn", i, 1000] for i in range(1, 6)]]
    import_file("areas", csv_bytes(rows), "a.csv", users.admin)
    rows[1][3], rows[3][3], rows[5][3] = 100, 300, 500  # the first, third and fifth rows
    outcome = import_file("areas", csv_bytes(rows), "b.csv", users.admin)
    assert outcome.plan.counts == {"new": 0, "updated": 3, "unchanged": 2}
    changed = history_model("registry.ResidentialArea").objects.filter(history_type="~")
    assert sorted(changed.values_list("name", "households")) == [
        ("Thôn 1", 100),
        ("Thôn 3", 300),
        ("Thôn 5", 500),
    ]
