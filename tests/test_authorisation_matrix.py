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

Some pages take their object from the query string (``params``/``out_params``, e.g. ``?unit=``)
or the POST body (``post_data``/``out_post_data``); the same rules hold for those ids.

Outside the scope the default is 404 where inside was a success, and the same answer otherwise
(a role that lacks the action gets its 403 whatever the object); ``get_out``/``post_out``
override it. Every outside case runs twice: with the objects in another province (outside every
scope but the administrator's) and in the province's other district (outside for commune staff
and the district reviewer only; province staff and leadership answer as inside).

The rules the expectations follow (not what the code happens to answer):
- anonymous → 302 to the login page (a URL that only takes POST answers a GET with 405 first);
- a role that lacks the action (VIEW, CHANGE, REVIEW, IMPORT of ``accounts.roles``) → 403;
- an object outside the user's scope → 404;
- an allowed GET → 200; an allowed POST with empty data → 200 with the form's errors, or a 302
  back to a page where a message says what went wrong (actions without a form of their own).

One world (tree, users, one object of each kind inside and outside the scope) serves the whole
module, and every request runs in a transaction that is rolled back: a POST that deletes or
approves something leaves the world as it was for the next request.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from certification.models import Attachment, CertificationRecord, State
from certification.testing import bulk_records, ensure_criteria
from movement.catalogues import seed_catalogues
from movement.models import (
    Campaign,
    CampaignKind,
    CampaignResult,
    Commendation,
    CommendationForm,
    Plan,
    PlanTarget,
    RecipientKind,
    ResultMetric,
)
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
from tests.conftest import Tree, Users, build_tree, build_users, make_unit

# Outcomes. LOGIN: 302 to the login page; REDIRECT: 302 anywhere else.
OK, MOVED, BAD_REQUEST, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 301, 400, 403, 404, 405
LOGIN, REDIRECT = "login", "redirect"
Expect = int | str

ROLES = ("anonymous", "admin", "province_staff", "commune_staff", "district_reviewer", "leadership")
STAFF_ROLES = ROLES[2:]
YEAR = 2025

# URL names outside the matrix, on purpose: the Django admin guards itself (is_staff, tested in
# test_foundation), set_language is Django's own language switch.
EXCLUDED_NAMESPACES = {"admin"}
EXCLUDED_NAMES = {"set_language"}


def roles(default: Expect, anonymous: Expect = LOGIN, **overrides: Expect) -> dict[str, Expect]:
    """Expected outcome for every role: ``default`` unless overridden (anonymous → login)."""
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {"anonymous": anonymous, **dict.fromkeys(ROLES[1:], default), **overrides}


def admin_only(anonymous: Expect = LOGIN, admin: Expect = OK) -> dict[str, Expect]:
    """The IMPORT action (bulk import, the change log): administrators only."""
    return roles(FORBIDDEN, anonymous=anonymous, admin=admin)


def changers(outcome: Expect) -> dict[str, Expect]:
    """The CHANGE action: administrators, province and commune staff; reviewers and leadership 403."""
    return roles(FORBIDDEN, admin=outcome, province_staff=outcome, commune_staff=outcome)


def reviewers(outcome: Expect) -> dict[str, Expect]:
    """The REVIEW action: administrators and district reviewers."""
    return roles(FORBIDDEN, admin=outcome, district_reviewer=outcome)


# A view behind require_POST (outermost) refuses a GET before it looks at who is asking.
POST_ONLY = roles(NOT_ALLOWED, anonymous=NOT_ALLOWED)


@dataclass(frozen=True)
class Entry:
    get: dict[str, Expect]
    post: dict[str, Expect]
    kwargs: Callable[[World], dict[str, Any]] | None = None  # object inside the scope
    out_kwargs: Callable[[World], dict[str, Any]] | None = None  # object outside the scope
    get_out: dict[str, Expect] | None = None
    post_out: dict[str, Expect] | None = None
    post_data: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    # Objects named in the query string (?unit=…) or the POST body, inside and outside the scope.
    params: Callable[[World], dict[str, Any]] | None = None
    out_params: Callable[[World], dict[str, Any]] | None = None
    out_post_data: Callable[[World], dict[str, Any]] | None = None
    # The kwargs name nothing that belongs to a scope (an entity's slug): no outside case.
    unscoped: bool = False

    @property
    def has_outside(self) -> bool:
        return any(f is not None for f in (self.out_kwargs, self.out_params, self.out_post_data))


def pk_of(attr: str) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"pk": getattr(w, attr).pk}


