"""Certification pages: who may see and do what, queue, status, export, certificate, attachments."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from certification import services
from certification.models import Attachment, CertificationRecord, State
from certification.testing import bulk_records, ensure_criteria, make_area, make_org, submitted
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
YEAR = 2025
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def setup(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    ensure_criteria()


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def area(tree):
    return make_area(tree.commune, "Thôn Suối Cá")


@pytest.fixture
def pending(area, users):
    return submitted(area, YEAR, users.commune_staff)


# --- Record detail and decisions -----------------------------------------------------------------


def test_record_detail_is_scoped(client, users, pending):
    url = pending.get_absolute_url()
    for user, status in [
        (users.commune_staff, 200),
        (users.reviewer, 200),
        (users.province_staff, 200),
        (users.leadership, 200),
        (users.admin, 200),
        (users.other_commune_staff, 404),
        (users.other_reviewer, 404),
    ]:
        client.logout()
        assert login(client, user).get(url).status_code == status, user.username


def test_anonymous_user_is_sent_to_login(client, pending):
    response = client.get(pending.get_absolute_url())
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_reviewer_sees_decision_forms_and_leadership_only_reads(client, users, pending):
    page = login(client, users.reviewer).get(pending.get_absolute_url()).content.decode()
    assert reverse("certification:record_approve", args=[pending.pk]) in page
    client.logout()
    page = login(client, users.leadership).get(pending.get_absolute_url()).content.decode()
    assert reverse("certification:record_approve", args=[pending.pk]) not in page
    assert reverse("certification:record_submit", args=[pending.pk]) not in page


def test_approve_roles_get_403_and_other_district_gets_404(client, users, pending):
    url = reverse("certification:record_approve", args=[pending.pk])
    data = {"decision_number": "1/QĐ", "seen_state": "submitted"}
    for user in (users.leadership, users.commune_staff, users.province_staff):
        client.logout()
        assert login(client, user).post(url, data).status_code == 403
    client.logout()
    assert login(client, users.other_reviewer).post(url, data).status_code == 404
    pending.refresh_from_db()
    assert pending.state == State.SUBMITTED
    client.logout()
    response = login(client, users.reviewer).post(url, data, follow=True)
    assert "Đã công nhận" in " ".join(messages_of(response))
    pending.refresh_from_db()
    assert (pending.state, pending.decided_by) == (State.APPROVED, users.reviewer)


def test_reviewer_cannot_submit_or_edit(client, users, area):
    record = services.register(area, YEAR, users.commune_staff)
    login(client, users.reviewer)
    assert client.post(reverse("certification:record_submit", args=[record.pk])).status_code == 403
    assert client.post(record.get_absolute_url(), {"submission_number": "x"}).status_code == 403


def test_commune_staff_fills_and_submits_through_the_page(client, users, area):
    record = services.register(area, YEAR, users.commune_staff)
    criteria = services.criteria_for(record)
    data = {f"met_{c.pk}": "yes" for c in criteria}
    data.update({"meeting_date": "2025-11-05", "submission_number": "15/TTr"})
    login(client, users.commune_staff)
    response = client.post(record.get_absolute_url(), data, follow=True)
    assert "Đã lưu hồ sơ" in " ".join(messages_of(response))
    response = client.post(
        reverse("certification:record_submit", args=[record.pk]), {"seen_state": "registered"}, follow=True
    )
    record.refresh_from_db()
    assert record.state == State.SUBMITTED
    assert record.assessments.filter(met=True).count() == 5


def test_decision_on_a_stale_page_says_someone_else_handled_it(client, users, pending):
    services.reject(pending, users.admin, "Thiếu biên bản")
    login(client, users.reviewer)
    response = client.post(
        reverse("certification:record_approve", args=[pending.pk]),
        {"decision_number": "1/QĐ", "seen_state": "submitted"},
        follow=True,
    )
    assert any("Hồ sơ đã được người khác xử lý" in m for m in messages_of(response))
    pending.refresh_from_db()
    assert pending.state == State.REJECTED


def test_over_long_decision_number_is_said_to_be_too_long_and_nothing_is_saved(client, users, pending):
    login(client, users.reviewer)
    url = reverse("certification:record_approve", args=[pending.pk])

    response = client.post(url, {"decision_number": "9" * 300, "seen_state": "submitted"}, follow=True)

    assert messages_of(response) == ["Số quyết định công nhận quá dài (tối đa 50 ký tự)."]
    pending.refresh_from_db()
    assert (pending.state, pending.decision_number, pending.decided_by) == (State.SUBMITTED, "", None)
    response = client.post(url, {"decision_number": "", "seen_state": "submitted"}, follow=True)
    assert messages_of(response) == ["Cần nhập số quyết định công nhận."]
    batch = {"records": [pending.pk], "decision_number": "9" * 51}
    response = client.post(reverse("certification:batch_approve"), batch, follow=True)
    assert messages_of(response) == ["Số quyết định công nhận quá dài (tối đa 50 ký tự)."]
    pending.refresh_from_db()
    assert pending.state == State.SUBMITTED


def test_self_approval_is_refused_on_the_page(client, users, area):
    record = submitted(area, YEAR, users.admin)
    login(client, users.admin)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "không thể tự phê duyệt" in page
    response = client.post(
        reverse("certification:record_approve", args=[record.pk]),
        {"decision_number": "1/QĐ", "seen_state": "submitted"},
        follow=True,
    )
    assert any("chính mình" in m for m in messages_of(response))
    record.refresh_from_db()
    assert record.state == State.SUBMITTED


def test_approved_record_is_locked_and_revocation_appears_in_history(client, users, pending):
    services.approve(pending, users.reviewer, decision_number="8/QĐ")
    login(client, users.commune_staff)
    page = client.get(pending.get_absolute_url()).content.decode()
    assert 'name="submission_number"' not in page
    response = client.post(pending.get_absolute_url(), {"submission_number": "sửa"}, follow=True)
    assert any("thu hồi" in m for m in messages_of(response))
    client.logout()
    login(client, users.reviewer)
    client.post(
        reverse("certification:record_revoke", args=[pending.pk]),
        {"reason": "Hồ sơ không trung thực", "seen_state": "approved", "confirm": "yes"},
    )
    page = client.get(pending.get_absolute_url()).content.decode()
    history = page.split('data-testid="history"')[1]
    assert "Đã thu hồi công nhận" in history and "Hồ sơ không trung thực" in history


def test_change_history_names_every_field_in_vietnamese(client, users, pending):
    services.approve(pending, users.reviewer, decision_number="8/QĐ")
    login(client, users.reviewer)
    page = client.get(pending.get_absolute_url()).content.decode()
    history = page.split('id="lich-su-thay-doi"')[1]
    assert "Người nộp:" in history and "Người quyết định:" in history
    assert "Submitted by" not in history and "Decided by" not in history


def test_every_field_of_the_certification_models_has_a_vietnamese_label():
    from django.apps import apps

    unnamed = [
        f"{model.__name__}.{f.name}"
        for model in apps.get_app_config("certification").get_models()
        for f in model._meta.concrete_fields
        if not f.auto_created and str(f.verbose_name) == f.name.replace("_", " ")
    ]
    assert unnamed == []


def test_revocation_asks_for_confirmation_before_it_happens(client, users, pending):
    services.approve(pending, users.reviewer, decision_number="8/QĐ")
    login(client, users.reviewer)
    url = reverse("certification:record_revoke", args=[pending.pk])
    detail = client.get(pending.get_absolute_url()).content.decode()
    assert f'action="{url}"' in detail

    response = client.post(url, {"reason": "Hồ sơ không trung thực", "seen_state": "approved"})

    assert response.status_code == 200
    page = response.content.decode()
    confirm = page.split('data-testid="revoke-confirm"')[1]
    assert "Thôn Suối Cá" in confirm and "8/QĐ" in confirm and "cuối cùng cho năm này" in confirm
    assert '<input type="hidden" name="confirm" value="yes">' in page
    assert '<input type="hidden" name="reason" value="Hồ sơ không trung thực">' in page
    assert f'href="{pending.get_absolute_url()}"' in page  # "Hủy" goes back, nothing done
    pending.refresh_from_db()
    assert (pending.state, pending.reason) == (State.APPROVED, "")
    assert "<script>" not in page  # CSP: no inline script

    response = client.post(
        url, {"reason": "Hồ sơ không trung thực", "seen_state": "approved", "confirm": "yes"}, follow=True
    )
    assert "Đã thu hồi công nhận." in messages_of(response)
    pending.refresh_from_db()
    assert (pending.state, pending.reason) == (State.REVOKED, "Hồ sơ không trung thực")


def test_revocation_without_a_reason_is_refused_before_any_confirmation(client, users, pending):
    services.approve(pending, users.reviewer, decision_number="8/QĐ")
    login(client, users.reviewer)
    url = reverse("certification:record_revoke", args=[pending.pk])
    response = client.post(url, {"reason": "  ", "seen_state": "approved"}, follow=True)
    assert messages_of(response) == ["Cần nêu lý do thu hồi công nhận."]
    pending.refresh_from_db()
    assert pending.state == State.APPROVED


# --- Registration pages --------------------------------------------------------------------------


def test_register_page_lists_eligible_subjects_and_registers_one(client, users, tree, area):
    make_org(tree.commune, "Trường mầm non", "school", subject=False)
    login(client, users.commune_staff)
    page = client.get(reverse("certification:register"), {"year": YEAR}).content.decode()
    assert "Thôn Suối Cá" in page and "Trường mầm non" not in page
    response = client.post(
        reverse("certification:register"), {"year": YEAR, "subject": "area", "pk": area.pk}
    )
    record = CertificationRecord.objects.get(area=area, year=YEAR)
    assert response["Location"] == record.get_absolute_url()


def test_register_all_of_a_commune_from_the_page(client, users, tree, area):
    make_area(tree.commune, "Thôn Hai")
    make_org(tree.commune, "UBND xã", "agency")
    login(client, users.commune_staff)
    client.post(reverse("certification:register_all"), {"year": YEAR, "commune": tree.commune.pk})
    assert CertificationRecord.objects.filter(year=YEAR, commune=tree.commune).count() == 4


def test_register_in_another_commune_is_404(client, users, tree):
    other = make_area(tree.other_commune, "Thôn khác")
    login(client, users.commune_staff)
    response = client.post(
        reverse("certification:register"), {"year": YEAR, "subject": "area", "pk": other.pk}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("certification:register_all"), {"year": YEAR, "commune": tree.other_commune.pk}
    )
    assert response.status_code == 404
    assert not CertificationRecord.objects.exists()


# --- Attachments ---------------------------------------------------------------------------------


def upload(client, record, name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("certification:attachment_upload", args=[record.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        follow=True,
    )


def test_pdf_upload_is_stored_under_a_random_name_and_downloaded_in_scope(client, users, area, settings):
    record = services.register(area, YEAR, users.commune_staff)
    login(client, users.commune_staff)
    upload(client, record, "Tờ trình 2025.pdf", PDF)
    attachment = Attachment.objects.get()
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "Tờ trình 2025.pdf",
        "application/pdf",
        len(PDF),
    )
    assert re.fullmatch(r"certification/\d{4}/[0-9a-f]{32}\.pdf", attachment.file.name)
    assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == PDF
    response = client.get(reverse("certification:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    client.logout()
    assert (
        login(client, users.other_reviewer)
        .get(reverse("certification:attachment_download", args=[attachment.pk]))
        .status_code
        == 404
    )
    client.logout()
    assert (
        login(client, users.other_commune_staff)
        .get(reverse("certification:attachment_download", args=[attachment.pk]))
        .status_code
        == 404
    )


def test_upload_type_is_checked_by_content_not_name(client, users, area):
    record = services.register(area, YEAR, users.commune_staff)
    login(client, users.commune_staff)
    response = upload(client, record, "bien-ban.pdf", b"<html><script>alert(1)</script></html>")
    assert any("PDF, PNG hoặc JPEG" in m for m in messages_of(response))
    upload(client, record, "anh-chup.pdf", PNG)  # a PNG with a wrong name is still a PNG
    assert list(Attachment.objects.values_list("content_type", flat=True)) == ["image/png"]


def test_upload_size_limit_comes_from_the_setting(client, users, area, settings):
    settings.CERTIFICATION_ATTACHMENT_MAX_BYTES = 1024
    record = services.register(area, YEAR, users.commune_staff)
    login(client, users.commune_staff)
    response = upload(client, record, "lon.pdf", PDF + b"0" * 2048)
    assert any("quá lớn" in m for m in messages_of(response))
    assert not Attachment.objects.exists()


def test_no_upload_to_a_submitted_dossier_nor_from_another_commune(client, users, pending):
    login(client, users.commune_staff)
    response = upload(client, pending, "them.pdf", PDF)
    assert any("không thể thêm tệp" in m for m in messages_of(response))
    client.logout()
    login(client, users.other_commune_staff)
    assert upload(client, pending, "x.pdf", PDF).status_code == 404
    assert not Attachment.objects.exists()


# --- Review queue --------------------------------------------------------------------------------


@pytest.fixture
def many_pending(tree, users):
    """25 submitted areas in the reviewer's district, 5 schools in a sibling commune, 3 elsewhere."""
    areas = [make_area(tree.commune, f"Thôn {i:02d}") for i in range(25)]
    schools = [make_org(tree.sibling_commune, f"Trường {i}", "school") for i in range(5)]
    far = [make_area(tree.other_commune, f"Thôn xa {i}") for i in range(3)]
    bulk_records(
        areas + schools, YEAR, State.SUBMITTED, users.commune_staff, submitted_by=users.commune_staff
    )
    bulk_records(
        far, YEAR, State.SUBMITTED, users.other_commune_staff, submitted_by=users.other_commune_staff
    )
    return areas, schools, far


