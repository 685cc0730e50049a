"""The certification workflow in services.py: every allowed and forbidden move, roles and scope."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from certification import services
from certification.models import (
    CertificationRecord,
    CriteriaSet,
    Criterion,
    CriterionAssessment,
    State,
    SubjectKind,
    Transition,
)
from certification.services import CertificationError
from certification.testing import bulk_records, ensure_criteria, fill_dossier, make_area, make_org, submitted

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture(autouse=True)
def criteria(db, settings):
    ensure_criteria()


@pytest.fixture
def area(tree):
    return make_area(tree.commune, "Thôn Suối Cá")


def states(record: CertificationRecord) -> list[tuple[str, str]]:
    return list(record.transitions.values_list("from_state", "to_state"))


# --- Criteria as data ----------------------------------------------------------------------------


def test_criteria_sets_are_seeded_for_three_years_with_circular_counts():
    for year in (2024, 2025, 2026):
        counts = {s.subject_kind: s.criteria.count() for s in CriteriaSet.objects.filter(year=year)}
        assert counts[SubjectKind.RESIDENTIAL_AREA] == 5
        assert counts[SubjectKind.COMMUNE] == 4
        assert counts[SubjectKind.SCHOOL] == 6
        assert counts[SubjectKind.AGENCY] >= 4 and counts[SubjectKind.ENTERPRISE] >= 4
    computed = Criterion.objects.filter(criteria_set__year=2025, computed=True)
    assert [c.criteria_set.subject_kind for c in computed] == [SubjectKind.COMMUNE]
    assert computed.get().code == "4"
    assert Criterion.objects.filter(criteria_set__year=2025, confirmed=False).exists()


def test_province_specific_criterion_applies_only_in_that_province(tree, area, users):
    criteria_set = CriteriaSet.objects.get(subject_kind=SubjectKind.RESIDENTIAL_AREA, year=YEAR)
    Criterion.objects.create(
        criteria_set=criteria_set, code="KH1", text="Có camera an ninh", order=9, province=tree.province
    )
    Criterion.objects.create(
        criteria_set=criteria_set, code="NT1", text="Riêng Ninh Thuận", order=9, province=tree.other_province
    )
    record = services.register(area, YEAR, users.commune_staff)
    codes = [c.code for c in services.criteria_for(record)]
    assert codes == ["1", "2", "3", "4", "5", "KH1"]


def test_admin_copies_last_years_criteria_to_the_next_year_once(client, tree, area, users):
    # A 2027 dossier has no criteria until the administrator starts 2027 from the 2026 sets.
    record = services.register(area, 2026, users.commune_staff)
    record.year = 2027
    assert services.criteria_for(record) == []
    area_2026 = CriteriaSet.objects.get(subject_kind=SubjectKind.RESIDENTIAL_AREA, year=2026)
    Criterion.objects.create(
        criteria_set=area_2026, code="KH1", text="Có camera an ninh", order=9, province=tree.province
    )
    client.force_login(users.admin)
    sets_2026 = list(CriteriaSet.objects.filter(year=2026).values_list("pk", flat=True))
    changelist = reverse("admin:certification_criteriaset_changelist")
    post = {"action": "copy_to_next_year", "_selected_action": sets_2026}

    response = client.post(changelist, post, follow=True)

    assert "Đã tạo bộ tiêu chí năm 2027" in response.content.decode()
    copied = CriteriaSet.objects.get(subject_kind=SubjectKind.RESIDENTIAL_AREA, year=2027)
    assert list(copied.criteria.values_list("code", "text", "province")) == list(
        area_2026.criteria.values_list("code", "text", "province")
    )
    assert [c.code for c in services.criteria_for(record)] == ["1", "2", "3", "4", "5", "KH1"]
    commune_2027 = CriteriaSet.objects.get(subject_kind=SubjectKind.COMMUNE, year=2027)
    assert list(commune_2027.criteria.filter(computed=True).values_list("code", flat=True)) == ["4"]
    assert copied.criteria.first().history.get().history_user == users.admin

    again = client.post(changelist, post, follow=True)

    assert "Năm 2027 đã có bộ tiêu chí, giữ nguyên" in again.content.decode()
    assert CriteriaSet.objects.filter(year=2027).count() == len(sets_2026)
    assert copied.criteria.count() == 6


def test_only_administrators_copy_criteria_sets(client, users):
    client.force_login(users.province_staff)
    sets_2026 = list(CriteriaSet.objects.filter(year=2026).values_list("pk", flat=True))
    response = client.post(
        reverse("admin:certification_criteriaset_changelist"),
        {"action": "copy_to_next_year", "_selected_action": sets_2026},
    )
    assert response.status_code in (302, 403)
    assert not CriteriaSet.objects.filter(year=2027).exists()


def test_approved_dossier_message_says_it_is_locked_and_revocation_is_final(area, users):
    record = submitted(area, YEAR, users.commune_staff)
    record = services.approve(record, users.reviewer, decision_number="12/QĐ-BCĐ")
    with pytest.raises(CertificationError, match="được khóa"):
        services.save_dossier(
            record, users.commune_staff, assessments={}, meeting_date=None, submission_number=""
        )


# --- Registration --------------------------------------------------------------------------------


def test_register_sets_kind_period_and_history(area, users):
    record = services.register(area, YEAR, users.commune_staff)
    assert record.state == State.REGISTERED
    assert record.subject_kind == SubjectKind.RESIDENTIAL_AREA
    assert (record.period_start, record.period_end) == (
        datetime.date(2024, 11, 1),
        datetime.date(2025, 10, 31),
    )
    step = record.transitions.get()
    assert (step.from_state, step.to_state, step.by) == ("", State.REGISTERED, users.commune_staff)


def test_organisation_and_commune_periods_run_16_november_to_15_november(tree, users):
    school = make_org(tree.commune, "Trường THCS Khánh Bình", "school")
    for subject in (school, tree.commune):
        record = services.register(subject, YEAR, users.commune_staff)
        assert (record.period_start, record.period_end) == (
            datetime.date(2024, 11, 16),
            datetime.date(2025, 11, 15),
        )
    assert CertificationRecord.objects.get(organisation=school).subject_kind == SubjectKind.SCHOOL


def test_registering_twice_is_refused(area, users):
    services.register(area, YEAR, users.commune_staff)
    with pytest.raises(CertificationError, match="đã đăng ký"):
        services.register(area, YEAR, users.province_staff)
    assert CertificationRecord.objects.count() == 1


def test_subjects_outside_the_circular_cannot_register(tree, users):
    small_business = make_org(tree.commune, "Hộ kinh doanh nhỏ", "enterprise", subject=False)
    with pytest.raises(CertificationError, match="không thuộc diện"):
        services.register(small_business, YEAR, users.commune_staff)
    closed = make_area(tree.commune, "Thôn đã sáp nhập", active=False)
    with pytest.raises(CertificationError):
        services.register(closed, YEAR, users.commune_staff)
    with pytest.raises(CertificationError):
        services.register(tree.district, YEAR, users.province_staff)


def test_commune_staff_cannot_register_another_commune(tree, users):
    other = make_area(tree.other_commune, "Thôn khác")
    with pytest.raises(Http404):
        services.register(other, YEAR, users.commune_staff)


def test_reviewer_and_leadership_cannot_register(area, users):
    for user in (users.reviewer, users.leadership):
        with pytest.raises(PermissionDenied):
            services.register(area, YEAR, user)


def test_register_all_eligible_registers_areas_organisations_and_commune_once(tree, users):
    for name in ("Thôn 1", "Thôn 2", "Thôn 3"):
        make_area(tree.commune, name)
    make_area(tree.commune, "Thôn cũ", active=False)
    make_org(tree.commune, "UBND xã", "agency")
    make_org(tree.commune, "Trường mầm non", "school", subject=False)
    make_area(tree.sibling_commune, "Thôn xã bên")
    already = services.register(
        tree.commune.residentialarea_set.get(name="Thôn 1"), YEAR, users.commune_staff
    )

    report = services.register_all_eligible(tree.commune, YEAR, users.commune_staff)

    assert len(report.created) == 4  # Thôn 2, Thôn 3, UBND xã, the commune itself
    assert report.skipped == 1
    records = CertificationRecord.objects.filter(year=YEAR)
    assert records.count() == 5
    assert records.filter(subject_kind=SubjectKind.COMMUNE, commune=tree.commune).count() == 1
    assert not records.filter(commune=tree.sibling_commune).exists()
    assert Transition.objects.filter(record__in=records, to_state=State.REGISTERED).count() == 5
    assert already.transitions.count() == 1
    again = services.register_all_eligible(tree.commune, YEAR, users.commune_staff)
    assert (len(again.created), again.skipped) == (0, 5)


# --- Dossier and transitions ---------------------------------------------------------------------


def test_full_path_register_submit_approve(area, users):
    record = services.register(area, YEAR, users.commune_staff)
    fill_dossier(record, users.commune_staff)
    record = services.submit(record, users.commune_staff)
    assert (record.state, record.submitted_by) == (State.SUBMITTED, users.commune_staff)
    record = services.approve(record, users.reviewer, "Đủ điều kiện", decision_number="12/QĐ-BCĐ")
    assert record.state == State.APPROVED
    assert (record.decided_by, record.decision_number) == (users.reviewer, "12/QĐ-BCĐ")
    assert [t for t in states(record) if t[0] != t[1]] == [
        ("", State.REGISTERED),
        (State.REGISTERED, State.SUBMITTED),
        (State.SUBMITTED, State.APPROVED),
    ]


def test_submit_requires_a_complete_dossier(area, users):
    record = services.register(area, YEAR, users.commune_staff)
    with pytest.raises(CertificationError, match="chưa đủ"):
        services.submit(record, users.commune_staff)
    record.refresh_from_db()
    assert record.state == State.REGISTERED


def test_rejection_needs_a_reason_and_allows_resubmission(area, users):
    record = submitted(area, YEAR, users.commune_staff)
    with pytest.raises(CertificationError, match="lý do"):
        services.reject(record, users.reviewer, "  ")
    record = services.reject(record, users.reviewer, "Thiếu biên bản họp")
    assert (record.state, record.reason) == (State.REJECTED, "Thiếu biên bản họp")
    fill_dossier(record, users.commune_staff)  # a rejected dossier can be corrected
    record = services.resubmit(record, users.commune_staff)
    assert record.state == State.SUBMITTED
    assert record.transitions.filter(from_state=State.REJECTED, to_state=State.SUBMITTED).exists()


def test_resubmit_only_after_rejection(area, users):
    record = services.register(area, YEAR, users.commune_staff)
    fill_dossier(record, users.commune_staff)
    with pytest.raises(CertificationError, match="nộp lại"):
        services.resubmit(record, users.commune_staff)


def test_nobody_can_approve_their_own_submission(area, users):
    record = submitted(area, YEAR, users.admin)
    with pytest.raises(CertificationError, match="chính mình"):
        services.approve(record, users.admin, decision_number="1/QĐ")
    record.refresh_from_db()
    assert record.state == State.SUBMITTED
    services.approve(record, users.reviewer, decision_number="1/QĐ")


def test_approval_needs_a_decision_number(area, users):
    record = submitted(area, YEAR, users.commune_staff)
    with pytest.raises(CertificationError, match="số quyết định"):
        services.approve(record, users.reviewer, decision_number=" ")


def test_approval_refuses_a_decision_number_longer_than_its_field(area, users):
    record = submitted(area, YEAR, users.commune_staff)
    with pytest.raises(CertificationError, match=r"quá dài \(tối đa 50 ký tự\)"):
        services.approve(record, users.reviewer, decision_number="1" * 51)
    record.refresh_from_db()
    assert (record.state, record.decision_number) == (State.SUBMITTED, "")
    services.approve(record, users.reviewer, decision_number="1" * 50)


def test_revocation_only_from_approved_with_reason_and_shows_in_history(area, users):
    record = submitted(area, YEAR, users.commune_staff)
    with pytest.raises(CertificationError, match="Không thể chuyển"):
        services.revoke(record, users.reviewer, "Gian dối")
    record = services.approve(record, users.reviewer, decision_number="5/QĐ")
    with pytest.raises(CertificationError, match="lý do"):
        services.revoke(record, users.reviewer, "")
    with pytest.raises(PermissionDenied):
        services.revoke(record, users.province_staff, "Gian dối")
    record = services.revoke(record, users.reviewer, "Hồ sơ không trung thực")
    last = record.transitions.last()
    assert (last.from_state, last.to_state, last.by, last.reason) == (
        State.APPROVED,
        State.REVOKED,
        users.reviewer,
        "Hồ sơ không trung thực",
    )


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (State.REGISTERED, {"submit"}),
        (State.SUBMITTED, {"approve", "reject"}),
        (State.REJECTED, {"submit"}),
        (State.APPROVED, {"revoke"}),
        (State.REVOKED, set()),
    ],
)
def test_every_forbidden_transition_raises_a_vietnamese_error(tree, users, state, allowed):
    area = make_area(tree.commune, f"Thôn {state}")
    record = services.register(area, YEAR, users.commune_staff)
    fill_dossier(record, users.commune_staff)
    CertificationRecord.objects.filter(pk=record.pk).update(state=state, submitted_by=users.commune_staff)
    record.refresh_from_db()
    steps = {
        "submit": lambda r: services.submit(r, users.province_staff),
        "approve": lambda r: services.approve(r, users.reviewer, decision_number="9/QĐ"),
        "reject": lambda r: services.reject(r, users.reviewer, "Lý do"),
        "revoke": lambda r: services.revoke(r, users.reviewer, "Lý do"),
    }
    for name, step in steps.items():
        fresh = CertificationRecord.objects.get(pk=record.pk)
        if name in allowed:
            step(fresh)
        else:
            with pytest.raises(CertificationError, match=r"Không thể chuyển|nộp lại"):
                step(fresh)
            assert CertificationRecord.objects.get(pk=record.pk).state == state
        # Put the state back for the next attempt.
        CertificationRecord.objects.filter(pk=record.pk).update(state=state)


def test_approved_record_cannot_be_edited_until_revoked(area, users):
    record = submitted(area, YEAR, users.commune_staff)
    with pytest.raises(CertificationError, match="không thể sửa"):
        fill_dossier(record, users.commune_staff)  # submitted: waiting for the reviewer
    record = services.approve(record, users.reviewer, decision_number="3/QĐ")
    with pytest.raises(CertificationError, match="thu hồi"):
        fill_dossier(record, users.commune_staff)
    record.refresh_from_db()
    assert record.submission_number == f"{record.pk}/TTr"


def test_reviewer_of_another_district_cannot_decide(area, users):
    record = submitted(area, YEAR, users.commune_staff)
    with pytest.raises(Http404):
        services.approve(record, users.other_reviewer, decision_number="1/QĐ")
    with pytest.raises(PermissionDenied):
        services.approve(record, users.province_staff, decision_number="1/QĐ")
    with pytest.raises(PermissionDenied):
        services.reject(record, users.leadership, "Không")


def test_stale_state_is_reported_as_handled_by_someone_else(area, users):
    record = submitted(area, YEAR, users.commune_staff)
    seen_by_second = CertificationRecord.objects.get(pk=record.pk)
    services.approve(record, users.reviewer, decision_number="1/QĐ")
    with pytest.raises(CertificationError, match="Hồ sơ đã được người khác xử lý"):
        services.reject(seen_by_second, users.admin, "Chưa đạt")


def test_batch_approval_reports_each_record(tree, users):
    ok = submitted(make_area(tree.commune, "Thôn A"), YEAR, users.commune_staff)
    own = submitted(make_area(tree.commune, "Thôn B"), YEAR, users.admin)
    result = services.approve_many([ok, own], users.admin, decision_number="7/QĐ")
    assert [r.pk for r in result.approved] == [ok.pk]
    assert len(result.failed) == 1 and "chính mình" in result.failed[0][1]


# --- Recognition needs every criterion --------------------------------------------------------------


@pytest.fixture
def commune_of_ten(tree, users):
    """10 areas of the commune: 7 approved, 3 waiting; the commune's dossier submitted (rule met then)."""
    areas = [make_area(tree.commune, f"Thôn {i:02d}") for i in range(10)]
    bulk_records(areas[:7], YEAR, State.APPROVED, users.admin)
    bulk_records(areas[7:], YEAR, State.SUBMITTED, users.admin, submitted_by=users.commune_staff)
    commune = submitted(tree.commune, YEAR, users.commune_staff)
    return commune, areas


