"""Plans, campaigns with their results (one column per metric) and commendations by file."""

from __future__ import annotations

import datetime
import decimal
import io

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from audit.history import history_for
from dataio.entities import get_resource
from dataio.exporters import export_response, template_workbook
from movement.models import (
    Campaign,
    CampaignKind,
    CampaignResult,
    Commendation,
    CommendationForm,
    Plan,
    ResultMetric,
)
from registry.models import ForceType, ForceUnit
from tests.import_helpers import csv_bytes, errors_of, import_file, response_bytes, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

CAMPAIGN_HEADER = ["Mã địa bàn", "Tên đợt vận động, sự kiện", "Loại", "Từ ngày", "Đến ngày"]


@pytest.fixture
def movement_catalogues(db):
    # A known catalogue, whatever the data migration seeded (the test's transaction restores it).
    for catalogue in (ResultMetric, CampaignKind, CommendationForm):
        catalogue.objects.all().delete()
    CampaignKind.objects.create(name="Ngày hội toàn dân bảo vệ ANTQ")
    ResultMetric.objects.create(code="propaganda_sessions", name="Số buổi tuyên truyền", unit="buổi", order=1)
    ResultMetric.objects.create(code="guns", name="Súng giao nộp", unit="khẩu", order=2)
    CommendationForm.objects.create(name="Giấy khen của Giám đốc Công an tỉnh", level=4)


def _results(campaign: Campaign) -> dict[str, decimal.Decimal]:
    return dict(campaign.results.values_list("metric__code", "value"))


def test_a_campaign_row_carries_its_results_in_metric_columns(tree, users, movement_catalogues):
    rows = [
        [*CAMPAIGN_HEADER, "Số buổi tuyên truyền", "guns"],
        ["22615", "Ngày hội 2024", "Ngày hội toàn dân bảo vệ ANTQ", "19/08/2024", "19/08/2024", 12, "3"],
        ["573", "Ngày hội huyện 2024", "ngay hoi toan dan bao ve antq", "18/08/2024", "19/08/2024", "", 1],
    ]
    outcome = import_file("campaigns", xlsx_bytes(rows), "dvd.xlsx", users.admin)
    assert outcome.ok, errors_of(outcome)
    commune_day = Campaign.objects.get(place=tree.commune)
    assert _results(commune_day) == {"propaganda_sessions": 12, "guns": 3}
    assert _results(Campaign.objects.get(place=tree.district)) == {"guns": 1}

    # Same campaign (place, name, start date): figures changed, one emptied, one left as it was.
    rows[1][5:7] = [15, ""]
    outcome = import_file("campaigns", xlsx_bytes(rows), "dvd.xlsx", users.admin)
    assert outcome.ok and outcome.plan.counts == {"new": 0, "updated": 1, "unchanged": 1}
    assert outcome.plan.results[0].changes == [
        ("Số buổi tuyên truyền", decimal.Decimal("12.00"), decimal.Decimal("15.00")),
        ("Súng giao nộp", decimal.Decimal("3.00"), None),
    ]
    assert _results(commune_day) == {"propaganda_sessions": 15}
    assert Campaign.objects.count() == 2
    # The results' history names the importing user: added, changed and removed figures.
    result_history = CampaignResult.history.filter(campaign_id=commune_day.pk)
    assert sorted(result_history.values_list("history_type", flat=True)) == ["+", "+", "-", "~"]
    assert set(result_history.values_list("history_user__username", flat=True)) == {"admin"}


def test_campaign_export_has_one_column_per_metric_and_reimports_unchanged(tree, users, movement_catalogues):
    rows = [
        [*CAMPAIGN_HEADER, "Số buổi tuyên truyền", "Súng giao nộp"],
        ["22615", "@Ngày hội", "Ngày hội toàn dân bảo vệ ANTQ", "19/08/2024", "19/08/2024", "1.234", 2.5],
    ]
    first_import = import_file("campaigns", xlsx_bytes(rows), "a.xlsx", users.admin)
    assert first_import.ok, errors_of(first_import)
    response = export_response(Campaign.objects.all(), get_resource("campaigns"), "xlsx", "dvd")
    exported = response_bytes(response)
    sheet = load_workbook(io.BytesIO(exported)).active
    header, first = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert header[-2:] == ["Số buổi tuyên truyền", "Súng giao nộp"]
    assert first[-2:] == [1234, 2.5] and first[1] == "'@Ngày hội"
    again = import_file("campaigns", exported, "dvd.xlsx", users.admin)
    assert again.ok and not again.plan.changed, errors_of(again)
    template = load_workbook(io.BytesIO(template_workbook(get_resource("campaigns")))).active
    assert "Súng giao nộp" in [cell.value for cell in template[1]]


