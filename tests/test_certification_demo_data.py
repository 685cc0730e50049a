"""The full certification demo (as `make run` loads it) is data the workflow could have produced."""

from __future__ import annotations

from collections import Counter

import pytest

from certification.models import CertificationRecord, CriterionAssessment, State, SubjectKind
from certification.services import commune_rule

pytestmark = pytest.mark.django_db

DECIDED = [State.SUBMITTED, State.APPROVED, State.REJECTED, State.REVOKED]


@pytest.fixture
def demo(demo_province, db):
    return CertificationRecord.objects.select_related("commune")


def test_headline_figures_of_2025_are_the_reports(demo):
    approved = Counter(demo.filter(year=2025, state=State.APPROVED).values_list("subject_kind", flat=True))
    organisations = sum(approved[k] for k in (SubjectKind.AGENCY, SubjectKind.ENTERPRISE, SubjectKind.SCHOOL))
    assert approved[SubjectKind.RESIDENTIAL_AREA] == 950
    assert organisations == 1048
    assert approved[SubjectKind.COMMUNE] == 116


def test_no_commune_is_approved_while_its_rule_fails(demo):
    approved = demo.filter(subject_kind=SubjectKind.COMMUNE, state__in=[State.APPROVED, State.REVOKED])
    failing = [(r.year, str(r.commune)) for r in approved if not commune_rule(r.commune, r.year).met]
    assert failing == []


def test_computed_criterion_of_every_commune_dossier_holds_its_rule(demo):
    communes = demo.filter(subject_kind=SubjectKind.COMMUNE, state__in=DECIDED)
    stored = {
        a.record_id: a
        for a in CriterionAssessment.objects.filter(record__in=communes, criterion__computed=True)
    }
    assert len(stored) == communes.count()
    for record in communes:
        rule = commune_rule(record.commune, record.year)
        assert (stored[record.pk].met, stored[record.pk].note) == (rule.met, rule.summary()), record


def test_no_recognised_dossier_has_a_criterion_not_met(demo):
    recognised = demo.filter(state__in=[State.APPROVED, State.REVOKED])
    assert not CriterionAssessment.objects.filter(record__in=recognised, met=False).exists()
    rejected = demo.filter(state=State.REJECTED)
    assert set(rejected.values_list("pk", flat=True)) == set(
        CriterionAssessment.objects.filter(record__in=rejected, met=False).values_list("record_id", flat=True)
    )