def test_queue_lists_submitted_in_scope_oldest_first_and_filters(client, users, tree, many_pending):
    login(client, users.reviewer)
    response = client.get(reverse("certification:review_queue"))
    rows = list(response.context["page"])
    assert len(rows) == 30
    assert [r.submitted_at for r in rows] == sorted(r.submitted_at for r in rows)
    assert "Thôn xa" not in response.content.decode()
    response = client.get(reverse("certification:review_queue"), {"commune": tree.sibling_commune.pk})
    assert {r.subject_kind for r in response.context["page"]} == {"school"}
    response = client.get(reverse("certification:review_queue"), {"kind": "residential_area"})
    assert len(response.context["page"]) == 25


def test_queue_shows_a_dash_for_a_record_with_no_submitter(client, users, tree):
    # Records loaded in bulk (imports, the scale dataset) can be submitted without a submitter.
    area = make_area(tree.commune, "Thôn nhập sẵn")
    bulk_records([area], YEAR, State.SUBMITTED, users.commune_staff)
    login(client, users.reviewer)
    response = client.get(reverse("certification:review_queue"))
    assert response.status_code == 200
    assert [r.submitted_by for r in response.context["page"]] == [None]
    assert "Thôn nhập sẵn" in response.content.decode()


def test_queue_flags_a_dossier_with_a_criterion_assessed_unmet(client, users, tree):
    from certification.testing import fill_dossier

    record = services.register(make_area(tree.commune, "Thôn chưa đạt"), YEAR, users.commune_staff)
    fill_dossier(record, users.commune_staff, met=False)
    services.submit(record, users.commune_staff)
    login(client, users.reviewer)
    queue = client.get(reverse("certification:review_queue")).content.decode()
    row = queue.split(f'data-record="{record.pk}"')[1].split("</tr>")[0]
    assert "được đánh giá “Chưa đạt”" in row
    assert reverse("certification:record_approve", args=[record.pk]) not in row