def unit_param(attr: str, **more: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"unit": getattr(w, attr).pk, **more}


def _registry_entity(name: str, attr: str, *, editable: bool = True) -> dict[str, Entry]:
    """The generic scoped views of registry.mixins: list, detail, and for editable kinds the forms."""
    inside, outside = pk_of(attr), pk_of(f"out_{attr}")
    entries = {
        # Class-based list and detail views answer only GET.
        f"registry:{name}_list": Entry(get=roles(OK), post=roles(NOT_ALLOWED)),
        f"registry:{name}_detail": Entry(
            kwargs=inside, out_kwargs=outside, get=roles(OK), post=roles(NOT_ALLOWED)
        ),
    }
    if editable:
        entries |= {
            # An empty POST re-renders the form with its errors.
            f"registry:{name}_create": Entry(get=changers(OK), post=changers(OK)),
            f"registry:{name}_update": Entry(
                kwargs=inside, out_kwargs=outside, get=changers(OK), post=changers(OK)
            ),
            # The confirmation page, then the deletion (or a message if rows still point at it).
            f"registry:{name}_delete": Entry(
                kwargs=inside, out_kwargs=outside, get=changers(OK), post=changers(REDIRECT)
            ),
        }
    return entries


def _movement_object(name: str, attr: str) -> dict[str, Entry]:
    """Plans, campaigns, commendations: list, detail, create, edit, delete."""
    inside, outside = pk_of(attr), pk_of(f"out_{attr}")
    return {
        # Function views that only read answer a POST like a GET.
        f"movement:{name}_list": Entry(get=roles(OK), post=roles(OK)),
        f"movement:{name}_detail": Entry(kwargs=inside, out_kwargs=outside, get=roles(OK), post=roles(OK)),
        f"movement:{name}_create": Entry(get=changers(OK), post=changers(OK)),
        f"movement:{name}_update": Entry(
            kwargs=inside, out_kwargs=outside, get=changers(OK), post=changers(OK)
        ),
        f"movement:{name}_delete": Entry(
            kwargs=inside, out_kwargs=outside, get=changers(OK), post=changers(REDIRECT)
        ),
    }


def _record_action(review: bool) -> Entry:
    """Workflow steps on a record (POST only): an empty POST is refused with a message on the record."""
    allowed = reviewers(REDIRECT) if review else changers(REDIRECT)
    return Entry(kwargs=pk_of("record"), out_kwargs=pk_of("out_record"), get=POST_ONLY, post=allowed)


