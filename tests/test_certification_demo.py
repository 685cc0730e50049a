"""The certification demo: proportions of the real report, a queue for huyen, idempotent and deterministic."""

from __future__ import annotations

from collections import Counter

import pytest

from certification import demo
from certification.models import CertificationRecord, State, SubjectKind, Transition
from certification.testing import area_kind, ensure_criteria, org_type
from registry.management.commands.load_demo import DEMO_MODULES
from registry.models import Organisation, ResidentialArea

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup(db, settings):
    ensure_criteria()


@pytest.fixture
def registry(tree):
    """120 areas and 40 organisations over the three communes of the test province."""
    communes = [tree.commune, tree.sibling_commune, tree.other_commune]
    kind = area_kind()
    ResidentialArea.objects.bulk_create(
        ResidentialArea(commune=communes[i % 3], name=f"Thôn {i:03d}", kind=kind) for i in range(120)
    )
    ResidentialArea.objects.create(commune=tree.commune, name="Thôn đã giải thể", kind=kind, is_active=False)
    types = [org_type("agency"), org_type("enterprise"), org_type("school")]
    Organisation.objects.bulk_create(
        Organisation(commune=communes[i % 3], name=f"Đơn vị {i:02d}", org_type=types[i % 3])
        for i in range(40)
    )
    Organisation.objects.create(
        commune=tree.commune, name="Mầm non", org_type=org_type("school", subject=False)
    )
    return tree


def snapshot() -> list[tuple]:
    return sorted(
        CertificationRecord.objects.values_list(
            "year", "subject_kind", "commune_id", "area_id", "organisation_id", "state"
        )
    )


def test_real_figures_are_reproduced_and_communes_scaled():
    assert demo.approved_count(978, (950, 978)) == 950
    assert demo.approved_count(1063, (1048, 1063)) == 1048
    # 145/164 cannot be reached with 132 communes: the same proportion, rounded down.
    assert demo.approved_count(132, (145, 164)) == 116


def test_demo_approves_the_report_share_of_whatever_the_registry_holds(registry, users):
    demo.load()
    records = CertificationRecord.objects.filter(year=2025)
    assert records.filter(area__isnull=False).count() == 120  # the closed area is not a subject
    approved = Counter(records.filter(state=State.APPROVED).values_list("subject_kind", flat=True))
    assert approved[SubjectKind.RESIDENTIAL_AREA] == 120 * 950 // 978 == 116
    orgs_approved = sum(approved[k] for k in (SubjectKind.AGENCY, SubjectKind.ENTERPRISE, SubjectKind.SCHOOL))
    assert orgs_approved == 40 * 1048 // 1063 == 39
    assert approved[SubjectKind.COMMUNE] == 3 * 145 // 164 == 2
    assert not records.filter(organisation__org_type__subject_to_certification=False).exists()


def test_demo_leaves_a_queue_in_khanh_vinh_and_registered_dossiers_in_khanh_binh(registry, users):
    demo.load()
    queue = CertificationRecord.objects.reviewable_by(users.reviewer).filter(state=State.SUBMITTED, year=2025)
    assert queue.exists()
    assert all(r.commune.path.startswith("56/573/") for r in queue)
    assert all(r.submitted_by != users.reviewer for r in queue)
    mine = CertificationRecord.objects.editable_by(users.commune_staff).filter(
        state=State.REGISTERED, year=2025
    )
    assert mine.exists()


def test_demo_has_decided_history_for_2024_with_one_revocation(registry, users):
    demo.load()
    history = CertificationRecord.objects.filter(year=2024)
    assert history.count() == 120 + 40 + 3
    assert not history.filter(state__in=[State.SUBMITTED, State.REGISTERED]).exists()
    revoked = history.filter(state=State.REVOKED)
    assert revoked.exists()
    steps = Transition.objects.filter(record=revoked.first()).order_by("at")
    assert [s.to_state for s in steps] == [State.REGISTERED, State.SUBMITTED, State.APPROVED, State.REVOKED]
    assert steps.first().at.year == 2024


def test_demo_is_idempotent_and_deterministic(registry, users):
    demo.load()
    first = snapshot()
    transitions = Transition.objects.count()
    demo.load()
    assert snapshot() == first
    assert Transition.objects.count() == transitions
    CertificationRecord.objects.all().delete()
    demo.load()
    assert snapshot() == first


def test_demo_without_registry_data_does_nothing_harmful(tree, users):
    lines = demo.load()
    assert len(lines) == 2
    assert CertificationRecord.objects.filter(subject_kind=SubjectKind.COMMUNE).count() == 3 * 2


def test_demo_approves_no_commune_whose_rule_fails_even_below_the_report_share(tree, users):
    # Communes without areas or organisations can never meet "100% registered, ≥70% recognised".
    demo.load()
    communes = CertificationRecord.objects.filter(subject_kind=SubjectKind.COMMUNE)
    assert not communes.filter(state__in=[State.APPROVED, State.REVOKED]).exists()
    rejected = communes.filter(state=State.REJECTED)
    assert rejected.exists()
    assert {r.reason for r in rejected} == {demo.COMMUNE_RULE_REASON}


def test_demo_runs_after_the_registry_demo():
    assert DEMO_MODULES.index("certification.demo") == DEMO_MODULES.index("registry.demo") + 1
