"""The import page (upload → preview → confirm), templates, exports and their neutralised cells."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from dataio.entities import ENTITIES, get_resource
from dataio.exporters import export_response
from dataio.models import ImportLog
from movement.models import ResultMetric
from registry.models import AreaKind, ResidentialArea
from tests.conftest import PASSWORD
from tests.import_helpers import AREA_HEADER, csv_bytes, response_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]


def _login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("who", ["province_staff", "commune_staff", "reviewer", "leadership"])
def test_non_admins_get_403_on_the_import_pages(client, tree, users, catalogues, who):
    _login(client, getattr(users, who))
    assert client.get(reverse("dataio:index")).status_code == 403
    upload = SimpleUploadedFile("a.csv", csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 1, 1]]))
    assert client.post(reverse("dataio:index"), {"entity": "areas", "file": upload}).status_code == 403
    assert client.post(reverse("dataio:confirm"), {"token": "x"}).status_code == 403
    assert client.get(reverse("dataio:template", args=["areas"])).status_code == 403
    assert not ResidentialArea.objects.exists()


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(reverse("dataio:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_admin_previews_confirms_and_reimports_without_change(client, tree, users, catalogues):
    _login(client, users.admin)
    data = xlsx_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 10, 40], ["22621", "Thôn 2", "Thôn", 3, 9]])
    response = client.post(
        reverse("dataio:index"), {"entity": "areas", "file": SimpleUploadedFile("khu.xlsx", data)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sẵn sàng nhập. Thêm mới 2, cập nhật 0, không đổi 0 dòng." in page
    assert "Hủy</a>" in page and "Huỷ" not in page  # the spelling of every other page
    assert not ResidentialArea.objects.exists()  # a dry run writes nothing
    token = response.context["token"]
    response = client.post(reverse("dataio:confirm"), {"token": token})
    assert "Đã nhập xong. Thêm mới 2" in response.content.decode()
    assert ResidentialArea.objects.count() == 2
    # The token is spent: posting it again does nothing.
    assert client.post(reverse("dataio:confirm"), {"token": token}).status_code == 302
    response = client.post(
        reverse("dataio:index"), {"entity": "areas", "file": SimpleUploadedFile("khu.xlsx", data)}
    )
    assert "Không có thay đổi" in response.content.decode()
    assert response.context["token"] == ""  # nothing to confirm
    assert [log.dry_run for log in ImportLog.objects.order_by("pk")] == [True, False, True]
    assert "khu.xlsx" in client.get(reverse("dataio:index")).content.decode()


def test_preview_lists_every_bad_row_and_offers_no_confirmation(client, tree, users, catalogues):
    _login(client, users.admin)
    data = csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", "x", 1], ["99999", "Thôn 2", "Làng", 1, 1]])
    response = client.post(
        reverse("dataio:index"), {"entity": "areas", "file": SimpleUploadedFile("a.csv", data)}
    )
    assert response.status_code == 422
    page = response.content.decode()
    for text in (
        "&#x27;x&#x27; không phải là số nguyên.",
        "Không tìm thấy xã/phường &#x27;99999&#x27;.",
        "Không tìm thấy loại khu dân cư &#x27;Làng&#x27;.",
    ):
        assert text in page
    assert "Xác nhận nhập" not in page


def test_oversized_upload_is_refused_before_reading(client, tree, users, catalogues, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    _login(client, users.admin)
    data = csv_bytes([AREA_HEADER] + [["22615", f"Thôn {i}", "Thôn", 1, 1] for i in range(3000)])
    response = client.post(
        reverse("dataio:index"), {"entity": "areas", "file": SimpleUploadedFile("a.csv", data)}
    )
    assert response.status_code == 413
    assert "vượt giới hạn" in response.content.decode()


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_template_has_the_headers_and_examples_outside_the_data(client, tree, users, catalogues, entity):
    _login(client, users.admin)
    response = client.get(reverse("dataio:template", args=[entity]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, guide = workbook.worksheets
    # Only the headers: an example row in the data sheet would be imported with the user's rows.
    [header] = list(sheet.iter_rows(values_only=True))
    from dataio.resources import columns_of

    headers = [c.header for c in columns_of(get_resource(entity))]
    assert list(header)[: len(headers)] == headers
    # Past the declared columns come only data-driven ones: campaign results, a column per metric.
    extra = list(header)[len(headers) :]
    assert set(extra) <= set(ResultMetric.objects.values_list("name", flat=True))
    guide_rows = list(guide.iter_rows(values_only=True))
    assert guide_rows[0][3] == "Ví dụ"
    assert any(row[3] for row in guide_rows[1:])


def test_export_neutralises_formula_text_but_keeps_negative_numbers_numeric(tree, users, catalogues):
    kind = AreaKind.objects.get(name="Thôn")
    names = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "Thôn thường"]
    # bulk_create skips the name tidying of save(): the export must cope with any stored text.
    ResidentialArea.objects.bulk_create(
        ResidentialArea(commune=tree.commune, name=name, kind=kind, households=5) for name in names
    )
    resource = get_resource("areas")
    queryset = ResidentialArea.objects.visible_to(users.admin).order_by("name")
    # Negative numbers reach the file as numbers (the importer would refuse them, the export must not).
    ResidentialArea.objects.filter(name="Thôn thường").update(households=0)
    xlsx = load_workbook(io.BytesIO(response_bytes(export_response(queryset, resource, "xlsx", "k"))))
    cells = {row[1].value: row for row in xlsx.active.iter_rows(min_row=2)}
    for name in names:
        # XML stores a carriage return as a line feed; the quote in front is what matters.
        expected = name if name == "Thôn thường" else "'" + name.replace("\r", "\n")
        assert expected in cells, (name, list(cells))
        assert cells[expected][1].data_type == "s"
    assert cells["Thôn thường"][3].value == 0 and cells["Thôn thường"][3].data_type == "n"
    text = response_bytes(export_response(queryset, resource, "csv", "k")).decode("utf-8-sig")
    exported = {row[1] for row in csv.reader(io.StringIO(text, newline=""))}
    assert {'\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "'\tTab", "'\rCR"} <= exported


def test_negative_number_cells_are_numbers_in_the_export():
    from dataio.exporters import neutralise

    assert neutralise(-5) == -5 and neutralise(-2.5) == -2.5
    assert neutralise("-5") == "'-5"
    assert neutralise("Thôn 1") == "Thôn 1"


def test_export_view_is_scoped_and_constant_in_queries(
    client, tree, users, catalogues, django_assert_max_num_queries
):
    kind = AreaKind.objects.get(name="Thôn")
    for i in range(30):
        ResidentialArea.objects.create(commune=tree.commune, name=f"Thôn {i}", kind=kind)
        ResidentialArea.objects.create(commune=tree.other_commune, name=f"Thôn {i}", kind=kind)
    _login(client, users.commune_staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("dataio:export", args=["areas"]) + "?format=csv")
        rows = list(csv.reader(io.StringIO(response_bytes(response).decode("utf-8-sig"))))
    assert len(rows) == 31 and {row[0] for row in rows[1:]} == {"22615"}
    _login(client, users.province_staff)
    response = client.get(reverse("dataio:export", args=["areas"]) + f"?unit={tree.other_district.pk}")
    sheet = load_workbook(io.BytesIO(response_bytes(response))).active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"22651"}
    _login(client, users.commune_staff)
    assert (
        client.get(reverse("dataio:export", args=["areas"]) + f"?unit={tree.other_district.pk}").status_code
        == 404
    )


def test_admin_export_action_downloads_the_selection_in_the_import_layout(client, tree, users):
    _login(client, users.admin)
    response = client.post(
        reverse("admin:registry_administrativeunit_changelist"),
        {"action": "export_csv", "_selected_action": [tree.commune.pk, tree.district.pk]},
    )
    rows = list(csv.reader(io.StringIO(response_bytes(response).decode("utf-8-sig"))))
    assert rows == [
        ["Mã đơn vị", "Tên", "Tên đầy đủ", "Loại đơn vị", "Cấp", "Mã đơn vị cấp trên"],
        ["22615", "Khánh Bình", "Xã Khánh Bình", "Xã", "Cấp xã", "573"],
        ["573", "Khánh Vĩnh", "Huyện Khánh Vĩnh", "Huyện", "Cấp huyện", "56"],
    ]


def test_admin_lists_of_importable_models_link_to_the_import_page(client, tree, users):
    _login(client, users.admin)
    page = client.get(reverse("admin:registry_administrativeunit_changelist")).content.decode()
    assert f'href="{reverse("dataio:index")}?entity=units"' in page
    assert reverse("dataio:template", args=["units"]) in page
    logs = client.get(reverse("admin:dataio_importlog_changelist")).content.decode()
    assert reverse("dataio:index") in logs


def test_a_file_name_with_control_characters_is_stored_cleaned(users):
    from dataio.services import run_import

    data = csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 1, 1]])
    outcome = run_import(
        get_resource("areas"), io.BytesIO(data), "khu\x00dan\x07cu.csv", users.admin, dry_run=True
    )
    assert ImportLog.objects.get(pk=outcome.log.pk).file_name == "khudancu.csv"


def test_an_unexpected_error_in_the_preview_is_a_message_and_a_failed_log(
    client, tree, users, catalogues, monkeypatch
):
    from dataio import services

    def broken(*args, **kwargs):
        raise ArithmeticError("a bug")

    monkeypatch.setattr(services, "make_plan", broken)
    _login(client, users.admin)
    data = csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 1, 1]])
    response = client.post(
        reverse("dataio:index"), {"entity": "areas", "file": SimpleUploadedFile("a.csv", data)}
    )
    assert response.status_code == 422
    assert "Lỗi ngoài dự kiến khi xử lý tệp" in response.content.decode()
    assert "Xác nhận nhập" not in response.content.decode()
    assert ImportLog.objects.get().status == ImportLog.Status.FAILED


def test_every_templates_example_row_imports_against_the_seeded_catalogues(client, tree, users):
    # The catalogues as a new installation has them (data migrations, the demo's registry lists),
    # re-seeded here since a transactional test elsewhere may have emptied the tables.
    from movement.catalogues import seed_catalogues
    from movement.models import CampaignKind, CommendationForm
    from registry.demo import load_catalogues

    seed_catalogues(ResultMetric, CampaignKind, CommendationForm)
    load_catalogues()
    _login(client, users.admin)
    # In the order of ENTITIES: a later example names an earlier one's row (the area, the model).
    for entity in ENTITIES:
        response = client.get(reverse("dataio:template", args=[entity]))
        guide = load_workbook(io.BytesIO(response.content)).worksheets[1]
        examples = [(row[0], row[3]) for row in guide.iter_rows(min_row=2, values_only=True) if row[3]]
        data = csv_bytes([[header for header, _ in examples], [value for _, value in examples]])
        response = client.post(
            reverse("dataio:index"), {"entity": entity, "file": SimpleUploadedFile(f"{entity}.csv", data)}
        )
        outcome = response.context["outcome"]
        assert outcome.ok, (entity, outcome.message, [(i.column, i.message) for i in outcome.plan.errors])
        if response.context["token"]:
            client.post(reverse("dataio:confirm"), {"token": response.context["token"]})


def test_recent_imports_name_the_kind_of_data_not_its_internal_key(client, tree, users, catalogues):
    from movement.models import CampaignKind

    CampaignKind.objects.get_or_create(name="Đợt tuyên truyền")
    _login(client, users.admin)
    for entity, data in (
        ("areas", csv_bytes([AREA_HEADER, ["22615", "Thôn 1", "Thôn", 1, 1]])),
        ("campaigns", csv_bytes([["Mã địa bàn", "Tên đợt vận động, sự kiện", "Loại", "Từ ngày"]])),
    ):
        upload = SimpleUploadedFile(f"{entity}.csv", data)
        client.post(reverse("dataio:index"), {"entity": entity, "file": upload})
    response = client.get(reverse("dataio:index"))
    [table] = [t for t in response.content.decode().split("<table") if 'data-testid="import-logs"' in t]
    assert "<td>Khu dân cư</td>" in table
    assert "<td>Đợt vận động, sự kiện và kết quả</td>" in table
    assert "<td>areas</td>" not in table and "<td>campaigns</td>" not in table
    admin_list = client.get(reverse("admin:dataio_importlog_changelist")).content.decode()
    assert "Khu dân cư" in admin_list and ">areas<" not in admin_list


def test_opening_the_confirm_address_leads_back_to_the_import_page_with_a_message(
    client, tree, users, catalogues
):
    # After an import the browser shows /import/confirm/: reloading or revisiting it is a GET.
    _login(client, users.admin)
    response = client.get(reverse("dataio:confirm"), follow=True)
    assert response.redirect_chain == [(reverse("dataio:index"), 302)]
    assert "Không có gì để xác nhận: hãy tải tệp lên để kiểm tra." in response.content.decode()
    _login(client, users.province_staff)
    assert client.get(reverse("dataio:confirm")).status_code == 403


def test_preview_names_rows_by_their_key_with_dates_and_choices_as_written(tree, users, catalogues):
    from registry.models import ModelType, SecurityModel
    from tests.import_helpers import import_file

    committees = [
        ["Mã xã", "Số quyết định", "Ngày quyết định", "Trưởng ban", "Chức vụ trưởng ban", "Số thành viên"],
        ["22615", "31/QĐ-UBND", "05/01/2023", "Nguyễn Văn A", "Chủ tịch UBND xã", 12],
    ]
    outcome = import_file("committees", xlsx_bytes(committees), "bcd.xlsx", users.admin, dry_run=True)
    assert [r.label for r in outcome.plan.results] == ["22615 · 31/QĐ-UBND · 05/01/2023"]

    SecurityModel.objects.create(
        commune=tree.commune, name="Camera thôn 1", model_type=ModelType.objects.get()
    )
    reviews = [
        ["Mã xã", "Tên mô hình", "Ngày đánh giá", "Hình thức", "Mức hiệu quả"],
        ["22615", "Camera thôn 1", "01/01/1990", "final", "Tốt"],
    ]
    outcome = import_file("model-reviews", xlsx_bytes(reviews), "dg.xlsx", users.admin, dry_run=True)
    assert [r.label for r in outcome.plan.results] == ["Camera thôn 1 · 01/01/1990 · Tổng kết"]
