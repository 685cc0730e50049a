"""Yearly "An toàn về ANTT" certification (Circular 124/2021/TT-BCA).

Criteria are data (a set per subject kind and year; provinces may add their own). A record per subject
and year moves registered → submitted → approved | rejected; rejected → submitted; approved → revoked.
The transitions themselves live in ``certification.services``; every step is kept as a Transition.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from registry.models import AdministrativeUnit, Organisation, ResidentialArea, TimeStamped, UnitLevel
from registry.scoping import ScopedManager, ScopedQuerySet


class SubjectKind(models.TextChoices):
    RESIDENTIAL_AREA = "residential_area", _("Khu dân cư")
    COMMUNE = "commune", _("Xã, phường, thị trấn")
    AGENCY = "agency", _("Cơ quan")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    SCHOOL = "school", _("Nhà trường, cơ sở giáo dục")


ORGANISATION_KINDS = (SubjectKind.AGENCY, SubjectKind.ENTERPRISE, SubjectKind.SCHOOL)


def assessment_period(kind: str, year: int) -> tuple[datetime.date, datetime.date]:
    """Circular 124/2021: areas 1 Nov (previous year) to 31 Oct, every other subject 16 Nov to 15 Nov."""
    if kind == SubjectKind.RESIDENTIAL_AREA:
        return datetime.date(year - 1, 11, 1), datetime.date(year, 10, 31)
    return datetime.date(year - 1, 11, 16), datetime.date(year, 11, 15)


class CriteriaSet(TimeStamped):
    subject_kind = models.CharField(_("đối tượng"), max_length=20, choices=SubjectKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"))
    name = models.CharField(_("tên bộ tiêu chí"), max_length=255)
    legal_basis = models.CharField(_("căn cứ"), max_length=255, default="Thông tư 124/2021/TT-BCA")

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = pgettext_lazy("plural", "bộ tiêu chí")
        ordering = ["-year", "subject_kind"]
        constraints = [
            models.UniqueConstraint(fields=["subject_kind", "year"], name="criteria_set_per_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_kind_display()} — {self.year}"

    def criteria_for(self, commune: AdministrativeUnit) -> models.QuerySet[Criterion]:
        """The national criteria plus those the commune's province added."""
        province_code = commune.path.split("/", 1)[0]
        return self.criteria.filter(
            models.Q(province__isnull=True) | models.Q(province__code=province_code)
        ).order_by("order", "code")