def test_queue_is_forbidden_to_roles_without_review(client, users):
    for user in (users.commune_staff, users.leadership, users.province_staff):
        client.logout()
        assert login(client, user).get(reverse("certification:review_queue")).status_code == 403


def test_queue_runs_a_constant_number_of_queries(client, users, tree, django_assert_max_num_queries):
    login(client, users.reviewer)
    areas = [make_area(tree.commune, f"Thôn {i:02d}") for i in range(3)]
    bulk_records(areas, YEAR, State.SUBMITTED, users.commune_staff, submitted_by=users.commune_staff)
    submitted(tree.commune, YEAR, users.commune_staff)  # a commune: its rule is counted live
    with django_assert_max_num_queries(14) as few:
        client.get(reverse("certification:review_queue"))
    more = [make_area(tree.commune, f"Thôn thêm {i:02d}") for i in range(40)]
    bulk_records(more, YEAR, State.SUBMITTED, users.commune_staff, submitted_by=users.commune_staff)
    submitted(tree.sibling_commune, YEAR, users.admin)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("certification:review_queue"))
    assert len(response.context["page"]) == 45


def test_batch_approve_reports_successes_and_failures(client, users, tree, many_pending):
    areas, _schools, far = many_pending
    chosen = list(CertificationRecord.objects.filter(area__in=areas[:3]).values_list("pk", flat=True))
    outside = CertificationRecord.objects.get(area=far[0]).pk
    already = CertificationRecord.objects.get(area=areas[3])
    services.reject(already, users.admin, "Thiếu tờ trình")
    login(client, users.reviewer)
    response = client.post(
        reverse("certification:batch_approve"),
        {"records": [*chosen, outside, already.pk], "decision_number": "20/QĐ-BCĐ"},
        follow=True,
    )
    text = " ".join(messages_of(response))
    assert "Đã công nhận 3 hồ sơ" in text
    assert "Không thể chuyển" in text  # the rejected one
    assert "1 hồ sơ không tìm thấy" in text  # the one outside the district
    assert CertificationRecord.objects.filter(pk__in=chosen, state=State.APPROVED).count() == 3
    assert CertificationRecord.objects.get(pk=outside).state == State.SUBMITTED


