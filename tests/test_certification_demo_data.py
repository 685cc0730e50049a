"""The full certification demo (as `make run` loads it) is data the workflow could have produced."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from django.utils import timezone

from certification.models import CertificationRecord, CriterionAssessment, State, SubjectKind, Transition
from certification.services import commune_rule

pytestmark = pytest.mark.django_db

FILED = [State.SUBMITTED, State.APPROVED, State.REJECTED, State.REVOKED]
EXPECTED_STEPS = {
    State.REGISTERED: [State.REGISTERED],
    State.SUBMITTED: [State.REGISTERED, State.SUBMITTED],
    State.APPROVED: [State.REGISTERED, State.SUBMITTED, State.APPROVED],
    State.REJECTED: [State.REGISTERED, State.SUBMITTED, State.REJECTED],
    State.REVOKED: [State.REGISTERED, State.SUBMITTED, State.APPROVED, State.REVOKED],
}


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
    communes = demo.filter(subject_kind=SubjectKind.COMMUNE, state__in=FILED)
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


def test_every_dossier_timeline_runs_forward_and_matches_its_history(demo):
    now = timezone.now()
    today = timezone.localdate()
    steps = defaultdict(list)
    for record_id, to_state, at in Transition.objects.order_by("at", "pk").values_list(
        "record_id", "to_state", "at"
    ):
        steps[record_id].append((to_state, at))
    problems = []
    for record in demo.only(
        "pk", "state", "registered_on", "meeting_date", "submitted_at", "decided_at", "commune__name"
    ):
        history = steps[record.pk]
        states = [state for state, _at in history]
        at = dict(history)
        local = [
            record.registered_on,
            record.meeting_date,
            record.submitted_at and timezone.localdate(record.submitted_at),
            record.decided_at and timezone.localdate(record.decided_at),
        ]
        dates = [d for d in local if d is not None]
        checks = {
            "fields in order": dates == sorted(dates) and dates[-1] <= today,
            "history in workflow order": states == EXPECTED_STEPS[record.state],
            "nothing after now": all(a <= now for _s, a in history),
            "registered on its day": timezone.localdate(at[State.REGISTERED]) == record.registered_on,
            "submitted when it says": at.get(State.SUBMITTED) == record.submitted_at,
            "decided when it says": at.get(State.APPROVED, at.get(State.REJECTED)) == record.decided_at,
        }
        problems += [(record.pk, record.state, name) for name, ok in checks.items() if not ok]
    assert problems == []


def test_every_demo_row_passes_todays_entry_rules(demo):
    from registry.checks import rule_problems

    assert [(p.model.__name__, p.label, p.messages) for p in rule_problems()] == []