def computed_assessment(record: CertificationRecord) -> CriterionAssessment:
    return CriterionAssessment.objects.get(record=record, criterion__computed=True)


def test_commune_is_not_recognised_when_its_rule_fails_at_approval(commune_of_ten, users):
    commune, areas = commune_of_ten
    assert computed_assessment(commune).met is True  # frozen at submission: 7/10
    CertificationRecord.objects.filter(area=areas[0]).update(state=State.REVOKED)  # 6/10 now

    with pytest.raises(CertificationError) as refused:
        services.approve(commune, users.reviewer, decision_number="30/QĐ")

    message = str(refused.value)
    assert message.startswith("Chưa thể công nhận hồ sơ này.")
    assert services.commune_rule(commune.commune, YEAR).summary() in message
    assert "6/10 (60,0%) — chưa đạt" in message
    commune.refresh_from_db()
    assert (commune.state, commune.decision_number, commune.decided_by) == (State.SUBMITTED, "", None)


def test_commune_approval_refreezes_the_computed_criterion_with_the_live_count(commune_of_ten, users):
    commune, areas = commune_of_ten
    CertificationRecord.objects.filter(area__in=areas[7:]).update(state=State.APPROVED)  # 10/10 now

    record = services.approve(commune, users.reviewer, decision_number="31/QĐ")

    assert record.state == State.APPROVED
    frozen = computed_assessment(record)
    assert frozen.met is True and "10/10 (100,0%) — đạt" in frozen.note
    assert frozen.history.latest().history_user == users.reviewer