def test_commune_failing_its_rule_is_refused_on_the_page_and_in_the_batch(client, users, tree):
    areas = [make_area(tree.commune, f"Thôn {i:02d}") for i in range(15)]
    bulk_records(areas[:10], YEAR, State.APPROVED, users.admin)
    bulk_records(areas[10:], YEAR, State.SUBMITTED, users.admin, submitted_by=users.commune_staff)
    commune = submitted(tree.commune, YEAR, users.commune_staff)
    summary = "Đăng ký 15/15; được công nhận 10/15 (66,7%) — chưa đạt"
    login(client, users.reviewer)

    # The queue flags the row, and it cannot be ticked for the batch nor approved from there.
    queue = client.get(reverse("certification:review_queue")).content.decode()
    row = queue.split(f'data-record="{commune.pk}"')[1].split("</tr>")[0]
    assert summary in row.split('data-testid="approval-problems"')[1]
    assert f'value="{commune.pk}" form="batch-form"' in row and " disabled>" in row
    assert reverse("certification:record_approve", args=[commune.pk]) not in row
    assert reverse("certification:record_reject", args=[commune.pk]) in row
    area_rows = queue.split('data-record="')[1:]
    assert sum('data-testid="approval-problems"' in r for r in area_rows) == 1  # the areas may be approved

    page = client.get(commune.get_absolute_url()).content.decode()
    assert summary in page.split('data-testid="approval-problems"')[1]
    approve_form = page.split(reverse("certification:record_approve", args=[commune.pk]))[1]
    assert 'type="submit" disabled' in approve_form.split("</form>")[0]
    response = client.post(
        reverse("certification:record_approve", args=[commune.pk]),
        {"decision_number": "1/QĐ", "seen_state": "submitted"},
        follow=True,
    )
    assert any(m.startswith("Chưa thể công nhận") and summary in m for m in messages_of(response))
    batch = {"records": [commune.pk], "decision_number": "2/QĐ"}
    response = client.post(reverse("certification:batch_approve"), batch, follow=True)
    failure = f"{tree.commune}: Chưa thể công nhận"
    assert any(m.startswith(failure) and summary in m for m in messages_of(response))
    commune.refresh_from_db()
    assert commune.state == State.SUBMITTED