MATRIX: dict[str, Entry] = {
    "home": Entry(get=roles(OK), post=roles(OK)),
    "login": Entry(get=roles(REDIRECT, anonymous=OK), post=roles(REDIRECT, anonymous=OK)),
    "logout": Entry(get=roles(NOT_ALLOWED, anonymous=NOT_ALLOWED), post=roles(LOGIN)),
    "healthz": Entry(get=roles(OK, anonymous=OK), post=roles(NOT_ALLOWED, anonymous=NOT_ALLOWED)),
    "favicon": Entry(get=roles(MOVED, anonymous=MOVED), post=roles(NOT_ALLOWED, anonymous=NOT_ALLOWED)),
    # --- Registry ---------------------------------------------------------------------------------
    "registry:unit_detail": Entry(
        kwargs=lambda w: {"pk": w.tree.commune.pk},
        out_kwargs=lambda w: {"pk": w.out_commune.pk},
        get=roles(OK),
        post=roles(OK),
    ),
    "registry:unit_list": Entry(get=roles(OK), post=roles(NOT_ALLOWED)),
    # The search behind long choice lists of the forms: editors only, and only rows of their scope
    # (a commune outside it finds nothing rather than a 404: it only narrows the search).
    "registry:lookup": Entry(
        kwargs=lambda w: {"name": "areas"},
        params=lambda w: {"commune": w.tree.commune.pk},
        out_params=lambda w: {"commune": w.out_commune.pk},
        get=changers(OK),
        get_out=changers(OK),
        post=roles(NOT_ALLOWED),
    ),
    **_registry_entity("area", "area"),
    **_registry_entity("organisation", "organisation"),
    **_registry_entity("committee", "committee"),
    **_registry_entity("force", "force"),
    **_registry_entity("model", "model"),
    # Reviews are written from their model's page.
    **_registry_entity("model_review", "review", editable=False),
    "registry:model_review_create": Entry(
        kwargs=pk_of("model"), out_kwargs=pk_of("out_model"), get=changers(OK), post=changers(OK)
    ),
    "registry:model_review_update": Entry(
        kwargs=pk_of("review"), out_kwargs=pk_of("out_review"), get=changers(OK), post=changers(OK)
    ),
    "registry:model_review_delete": Entry(
        kwargs=pk_of("review"), out_kwargs=pk_of("out_review"), get=changers(OK), post=changers(REDIRECT)
    ),
    # --- Movement ---------------------------------------------------------------------------------
    **_movement_object("plan", "plan"),
    **_movement_object("campaign", "campaign"),
    **_movement_object("commendation", "commendation"),
    # Revoking or deleting a commendation is for the province: commune staff may change it only.
    "movement:commendation_delete": Entry(
        kwargs=pk_of("commendation"),
        out_kwargs=pk_of("out_commendation"),
        get=roles(FORBIDDEN, admin=OK, province_staff=OK),
        post=roles(FORBIDDEN, admin=REDIRECT, province_staff=REDIRECT),
    ),
    "movement:commendation_revoke": Entry(
        kwargs=pk_of("commendation"),
        out_kwargs=pk_of("out_commendation"),
        get=roles(FORBIDDEN, admin=OK, province_staff=OK),
        post=roles(FORBIDDEN, admin=OK, province_staff=OK),
    ),
    # The summary of one's own unit: a redirect to the unit's page.
    "movement:my_summary": Entry(get=roles(REDIRECT), post=roles(REDIRECT)),
    "movement:unit_summary": Entry(
        kwargs=lambda w: {"pk": w.tree.commune.pk},
        out_kwargs=lambda w: {"pk": w.out_commune.pk},
        get=roles(OK),
        post=roles(OK),
    ),
    # --- Certification ----------------------------------------------------------------------------
    "certification:record_list": Entry(get=roles(OK), post=roles(OK)),
    # POST saves the dossier (every field optional: an empty one saves as it is and goes back).
    "certification:record_detail": Entry(
        kwargs=pk_of("record"), out_kwargs=pk_of("out_record"), get=roles(OK), post=changers(REDIRECT)
    ),
    "certification:record_submit": _record_action(review=False),
    "certification:record_approve": _record_action(review=True),
    "certification:record_reject": _record_action(review=True),
    "certification:record_revoke": _record_action(review=True),
    # A registration never submitted: GET asks to confirm, POST withdraws it.
    "certification:record_withdraw": Entry(
        kwargs=pk_of("record"), out_kwargs=pk_of("out_record"), get=changers(OK), post=changers(REDIRECT)
    ),
    "certification:certificate": Entry(
        kwargs=pk_of("approved_record"),
        out_kwargs=pk_of("out_approved_record"),
        get=roles(OK),
        post=roles(OK),
    ),
    "certification:attachment_upload": _record_action(review=False),
    "certification:attachment_download": Entry(
        kwargs=pk_of("attachment"), out_kwargs=pk_of("out_attachment"), get=roles(OK), post=roles(OK)
    ),
    "certification:attachment_delete": Entry(
        kwargs=pk_of("attachment"), out_kwargs=pk_of("out_attachment"), get=POST_ONLY, post=changers(REDIRECT)
    ),
    # The subject to register comes in the POST body: one outside the scope is a 404.
    "certification:register": Entry(
        get=changers(OK),
        get_out=changers(OK),
        post=changers(REDIRECT),
        post_data=lambda w: {"subject": "area", "pk": w.area.pk, "year": YEAR},
        out_post_data=lambda w: {"subject": "area", "pk": w.out_area.pk, "year": YEAR},
    ),
    "certification:register_all": Entry(
        get=POST_ONLY,
        post=changers(REDIRECT),
        post_data=lambda w: {"commune": w.tree.commune.pk, "year": YEAR},
        out_post_data=lambda w: {"commune": w.out_commune.pk, "year": YEAR},
    ),
    "certification:review_queue": Entry(get=reviewers(OK), post=reviewers(OK)),
    "certification:batch_approve": Entry(get=POST_ONLY, post=reviewers(REDIRECT)),
    "certification:status": Entry(
        params=unit_param("commune"), out_params=unit_param("out_commune"), get=roles(OK), post=roles(OK)
    ),
    "certification:status_subjects": Entry(
        params=unit_param("commune", kind="residential_area"),
        out_params=unit_param("out_commune", kind="residential_area"),
        get=roles(OK),
        post=roles(OK),
    ),
    "certification:status_export": Entry(
        params=unit_param("commune", kind="school"),
        out_params=unit_param("out_commune", kind="school"),
        get=roles(OK),
        post=roles(OK),
    ),
    # --- Dashboards (read-only, every role within its scope) --------------------------------------
    "dashboard:home": Entry(get=roles(REDIRECT), post=roles(REDIRECT)),
    # The whole country is outside every scope but the administrator's.
    "dashboard:country": Entry(get=roles(NOT_FOUND, admin=OK), post=roles(NOT_FOUND, admin=OK)),
    "dashboard:unit": Entry(
        kwargs=lambda w: {"pk": w.tree.commune.pk},
        out_kwargs=lambda w: {"pk": w.out_commune.pk},
        get=roles(OK),
        post=roles(OK),
    ),
    "dashboard:figure_list": Entry(
        params=unit_param("commune", figure="models", year=YEAR),
        out_params=unit_param("out_commune", figure="models", year=YEAR),
        get=roles(OK),
        post=roles(OK),
    ),
    "dashboard:annual_report": Entry(
        params=unit_param("commune", year=YEAR),
        out_params=unit_param("out_commune", year=YEAR),
        get=roles(OK),
        post=roles(OK),
    ),
    # --- Bulk import and export -------------------------------------------------------------------
    # An empty upload is answered with the form and its errors, as a 400.
    "dataio:index": Entry(get=admin_only(), post=admin_only(admin=BAD_REQUEST)),
    # Nothing pending to confirm: back to the import page with a message.
    "dataio:confirm": Entry(get=admin_only(admin=REDIRECT), post=admin_only(admin=REDIRECT)),
    "dataio:template": Entry(
        kwargs=lambda w: {"entity": "areas"}, unscoped=True, get=admin_only(), post=roles(NOT_ALLOWED)
    ),
    # Every role exports what it may see; below a unit outside the scope is a 404.
    "dataio:export": Entry(
        kwargs=lambda w: {"entity": "areas"},
        out_kwargs=lambda w: {"entity": "areas"},
        params=unit_param("commune"),
        out_params=unit_param("out_commune"),
        get=roles(OK),
        post=roles(NOT_ALLOWED),
    ),
    # --- Audit ------------------------------------------------------------------------------------
    "audit:change_list": Entry(get=admin_only(), post=admin_only()),
}