def test_commune_failing_its_rule_at_submission_is_recognised_once_the_rule_holds(tree, users):
    areas = [make_area(tree.commune, f"Thôn {i:02d}") for i in range(10)]
    bulk_records(areas[:6], YEAR, State.APPROVED, users.admin)
    bulk_records(areas[6:], YEAR, State.SUBMITTED, users.admin, submitted_by=users.commune_staff)
    commune = submitted(tree.commune, YEAR, users.commune_staff)
    assert computed_assessment(commune).met is False
    with pytest.raises(CertificationError, match="6/10"):
        services.approve(commune, users.reviewer, decision_number="32/QĐ")

    CertificationRecord.objects.filter(area=areas[6]).update(state=State.APPROVED)
    services.approve(commune, users.reviewer, decision_number="32/QĐ")

    assert computed_assessment(commune).met is True


def test_dossier_with_a_criterion_assessed_as_not_met_is_not_recognised(area, users):
    record = services.register(area, YEAR, users.commune_staff)
    criteria = services.criteria_for(record)
    services.save_dossier(
        record,
        users.commune_staff,
        assessments={c.pk: (c.code != "3", "") for c in criteria},
        meeting_date=datetime.date(YEAR, 11, 5),
        submission_number="1/TTr",
    )
    record = services.submit(record, users.commune_staff)

    with pytest.raises(CertificationError, match="Tiêu chí 3 được đánh giá “Chưa đạt”"):
        services.approve(record, users.reviewer, decision_number="33/QĐ")

    record.refresh_from_db()
    assert record.state == State.SUBMITTED
    services.reject(record, users.reviewer, "Chưa đạt tiêu chí 3")  # what the reviewer does instead