# --- Status, drill-down, export ------------------------------------------------------------------


@pytest.fixture
def district_figures(tree, users):
    """District 573: 10 areas (7 approved), 4 organisations (3 approved), 2 communes (1 approved)."""
    areas = [make_area(tree.commune, f"Thôn {i}") for i in range(6)] + [
        make_area(tree.sibling_commune, f"Xóm {i}") for i in range(4)
    ]
    orgs = [
        make_org(tree.commune, "UBND xã", "agency"),
        make_org(tree.commune, "Công ty A", "enterprise"),
        make_org(tree.sibling_commune, '=HYPERLINK("http://x")', "enterprise"),
        make_org(tree.sibling_commune, "Trường THCS", "school"),
    ]
    make_area(tree.other_commune, "Thôn huyện khác")
    bulk_records(areas[:7] + orgs[:3] + [tree.commune], YEAR, State.APPROVED, users.commune_staff)
    bulk_records(areas[7:9] + orgs[3:], YEAR, State.SUBMITTED, users.commune_staff)
    return areas, orgs


def test_status_shows_counts_and_rates_with_vietnamese_decimal_comma(client, users, tree, district_figures):
    login(client, users.reviewer)
    response = client.get(reverse("certification:status"), {"year": YEAR, "unit": tree.district.pk})
    page = response.content.decode()
    assert "7/10 khu dân cư (70,0%)" in page
    assert "3/4 cơ quan, doanh nghiệp, nhà trường (75,0%)" in page
    assert "1/2 xã, phường, thị trấn (50,0%)" in page
    assert "2/2 doanh nghiệp (100,0%)" in page
    children = dict(response.context["children"])
    assert [r.approved for r in children[tree.commune]][:2] == [6, 1]