def test_campaign_rows_are_checked(tree, users, movement_catalogues):
    rows = [
        [*CAMPAIGN_HEADER, "Số buổi tuyên truyền"],
        ["22615", "A", "Ngày hội toàn dân bảo vệ ANTQ", "19/08/2024", "18/08/2024", 1],
        ["22615", "B", "Ngày hội toàn dân bảo vệ ANTQ", "19/08/2024", "19/08/2024", -1],
        ["58", "C", "Ngày hội toàn dân bảo vệ ANTQ", "19/08/2024", "19/08/2024", "nhiều"],
    ]
    outcome = import_file("campaigns", csv_bytes(rows), "a.csv", users.admin)
    assert [(row, column) for row, column, _ in errors_of(outcome)] == [
        (2, "Đến ngày"),
        (3, "Số buổi tuyên truyền"),
        (4, "Số buổi tuyên truyền"),
    ]
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("to_bytes", "name", "figure", "as_typed"),
    [
        (xlsx_bytes, "dvd.xlsx", 10**30, "1e+30"),
        (csv_bytes, "dvd.csv", "99999999999999999999999999999", "99999999999999999999999999999"),
        (csv_bytes, "dvd.csv", "1000000000000", "1000000000000"),
    ],
)
def test_a_result_figure_too_large_for_its_column_is_a_cell_error_and_nothing_is_written(
    tree, users, movement_catalogues, to_bytes, name, figure, as_typed
):
    rows = [
        [*CAMPAIGN_HEADER, "Số buổi tuyên truyền"],
        ["22615", "A", "Ngày hội toàn dân bảo vệ ANTQ", "19/08/2024", "19/08/2024", figure],
        ["22615", "B", "Ngày hội toàn dân bảo vệ ANTQ", "19/08/2024", "19/08/2024", "999999999999,99"],
    ]
    outcome = import_file("campaigns", to_bytes(rows), name, users.admin)
    assert errors_of(outcome) == [
        (2, "Số buổi tuyên truyền", f"Phải nhỏ hơn hoặc bằng 999999999999,99 (đang là {as_typed}).")
    ]
    assert outcome.log.status == "invalid"
    assert not Campaign.objects.exists() and not CampaignResult.objects.exists()


def test_campaign_row_errors_are_in_the_users_language(tree, users, movement_catalogues):
    rows = [
        [*CAMPAIGN_HEADER, "Số buổi tuyên truyền"],
        ["22615", "A", "Ngày hội toàn dân bảo vệ ANTQ", "19/08/2024", "18/08/2024", 1],
        ["22615", "B", "Ngày hội toàn dân bảo vệ ANTQ", "19/08/2024", "19/08/2024", "nhiều"],
        ["22615", "C", "Ngày hội toàn dân bảo vệ ANTQ", "19/08/2024", "19/08/2024", "1,255"],
    ]
    with translation.override("en"):
        english = [
            message
            for _, _, message in errors_of(import_file("campaigns", csv_bytes(rows), "a.csv", users.admin))
        ]
    vietnamese = [
        message
        for _, _, message in errors_of(import_file("campaigns", csv_bytes(rows), "a.csv", users.admin))
    ]
    assert english == [
        "The end date must be on or after the start date.",
        "'nhiều' is not a number.",
        "At most two decimal places.",
    ]
    assert vietnamese == [
        "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.",
        "'nhiều' không phải là số.",
        "Tối đa hai chữ số thập phân.",
    ]


def test_plans_round_trip(tree, users):
    rows = [
        [
            "Mã đơn vị ban hành",
            "Số, ký hiệu",
            "Trích yếu",
            "Ngày ban hành",
            "Từ năm",
            "Đến năm",
            "Tình trạng",
        ],
        ["56", "747/KH-CAT", "Chống trộm cắp", "15/01/2024", 2024, 2026, "Đang thực hiện"],
    ]
    assert import_file("plans", xlsx_bytes(rows), "kh.xlsx", users.admin).ok
    plan = Plan.objects.get()
    assert (plan.issuing_unit, plan.year_to, plan.status) == (tree.province, 2026, "in_force")
    exported = response_bytes(export_response(Plan.objects.all(), get_resource("plans"), "csv", "kh"))
    assert not import_file("plans", exported, "kh.csv", users.admin).plan.changed
    [entry] = history_for(plan)
    assert entry.user_label == "admin"


