"""The annual report: a printable page and the same figures as an xlsx workbook."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dashboard.reports import inert
from registry.models import Organisation, OrganisationType
from tests.conftest import PASSWORD
from tests.test_dashboard_figures import YEAR, build_world

pytestmark = pytest.mark.django_db

SHEETS = [
    "Ban chỉ đạo",
    "Lực lượng nòng cốt",
    "Mô hình tự quản",
    "Công nhận ANTT",
    "Kết quả vận động",
    "Khen thưởng",
]


@pytest.fixture
def leader_client(client, tree, users):
    build_world(tree)
    assert client.login(username=users.leadership.username, password=PASSWORD)
    return client


def report_url(unit) -> str:
    return f"{reverse('dashboard:annual_report')}?unit={unit.pk}&year={YEAR}"


def test_report_page_lists_sections_in_report_order(leader_client, tree):
    response = leader_client.get(report_url(tree.province))
    assert response.status_code == 200
    content = response.content.decode()
    titles = [
        "1. Ban chỉ đạo",
        "2. Lực lượng nòng cốt",
        "3. Mô hình tự quản về ANTT",
        "4. Công nhận “An toàn về ANTT”",
        "5. Kết quả các đợt vận động",
        "6. Khen thưởng",
    ]
    positions = [content.index(title) for title in titles]
    assert positions == sorted(positions)
    assert content.count('data-testid="report-section"') == 6
    assert "css/dashboard.css" in content  # print CSS: A4 page from app.css, report rules from dashboard.css
    assert "66,7" in content  # 4/6 residential areas, Vietnamese decimal comma


def test_report_defaults_to_the_users_scope(leader_client, tree):
    response = leader_client.get(reverse("dashboard:annual_report"), {"year": YEAR})
    assert response.status_code == 200
    assert response.context["scope"].unit == tree.province


def test_report_xlsx_has_a_sheet_per_section_with_the_figures(leader_client, tree):
    response = leader_client.get(report_url(tree.province) + "&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == SHEETS

    def rows(name):
        return {row[0]: row[1:] for row in book[name].iter_rows(min_row=3, values_only=True)}

    committees = rows("Ban chỉ đạo")
    assert committees["Xã, phường, thị trấn có Ban chỉ đạo"][:3] == (2, 1, 1)
    assert committees["Tổng số xã, phường, thị trấn"][:2] == (3, 3)
    assert committees["Tỷ lệ xã có Ban chỉ đạo (%)"] == (66.7, 33.3, 33.4, "%")  # change of the shown rates
    cert = rows("Công nhận ANTT")
    assert cert["Khu dân cư"] == (4, 6, 66.7, 50.0, 16.7)
    assert cert["Cơ quan, doanh nghiệp, nhà trường"][:2] == (3, 4)
    results = rows("Kết quả vận động")
    assert results["Tờ rơi"][:3] == (100, 40, 60)
    commendations = rows("Khen thưởng")
    assert commendations["Tổng số"][:2] == (3, 1)
    forces = rows("Lực lượng nòng cốt")
    assert forces["Tổng số: số thành viên"][:2] == (22, 17)


def test_xlsx_text_that_looks_like_a_formula_stays_text(leader_client, tree):
    org_type = OrganisationType.objects.create(name="=HYPERLINK(1)", category="agency")
    Organisation.objects.create(commune=tree.commune, name="x", org_type=org_type)
    assert inert("=1+1") == "'=1+1"
    assert inert("+84") == "'+84"
    assert inert("-x") == "'-x"
    assert inert("@SUM") == "'@SUM"
    assert inert("Tổ 1") == "Tổ 1"
    assert inert(-5) == -5
    response = leader_client.get(report_url(tree.province) + "&format=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_reviewer_cannot_get_another_districts_report(client, tree, users):
    assert client.login(username=users.reviewer.username, password=PASSWORD)
    url = f"{reverse('dashboard:annual_report')}?unit={tree.other_district.pk}&year={YEAR}&format=xlsx"
    assert client.get(url).status_code == 404