# --- The world: one object of each kind inside and outside the users' scopes ---------------------


@dataclass(repr=False)  # the default repr would list every object in failure reports
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
    record: CertificationRecord  # registered, its dossier still editable
    out_record: CertificationRecord
    approved_record: CertificationRecord
    out_approved_record: CertificationRecord
    attachment: Attachment
    out_attachment: Attachment
    plan: Plan
    out_plan: Plan
    campaign: Campaign
    out_campaign: Campaign
    commendation: Commendation
    out_commendation: Commendation
    sessions: dict[str, str] = field(default_factory=dict)  # role → session key
    clients: dict[str, Client] = field(default_factory=dict)
    # The same world, its out_* objects in the other district of province 56.
    other_district: World | None = None

    @property
    def commune(self) -> AdministrativeUnit:
        return self.tree.commune

    def user(self, role: str) -> User | None:
        return {
            "anonymous": None,
            "admin": self.users.admin,
            "province_staff": self.users.province_staff,
            "commune_staff": self.users.commune_staff,
            "district_reviewer": self.users.reviewer,
            "leadership": self.users.leadership,
        }[role]

    def client(self, role: str) -> Client:
        """A client logged in as ``role`` (a session made once for the module).

        One client per role for the whole module, its cookies reset before each use: a new client
        loads the middleware again, and WhiteNoise's walks every static file each time.
        """
        client = self.clients.setdefault(role, Client())
        client.cookies = SimpleCookie()
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        return client


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


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _certification_objects(registry: dict[str, Any], admin: User, suffix: str) -> dict[str, Any]:
    record, approved = bulk_records(
        [registry["area"], registry["organisation"]], YEAR, State.REGISTERED, admin
    )
    approved.state, approved.decided_by, approved.decision_number = State.APPROVED, admin, f"{suffix}/QĐ"
    approved.save()
    attachment = Attachment(
        record=record,
        original_name=f"to-trinh-{suffix}.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=admin,
    )
    attachment.file.save(f"to-trinh-{suffix}.pdf", ContentFile(PDF), save=True)
    return {"record": record, "approved_record": approved, "attachment": attachment}