def test_commendations_name_a_registry_collective_or_a_person(tree, users, movement_catalogues):
    force_type = ForceType.objects.create(name="Tổ bảo vệ an ninh, trật tự")
    force = ForceUnit.objects.create(
        commune=tree.commune, force_type=force_type, name="Tổ bảo vệ thôn 1", member_count=5
    )
    header = [
        "Mã địa bàn",
        "Số quyết định",
        "Ngày quyết định",
        "Năm",
        "Hình thức",
        "Cấp quyết định",
        "Đối tượng",
        "Lực lượng",
        "Tên tập thể / họ tên cá nhân",
    ]
    form = "Giấy khen của Giám đốc Công an tỉnh"
    rows = [
        header,
        [
            "22615",
            "12/QĐ-CAT",
            "19/08/2024",
            2024,
            form,
            "Giám đốc Công an tỉnh",
            "Tập thể",
            "tổ bảo vệ thôn 1",
            "",
        ],
        [
            "22615",
            "12/QĐ-CAT",
            "19/08/2024",
            2024,
            form,
            "Giám đốc Công an tỉnh",
            "Cá nhân",
            "",
            "Nguyễn Văn A",
        ],
    ]
    outcome = import_file("commendations", xlsx_bytes(rows), "kt.xlsx", users.admin)
    assert outcome.ok, errors_of(outcome)
    assert Commendation.objects.get(force_unit=force).decision_date == datetime.date(2024, 8, 19)
    assert Commendation.objects.get(recipient_name="Nguyễn Văn A").recipient_kind == "individual"
    exported = response_bytes(
        export_response(Commendation.objects.all(), get_resource("commendations"), "xlsx", "kt")
    )
    assert not import_file("commendations", exported, "kt.xlsx", users.admin).plan.changed

    bad = [
        header,
        ["22615", "13/QĐ-CAT", "19/08/2024", 2024, form, "GĐ", "Cá nhân", "Tổ bảo vệ thôn 1", "Nguyễn Văn B"],
        ["22615", "13/QĐ-CAT", "19/08/2024", 2024, form, "GĐ", "Tập thể", "", ""],
        ["22651", "13/QĐ-CAT", "19/08/2024", 2024, form, "GĐ", "Tập thể", "Tổ bảo vệ thôn 1", ""],
        ["22615", "13/QĐ-CAT", "19/08/2024", 2024, "Cờ thi đua", "GĐ", "Cá nhân", "", "Trần Thị C"],
    ]
    outcome = import_file("commendations", xlsx_bytes(bad), "kt2.xlsx", users.admin)
    assert [(row, column) for row, column, _ in errors_of(outcome)] == [
        (2, "Lực lượng"),
        (3, "Tên tập thể / họ tên cá nhân"),
        (4, "Lực lượng"),
        (5, "Hình thức"),
    ]
    assert Commendation.objects.count() == 2


PLAN_HEADER = ["Mã đơn vị ban hành", "Số, ký hiệu", "Trích yếu", "Ngày ban hành", "Từ năm", "Đến năm"]


def test_a_plan_number_used_again_in_a_later_year_is_a_new_plan(tree, users):
    # Document numbers start again every year: plan 747 of 2026 must not overwrite plan 747 of 2023.
    first = [PLAN_HEADER, ["56", "747/KH-CAT", "Chống trộm cắp", "15/01/2023", 2023, 2025]]
    assert import_file("plans", xlsx_bytes(first), "kh.xlsx", users.admin).ok
    later = [PLAN_HEADER, ["56", "747/KH-CAT", "Chống cướp giật", "10/01/2026", 2026, 2028]]
    outcome = import_file("plans", xlsx_bytes(later), "kh.xlsx", users.admin)
    assert outcome.ok and outcome.plan.counts == {"new": 1, "updated": 0, "unchanged": 0}
    assert list(Plan.objects.order_by("year_from").values_list("title", "year_from")) == [
        ("Chống trộm cắp", 2023),
        ("Chống cướp giật", 2026),
    ]
    # The same plan again (same number and first year) updates it.
    later[1][2] = "Chống cướp giật, trộm cắp"
    outcome = import_file("plans", xlsx_bytes(later), "kh.xlsx", users.admin)
    assert outcome.plan.counts == {"new": 0, "updated": 1, "unchanged": 0}
    assert Plan.objects.count() == 2