class Criterion(TimeStamped):
    HISTORY_LABEL = ("code",)

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(_("mã"), max_length=20)
    text = models.TextField(_("nội dung"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    confirmed = models.BooleanField(
        _("nội dung đã đối chiếu văn bản"),
        default=True,
        help_text=_("Bỏ chọn khi câu chữ chưa được xác nhận."),
    )
    computed = models.BooleanField(
        _("tính tự động từ sổ đăng ký"),
        default=False,
        help_text=_("Ví dụ: 100% đăng ký và ≥70% được công nhận."),
    )
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("tiêu chí riêng của tỉnh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": UnitLevel.PROVINCE},
        related_name="+",
    )

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = pgettext_lazy("plural", "tiêu chí")
        ordering = ["criteria_set", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"


class State(models.TextChoices):
    REGISTERED = "registered", _("Đã đăng ký")
    SUBMITTED = "submitted", _("Đã nộp hồ sơ")
    APPROVED = "approved", _("Đạt (đã công nhận)")
    REJECTED = "rejected", _("Chưa đạt / trả lại")
    REVOKED = "revoked", _("Đã thu hồi công nhận")


# Allowed moves; anything else is refused by the services with a translated message.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.REGISTERED: frozenset({State.SUBMITTED}),
    State.SUBMITTED: frozenset({State.APPROVED, State.REJECTED}),
    State.REJECTED: frozenset({State.SUBMITTED}),
    State.APPROVED: frozenset({State.REVOKED}),
    State.REVOKED: frozenset(),
}
EDITABLE_STATES = frozenset({State.REGISTERED, State.REJECTED})


class CertificationRecordQuerySet(ScopedQuerySet):
    def with_subject(self) -> CertificationRecordQuerySet:
        """Everything a row shows about its subject, in the same query."""
        return self.select_related("commune", "area", "organisation", "organisation__org_type")

    def for_year(self, year: int) -> CertificationRecordQuerySet:
        return self.filter(year=year)


class CertificationRecord(TimeStamped):
    """One subject's certification for one year: a commune, or an area or organisation of it."""

    HISTORY_LABEL = (("area", "organisation", "commune"), "year")  # its subject, not its decision number

    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("xã/phường"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": UnitLevel.COMMUNE},
        related_name="certification_records",
    )
    area = models.ForeignKey(
        ResidentialArea,
        verbose_name=_("khu dân cư"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certification_records",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan, doanh nghiệp, nhà trường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certification_records",
    )
    subject_kind = models.CharField(
        _("đối tượng"), max_length=20, choices=SubjectKind.choices, editable=False
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    period_start = models.DateField(_("kỳ đánh giá từ"))
    period_end = models.DateField(_("kỳ đánh giá đến"))
    state = models.CharField(_("trạng thái"), max_length=20, choices=State.choices, default=State.REGISTERED)
    registered_on = models.DateField(_("ngày đăng ký"))
    meeting_date = models.DateField(_("ngày họp đánh giá"), null=True, blank=True)
    submission_number = models.CharField(_("số tờ trình"), max_length=50, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định công nhận"), max_length=50, blank=True)
    reason = models.TextField(_("lý do (trả lại / thu hồi)"), blank=True)

    objects = CertificationRecordQuerySet.as_manager()
    scope_path_lookup = "commune__path"

    class Meta:
        verbose_name = _("hồ sơ công nhận “An toàn về ANTT”")
        verbose_name_plural = pgettext_lazy("plural", "hồ sơ công nhận “An toàn về ANTT”")
        ordering = ["-year", "commune__code", "subject_kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "commune"],
                condition=models.Q(area__isnull=True, organisation__isnull=True),
                name="cert_one_per_commune_year",
            ),
            models.UniqueConstraint(
                fields=["year", "area"], condition=models.Q(area__isnull=False), name="cert_one_per_area_year"
            ),
            models.UniqueConstraint(
                fields=["year", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="cert_one_per_org_year",
            ),
            models.CheckConstraint(
                condition=~models.Q(area__isnull=False, organisation__isnull=False),
                name="cert_single_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "state", "subject_kind"], name="cert_year_state_kind"),
            # The review queue: submitted records, oldest first.
            models.Index(
                fields=["submitted_at"], condition=models.Q(state="submitted"), name="cert_queue_submitted_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("certification:record_detail", args=[self.pk])

    @property
    def subject(self) -> models.Model:
        return self.area or self.organisation or self.commune

    @property
    def is_editable_state(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_commune_record(self) -> bool:
        return self.subject_kind == SubjectKind.COMMUNE

    @property
    def subject_kind_label(self) -> str:
        return self.get_subject_kind_display()

    @property
    def province_code(self) -> str:
        return self.commune.path.split("/", 1)[0]


class CriterionAssessment(models.Model):
    HISTORY_LABEL = ("record", "criterion")

    record = models.ForeignKey(
        CertificationRecord, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="assessments"
    )
    met = models.BooleanField(_("đạt"), null=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = ScopedManager()
    scope_path_lookup = "record__commune__path"

    class Meta:
        verbose_name = _("đánh giá tiêu chí")
        verbose_name_plural = pgettext_lazy("plural", "đánh giá tiêu chí")
        ordering = ["criterion__order"]
        constraints = [models.UniqueConstraint(fields=["record", "criterion"], name="assessment_unique")]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {gettext('đạt') if self.met else gettext('chưa đạt')}"


class Transition(models.Model):
    """One step of a record's workflow: who moved it, when, from where to where, and why."""

    record = models.ForeignKey(
        CertificationRecord, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(_("từ trạng thái"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("sang trạng thái"), max_length=20, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    reason = models.TextField(_("lý do"), blank=True)

    objects = ScopedManager()
    scope_path_lookup = "record__commune__path"

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = pgettext_lazy("plural", "bước xử lý hồ sơ")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_state_display() or '—'} → {self.get_to_state_display()}"


class Attachment(models.Model):
    HISTORY_LABEL = ("record", "original_name")

    record = models.ForeignKey(
        CertificationRecord, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("tệp"), upload_to="certification/%Y/")
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("kiểu tệp"), max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    objects = ScopedManager()
    scope_path_lookup = "record__commune__path"

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = pgettext_lazy("plural", "tệp đính kèm")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