def test_batch_approval_lists_dossiers_that_cannot_be_recognised_with_the_reason(commune_of_ten, users):
    commune, areas = commune_of_ten
    CertificationRecord.objects.filter(area=areas[0]).update(state=State.REVOKED)
    waiting = list(CertificationRecord.objects.filter(area__in=areas[7:]).order_by("pk"))

    result = services.approve_many([commune, *waiting], users.reviewer, decision_number="34/QĐ")

    assert [r.pk for r in result.approved] == [r.pk for r in waiting]
    [(subject, message)] = result.failed
    assert subject == str(commune.commune) and "chưa đạt" in message and "6/10" in message


def test_registering_a_whole_commune_and_filling_a_dossier_leave_history(tree, users):
    from certification.models import CriterionAssessment

    make_area(tree.commune, "Thôn 2")
    report = services.register_all_eligible(tree.commune, YEAR, users.commune_staff)
    for record in report.created:
        latest = record.history.latest()
        assert (latest.history_type, latest.history_user) == ("+", users.commune_staff)

    record = next(r for r in report.created if r.area_id)
    fill_dossier(record, users.commune_staff, met=False)
    assessments = CriterionAssessment.objects.filter(record=record)
    assert assessments.exists()
    assert all(a.history.latest().history_type == "+" for a in assessments)

    fill_dossier(record, users.commune_staff, met=True)  # a change of every answer
    for assessment in assessments:
        assert [h.met for h in assessment.history.order_by("history_date")] == [False, True]
        assert assessment.history.latest().history_user == users.commune_staff
    fill_dossier(record, users.commune_staff, met=True)  # nothing changed: no new history rows
    assert all(a.history.count() == 2 for a in assessments)