def _movement_objects(registry: dict[str, Any], commune: AdministrativeUnit, suffix: str) -> dict[str, Any]:
    seed_catalogues(ResultMetric, CampaignKind, CommendationForm)
    plan = Plan.objects.create(
        number=f"{suffix}/KH-CAX",
        title="Phòng, chống trộm cắp",
        issuing_unit=commune,
        issued_on=datetime.date(YEAR, 2, 1),
        year_from=YEAR,
        year_to=YEAR,
    )
    PlanTarget.objects.create(plan=plan, indicator="models", scope_unit=commune, value=1)
    campaign = Campaign.objects.create(
        kind=CampaignKind.objects.order_by("pk").first(),
        name=f"Ngày hội {suffix}",
        plan=plan,
        start_date=datetime.date(YEAR, 8, 19),
        end_date=datetime.date(YEAR, 8, 19),
        place=commune,
    )
    CampaignResult.objects.create(
        campaign=campaign, metric=ResultMetric.objects.order_by("pk").first(), value=3
    )
    commendation = Commendation.objects.create(
        form=CommendationForm.objects.order_by("pk").first(),
        authority="Giám đốc Công an tỉnh",
        decision_number=f"{suffix}/QĐ-CAT",
        decision_date=datetime.date(YEAR, 9, 1),
        year=YEAR,
        recipient_kind=RecipientKind.COLLECTIVE,
        security_model=registry["model"],
        unit=commune,
    )
    return {"plan": plan, "campaign": campaign, "commendation": commendation}


def build_world(tree: Tree, users: Users) -> World:
    ensure_criteria()  # a transactional test earlier in the run may have flushed the seeded rows
    out_district = make_unit("582", "Ninh Hải", UnitLevel.DISTRICT, tree.other_province)
    out_commune = make_unit("22750", "Vĩnh Hải", UnitLevel.COMMUNE, out_district)
    places = {"": tree.commune, "out_": out_commune, "near_": tree.other_commune}
    objects: dict[str, dict[str, Any]] = {}
    for index, (prefix, commune) in enumerate(places.items(), start=1):
        registry = _registry_objects(commune, str(index))
        objects[prefix] = {
            **registry,
            **_certification_objects(registry, users.admin, str(index)),
            **_movement_objects(registry, commune, str(index)),
        }
    world = World(
        tree=tree,
        users=users,
        out_commune=out_commune,
        **objects[""],
        **{f"out_{name}": value for name, value in objects["out_"].items()},
    )
    # The same world with its "outside" objects in the province's other district.
    world.other_district = replace(
        world,
        out_commune=tree.other_commune,
        **{f"out_{name}": value for name, value in objects["near_"].items()},
    )
    for role in ROLES[1:]:
        client = Client()
        client.force_login(world.user(role))
        world.sessions[role] = client.session.session_key
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """One world for the module, rolled back at its end; uploads go to a temporary folder."""
    media = tmp_path_factory.mktemp("uploads")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        tree = build_tree()
        yield build_world(tree, build_users(tree))
        transaction.set_rollback(True)


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
        assert entry.out_kwargs is None or entry.kwargs is not None, f"{name}: out_kwargs without kwargs"
        assert entry.kwargs is None or entry.unscoped or entry.has_outside, (
            f"{name}: give both kwargs and out_kwargs"
        )
        assert (entry.params is None) == (entry.out_params is None), (
            f"{name}: give both params and out_params"
        )


