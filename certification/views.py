"""Pages of the certification workflow. Each view: who may call it, which scoped queryset, which service."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Action
from certification import services, stats
from certification.exports import subjects_workbook
from certification.forms import (
    ApproveForm,
    AttachmentForm,
    BatchApproveForm,
    DossierForm,
    QueueFilterForm,
    ReasonForm,
    RegisterFilterForm,
)
from certification.models import Attachment, CertificationRecord, State, SubjectKind
from certification.services import CertificationError
from dashboard.cache import cached_page
from dataio.exporters import export_links, list_export
from registry.models import AdministrativeUnit, Organisation, ResidentialArea, UnitLevel
from registry.scoping import get_scoped_object_or_404

QUEUE_PAGE_SIZE = 50
LIST_PAGE_SIZE = 100


def role_required(action: Action) -> Callable:
    """403 for a role that lacks the action entirely; rows outside scope are 404 further down."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.can(action):
                raise PermissionDenied(_("Vai trò của bạn không được thực hiện thao tác này."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _detail(record: CertificationRecord) -> HttpResponse:
    return redirect("certification:record_detail", pk=record.pk)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


# --- Record list and detail ----------------------------------------------------------------------


@role_required(Action.VIEW)
def record_list(request: HttpRequest) -> HttpResponse:
    records = (
        CertificationRecord.objects.visible_to(request.user)
        .with_subject()
        .order_by("-year", "commune__code", "subject_kind", "pk")
    )
    year, state, kind = _int(request.GET.get("year")), request.GET.get("state"), request.GET.get("kind")
    if year:
        records = records.filter(year=year)
    if state in State.values:
        records = records.filter(state=state)
    if kind in SubjectKind.values:
        records = records.filter(subject_kind=kind)
    export = list_export(request, records)  # "Xuất Excel / CSV": these rows, every page
    if export is not None:
        return export
    page = Paginator(records, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "certification/record_list.html",
        {
            "page": page,
            "year": year,
            "state": state,
            "kind": kind,
            "states": State.choices,
            "kinds": SubjectKind.choices,
            "years": [y for y, _ in _year_options()],
            "can_change": request.user.can(Action.CHANGE),
            **export_links(request, CertificationRecord),
        },
    )


def _year_options() -> list[tuple[int, int]]:
    from certification.forms import year_choices

    return year_choices()


def _record_context(
    request: HttpRequest, record: CertificationRecord, dossier_form: DossierForm | None = None
):
    user = request.user
    can_edit = (
        record.is_editable_state
        and user.can(Action.CHANGE)
        and CertificationRecord.objects.editable_by(user).filter(pk=record.pk).exists()
    )
    can_review = (
        user.can(Action.REVIEW)
        and CertificationRecord.objects.reviewable_by(user).filter(pk=record.pk).exists()
    )
    criteria = services.criteria_for(record)
    assessments = {a.criterion_id: a for a in record.assessments.all()}
    if can_edit and dossier_form is None:
        dossier_form = DossierForm(
            criteria=criteria,
            assessments=assessments,
            initial={"meeting_date": record.meeting_date, "submission_number": record.submission_number},
        )
    fields = {c.pk: (met, note) for c, met, note in dossier_form.criterion_rows()} if can_edit else {}
    rule = services.commune_rule(record.commune, record.year) if record.is_commune_record else None
    can_approve = can_review and record.state == State.SUBMITTED and record.submitted_by_id != user.pk
    return {
        "record": record,
        "criteria_rows": [(c, assessments.get(c.pk), *fields.get(c.pk, (None, None))) for c in criteria],
        "dossier_form": dossier_form if can_edit else None,
        "can_edit": can_edit,
        "can_withdraw": can_edit and services.can_withdraw(record),
        "missing": services.missing_for_submission(record) if can_edit else [],
        "can_approve": can_approve,
        # Told before the reviewer tries: the approval would be refused for these reasons.
        "approval_problems": services.approval_problems(record, rule) if can_approve else [],
        "own_submission": can_review
        and record.state == State.SUBMITTED
        and record.submitted_by_id == user.pk,
        "can_reject": can_review and record.state == State.SUBMITTED,
        "can_revoke": can_review and record.state == State.APPROVED,
        # Several forms share the page: distinct ids keep each label tied to its own field.
        "approve_form": ApproveForm(auto_id="approve_%s"),
        "reason_form": ReasonForm(auto_id="decide_%s"),
        "attachment_form": AttachmentForm() if can_edit else None,
        "attachments": record.attachments.select_related("uploaded_by"),
        "transitions": record.transitions.select_related("by"),
        "rule": rule,
    }


@role_required(Action.VIEW)
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Saving the dossier needs the change right: a role without it gets 403 whatever the record.
    if request.method == "POST" and not request.user.can(Action.CHANGE):
        raise PermissionDenied(_("Vai trò của bạn không được sửa hồ sơ."))
    queryset = CertificationRecord.objects.with_subject().select_related("submitted_by", "decided_by")
    action = Action.CHANGE if request.method == "POST" else Action.VIEW
    record = get_scoped_object_or_404(queryset, request.user, action, pk=pk)
    form = None
    if request.method == "POST":
        form = DossierForm(
            request.POST,
            criteria=services.criteria_for(record),
            assessments={a.criterion_id: a for a in record.assessments.all()},
        )
        if form.is_valid():
            try:
                services.save_dossier(
                    record,
                    request.user,
                    assessments=form.assessments(),
                    meeting_date=form.cleaned_data["meeting_date"],
                    submission_number=form.cleaned_data["submission_number"],
                )
            except CertificationError as exc:
                messages.error(request, str(exc))
                return _detail(record)
            messages.success(request, _("Đã lưu hồ sơ đánh giá."))
            return _detail(record)
    return render(request, "certification/record_detail.html", _record_context(request, record, form))


def _act(
    request: HttpRequest, pk: int, action: Action, step: Callable[[CertificationRecord], object], done: str
):
    record = get_scoped_object_or_404(CertificationRecord.objects.with_subject(), request.user, action, pk=pk)
    # The state the user saw when the page was drawn: a decision taken meanwhile is refused.
    seen = request.POST.get("seen_state")
    if seen in State.values:
        record.state = seen
    try:
        step(record)
    except CertificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    next_url = request.POST.get("next")
    if next_url == "queue":
        return redirect("certification:review_queue")
    return _detail(record)


@require_POST
@role_required(Action.CHANGE)
def record_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, Action.CHANGE, lambda r: services.submit(r, request.user), _("Đã nộp hồ sơ."))


@require_POST
@role_required(Action.REVIEW)
def record_approve(request: HttpRequest, pk: int) -> HttpResponse:
    form = ApproveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        record = get_scoped_object_or_404(CertificationRecord, request.user, Action.REVIEW, pk=pk)
        return (
            redirect("certification:review_queue") if request.POST.get("next") == "queue" else _detail(record)
        )
    data = form.cleaned_data
    return _act(
        request,
        pk,
        Action.REVIEW,
        lambda r: services.approve(r, request.user, data["reason"], decision_number=data["decision_number"]),
        _("Đã công nhận đạt tiêu chuẩn “An toàn về ANTT”."),
    )


@require_POST
@role_required(Action.REVIEW)
def record_reject(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(
        request, pk, Action.REVIEW, lambda r: services.reject(r, request.user, reason), _("Đã trả lại hồ sơ.")
    )


@require_POST
@role_required(Action.REVIEW)
def record_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    # Revocation is final for the year: a page asks to confirm it first, without any script. A
    # request the service would refuse anyway (no reason, not approved) goes straight to it.
    if reason.strip() and request.POST.get("confirm") != "yes":
        record = get_scoped_object_or_404(
            CertificationRecord.objects.with_subject(), request.user, Action.REVIEW, pk=pk
        )
        if record.state == State.APPROVED:
            seen = request.POST.get("seen_state")
            context = {"record": record, "reason": reason.strip(), "seen_state": seen}
            return render(request, "certification/revoke_confirm.html", context)
    return _act(
        request,
        pk,
        Action.REVIEW,
        lambda r: services.revoke(r, request.user, reason),
        _("Đã thu hồi công nhận."),
    )


@role_required(Action.CHANGE)
def record_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a registration that never went to a reviewer: a page to confirm, then the POST."""
    records = CertificationRecord.objects.with_subject()
    record = get_scoped_object_or_404(records, request.user, Action.CHANGE, pk=pk)
    if request.method != "POST":
        if not services.can_withdraw(record):
            messages.error(request, str(services.WITHDRAW_REFUSED))
            return _detail(record)
        return render(request, "certification/withdraw_confirm.html", {"record": record})
    try:
        services.withdraw(record, request.user)
    except CertificationError as exc:
        messages.error(request, str(exc))
        return _detail(record)
    done = _("Đã rút đăng ký năm %(year)s của “%(subject)s”.")
    messages.success(request, done % {"year": record.year, "subject": record.subject})
    return redirect("certification:record_list")


@role_required(Action.VIEW)
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_scoped_object_or_404(
        CertificationRecord.objects.with_subject().select_related("decided_by", "commune__parent"),
        request.user,
        pk=pk,
        state=State.APPROVED,
    )
    return render(request, "certification/certificate.html", {"record": record})


# --- Registration --------------------------------------------------------------------------------


def _editable_communes(user):
    return (
        AdministrativeUnit.objects.editable_by(user)
        .filter(level=UnitLevel.COMMUNE)
        .current()
        .order_by("code")
    )


@role_required(Action.CHANGE)
def register(request: HttpRequest) -> HttpResponse:
    """GET: the eligible subjects of a commune for a year; POST: register one of them."""
    user = request.user
    if request.method == "POST":
        year = _int(request.POST.get("year")) or 0
        kind, subject_pk = request.POST.get("subject"), _int(request.POST.get("pk"))
        models = {"area": ResidentialArea, "organisation": Organisation}
        if kind in models:
            queryset = models[kind].objects.select_related("commune")
            if kind == "organisation":
                queryset = queryset.select_related("org_type")
            subject = get_scoped_object_or_404(queryset, user, Action.CHANGE, pk=subject_pk)
        elif kind == "commune":
            subject = get_scoped_object_or_404(
                AdministrativeUnit, user, Action.CHANGE, pk=subject_pk, level="commune"
            )
        else:
            raise Http404(_("Không rõ đối tượng."))
        try:
            record = services.register(subject, year, user)
        except CertificationError as exc:
            messages.error(request, str(exc))
            commune_pk = subject.pk if kind == "commune" else subject.commune_id
            return redirect(f"{reverse('certification:register')}?year={year}&commune={commune_pk}")
        messages.success(
            request,
            _("Đã đăng ký “%(subject)s” phấn đấu đạt tiêu chuẩn năm %(year)s.")
            % {"subject": subject, "year": year},
        )
        return _detail(record)

    communes = _editable_communes(user)
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    if "commune" not in data and user.scope_unit and user.scope_unit.level == UnitLevel.COMMUNE:
        data["commune"] = str(user.scope_unit_id)
    form = RegisterFilterForm(data, communes=communes)
    groups = []
    commune = year = None
    if form.is_valid():
        commune, year = form.cleaned_data["commune"], form.cleaned_data["year"]
        for kind in stats.LIST_KINDS:
            rows = list(stats.subjects(commune, year, kind, user))
            if rows:
                groups.append({"kind": kind, "label": stats.KIND_LABELS[kind], "rows": rows})
    return render(
        request,
        "certification/register.html",
        {"form": form, "groups": groups, "commune": commune, "year": year},
    )


@require_POST
@role_required(Action.CHANGE)
def register_all(request: HttpRequest) -> HttpResponse:
    commune = get_scoped_object_or_404(
        AdministrativeUnit, request.user, Action.CHANGE, pk=_int(request.POST.get("commune")), level="commune"
    )
    year = _int(request.POST.get("year")) or 0
    try:
        report = services.register_all_eligible(commune, year, request.user)
    except CertificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, report.summary())
    return redirect(f"{reverse('certification:register')}?year={year}&commune={commune.pk}")


# --- Attachments ---------------------------------------------------------------------------------


@require_POST
@role_required(Action.CHANGE)
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_scoped_object_or_404(CertificationRecord, request.user, Action.CHANGE, pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Chưa chọn tệp để tải lên."))
        return _detail(record)
    try:
        attachment = services.add_attachment(record, request.user, form.cleaned_data["file"])
    except CertificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã đính kèm “%(name)s”.") % {"name": attachment.original_name})
    return _detail(record)


@role_required(Action.VIEW)
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_scoped_object_or_404(Attachment, request.user, pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Tệp không còn trên máy chủ.")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@role_required(Action.CHANGE)
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_scoped_object_or_404(
        Attachment.objects.select_related("record"), request.user, Action.CHANGE, pk=pk
    )
    try:
        services.delete_attachment(attachment, request.user)
    except CertificationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã xóa tệp đính kèm."))
    return _detail(attachment.record)


# --- Review queue --------------------------------------------------------------------------------


@role_required(Action.REVIEW)
def review_queue(request: HttpRequest) -> HttpResponse:
    return cached_page(
        request,
        lambda: _review_queue_body(request),
        title=_("Thẩm định hồ sơ “An toàn về ANTT”"),
        scripts=("certification/certification.js",),
    )


def _review_queue_body(request: HttpRequest) -> TemplateResponse:
    user = request.user
    communes = AdministrativeUnit.objects.reviewable_by(user).filter(level=UnitLevel.COMMUNE).current()
    form = QueueFilterForm(request.GET or None, communes=communes.order_by("code"))
    records = (
        CertificationRecord.objects.reviewable_by(user)
        .filter(state=State.SUBMITTED)
        .with_subject()
        .select_related("submitted_by")
        .order_by("submitted_at", "pk")
    )
    if form.is_valid():
        if form.cleaned_data["commune"]:
            records = records.filter(commune=form.cleaned_data["commune"])
        if form.cleaned_data["kind"]:
            records = records.filter(subject_kind=form.cleaned_data["kind"])
    page = Paginator(records, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    # Told on the row, before the reviewer tries: the approval would be refused for these reasons.
    problems = services.approval_problems_of(page.object_list)
    for record in page.object_list:
        record.approval_problems = problems[record.pk]
    return TemplateResponse(
        request,
        "certification/review_queue.html",
        {
            "form": form,
            "page": page,
            "batch_form": BatchApproveForm(auto_id="batch_%s"),
        },
    )


@require_POST
@role_required(Action.REVIEW)
def batch_approve(request: HttpRequest) -> HttpResponse:
    form = BatchApproveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("certification:review_queue")
    ids = form.cleaned_data["records"]
    found = list(
        CertificationRecord.objects.reviewable_by(request.user)
        .with_subject()
        .filter(pk__in=ids)
        .order_by("pk")
    )
    result = services.approve_many(
        found,
        request.user,
        decision_number=form.cleaned_data["decision_number"],
        reason=form.cleaned_data["reason"],
    )
    missing = len(set(ids)) - len(found)
    if result.approved:
        messages.success(request, _("Đã công nhận %(count)s hồ sơ.") % {"count": len(result.approved)})
    for subject, message in result.failed:
        messages.error(request, f"{subject}: {message}")
    if missing:
        messages.error(
            request, _("%(count)s hồ sơ không tìm thấy hoặc ngoài phạm vi của bạn.") % {"count": missing}
        )
    return redirect("certification:review_queue")


# --- Status per year and unit --------------------------------------------------------------------


def _status_unit_and_year(request: HttpRequest) -> tuple[AdministrativeUnit, int]:
    user = request.user
    units = AdministrativeUnit.objects.select_related("parent")
    unit_pk = _int(request.GET.get("unit"))
    if unit_pk is not None:
        unit = get_scoped_object_or_404(units, user, pk=unit_pk)
    elif user.scope_unit_id:
        unit = get_scoped_object_or_404(units, user, pk=user.scope_unit_id)
    else:
        unit = units.visible_to(user).filter(level=UnitLevel.PROVINCE).current().order_by("code").first()
        if unit is None:
            raise Http404(_("Chưa có đơn vị hành chính nào."))
    year = _int(request.GET.get("year"))
    if year is None:
        year = services.latest_year(user) or timezone.localdate().year
    try:
        # A year no record can have (?year=0 is not even a date) is not a page.
        services.check_year(year)
    except CertificationError as exc:
        raise Http404(str(exc)) from exc
    return unit, year


@role_required(Action.VIEW)
def status(request: HttpRequest) -> HttpResponse:
    unit, year = _status_unit_and_year(request)
    children = list(
        AdministrativeUnit.objects.visible_to(request.user)
        .filter(parent=unit)
        .current(on=datetime.date(year, 11, 15))
        .order_by("code")
    )
    own = stats.rates([unit], year)[unit.pk]
    previous = stats.rates([unit], year - 1)[unit.pk]
    by_child = stats.rates(children, year)
    return render(
        request,
        "certification/status.html",
        {
            "unit": unit,
            "year": year,
            "years": [y for y, _ in _year_options()],
            "rows": list(zip(own, previous, strict=True)),
            "children": [(child, by_child[child.pk]) for child in children],
            "kinds": stats.ROW_ORDER,
        },
    )


def _list_params(request: HttpRequest) -> tuple[AdministrativeUnit, int, str]:
    unit, year = _status_unit_and_year(request)
    kind = request.GET.get("kind", "")
    if kind not in stats.LIST_KINDS:
        raise Http404(_("Không rõ loại đối tượng."))
    return unit, year, kind


@role_required(Action.VIEW)
def status_subjects(request: HttpRequest) -> HttpResponse:
    unit, year, kind = _list_params(request)
    page = Paginator(stats.subjects(unit, year, kind, request.user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "certification/status_subjects.html",
        {
            "unit": unit,
            "year": year,
            "kind": kind,
            "kind_label": stats.KIND_LABELS[kind],
            "page": page,
        },
    )


@role_required(Action.VIEW)
def status_export(request: HttpRequest) -> HttpResponse:
    unit, year, kind = _list_params(request)
    content = subjects_workbook(stats.subjects(unit, year, kind, request.user), unit, year, kind)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="cong-nhan-antt-{year}-{unit.code}-{kind}.xlsx"'
    return response