# --- Withdrawing a registration ------------------------------------------------------------------


def test_a_registration_never_submitted_is_withdrawn_and_the_area_can_then_be_deleted(
    client, area, users, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    record = services.register(area, YEAR, users.commune_staff)
    png = SimpleUploadedFile("bien-ban.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, content_type="image/png")
    stored = tmp_path / services.add_attachment(record, users.commune_staff, png).file.name
    assert stored.exists()
    client.force_login(users.commune_staff)
    detail = client.get(record.get_absolute_url()).content.decode()
    assert 'data-testid="withdraw"' in detail
    url = reverse("certification:record_withdraw", args=[record.pk])
    assert 'data-testid="withdraw-confirm"' in client.get(url).content.decode()
    assert CertificationRecord.objects.filter(pk=record.pk).exists()  # asking changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.url == reverse("certification:record_list")
    assert not CertificationRecord.objects.filter(pk=record.pk).exists()
    assert not Transition.objects.filter(record_id=record.pk).exists()
    assert not stored.exists()
    client.post(reverse("registry:area_delete", args=[area.pk]))
    assert not type(area).objects.filter(pk=area.pk).exists()


def test_a_dossier_once_submitted_cannot_be_withdrawn(client, area, users):
    record = submitted(area, YEAR, users.commune_staff)
    with pytest.raises(CertificationError, match=r"Chỉ rút được đăng ký chưa từng nộp hồ sơ\."):
        services.withdraw(record, users.commune_staff)
    services.reject(record, users.reviewer, "Thiếu biên bản")
    record.refresh_from_db()
    with pytest.raises(CertificationError):
        services.withdraw(record, users.commune_staff)
    client.force_login(users.commune_staff)
    assert 'data-testid="withdraw"' not in client.get(record.get_absolute_url()).content.decode()
    client.post(reverse("certification:record_withdraw", args=[record.pk]))
    assert CertificationRecord.objects.filter(pk=record.pk).exists()


def test_another_commune_cannot_withdraw_a_registration(client, area, users):
    record = services.register(area, YEAR, users.commune_staff)
    client.force_login(users.other_commune_staff)
    assert client.post(reverse("certification:record_withdraw", args=[record.pk])).status_code == 404
    client.force_login(users.reviewer)
    assert client.post(reverse("certification:record_withdraw", args=[record.pk])).status_code == 403
    assert CertificationRecord.objects.filter(pk=record.pk).exists()