def test_status_of_another_district_is_404_for_a_reviewer(client, users, tree):
    login(client, users.reviewer)
    response = client.get(reverse("certification:status"), {"year": YEAR, "unit": tree.other_district.pk})
    assert response.status_code == 404


def test_status_rate_changes_after_an_approval(client, users, tree, pending):
    login(client, users.reviewer)
    url = reverse("certification:status")
    before = client.get(url, {"year": YEAR, "unit": tree.district.pk}).content.decode()
    assert "0/1 khu dân cư (0,0%)" in before
    services.approve(pending, users.reviewer, decision_number="1/QĐ")
    after = client.get(url, {"year": YEAR, "unit": tree.district.pk}).content.decode()
    assert "1/1 khu dân cư (100,0%)" in after


def test_status_runs_a_constant_number_of_queries(client, users, tree, django_assert_max_num_queries):
    login(client, users.leadership)
    url = reverse("certification:status")
    params = {"year": YEAR, "unit": tree.province.pk}
    bulk_records([make_area(tree.commune, "Thôn 0")], YEAR, State.APPROVED, users.commune_staff)
    with django_assert_max_num_queries(20) as few:
        client.get(url, params)
    areas = [make_area(tree.commune, f"Thôn {i}") for i in range(1, 60)]
    orgs = [make_org(tree.other_commune, f"Công ty {i}", "enterprise") for i in range(20)]
    bulk_records(areas + orgs, YEAR, State.APPROVED, users.commune_staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, params)
    assert "60/60 khu dân cư (100,0%)" in response.content.decode()
    drill = reverse("certification:status_subjects")
    with django_assert_max_num_queries(10):
        response = client.get(drill, {**params, "kind": "residential_area"})
    assert response.context["page"].paginator.count == 60


def test_drill_down_lists_subjects_with_their_state(client, users, tree, district_figures):
    login(client, users.reviewer)
    response = client.get(
        reverse("certification:status_subjects"),
        {"year": YEAR, "unit": tree.district.pk, "kind": "residential_area"},
    )
    rows = list(response.context["page"])
    assert len(rows) == 10
    assert sorted(r.record_state or "" for r in rows) == [""] + ["approved"] * 7 + ["submitted"] * 2