def _outside(expected: dict[str, Expect]) -> dict[str, Expect]:
    return {
        role: (NOT_FOUND if role not in ("anonymous", "admin") and outcome in (OK, REDIRECT) else outcome)
        for role, outcome in expected.items()
    }


# Scoped to a district or a commune: an object in the province's other district is outside for them.
DISTRICT_BOUND_ROLES = ("commune_staff", "district_reviewer")


def _beside(inside: dict[str, Expect], outside: dict[str, Expect]) -> dict[str, Expect]:
    return {role: outside[role] if role in DISTRICT_BOUND_ROLES else inside[role] for role in ROLES}


def _check(response, expected: Expect) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response.url.startswith(resolve_url(settings.LOGIN_URL))
    if expected == REDIRECT:
        return response.status_code == 302 and not response.url.startswith(resolve_url(settings.LOGIN_URL))
    return response.status_code == expected


def _url(name: str, kwargs: dict[str, Any] | None, params: dict[str, Any] | None) -> str:
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{urlencode(params)}" if params else url


def answer(client: Client, method: str, url: str, data: dict[str, Any]):
    """One request whose writes are rolled back, so that the world stays the same for the next."""
    with transaction.atomic():
        try:
            response = client.get(url) if method == "GET" else client.post(url, data)
            if response.streaming:
                response.getvalue()  # read to the end: the client then closes the file
            return response
        finally:
            transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize("name", url_names())
def test_url_answers_each_role_as_declared(name: str, world: World):
    entry = MATRIX.get(name)
    if entry is None:
        pytest.fail(f"{name} chưa có trong MATRIX")
    inside = (entry.kwargs, entry.params, entry.post_data)
    outside = (
        entry.out_kwargs or entry.kwargs,
        entry.out_params or entry.params,
        entry.out_post_data or entry.post_data,
    )
    get_out, post_out = entry.get_out or _outside(entry.get), entry.post_out or _outside(entry.post)
    cases = [("trong phạm vi", world, inside, entry.get, entry.post)]
    if entry.has_outside:
        cases.append(("tỉnh khác", world, outside, get_out, post_out))
        # Province staff and leadership see the whole province: only the others are outside.
        cases.append(
            (
                "huyện khác",
                world.other_district,
                outside,
                _beside(entry.get, get_out),
                _beside(entry.post, post_out),
            )
        )
    failures = []
    for where, place, (make_kwargs, make_params, make_data), get_expected, post_expected in cases:
        kwargs = make_kwargs(place) if make_kwargs else None
        url = _url(name, kwargs, make_params(place) if make_params else None)
        for role in ROLES:
            client = world.client(role)
            for method, expected in (("GET", get_expected[role]), ("POST", post_expected[role])):
                try:
                    response = answer(client, method, url, make_data(place))
                except Exception as exc:  # a 500: report it with the others
                    failures.append(
                        f"{method} {url} ({where}) as {role}: expected {expected}, raised {exc!r}"
                    )
                    continue
                if not _check(response, expected):
                    failures.append(
                        f"{method} {url} ({where}) as {role}: expected {expected}, got {response.status_code}"
                        + (f" → {response.url}" if response.status_code == 302 else "")
                    )
    assert not failures, "\n".join(failures)
