"""Who gets what, for EVERY URL of the app: generated from the URL resolver, declared per URL name.

Each URL name has an entry in ``MATRIX``: how to build its kwargs for an object inside and an
object outside the user's scope, and the expected outcome per role for GET and POST. A URL that
is added to the app without an entry here makes ``test_every_url_is_in_the_matrix`` fail.

Adding an entry (e.g. a commune-scoped detail page)::

    "registry:area_detail": Entry(
        kwargs=lambda w: {"pk": w.area.pk},          # inside every non-admin role's scope
        out_kwargs=lambda w: {"pk": w.out_area.pk},  # outside every non-admin role's scope
        get=roles(OK),                               # anonymous → login is the default
        post=roles(NOT_ALLOWED),
    ),

Outside the scope the default is 404 where inside was a success, and the same answer otherwise
(a role that lacks the action gets its 403 whatever the object); ``get_out``/``post_out``
override it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from registry.models import (
    AdministrativeUnit,
    AreaKind,
    EffectivenessClass,
    ForceType,
    ForceUnit,
    ModelReview,
    ModelType,
    Organisation,
    OrganisationCategory,
    OrganisationType,
    ResidentialArea,
    SecurityModel,
    SteeringCommittee,
    UnitLevel,
)
from tests.conftest import Tree, Users, make_unit

# Outcomes. LOGIN: 302 to the login page; REDIRECT: 302 anywhere else.
OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405
LOGIN, REDIRECT = "login", "redirect"
Expect = int | str

ROLES = ("anonymous", "admin", "province_staff", "commune_staff", "district_reviewer", "leadership")
STAFF_ROLES = ROLES[2:]

# URL names outside the matrix, on purpose: the Django admin guards itself (is_staff, tested in
# test_foundation), set_language is Django's own language switch.
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_NAMES = {"set_language"}


def roles(default: Expect, anonymous: Expect = LOGIN, **overrides: Expect) -> dict[str, Expect]:
    """Expected outcome for every role: ``default`` unless overridden (anonymous → login)."""
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], default), **overrides}


def admin_only(anonymous: Expect = LOGIN) -> dict[str, Expect]:
    return roles(FORBIDDEN, anonymous=anonymous, admin=OK)


@dataclass(frozen=True)
class Entry:
    get: dict[str, Expect]
    post: dict[str, Expect]
    kwargs: Callable[[World], dict[str, Any]] | None = None  # object inside the scope
    out_kwargs: Callable[[World], dict[str, Any]] | None = None  # object outside the scope
    get_out: dict[str, Expect] | None = None
    post_out: dict[str, Expect] | None = None
    post_data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})


MATRIX: dict[str, Entry] = {
    "home": Entry(get=roles(OK), post=roles(OK)),
    "login": Entry(get=roles(REDIRECT, anonymous=OK), post=roles(REDIRECT, anonymous=OK)),
    "logout": Entry(get=roles(NOT_ALLOWED, anonymous=NOT_ALLOWED), post=roles(LOGIN)),
    "healthz": Entry(get=roles(OK, anonymous=OK), post=roles(NOT_ALLOWED, anonymous=NOT_ALLOWED)),
    "registry:unit_detail": Entry(
        kwargs=lambda w: {"pk": w.tree.commune.pk},
        out_kwargs=lambda w: {"pk": w.out_commune.pk},
        get=roles(OK),
        post=roles(OK),
    ),
    "audit:change_list": Entry(get=admin_only(), post=admin_only()),
}


# --- The world: one object of each kind inside and outside the users' scopes ---------------------


@dataclass
class World:
    tree: Tree
    users: Users
    out_commune: AdministrativeUnit  # a commune of another province: outside every non-admin scope
    area: ResidentialArea
    out_area: ResidentialArea
    organisation: Organisation
    out_organisation: Organisation
    committee: SteeringCommittee
    out_committee: SteeringCommittee
    force: ForceUnit
    out_force: ForceUnit
    model: SecurityModel
    out_model: SecurityModel
    review: ModelReview
    out_review: ModelReview

    def user(self, role: str) -> User | None:
        return {
            "anonymous": None,
            "admin": self.users.admin,
            "province_staff": self.users.province_staff,
            "commune_staff": self.users.commune_staff,
            "district_reviewer": self.users.reviewer,
            "leadership": self.users.leadership,
        }[role]


def _registry_objects(commune: AdministrativeUnit, suffix: str) -> dict[str, Any]:
    kind, _ = AreaKind.objects.get_or_create(name="Thôn")
    org_type, _ = OrganisationType.objects.get_or_create(
        name="Trường THPT", defaults={"category": OrganisationCategory.SCHOOL}
    )
    force_type, _ = ForceType.objects.get_or_create(name="Tổ bảo vệ an ninh, trật tự")
    model_type, _ = ModelType.objects.get_or_create(name="Camera an ninh")
    good, _ = EffectivenessClass.objects.get_or_create(name="Tốt", defaults={"rank": 1})
    area = ResidentialArea.objects.create(commune=commune, kind=kind, name=f"Thôn {suffix}")
    model = SecurityModel.objects.create(
        commune=commune, area=area, name=f"Camera {suffix}", model_type=model_type
    )
    return {
        "area": area,
        "organisation": Organisation.objects.create(
            commune=commune, org_type=org_type, name=f"Trường {suffix}"
        ),
        "committee": SteeringCommittee.objects.create(
            commune=commune,
            decision_number=f"{suffix}/QĐ-UBND",
            decision_date=datetime.date(2025, 1, 15),
            head_name="Nguyễn Văn A",
            member_count=7,
        ),
        "force": ForceUnit.objects.create(
            commune=commune, area=area, name=f"Tổ ANTT {suffix}", force_type=force_type, member_count=5
        ),
        "model": model,
        "review": ModelReview.objects.create(
            model=model, reviewed_on=datetime.date(2025, 6, 30), kind="interim", effectiveness=good
        ),
    }


@pytest.fixture
def world(tree: Tree, users: Users) -> World:
    out_district = make_unit("582", "Ninh Hải", UnitLevel.DISTRICT, tree.other_province)
    out_commune = make_unit("22750", "Vĩnh Hải", UnitLevel.COMMUNE, out_district)
    inside = _registry_objects(tree.commune, "1")
    outside = {f"out_{k}": v for k, v in _registry_objects(out_commune, "2").items()}
    return World(tree=tree, users=users, out_commune=out_commune, **inside, **outside)


# --- Walking the URL resolver ------------------------------------------------------------------


def _walk(patterns: list, namespace: str = "", route: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace
            full_ns = f"{namespace}{ns}:" if ns else namespace
            if ns in EXCLUDED_NAMESPACES:
                continue
            yield from _walk(pattern.url_patterns, full_ns, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else f"<sans nom: {route}{pattern.pattern}>"
            yield name, route + str(pattern.pattern)


def url_names() -> list[str]:
    return sorted({name for name, _route in _walk(get_resolver().url_patterns) if name not in EXCLUDED_NAMES})


def test_every_url_is_in_the_matrix():
    missing = [name for name in url_names() if name not in MATRIX]
    assert not missing, (
        "URL chưa có trong ma trận phân quyền (thêm vào MATRIX trong tests/test_authorisation_matrix.py): "
        + ", ".join(missing)
    )


def test_matrix_has_no_stale_entries():
    stale = sorted(set(MATRIX) - set(url_names()))
    assert not stale, f"MATRIX names URLs that no longer exist: {', '.join(stale)}"


def test_every_entry_declares_every_role():
    for name, entry in MATRIX.items():
        for table in (entry.get, entry.post, entry.get_out or {}, entry.post_out or {}):
            if table:
                assert set(table) == set(ROLES), f"{name}: roles {set(ROLES) - set(table)} missing"
        assert (entry.kwargs is None) == (entry.out_kwargs is None), (
            f"{name}: give both kwargs and out_kwargs"
        )


def _outside(expected: dict[str, Expect]) -> dict[str, Expect]:
    return {
        role: (NOT_FOUND if role not in ("anonymous", "admin") and outcome in (OK, REDIRECT) else outcome)
        for role, outcome in expected.items()
    }


def _check(response, expected: Expect) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response.url.startswith(resolve_url(settings.LOGIN_URL))
    if expected == REDIRECT:
        return response.status_code == 302 and not response.url.startswith(resolve_url(settings.LOGIN_URL))
    return response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", url_names())
def test_url_answers_each_role_as_declared(name: str, world: World):
    entry = MATRIX.get(name)
    if entry is None:
        pytest.fail(f"{name} chưa có trong MATRIX")
    cases = [("trong phạm vi", entry.kwargs, entry.get, entry.post)]
    if entry.out_kwargs is not None:
        cases.append(
            (
                "ngoài phạm vi",
                entry.out_kwargs,
                entry.get_out or _outside(entry.get),
                entry.post_out or _outside(entry.post),
            )
        )
    failures = []
    for where, make_kwargs, get_expected, post_expected in cases:
        url = reverse(name, kwargs=make_kwargs(world) if make_kwargs else None)
        for role in ROLES:
            client = Client()
            user = world.user(role)
            if user is not None:
                client.force_login(user)
            for method, expected in (("GET", get_expected[role]), ("POST", post_expected[role])):
                response = client.get(url) if method == "GET" else client.post(url, entry.post_data(world))
                if not _check(response, expected):
                    failures.append(
                        f"{method} {url} ({where}) as {role}: expected {expected}, got {response.status_code}"
                        + (f" → {response.url}" if response.status_code == 302 else "")
                    )
    assert not failures, "\n".join(failures)