def test_export_is_xlsx_with_formula_cells_neutralised(client, users, tree, district_figures):
    login(client, users.reviewer)
    response = client.get(
        reverse("certification:status_export"), {"year": YEAR, "unit": tree.district.pk, "kind": "enterprise"}
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert "Công ty A" in names
    assert '\'=HYPERLINK("http://x")' in names
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


# --- Certificate and menu ------------------------------------------------------------------------


def test_certificate_only_for_approved_records_in_scope(client, users, pending):
    login(client, users.commune_staff)
    url = reverse("certification:certificate", args=[pending.pk])
    assert client.get(url).status_code == 404
    services.approve(pending, users.reviewer, decision_number="12/QĐ-BCĐ")
    page = client.get(url).content.decode()
    assert "GIẤY CÔNG NHẬN" in page and "12/QĐ-BCĐ" in page and "Thôn Suối Cá" in page
    assert "certification/certificate.css" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "no inline script"
    client.logout()
    assert login(client, users.other_reviewer).get(url).status_code == 404


def test_menu_shows_review_only_to_reviewers(client, users):
    page = login(client, users.reviewer).get(reverse("home")).content.decode()
    assert reverse("certification:review_queue") in page and reverse("certification:record_list") in page
    client.logout()
    page = login(client, users.commune_staff).get(reverse("home")).content.decode()
    assert reverse("certification:review_queue") not in page and reverse("certification:record_list") in page


def test_record_list_shows_only_records_in_scope(client, users, tree, pending):
    far = services.register(make_area(tree.other_commune, "Thôn xa"), YEAR, users.other_commune_staff)
    login(client, users.commune_staff)
    response = client.get(reverse("certification:record_list"), {"year": YEAR})
    assert [r.pk for r in response.context["page"]] == [pending.pk]
    assert far.pk not in [r.pk for r in response.context["page"]]


def test_admin_edits_criteria_but_cannot_change_records(client, users, pending):
    login(client, users.admin)
    assert client.get(reverse("admin:certification_criteriaset_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:certification_certificationrecord_change", args=[pending.pk])).status_code
        == 200
    )
    response = client.post(
        reverse("admin:certification_certificationrecord_change", args=[pending.pk]), {"state": "approved"}
    )
    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.state == State.SUBMITTED


def test_record_list_runs_a_constant_number_of_queries(client, users, tree, django_assert_max_num_queries):
    login(client, users.province_staff)
    url = reverse("certification:record_list")
    bulk_records([make_area(tree.commune, "Thôn 0")], YEAR, State.APPROVED, users.commune_staff)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    areas = [make_area(tree.commune, f"Thôn {i}") for i in range(1, 40)]
    orgs = [make_org(tree.other_commune, f"Trường {i}", "school") for i in range(10)]
    bulk_records(areas + orgs, YEAR, State.SUBMITTED, users.commune_staff, submitted_by=users.commune_staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 50


def test_saved_meeting_date_is_shown_back_in_the_date_field(client, users, area):
    record = services.register(area, YEAR, users.commune_staff)
    services.save_dossier(
        record,
        users.commune_staff,
        assessments={},
        meeting_date=datetime.date(2025, 11, 5),
        submission_number="1",
    )
    page = login(client, users.commune_staff).get(record.get_absolute_url()).content.decode()
    assert 'value="2025-11-05"' in page


def test_decision_forms_on_one_page_have_distinct_ids(client, users, pending):
    page = login(client, users.reviewer).get(pending.get_absolute_url()).content.decode()
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_meeting_date_lies_between_the_periods_start_and_today(users, area):
    record = services.register(area, YEAR, users.commune_staff)
    later = datetime.date.today() + datetime.timedelta(days=2)
    for day in (datetime.date(2020, 1, 1), later):
        with pytest.raises(services.CertificationError, match=r"kỳ đánh giá \(01/11/2024\) đến hôm nay"):
            services.save_dossier(
                record, users.commune_staff, assessments={}, meeting_date=day, submission_number="1"
            )
    record.refresh_from_db()
    assert record.meeting_date is None
