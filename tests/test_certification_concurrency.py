"""Two reviewers deciding the same dossier at the same moment, on two real database connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from certification import services
from certification.models import CertificationRecord, State, Transition
from certification.services import CertificationError
from certification.testing import ensure_criteria, make_area, submitted
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)
YEAR = 2025


@pytest.fixture(autouse=True)
def criteria(settings):
    ensure_criteria()


def race(*decisions):
    """Run each decision in its own thread (so its own connection), released together."""
    barrier = threading.Barrier(len(decisions))
    outcomes: list[tuple[str, str]] = []
    lock = threading.Lock()

    def run(name, decide):
        try:
            barrier.wait(timeout=10)
            decide()
            result = (name, "ok")
        except CertificationError as exc:
            result = (name, str(exc))
        finally:
            connection.close()  # this thread's own connection
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(name, decide)) for name, decide in decisions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return dict(outcomes)


def test_approve_and_reject_at_once_exactly_one_wins(tree, users):
    second_reviewer = make_user("huyen_b", "district_reviewer", tree.district)
    record = submitted(make_area(tree.commune, "Thôn Tranh Chấp"), YEAR, users.commune_staff)
    # Both reviewers opened the page while the dossier was submitted.
    seen_a = CertificationRecord.objects.get(pk=record.pk)
    seen_b = CertificationRecord.objects.get(pk=record.pk)

    outcomes = race(
        ("approve", lambda: services.approve(seen_a, users.reviewer, decision_number="1/QĐ")),
        ("reject", lambda: services.reject(seen_b, second_reviewer, "Chưa đạt tiêu chí 3")),
    )

    winners = [name for name, outcome in outcomes.items() if outcome == "ok"]
    assert len(winners) == 1, outcomes
    loser = ({"approve", "reject"} - set(winners)).pop()
    assert outcomes[loser].startswith("Hồ sơ đã được người khác xử lý")
    record.refresh_from_db()
    assert record.state == (State.APPROVED if winners == ["approve"] else State.REJECTED)
    decisions = Transition.objects.filter(record=record, from_state=State.SUBMITTED)
    assert decisions.count() == 1


def test_two_approvals_at_once_record_one_decision(tree, users):
    second_reviewer = make_user("huyen_b", "district_reviewer", tree.district)
    record = submitted(make_area(tree.commune, "Thôn Hai Người Duyệt"), YEAR, users.commune_staff)
    seen = [CertificationRecord.objects.get(pk=record.pk) for _ in range(2)]

    outcomes = race(
        ("a", lambda: services.approve(seen[0], users.reviewer, decision_number="A/QĐ")),
        ("b", lambda: services.approve(seen[1], second_reviewer, decision_number="B/QĐ")),
    )

    assert sorted(o == "ok" for o in outcomes.values()) == [False, True], outcomes
    record.refresh_from_db()
    winner = users.reviewer if outcomes["a"] == "ok" else second_reviewer
    assert (record.state, record.decided_by) == (State.APPROVED, winner)
    assert record.decision_number == ("A/QĐ" if outcomes["a"] == "ok" else "B/QĐ")
    assert Transition.objects.filter(record=record, to_state=State.APPROVED).count() == 1