def test_a_decision_number_used_again_the_next_year_is_a_new_commendation(tree, users, movement_catalogues):
    header = ["Mã địa bàn", "Số quyết định", "Ngày quyết định", "Năm", "Hình thức", "Cấp quyết định"]
    header += ["Đối tượng", "Tên tập thể / họ tên cá nhân"]
    form = "Giấy khen của Giám đốc Công an tỉnh"
    row_2024 = ["22615", "12/QĐ-CAT", "19/08/2024", 2024, form, "GĐ", "Cá nhân", "Nguyễn Văn A"]
    row_2025 = ["22615", "12/QĐ-CAT", "19/08/2025", 2025, form, "GĐ", "Cá nhân", "Nguyễn Văn A"]
    assert import_file("commendations", xlsx_bytes([header, row_2024]), "kt.xlsx", users.admin).ok
    outcome = import_file("commendations", xlsx_bytes([header, row_2025]), "kt.xlsx", users.admin)
    assert outcome.ok and outcome.plan.counts == {"new": 1, "updated": 0, "unchanged": 0}
    assert sorted(Commendation.objects.values_list("year", "decision_date")) == [
        (2024, datetime.date(2024, 8, 19)),
        (2025, datetime.date(2025, 8, 19)),
    ]


def test_one_decision_cannot_commend_the_same_person_twice(tree, users, movement_catalogues):
    from django.db import IntegrityError, transaction

    values = {
        "form": CommendationForm.objects.get(),
        "authority": "GĐ",
        "decision_number": "12/QĐ-CAT",
        "decision_date": datetime.date(2024, 8, 19),
        "year": 2024,
        "recipient_kind": "individual",
        "unit": tree.commune,
        "recipient_name": "Nguyễn Văn A",
    }
    Commendation.objects.create(**values)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commendation.objects.create(**values)
    Commendation.objects.create(**{**values, "recipient_name": "Trần Thị B"})


def test_a_plan_number_two_units_share_is_refused_not_guessed(tree, users, movement_catalogues):
    for unit in (tree.district, tree.other_district):
        Plan.objects.create(
            number="01/KH",
            title="Kế hoạch",
            issuing_unit=unit,
            issued_on=datetime.date(2024, 1, 2),
            year_from=2024,
            year_to=2024,
        )
    rows = [
        [*CAMPAIGN_HEADER, "Số kế hoạch"],
        ["22615", "A", "Ngày hội toàn dân bảo vệ ANTQ", "19/08/2024", "19/08/2024", "01/KH"],
    ]
    outcome = import_file("campaigns", csv_bytes(rows), "a.csv", users.admin)
    assert errors_of(outcome) == [
        (2, "Số kế hoạch", "Có nhiều hơn một kế hoạch '01/KH': không xác định được.")
    ]


def test_a_revoked_commendation_is_exported_as_revoked(tree, users, movement_catalogues):
    from movement import services

    header = ["Mã địa bàn", "Số quyết định", "Ngày quyết định", "Năm", "Hình thức", "Cấp quyết định"]
    header += ["Đối tượng", "Tên tập thể / họ tên cá nhân"]
    row = ["22615", "12/QĐ-CAT", "19/08/2024", 2024, "Giấy khen của Giám đốc Công an tỉnh", "GĐ"]
    row += ["Cá nhân", "Nguyễn Văn A"]
    assert import_file("commendations", xlsx_bytes([header, row]), "kt.xlsx", users.admin).ok
    commendation = services.revoke_commendation(Commendation.objects.get().pk, users.admin, "Hồ sơ khống.")
    exported = response_bytes(
        export_response(Commendation.objects.all(), get_resource("commendations"), "xlsx", "kt")
    )
    sheet = load_workbook(io.BytesIO(exported)).worksheets[0]
    values = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    revoked_on = timezone.localtime(commendation.revoked_at).date()
    assert values["Ngày thu hồi"].date() == revoked_on
    assert values["Lý do thu hồi"] == "Hồ sơ khống."
    # Export-only columns: the same sheet imports back without a change.
    assert not import_file("commendations", exported, "kt.xlsx", users.admin).plan.changed
