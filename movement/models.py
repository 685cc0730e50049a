"""Plans, campaigns with measured results, and commendations.

Result metrics, campaign kinds and commendation forms are catalogues (data). Plan targets name an
indicator whose current value is computed from the registry (``movement.indicators``), so progress
is never typed twice.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.roles import Action
from registry.models import (
    PATH_SEP,
    AdministrativeUnit,
    Catalogue,
    ForceUnit,
    NormalizedTextMixin,
    Organisation,
    SecurityModel,
    TimeStamped,
)
from registry.scoping import ScopedManager, ScopedQuerySet
from registry.text import folded
from registry.validators import not_after_today

# The movement began in 1962; the upper bound only stops typing slips (20255) that no date can hold.
YEAR_VALIDATORS = [MinValueValidator(1962), MaxValueValidator(2100)]


# The labels of these choices are also the values of spreadsheet cells: the import/export widgets
# read them in Vietnamese (the msgid) whatever language the page is in.
class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_FORCE = "in_force", _("Đang thực hiện")
    COMPLETED = "completed", _("Đã hoàn thành")
    CANCELLED = "cancelled", _("Đã hủy")


class PlanQuerySet(ScopedQuerySet):
    def restrict(self, user: Any, action: Action | str = Action.VIEW) -> PlanQuerySet:
        """Plans issued by the units above the user's apply to it too: visible, never editable."""
        scoped = super().restrict(user, action)
        if Action(action) != Action.VIEW or not getattr(user, "is_authenticated", False):
            return scoped
        if user.is_admin or not user.can(action) or not user.scope_path:
            return scoped
        path = user.scope_path
        codes = path.split(PATH_SEP)[:-1]
        ancestors = [PATH_SEP.join(codes[:i]) + PATH_SEP for i in range(1, len(codes))]
        return self.filter(
            models.Q(issuing_unit__path__startswith=path) | models.Q(issuing_unit__path__in=ancestors)
        )


