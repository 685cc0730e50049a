"""Criterion 4 of a commune: 100% of its areas and organisations registered, ≥70% recognised."""

from __future__ import annotations

import pytest

from certification import services
from certification.models import CriterionAssessment, State
from certification.testing import bulk_records, ensure_criteria, fill_dossier, make_area, make_org

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture(autouse=True)
def criteria(db, settings):
    ensure_criteria()


@pytest.fixture
def commune_subjects(tree):
    """7 active areas, 1 closed area, 3 eligible organisations, 1 kindergarten outside the circular."""
    areas = [make_area(tree.commune, f"Thôn {i}") for i in range(1, 8)]
    make_area(tree.commune, "Thôn đã giải thể", active=False)
    orgs = [
        make_org(tree.commune, "UBND xã", "agency"),
        make_org(tree.commune, "Công ty Thủy điện", "enterprise"),
        make_org(tree.commune, "Trường THCS", "school"),
    ]
    make_org(tree.commune, "Trường mầm non", "school", subject=False)
    make_area(tree.sibling_commune, "Thôn xã khác")  # another commune: never counted
    return areas + orgs  # 10 eligible subjects


def test_seven_of_ten_registered_and_approved_meets_the_rule(tree, users, commune_subjects):
    bulk_records(commune_subjects[:7], YEAR, State.APPROVED, users.commune_staff)
    bulk_records(commune_subjects[7:], YEAR, State.REJECTED, users.commune_staff)
    rule = services.commune_rule(tree.commune, YEAR)
    assert (rule.eligible, rule.registered, rule.approved) == (10, 10, 7)
    assert rule.met
    assert "7/10 (70,0%)" in rule.summary()


def test_six_of_ten_approved_is_not_enough(tree, users, commune_subjects):
    bulk_records(commune_subjects[:6], YEAR, State.APPROVED, users.commune_staff)
    bulk_records(commune_subjects[6:], YEAR, State.SUBMITTED, users.commune_staff)
    rule = services.commune_rule(tree.commune, YEAR)
    assert (rule.eligible, rule.registered, rule.approved) == (10, 10, 6)
    assert not rule.met


def test_all_approved_but_one_unregistered_fails(tree, users, commune_subjects):
    bulk_records(commune_subjects[:9], YEAR, State.APPROVED, users.commune_staff)
    rule = services.commune_rule(tree.commune, YEAR)
    assert (rule.eligible, rule.registered, rule.approved) == (10, 9, 9)
    assert not rule.all_registered and not rule.met


def test_other_years_and_revoked_records_do_not_count(tree, users, commune_subjects):
    bulk_records(commune_subjects, YEAR - 1, State.APPROVED, users.commune_staff)
    bulk_records(commune_subjects[:7], YEAR, State.REVOKED, users.commune_staff)
    bulk_records(commune_subjects[7:], YEAR, State.APPROVED, users.commune_staff)
    rule = services.commune_rule(tree.commune, YEAR)
    assert (rule.eligible, rule.registered, rule.approved) == (10, 10, 3)
    assert not rule.met
    assert services.commune_rule(tree.commune, YEAR - 1).met


def test_commune_without_subjects_does_not_meet_the_rule(tree):
    assert not services.commune_rule(tree.other_commune, YEAR).met


def test_rule_fills_the_computed_criterion_of_the_commune_dossier(tree, users, commune_subjects):
    bulk_records(commune_subjects[:8], YEAR, State.APPROVED, users.commune_staff)
    bulk_records(commune_subjects[8:], YEAR, State.REGISTERED, users.commune_staff)
    record = services.register(tree.commune, YEAR, users.commune_staff)
    fill_dossier(record, users.commune_staff)
    computed = CriterionAssessment.objects.get(record=record, criterion__computed=True)
    assert computed.met is True
    assert "8/10" in computed.note


def test_rule_runs_a_constant_number_of_queries(tree, users, commune_subjects, django_assert_num_queries):
    bulk_records(commune_subjects, YEAR, State.APPROVED, users.commune_staff)
    with django_assert_num_queries(2):
        services.commune_rule(tree.commune, YEAR)
