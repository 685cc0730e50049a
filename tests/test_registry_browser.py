"""Province staff keep the registry in a real browser: add an area, find it without diacritics."""

from __future__ import annotations

import pytest

from registry import demo
from registry.models import ForceUnit, ResidentialArea
from tests.conftest import browser_login, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_staff_adds_an_area_and_finds_it_without_diacritics(page, users, tree):
    demo.load_catalogues()
    browser_login(page, "tinh")
    open_menu(page, "Sổ đăng ký", "Khu dân cư")
    page.get_by_test_id("create-link").click()

    page.locator("#id_commune").select_option(label="Xã Khánh Bình (22615)")
    page.locator("#id_name").fill("Tổ dân phố Hòn Rớ")
    page.locator("#id_kind").select_option(label="Tổ dân phố")
    page.locator("#id_households").fill("215")
    page.get_by_role("button", name="Lưu").click()

    page.wait_for_url("**/registry/areas/*/")
    assert "Đã lưu khu dân cư “Tổ dân phố Hòn Rớ”" in page.content()
    assert ResidentialArea.objects.get().commune == tree.commune

    open_menu(page, "Sổ đăng ký", "Khu dân cư")
    page.get_by_label("Tìm kiếm").fill("to dan pho hon ro")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url("**q=to+dan+pho+hon+ro**")
    assert page.get_by_test_id("result-count").inner_text() == "1 kết quả"
    page.get_by_role("link", name="Tổ dân phố Hòn Rớ").click()
    assert page.get_by_test_id("object-fields").get_by_text("Xã Khánh Bình").is_visible()

    # The commune page counts it.
    page.get_by_role("link", name="Xã Khánh Bình").first.click()
    assert page.get_by_test_id("count-areas").inner_text() == "1"


def test_force_form_offers_only_the_chosen_communes_areas(page, users, tree):
    cat = demo.load_catalogues()
    ResidentialArea.objects.create(commune=tree.commune, name="Thôn Bình Khánh", kind=cat["kinds"]["Thôn"])
    other = ResidentialArea.objects.create(
        commune=tree.other_commune, name="Thôn Suối Dầu", kind=cat["kinds"]["Thôn"]
    )
    browser_login(page, "tinh")
    page.goto(f"{page.live_server_url}/registry/forces/add/?commune={tree.commune.pk}")
    option = page.locator(f"#id_area option[value='{other.pk}']")
    assert option.is_disabled()
    page.locator("#id_commune").select_option(label="Xã Diên Khánh (22651)")
    assert not option.is_disabled()


def pick(page, field: str, typed: str, label: str) -> None:
    """Choose in a searchable select: type, wait for the match, click it."""
    page.locator(f"#id_{field}-ts-control").fill(typed)
    page.locator(f"#id_{field}-ts-dropdown .option").filter(has_text=label).click()


def test_a_long_area_list_is_searched_by_typing_and_follows_the_commune(page, users, tree, settings):
    settings.FORM_CHOICES_INLINE_MAX = 1  # as for an administrator of a whole country
    cat = demo.load_catalogues()
    for commune, name in (
        (tree.commune, "Thôn Hòn Rớ"),
        (tree.commune, "Thôn Đá Bàn"),
        (tree.other_commune, "Thôn Hòn Rớ Hai"),
    ):
        ResidentialArea.objects.create(commune=commune, name=name, kind=cat["kinds"]["Thôn"])
    browser_login(page, "tinh")
    page.goto(f"{page.live_server_url}/registry/forces/add/")
    # The province's communes are past the list size too: found by name without diacritics.
    pick(page, "commune", "khanh binh", "Xã Khánh Bình (22615)")
    page.locator("#id_area-ts-control").fill("hon ro")
    options = page.locator("#id_area-ts-dropdown .option")
    found = options.filter(has_text="Thôn Hòn Rớ — Khánh Bình")
    found.wait_for()
    assert options.all_inner_texts() == ["Thôn Hòn Rớ — Khánh Bình"]  # not the other commune's
    found.click()

    page.locator("#id_name").fill("Tổ bảo vệ ANTT Hòn Rớ")
    page.locator("#id_force_type").select_option(label=demo.GRASSROOTS_TEAM)
    page.locator("#id_member_count").fill("5")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/registry/forces/*/")
    force = ForceUnit.objects.get(name="Tổ bảo vệ ANTT Hòn Rớ")
    assert force.area.name == "Thôn Hòn Rớ"

    page.goto(f"{page.live_server_url}/registry/forces/{force.pk}/edit/")
    assert page.locator("#id_area").input_value() == str(force.area_id)
    pick(page, "commune", "22651", "Xã Diên Khánh (22651)")  # or by its code
    assert page.locator("#id_area").input_value() == ""  # the area belonged to the other commune
