"""Pages read alike everywhere: pager words, dates and history in the reader's language and time,
search that ignores diacritics, forms that choose the only choice, a menu bar on one line."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from movement.catalogues import seed_catalogues
from movement.models import Campaign, CampaignKind, Commendation, CommendationForm, Plan, ResultMetric
from registry.models import SteeringCommittee
from tests.conftest import browser_login

D = datetime.date


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    # The locale middleware activates the request's language for the thread.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def movement_catalogues(db) -> None:
    seed_catalogues(ResultMetric, CampaignKind, CommendationForm)


def make_commendation(unit, decision_number: str, name: str = "Tổ bảo vệ ANTT thôn 1") -> Commendation:
    return Commendation.objects.create(
        form=CommendationForm.objects.get(name="Giấy khen của Giám đốc Công an tỉnh"),
        authority="Giám đốc Công an tỉnh",
        decision_number=decision_number,
        decision_date=D(2025, 8, 15),
        year=2025,
        recipient_kind="collective",
        unit=unit,
        recipient_name=name,
    )


def make_plan(unit, number: str = "747/KH-CAT", issued_on: datetime.date | None = None) -> Plan:
    issued_on = issued_on or D(2023, 2, 15)
    return Plan.objects.create(
        number=number,
        title="Huy động toàn dân",
        issuing_unit=unit,
        issued_on=issued_on,
        year_from=issued_on.year,
        year_to=issued_on.year + 2,
    )


# --- Pager ---------------------------------------------------------------------------------------


def visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]*>", " ", html).replace("&laquo;", "«").replace("&raquo;", "»").split())


@pytest.mark.django_db
def test_list_pager_speaks_the_readers_language(client, tree, users, movement_catalogues):
    kind, day = CampaignKind.objects.first(), D(2025, 3, 1)
    Campaign.objects.bulk_create(
        Campaign(kind=kind, name=f"Đợt {i}", place=tree.commune, start_date=day, end_date=day)
        for i in range(60)  # three pages
    )
    client.force_login(users.province_staff)
    url = reverse("movement:campaign_list") + "?page=2"

    text = visible_text(client.get(url).content.decode())
    assert "« Trang trước" in text and "Trang sau »" in text
    assert "previous" not in text and "next" not in text

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = visible_text(client.get(url).content.decode())
    assert "« Previous page" in text and "Next page »" in text


@pytest.mark.django_db
def test_hand_written_pagers_use_the_tables_words_and_keep_the_filters(client, tree, users):
    from registry.models import AreaKind, ResidentialArea

    kind = AreaKind.objects.create(name="Thôn")
    for i in range(60):  # two pages of the change log
        ResidentialArea.objects.create(commune=tree.commune, kind=kind, name=f"Thôn {i}")
    client.force_login(users.admin)
    url = reverse("audit:change_list")
    html = client.get(url, {"model": "registry.residentialarea"}).content.decode()
    assert "Trang sau »" in visible_text(html)
    assert 'href="?model=registry.residentialarea&amp;page=2"' in html
    text = visible_text(client.get(url, {"model": "registry.residentialarea", "page": 2}).content.decode())
    assert "« Trang trước" in text and "Trang 2/2" in text and " Sau" not in text
    # Every other list pages with the one shared pager.
    templates = Path(settings.BASE_DIR, "templates")
    own = {templates / "partials" / "pager.html", templates / "tables" / "table.html"}
    for path in templates.rglob("*.html"):
        if path not in own:
            assert "next_page_number" not in path.read_text(), path


# --- Dates ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dates_read_day_month_year_on_every_page_in_both_languages(client, tree, users, movement_catalogues):
    committee = SteeringCommittee.objects.create(
        commune=tree.commune,
        decision_number="15/QĐ-UBND",
        decision_date=D(2024, 3, 1),
        head_name="Nguyễn Đức Thắng",
        member_count=9,
    )
    plan = make_plan(tree.province, issued_on=D(2024, 3, 1))
    client.force_login(users.province_staff)
    pages = [
        reverse("registry:committee_list"),
        committee.get_absolute_url(),  # its fields and its history
        reverse("movement:plan_list"),
        plan.get_absolute_url(),
    ]
    for language in ("vi", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in pages:
            html = client.get(url).content.decode()
            assert "01/03/2024" in html, (language, url)
            for other in ("2024-03-01", "01-03-2024", "03/01/2024", "tháng 3", "March 1"):
                assert other not in html, (language, url, other)


# --- History -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_history_of_a_revocation_shows_local_time_and_vietnamese_labels(
    client, tree, users, movement_catalogues
):
    commendation = make_commendation(tree.commune, "12/QĐ-CAT")
    client.force_login(users.province_staff)
    client.post(reverse("movement:commendation_revoke", args=[commendation.pk]), {"reason": "Hồ sơ sai."})
    commendation.refresh_from_db()
    local = timezone.localtime(commendation.revoked_at).strftime("%d/%m/%Y %H:%M")
    utc = commendation.revoked_at.astimezone(datetime.UTC).strftime("%H:%M")

    history = client.get(commendation.get_absolute_url()).context["history"]
    changes = {change.label: change.new for change in history[0].changes}
    assert changes["thu hồi lúc"] == local
    assert changes["người thu hồi"] == "tinh"
    assert utc not in changes["thu hồi lúc"]

    html = client.get(commendation.get_absolute_url()).content.decode()
    assert "Người thu hồi:" in html
    assert "Revoked by" not in html


# --- Search --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_commendation_search_ignores_diacritics_of_decision_numbers(client, tree, users, movement_catalogues):
    make_commendation(tree.commune, "1046/QĐ-BCA", "Tổ tuần tra thôn 1")
    make_commendation(tree.commune, "1046/QĐ-BCA", "Tổ tuần tra thôn 2")
    make_commendation(tree.commune, "77/KH-CAT", "Tổ tuần tra thôn 3")
    make_commendation(tree.other_province, "1046/QĐ-BCA", "Tổ tuần tra Ninh Thuận")
    client.force_login(users.province_staff)

    def found(q: str) -> list[str]:
        table = client.get(reverse("movement:commendation_list"), {"q": q}).context["table"]
        return sorted(c.recipient_name for c in table.data.data)

    both = ["Tổ tuần tra thôn 1", "Tổ tuần tra thôn 2"]
    assert found("1046/QĐ-BCA") == both
    assert found("1046/QD-BCA") == both
    assert found("qd") == both  # never the other province's
    assert found("thon 3") == ["Tổ tuần tra thôn 3"]


@pytest.mark.django_db
def test_plan_search_finds_the_issuing_unit_by_its_name(client, tree, users):
    make_plan(tree.province, "747/KH-CAT")
    make_plan(tree.commune, "15/KH-CAX")
    make_plan(tree.other_province, "9/KH-CAT")
    client.force_login(users.province_staff)

    def found(q: str) -> list[str]:
        table = client.get(reverse("movement:plan_list"), {"q": q}).context["table"]
        return sorted(p.number for p in table.data.data)

    assert found("khanh hoa") == ["747/KH-CAT"]
    assert found("Khánh Bình") == ["15/KH-CAX"]
    assert found("ninh thuan") == []  # another province's plan stays out of sight
    assert found("kh-cat") == ["747/KH-CAT"]


# --- Forms ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "field"),
    [
        ("movement:plan_create", "issuing_unit"),
        ("movement:campaign_create", "place"),
        ("movement:commendation_create", "unit"),
    ],
)
def test_commune_staff_find_their_only_unit_chosen(client, tree, users, movement_catalogues, url_name, field):
    client.force_login(users.commune_staff)
    form = client.get(reverse(url_name)).context["form"]
    assert form[field].value() == tree.commune.pk
    assert re.search(rf'<option value="{tree.commune.pk}"[^>]* selected', str(form[field]))

    client.force_login(users.province_staff)
    assert client.get(reverse(url_name)).context["form"][field].value() is None


# --- Menu bar ------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_menu_bar_stays_one_line_on_desktop_widths(page, users):
    for user in (users.province_staff, users.admin):
        user.first_name, user.last_name = "Tỉnh", "Nguyễn Văn"  # a real name's length
        user.save()
    for username in ("tinh", "admin"):
        browser_login(page, username)
        for language in ("vi", "en"):
            page.context.add_cookies(
                [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.live_server_url}]
            )
            for width in (1024, 1200, 1366, 1920):
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(f"{page.live_server_url}/")
                height = page.locator("nav.navbar").bounding_box()["height"]
                assert height < 60, (username, language, width, height)
        page.context.clear_cookies()