class Plan(NormalizedTextMixin, TimeStamped):
    HISTORY_LABEL = ("number",)

    number = models.CharField(_("số, ký hiệu"), max_length=50, help_text=_("Ví dụ: 747/KH-CAT"))
    title = models.CharField(_("trích yếu"), max_length=500)
    issuing_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị ban hành"), on_delete=models.PROTECT, related_name="plans"
    )
    issuer = models.CharField(
        _("cơ quan ban hành"), max_length=255, blank=True, help_text=_("Ví dụ: Công an tỉnh")
    )
    issued_on = models.DateField(_("ngày ban hành"), validators=[not_after_today])
    year_from = models.PositiveSmallIntegerField(_("từ năm"), validators=YEAR_VALIDATORS)
    year_to = models.PositiveSmallIntegerField(_("đến năm"), validators=YEAR_VALIDATORS)
    status = models.CharField(
        _("tình trạng"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.IN_FORCE
    )
    summary = models.TextField(_("nội dung chính"), blank=True)
    title_search = models.GeneratedField(
        expression=folded("title"), output_field=models.CharField(max_length=500), db_persist=True
    )

    objects = PlanQuerySet.as_manager()
    scope_path_lookup = "issuing_unit__path"
    normalized_fields = ("number", "title", "issuer")

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-issued_on", "number"]
        constraints = [
            # Document numbers start again every year: plan 747 of 2023 and plan 747 of 2026 differ.
            models.UniqueConstraint(
                fields=["issuing_unit", "number", "year_from"],
                name="plan_number_unique_per_unit_year",
                violation_error_message=_("Đơn vị này đã có kế hoạch cùng số, ký hiệu và năm bắt đầu."),
            ),
            models.CheckConstraint(
                condition=models.Q(year_to__gte=models.F("year_from")), name="plan_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("movement:plan_detail", args=[self.pk])

    def save(self, *args, **kwargs) -> None:
        self.normalize_fields()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.year_from and self.year_to and self.year_to < self.year_from:
            raise ValidationError({"year_to": gettext("Năm kết thúc phải bằng hoặc sau năm bắt đầu.")})
        # Issued before or during its period (December for next year is usual), never after it.
        if self.issued_on and self.year_to and self.issued_on.year > self.year_to:
            message = gettext("Kế hoạch đến năm %(year)s không thể ban hành sau năm đó.")
            raise ValidationError({"issued_on": message % {"year": self.year_to}})


class Comparator(models.TextChoices):
    AT_LEAST = "gte", "≥"
    AT_MOST = "lte", "≤"


class PlanTarget(models.Model):
    """A plan's target: an indicator measured over a unit (and its subtree), compared with a value."""

    HISTORY_LABEL = ("plan", "indicator", "year")

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.CharField(_("chỉ tiêu"), max_length=50, help_text=_("Mã chỉ tiêu tính từ sổ đăng ký."))
    scope_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="+"
    )
    comparator = models.CharField(
        _("so sánh"), max_length=3, choices=Comparator.choices, default=Comparator.AT_LEAST
    )
    value = models.DecimalField(_("giá trị mục tiêu"), max_digits=12, decimal_places=2)
    year = models.PositiveSmallIntegerField(
        _("năm"),
        null=True,
        blank=True,
        validators=YEAR_VALIDATORS,
        help_text=_(
            "Trống: tính đến năm nay, hoặc đến năm cuối khi kế hoạch đã kết thúc (chỉ tiêu cộng dồn "
            "cộng từ năm đầu kế hoạch)."
        ),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    objects = ScopedManager()
    scope_path_lookup = "plan__issuing_unit__path"

    class Meta:
        verbose_name = _("chỉ tiêu kế hoạch")
        verbose_name_plural = _("chỉ tiêu kế hoạch")
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return f"{self.indicator} {self.get_comparator_display()} {self.value}"

    def clean(self) -> None:
        from movement.indicators import resolve_indicators, validate_indicator_code

        if self.indicator:
            validate_indicator_code(self.indicator)
        if self.value is not None and self.value < 0:
            raise ValidationError({"value": gettext("Giá trị mục tiêu không được âm.")})
        indicator = resolve_indicators([self.indicator]).get(self.indicator) if self.indicator else None
        if indicator and indicator.unit == "%" and self.value is not None and self.value > 100:
            message = gettext("Chỉ tiêu tính theo tỷ lệ: giá trị mục tiêu từ 0 đến 100.")
            raise ValidationError({"value": message})
        if self.year and self.plan_id and not (self.plan.year_from <= self.year <= self.plan.year_to):
            raise ValidationError({"year": gettext("Năm của chỉ tiêu phải nằm trong thời kỳ kế hoạch.")})


class CampaignKind(Catalogue):
    class Meta(Catalogue.Meta):
        verbose_name = _("loại đợt vận động, sự kiện")
        verbose_name_plural = _("loại đợt vận động, sự kiện")


class ResultMetric(Catalogue):
    """A measured result of campaigns: sessions held, attendance, leaflets, guns handed in …"""

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    unit = models.CharField(_("đơn vị tính"), max_length=30, help_text=_("buổi, lượt, tờ, khẩu, viên, kg …"))

    class Meta(Catalogue.Meta):
        verbose_name = _("chỉ số kết quả")
        verbose_name_plural = _("chỉ số kết quả")


class Campaign(NormalizedTextMixin, TimeStamped):
    kind = models.ForeignKey(
        CampaignKind, verbose_name=_("loại"), on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField(_("tên đợt vận động, sự kiện"), max_length=255)
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("theo kế hoạch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    place = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="campaigns"
    )
    organisers = models.CharField(_("đơn vị tổ chức"), max_length=500, blank=True)
    participants = models.PositiveIntegerField(_("số người tham gia"), null=True, blank=True)
    description = models.TextField(_("nội dung"), blank=True)
    name_search = models.GeneratedField(
        expression=folded("name"), output_field=models.CharField(max_length=255), db_persist=True
    )

    objects = ScopedManager()
    scope_path_lookup = "place__path"
    normalized_fields = ("name", "organisers")

    class Meta:
        verbose_name = _("đợt vận động, sự kiện")
        verbose_name_plural = _("đợt vận động, sự kiện")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="campaign_dates_ordered"
            ),
            # The import's key: without it two saves of one file could record an event twice.
            models.UniqueConstraint(
                fields=["place", "name", "start_date"],
                name="campaign_unique_per_place_day",
                violation_error_message=_(
                    "Địa bàn này đã có đợt vận động, sự kiện cùng tên và ngày bắt đầu."
                ),
            ),
        ]
        indexes = [models.Index(fields=["start_date"], name="campaign_start")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("movement:campaign_detail", args=[self.pk])

    def save(self, *args, **kwargs) -> None:
        self.normalize_fields()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": gettext("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")})
        problem = self.outside_plan(self.start_date, self.plan if self.plan_id else None)
        if problem:
            raise ValidationError({"plan": problem})

    @staticmethod
    def outside_plan(start_date: datetime.date | None, plan: Plan | None) -> str | None:
        """The form's and the imports' rule: a campaign under a plan starts within its years."""
        if plan and start_date and not plan.year_from <= start_date.year <= plan.year_to:
            return gettext(
                "Đợt vận động bắt đầu năm %(year)s, ngoài thời kỳ của kế hoạch này (%(first)s đến %(last)s)."
            ) % {"year": start_date.year, "first": plan.year_from, "last": plan.year_to}
        return None


class CampaignResult(models.Model):
    HISTORY_LABEL = ("campaign", "metric")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("đợt vận động, sự kiện"), on_delete=models.CASCADE, related_name="results"
    )
    metric = models.ForeignKey(
        ResultMetric, verbose_name=_("chỉ số"), on_delete=models.PROTECT, related_name="results"
    )
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=2)

    objects = ScopedManager()
    scope_path_lookup = "campaign__place__path"

    class Meta:
        verbose_name = _("kết quả")
        verbose_name_plural = _("kết quả")
        ordering = ["metric__order", "metric__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "metric"],
                name="campaign_result_unique",
                violation_error_message=_("Mỗi chỉ số chỉ nhập một lần cho một đợt vận động."),
            ),
            models.CheckConstraint(condition=models.Q(value__gte=0), name="campaign_result_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value}"


class CommendationForm(Catalogue):
    """Ministry emulation flag, Minister's certificate of merit, … kept as data."""

    level = models.PositiveSmallIntegerField(_("cấp"), default=0, help_text=_("1 là cao nhất."))

    class Meta(Catalogue.Meta):
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")


class RecipientKind(models.TextChoices):
    # Labels are also spreadsheet cell values (see PlanStatus).
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class CommendationQuerySet(ScopedQuerySet):
    def effective(self) -> CommendationQuerySet:
        """Revoked commendations stay visible as such but leave every count."""
        return self.filter(revoked_at__isnull=True)


# One decision commends a recipient once: the database constraint and the import's key.
COMMENDATION_KEY = (
    "unit",
    "year",
    "decision_number",
    "recipient_name",
    "organisation",
    "force_unit",
    "security_model",
)


class Commendation(NormalizedTextMixin, TimeStamped):
    form = models.ForeignKey(
        CommendationForm, verbose_name=_("hình thức"), on_delete=models.PROTECT, related_name="commendations"
    )
    authority = models.CharField(_("cấp quyết định"), max_length=255)
    decision_number = models.CharField(_("số quyết định"), max_length=50)
    decision_date = models.DateField(_("ngày quyết định"), validators=[not_after_today])
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    event = models.CharField(_("sự kiện, phong trào"), max_length=255, blank=True)
    recipient_kind = models.CharField(_("đối tượng"), max_length=20, choices=RecipientKind.choices)
    # The unit the commendation is recorded under (scope); for a collective of the registry, its commune.
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="commendations"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan, doanh nghiệp, nhà trường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    force_unit = models.ForeignKey(
        ForceUnit,
        verbose_name=_("lực lượng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    security_model = models.ForeignKey(
        SecurityModel,
        verbose_name=_("mô hình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    recipient_name = models.CharField(
        _("tên tập thể / họ tên cá nhân"),
        max_length=255,
        blank=True,
        help_text=_("Tập thể ngoài sổ đăng ký, hoặc họ tên cá nhân (không lưu thêm thông tin cá nhân)."),
    )
    recipient_position = models.CharField(_("chức vụ"), max_length=255, blank=True)
    reason = models.TextField(_("lý do khen thưởng"), blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.TextField(_("lý do thu hồi"), blank=True)
    recipient_search = models.GeneratedField(
        expression=folded("recipient_name"), output_field=models.CharField(max_length=255), db_persist=True
    )

    objects = CommendationQuerySet.as_manager()
    scope_path_lookup = "unit__path"
    normalized_fields = ("authority", "decision_number", "event", "recipient_name", "recipient_position")

    class Meta:
        verbose_name = _("khen thưởng")
        verbose_name_plural = pgettext_lazy("plural", "khen thưởng")
        ordering = ["-decision_date", "pk"]
        indexes = [models.Index(fields=["year", "form"], name="commendation_year_form")]
        constraints = [
            # One decision commends a recipient once; numbers start again every year.
            models.UniqueConstraint(
                fields=list(COMMENDATION_KEY),
                nulls_distinct=False,
                name="commendation_unique_per_decision",
                violation_error_message=_("Quyết định này đã khen thưởng đối tượng này trong năm đó."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.form} — {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("movement:commendation_detail", args=[self.pk])

    def save(self, *args, **kwargs) -> None:
        self.normalize_fields()
        super().save(*args, **kwargs)

    @property
    def recipient(self) -> str:
        target = self.security_model or self.force_unit or self.organisation
        if target is not None:
            return str(target)
        return self.recipient_name or str(self.unit)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def clean(self) -> None:
        links = [f for f in ("organisation", "force_unit", "security_model") if getattr(self, f"{f}_id")]
        if len(links) > 1:
            raise ValidationError(gettext("Chỉ chọn một tập thể trong sổ đăng ký."))
        if self.recipient_kind == RecipientKind.INDIVIDUAL:
            if links:
                raise ValidationError(gettext("Khen thưởng cá nhân không gắn với tập thể trong sổ đăng ký."))
            if not self.recipient_name:
                raise ValidationError({"recipient_name": gettext("Nhập họ tên cá nhân được khen thưởng.")})
        elif not links and not self.recipient_name:
            raise ValidationError(
                {
                    "recipient_name": gettext(
                        "Chọn tập thể trong sổ đăng ký hoặc nhập tên tập thể được khen thưởng."
                    )
                }
            )
