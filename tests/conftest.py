"""Shared fixtures: a small administrative tree, one user per role, the demo province, a browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from registry.models import AdministrativeUnit, UnitLevel

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "Mat-khau-thu-nghiem-2026"


def make_unit(
    code: str, name: str, level: str, parent: AdministrativeUnit | None = None
) -> AdministrativeUnit:
    kind = {UnitLevel.PROVINCE: "Tỉnh", UnitLevel.DISTRICT: "Huyện", UnitLevel.COMMUNE: "Xã"}[level]
    return AdministrativeUnit.objects.create(
        code=code, name=name, full_name=f"{kind} {name}", kind=kind, level=level, parent=parent
    )


@dataclass
class Tree:
    """Province 56 with two districts, two communes in the first and one in the second."""

    province: AdministrativeUnit
    district: AdministrativeUnit
    other_district: AdministrativeUnit
    commune: AdministrativeUnit
    sibling_commune: AdministrativeUnit
    other_commune: AdministrativeUnit
    other_province: AdministrativeUnit


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()


def build_tree() -> Tree:
    """The tree of the ``tree`` fixture, for fixtures of a wider scope (one tree per module)."""
    province = make_unit("56", "Khánh Hòa", UnitLevel.PROVINCE)
    district = make_unit("573", "Khánh Vĩnh", UnitLevel.DISTRICT, province)
    other_district = make_unit("574", "Diên Khánh", UnitLevel.DISTRICT, province)
    return Tree(
        province=province,
        district=district,
        other_district=other_district,
        commune=make_unit("22615", "Khánh Bình", UnitLevel.COMMUNE, district),
        sibling_commune=make_unit("22621", "Khánh Đông", UnitLevel.COMMUNE, district),
        other_commune=make_unit("22651", "Diên Khánh", UnitLevel.COMMUNE, other_district),
        other_province=make_unit("58", "Ninh Thuận", UnitLevel.PROVINCE),
    )


def make_user(username: str, role: str, scope: AdministrativeUnit | None) -> User:
    user = User(username=username, role=role, scope_unit=scope, first_name=username)
    user.set_password(PASSWORD)
    user.save()
    return user


@dataclass
class Users:
    admin: User
    province_staff: User
    commune_staff: User
    other_commune_staff: User
    reviewer: User
    other_reviewer: User
    leadership: User


@pytest.fixture
def users(tree: Tree) -> Users:
    return build_users(tree)


def build_users(tree: Tree) -> Users:
    return Users(
        admin=make_user("admin", Role.ADMIN, None),
        province_staff=make_user("tinh", Role.PROVINCE_STAFF, tree.province),
        commune_staff=make_user("xa", Role.COMMUNE_STAFF, tree.commune),
        other_commune_staff=make_user("xa2", Role.COMMUNE_STAFF, tree.other_commune),
        reviewer=make_user("huyen", Role.DISTRICT_REVIEWER, tree.district),
        other_reviewer=make_user("huyen2", Role.DISTRICT_REVIEWER, tree.other_district),
        leadership=make_user("lanhdao", Role.LEADERSHIP, tree.province),
    )



def unit_admin_form(unit: AdministrativeUnit, **changes: object) -> dict[str, object]:
    """The Django admin's change form of ``unit`` as posted, with ``changes``."""
    data = {
        "code": unit.code,
        "name": unit.name,
        "full_name": unit.full_name,
        "kind": unit.kind,
        "level": unit.level,
        "parent": unit.parent_id or "",
        "valid_from": "",
        "valid_to": "",
    }
    return data | changes

@pytest.fixture(scope="module")
def demo_province(django_db_setup, django_db_blocker):
    """Load the demo once for the module, inside a transaction rolled back at its end."""
    from certification.testing import ensure_criteria

    with django_db_blocker.unblock(), transaction.atomic():
        # Transactional tests of earlier runs may have flushed the criteria of the data migration.
        ensure_criteria()
        call_command("load_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


# --- Browser ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not executable:
        message = f"Không có Chromium tại {CHROMIUM}: cài bằng 'apt-get install -y chromium'."
        if os.environ.get("E2E_REQUIRED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium_browser, live_server) -> Iterator[object]:
    context = chromium_browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.live_server_url = live_server.url
    yield page
    context.close()


def browser_login(page, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{page.live_server_url}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


from tests.import_helpers import catalogues, fast_passwords  # noqa: E402, F401 - import tests' fixtures


def open_menu(page, group: str, item: str) -> None:
    """Follow a navigation entry: open its group's dropdown, then click the item."""
    nav = page.locator("#mainnav")
    nav.get_by_role("button", name=group).or_(nav.get_by_role("link", name=group, exact=True)).first.click()
    nav.get_by_role("link", name=item, exact=True).click()
    page.wait_for_load_state()
