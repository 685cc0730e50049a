"""The security registry: administrative units and what the movement keeps about them.

Kinds, types and scales are catalogue rows (data), not code: they change with each circular.
Every row that users see belongs to an administrative unit and is scoped through it
(``scope_path_lookup``, see :mod:`registry.scoping`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from registry.scoping import ScopedManager, ScopedQuerySet
from registry.text import day_text, folded, normalize_text
from registry.validators import not_after_today

PATH_SEP = "/"


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


def _search_field(source: str) -> models.GeneratedField:
    return models.GeneratedField(
        expression=folded(source), output_field=models.CharField(max_length=255), db_persist=True
    )


class NormalizedTextMixin:
    """NFC-normalise the model's free-text names before saving (composed and decomposed look alike)."""

    normalized_fields: tuple[str, ...] = ("name",)

    def normalize_fields(self) -> None:
        for field in self.normalized_fields:
            value = getattr(self, field)
            if isinstance(value, str):
                setattr(self, field, normalize_text(value))


# --- Administrative units ------------------------------------------------------------------------


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class AdministrativeUnitQuerySet(ScopedQuerySet):
    def current(self, on: datetime.date | None = None) -> AdministrativeUnitQuerySet:
        """Units in force on ``on`` (today when not given)."""
        on = on or datetime.date.today()
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=on),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on),
        )

    def subtree(self, unit: AdministrativeUnit) -> AdministrativeUnitQuerySet:
        """The unit and everything beneath it, by path prefix: one indexed query, no tree walk."""
        return self.filter(path__startswith=unit.path)


class AdministrativeUnit(NormalizedTextMixin, TimeStamped):
    """A province, district or commune in one shape of the administrative map.

    Official codes never change nor get reused, but the 2025 reform re-parented communes and closed
    the districts: each shape is a row with its own validity period, so history recorded under the
    old shape stays true. ``path`` holds the codes from the province down ("56/573/22300/") and
    makes subtree queries a prefix match.
    """

    code = models.CharField(
        _("mã"),
        max_length=5,
        validators=[RegexValidator(r"^\d{2}(\d{1}|\d{3})?$", _("Mã đơn vị là 2, 3 hoặc 5 chữ số."))],
    )
    name = models.CharField(_("tên"), max_length=100)
    full_name = models.CharField(_("tên đầy đủ"), max_length=150)
    kind = models.CharField(
        _("loại"), max_length=30, help_text=_("Tỉnh, Thành phố, Huyện, Quận, Xã, Phường…")
    )
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("đường dẫn"), max_length=40, editable=False, db_index=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    name_search = _search_field("full_name")

    objects = AdministrativeUnitQuerySet.as_manager()
    scope_path_lookup = "path"
    normalized_fields = ("name", "full_name", "kind")

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = pgettext_lazy("plural", "đơn vị hành chính")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"], nulls_distinct=False, name="unit_code_version_unique"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(valid_to__isnull=True), name="unit_one_open_version"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "code"], name="unit_level_code"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.normalize_fields()
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registry:unit_detail", args=[self.pk])

    @property
    def is_current(self) -> bool:
        today = datetime.date.today()
        return (self.valid_from is None or self.valid_from <= today) and (
            self.valid_to is None or self.valid_to >= today
        )

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.code}{PATH_SEP}"

    def clean(self) -> None:
        if self.level not in UnitLevel.values:
            return  # the level field reports its own error; nothing to compare the parent with
        expected_parent = {
            UnitLevel.PROVINCE: None,
            UnitLevel.DISTRICT: {UnitLevel.PROVINCE},
            UnitLevel.COMMUNE: {UnitLevel.DISTRICT, UnitLevel.PROVINCE},
        }[self.level]
        if expected_parent is None and self.parent_id:
            raise ValidationError({"parent": gettext("Đơn vị cấp tỉnh không có đơn vị cấp trên.")})
        if expected_parent and (self.parent is None or self.parent.level not in expected_parent):
            raise ValidationError({"parent": gettext("Đơn vị cấp trên không đúng cấp.")})


# --- Residential areas and organisations ---------------------------------------------------------


class Catalogue(TimeStamped):
    """A short list kept as data (kinds, types, scales)."""

    name = models.CharField(_("tên"), max_length=150, unique=True)
    description = models.TextField(_("mô tả"), blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AreaKind(Catalogue):
    class Meta(Catalogue.Meta):
        verbose_name = _("loại khu dân cư")
        verbose_name_plural = pgettext_lazy("plural", "loại khu dân cư")


class CommuneScoped(NormalizedTextMixin, TimeStamped):
    """A registry row that lives in one commune (and through it, in a district and province)."""

    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("xã/phường"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": UnitLevel.COMMUNE},
        related_name="%(class)s_set",
    )

    objects = ScopedManager()
    scope_path_lookup = "commune__path"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.normalize_fields()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.commune_id and self.commune.level != UnitLevel.COMMUNE:
            raise ValidationError({"commune": gettext("Phải chọn một đơn vị cấp xã.")})


class EndsOnDay:
    """A row that ends on a day (closed, stopped, replaced): ``end_field`` holds the day; it is
    cleared while the row is active, and set to today when the row ends without one given.

    The same rule serves the pages (``save``, ``clean``) and the imports
    (``registry.resources.EndDayMixin`` reads these attributes)."""

    end_field = ""
    active_lookup: dict = {}  # the lookup that finds active rows: {"is_active": True}
    end_conflict = ""  # the message for an active row given an end day
    start_field = ""  # the day the row began, if it has one: it cannot end before that
    end_before_start = ""  # the message for an end day before the start day

    @classmethod
    def is_running_values(cls, values: dict) -> bool:
        return all(values.get(name) == value for name, value in cls.active_lookup.items())

    def is_running(self) -> bool:
        return self.is_running_values(self.__dict__)

    def save(self, *args, **kwargs) -> None:
        was_active = False
        if not self.is_running() and not getattr(self, self.end_field) and self.pk:
            was_active = type(self).objects.filter(pk=self.pk, **self.active_lookup).exists()
        settle_end_day(self.__dict__, active=self.is_running(), field=self.end_field, was_active=was_active)
        super().save(*args, **kwargs)

    @classmethod
    def end_before_start_values(cls, values: dict) -> bool:
        """Whether ``values`` end the row before it began (unknown days never do)."""
        start = values.get(cls.start_field) if cls.start_field else None
        end = values.get(cls.end_field)
        return bool(start and end and end < start)

    def clean(self) -> None:
        super().clean()
        if self.is_running() and getattr(self, self.end_field):
            raise ValidationError({self.end_field: str(self.end_conflict)})
        if self.end_before_start_values(self.__dict__):
            raise ValidationError({self.end_field: str(self.end_before_start)})


class Relocatable(models.Model):
    """A row that lives on when its commune merges into another (``registry.reform``): it keeps
    the commune it stood in before its last move, so that the years before still count it there.

    It stood in ``former_commune`` up to that commune's last day (``valid_to``), and in
    ``commune`` after. Only the last move is kept: a row moved by two reforms counts, for the
    years before the first, where the second found it.
    """

    former_commune = models.ForeignKey(
        "registry.AdministrativeUnit",
        verbose_name=_("xã/phường trước khi sáp nhập"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @staticmethod
    def moved_after(day: datetime.date) -> models.Q:
        """Rows that still stood in their former commune on ``day``."""
        return models.Q(former_commune__valid_to__gte=day)

    @classmethod
    def path_on(cls, day: datetime.date) -> models.Case:
        """The path of the commune the row stood in on ``day``."""
        return models.Case(
            models.When(cls.moved_after(day), then=models.F("former_commune__path")),
            default=models.F("commune__path"),
        )

    @classmethod
    def stood_under(cls, path: str, day: datetime.date) -> models.Q:
        """Rows that stood under ``path`` on ``day``."""
        before = cls.moved_after(day)
        return (before & models.Q(former_commune__path__startswith=path)) | (
            ~before & models.Q(commune__path__startswith=path)
        )

    @staticmethod
    def near(path: str, via: str = "") -> models.Q:
        """Rows under ``path`` now or before their last move (on the path indexes): the candidates
        of :meth:`stood_under` for any day. ``via`` reaches them from a related row."""
        return models.Q(**{f"{via}commune__path__startswith": path}) | models.Q(
            **{f"{via}former_commune__path__startswith": path}
        )


class Closable(EndsOnDay, Relocatable, CommuneScoped):
    """A place that can cease to exist (a hamlet merged, an enterprise closed) on a known day.

    ``is_active`` says whether it exists now; ``opened_on`` and ``closed_on`` when it began and
    stopped, so that each year's figures count what existed then. Rows closed before the date was
    recorded have none; rows without an opening day existed before the registry.
    """

    opened_on = models.DateField(
        _("có từ ngày"),
        null=True,
        blank=True,
        help_text=_("Ngày thành lập, chia tách hoặc bắt đầu hoạt động; để trống nếu đã có từ trước."),
    )
    closed_on = models.DateField(
        _("ngừng từ ngày"),
        null=True,
        blank=True,
        help_text=_("Ngày giải thể, sáp nhập hoặc ngừng hoạt động; để trống nếu còn tồn tại."),
    )

    end_field = "closed_on"
    active_lookup = {"is_active": True}
    end_conflict = _("Còn tồn tại thì không có ngày ngừng: bỏ chọn ô tình trạng hoặc xóa ngày.")
    start_field = "opened_on"
    end_before_start = _("Ngày ngừng phải sau ngày có.")

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        self._check_move()

    def _check_move(self) -> None:
        """A place with forces, models, dossiers or commendations stays in its commune: they are
        that commune's too, and moving the place alone would leave them pointing across communes
        (and out of its staff's reach)."""
        if not self.pk or not self.commune_id:
            return
        before = type(self)._base_manager.filter(pk=self.pk).values_list("commune_id", flat=True).first()
        if before in (None, self.commune_id):
            return
        attached = sorted(
            str(relation.related_model._meta.verbose_name)
            for relation in self._meta.related_objects
            if getattr(self, relation.get_accessor_name()).exists()
        )
        if attached:
            raise ValidationError(
                {
                    "commune": gettext(
                        "Không chuyển được sang xã/phường khác: còn %(attached)s gắn với nơi này. "
                        "Hãy chuyển hoặc bỏ liên kết chúng trước."
                    )
                    % {"attached": ", ".join(attached)}
                }
            )


def settle_end_day(values: dict, *, active: bool, field: str, was_active: bool = False) -> None:
    """An active row has no end day; one ending now without a day given ends today.

    A row that had already ended keeps an unknown day unknown: guessing today would count it in
    the years before as if it had existed then.
    """
    if active:
        values[field] = None
    elif was_active and not values.get(field):
        values[field] = timezone.localdate()


class ResidentialArea(Closable):
    """Thôn, làng, bản, ấp, tổ dân phố, khu phố … (no official code)."""

    name = models.CharField(_("tên"), max_length=150)
    kind = models.ForeignKey(AreaKind, verbose_name=_("loại"), on_delete=models.PROTECT, related_name="areas")
    households = models.PositiveIntegerField(_("số hộ"), null=True, blank=True)
    population = models.PositiveIntegerField(_("số nhân khẩu"), null=True, blank=True)
    is_active = models.BooleanField(_("đang tồn tại"), default=True)
    name_search = _search_field("name")

    class Meta:
        verbose_name = _("khu dân cư")
        verbose_name_plural = pgettext_lazy("plural", "khu dân cư")
        ordering = ["commune__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="area_name_unique_in_commune")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:area_detail", args=[self.pk])

    @staticmethod
    def more_households_than_people(households: int | None, population: int | None) -> str | None:
        """The form's and the imports' rule: each household counts at least one person."""
        if households is not None and population is not None and households > population:
            return gettext("Số hộ không thể lớn hơn số nhân khẩu: mỗi hộ có ít nhất một người.")
        return None

    def clean(self) -> None:
        super().clean()
        problem = self.more_households_than_people(self.households, self.population)
        if problem:
            raise ValidationError({"households": problem})


class OrganisationCategory(models.TextChoices):
    # The three subject kinds of Circular 124/2021 besides areas and communes: rules depend on them.
    AGENCY = "agency", _("Cơ quan")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    SCHOOL = "school", _("Nhà trường, cơ sở giáo dục")


class OrganisationType(Catalogue):
    category = models.CharField(_("nhóm"), max_length=20, choices=OrganisationCategory.choices)
    subject_to_certification = models.BooleanField(
        _("thuộc diện công nhận “An toàn về ANTT”"),
        default=True,
        help_text=_(
            "Không: doanh nghiệp nhỏ và siêu nhỏ, đơn vị lực lượng vũ trang, trường tiểu học, mầm non…"
        ),
    )

    class Meta(Catalogue.Meta):
        verbose_name = _("loại cơ quan, doanh nghiệp, nhà trường")
        verbose_name_plural = pgettext_lazy("plural", "loại cơ quan, doanh nghiệp, nhà trường")


class Organisation(Closable):
    name = models.CharField(_("tên"), max_length=255)
    org_type = models.ForeignKey(
        OrganisationType, verbose_name=_("loại"), on_delete=models.PROTECT, related_name="organisations"
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    staff_count = models.PositiveIntegerField(_("số cán bộ, nhân viên"), null=True, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    name_search = _search_field("name")

    class Meta:
        verbose_name = _("cơ quan, doanh nghiệp, nhà trường")
        verbose_name_plural = pgettext_lazy("plural", "cơ quan, doanh nghiệp, nhà trường")
        ordering = ["commune__code", "name"]
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="org_name_unique_in_commune")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:organisation_detail", args=[self.pk])

    @property
    def category(self) -> str:
        return self.org_type.category

    @property
    def subject_to_certification(self) -> bool:
        return self.org_type.subject_to_certification


class SteeringCommittee(EndsOnDay, CommuneScoped):
    """Ban chỉ đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân bảo vệ ANTQ."""

    decision_number = models.CharField(_("số quyết định"), max_length=50)
    decision_date = models.DateField(_("ngày quyết định"), validators=[not_after_today])
    head_name = models.CharField(_("trưởng ban"), max_length=150)
    head_position = models.CharField(_("chức vụ trưởng ban"), max_length=150, blank=True)
    member_count = models.PositiveSmallIntegerField(_("số thành viên"), validators=[MinValueValidator(1)])
    members = models.TextField(
        _("thành viên"), blank=True, help_text=_("Họ tên và chức vụ, mỗi người một dòng.")
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    ended_on = models.DateField(
        _("hết hoạt động từ ngày"),
        null=True,
        blank=True,
        help_text=_("Ngày ban được thay thế hoặc giải thể; để trống khi đang hoạt động."),
    )

    normalized_fields = ("decision_number", "head_name", "head_position")
    end_field = "ended_on"
    active_lookup = {"is_active": True}
    end_conflict = _("Đang hoạt động thì không có ngày hết hoạt động: bỏ chọn ô hoặc xóa ngày.")
    start_field = "decision_date"
    end_before_start = _("Ngày hết hoạt động không được trước ngày quyết định.")

    class Meta:
        verbose_name = _("ban chỉ đạo")
        verbose_name_plural = pgettext_lazy("plural", "ban chỉ đạo")
        ordering = ["commune__code", "-decision_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune"],
                condition=models.Q(is_active=True),
                name="one_active_committee_per_commune",
            ),
            # Document numbers start again every year: the date tells two decisions "15/QĐ-UBND" apart.
            models.UniqueConstraint(
                fields=["commune", "decision_number", "decision_date"],
                name="committee_decision_unique_by_date",
                violation_error_message=_("Xã/phường này đã có quyết định cùng số và ngày."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Ban chỉ đạo %(commune)s (%(number)s)") % {
            "commune": self.commune,
            "number": self.decision_number,
        }

    def get_absolute_url(self) -> str:
        return reverse("registry:committee_detail", args=[self.pk])

    @staticmethod
    def too_many_listed(member_count: int | None, members: str | None) -> str | None:
        """The form's and the imports' rule: the list names no more people than the count."""
        listed = sum(1 for line in (members or "").splitlines() if line.strip())
        if member_count and listed > member_count:
            return gettext("Danh sách thành viên có %(listed)s người, nhiều hơn số thành viên đã nhập.") % {
                "listed": listed
            }
        return None

    def clean(self) -> None:
        super().clean()
        problem = self.too_many_listed(self.member_count, self.members)
        if problem:
            raise ValidationError({"member_count": problem})

    @classmethod
    def serving_on(cls, day: datetime.date, prefix: str = "") -> models.Q:
        """Committees in force on ``day`` (``prefix``: the path to them from another model): set up
        by then, and active now or ended after it."""
        set_up = models.Q(**{f"{prefix}decision_date__lte": day})
        serving = models.Q(**{f"{prefix}is_active": True}) | models.Q(**{f"{prefix}ended_on__gt": day})
        return set_up & serving


# --- Hosted things: forces and models belong to a commune, an area in it, or an organisation in it ---


class Hosted(EndsOnDay, Relocatable, CommuneScoped):
    """Attached to a commune, or to one residential area or organisation of that commune."""

    area = models.ForeignKey(
        ResidentialArea,
        verbose_name=_("khu dân cư"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)s_set",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("cơ quan, doanh nghiệp, nhà trường"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)s_set",
    )

    stopped_on = models.DateField(
        _("ngừng hoạt động từ ngày"),
        null=True,
        blank=True,
        help_text=_("Ngày tạm dừng hoặc giải thể; để trống khi đang hoạt động."),
    )
    end_field = "stopped_on"
    active_lookup = {"status": "active"}
    end_conflict = _("Đang hoạt động thì không có ngày ngừng: đổi tình trạng hoặc xóa ngày.")

    class Meta:
        abstract = True

    @property
    def host(self) -> models.Model:
        return self.area or self.organisation or self.commune

    @classmethod
    def running_on(cls, day: datetime.date) -> models.Q:
        """Running on ``day``: started by then (or no start day), and active now or stopped after."""
        return cls.running_between(day, day)

    @classmethod
    def running_between(cls, first: datetime.date, last: datetime.date) -> models.Q:
        """Running on some day from ``first`` to ``last``: started by ``last``, not stopped by ``first``."""
        start = cls.start_field
        started = models.Q(**{f"{start}__isnull": True}) | models.Q(**{f"{start}__lte": last})
        return started & (models.Q(status=Status.ACTIVE) | models.Q(stopped_on__gt=first))

    def clean(self) -> None:
        # "One host only" is the table's check constraint, with its own message (SINGLE_HOST).
        super().clean()
        for field in ("area", "organisation"):
            host = getattr(self, field)
            if host is not None and self.commune_id and host.commune_id != self.commune_id:
                raise ValidationError({field: gettext("Phải thuộc xã/phường đã chọn.")})


SINGLE_HOST = _("Chỉ chọn một nơi: khu dân cư hoặc cơ quan, doanh nghiệp, nhà trường.")


class Status(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    SUSPENDED = "suspended", _("Tạm dừng")
    DISSOLVED = "dissolved", _("Đã giải thể")


class ForceType(Catalogue):
    """Pre-2024 types and the 2024 'Tổ bảo vệ an ninh, trật tự', each with its period of use."""

    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)

    class Meta(Catalogue.Meta):
        verbose_name = _("loại lực lượng nòng cốt")
        verbose_name_plural = pgettext_lazy("plural", "loại lực lượng nòng cốt")


class ForceUnit(Hosted):
    """A core-force unit (board, team) and its member count; rosters are not kept here."""

    start_field = "established_on"
    end_before_start = _("Ngày ngừng hoạt động không được trước ngày thành lập.")
    name = models.CharField(_("tên"), max_length=200)
    force_type = models.ForeignKey(
        ForceType, verbose_name=_("loại lực lượng"), on_delete=models.PROTECT, related_name="units"
    )
    member_count = models.PositiveIntegerField(_("số thành viên"))
    leader_name = models.CharField(_("người phụ trách"), max_length=150, blank=True)
    leader_position = models.CharField(_("chức vụ người phụ trách"), max_length=150, blank=True)
    established_on = models.DateField(_("ngày thành lập"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định thành lập"), max_length=50, blank=True)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    name_search = _search_field("name")

    normalized_fields = ("name", "leader_name", "leader_position")

    class Meta:
        verbose_name = _("lực lượng nòng cốt")
        verbose_name_plural = pgettext_lazy("plural", "lực lượng nòng cốt")
        ordering = ["commune__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="force_name_unique_in_commune"),
            models.CheckConstraint(
                condition=~models.Q(area__isnull=False, organisation__isnull=False),
                name="force_single_host",
                violation_error_message=SINGLE_HOST,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:force_detail", args=[self.pk])

    @staticmethod
    def after_type_ended(established_on: datetime.date | None, last_day: datetime.date | None) -> str | None:
        """The form's and the imports' rule: a type replaced by a reform (e.g. semi-professional
        commune police, 1 July 2024) stays for the units set up while it was in use, not new ones."""
        if last_day and established_on and established_on > last_day:
            return gettext(
                "Loại lực lượng này chỉ áp dụng đến %(day)s: lực lượng thành lập sau ngày đó thuộc loại khác."
            ) % {"day": day_text(last_day)}
        return None

    def clean(self) -> None:
        super().clean()
        last_day = self.force_type.valid_to if self.force_type_id else None
        problem = self.after_type_ended(self.established_on, last_day)
        if problem:
            raise ValidationError({"force_type": problem})


class ModelType(Catalogue):
    class Meta(Catalogue.Meta):
        verbose_name = _("loại mô hình tự quản")
        verbose_name_plural = pgettext_lazy("plural", "loại mô hình tự quản")


class EffectivenessClass(Catalogue):
    """The effectiveness scale of model reviews (varies by province: good/average/weak …)."""

    rank = models.PositiveSmallIntegerField(_("bậc"), help_text=_("1 là tốt nhất."))

    class Meta(Catalogue.Meta):
        verbose_name = _("mức hiệu quả")
        verbose_name_plural = pgettext_lazy("plural", "mức hiệu quả")
        ordering = ["rank"]


class SecurityModel(Hosted):
    """Mô hình tự quản về ANTT."""

    start_field = "started_on"
    end_before_start = _("Ngày ngừng hoạt động không được trước ngày bắt đầu.")
    name = models.CharField(_("tên mô hình"), max_length=255)
    model_type = models.ForeignKey(
        ModelType, verbose_name=_("loại mô hình"), on_delete=models.PROTECT, related_name="models"
    )
    started_on = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("số người tham gia"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    replicated_from = models.ForeignKey(
        "self",
        verbose_name=_("nhân rộng từ mô hình"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replicas",
    )
    description = models.TextField(_("mô tả"), blank=True)
    name_search = _search_field("name")

    class Meta:
        verbose_name = _("mô hình tự quản về ANTT")
        verbose_name_plural = pgettext_lazy("plural", "mô hình tự quản về ANTT")
        ordering = ["commune__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="model_name_unique_in_commune"),
            models.CheckConstraint(
                condition=~models.Q(area__isnull=False, organisation__isnull=False),
                name="model_single_host",
                violation_error_message=SINGLE_HOST,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:model_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.replicated_from_id and self.replicated_from_id == self.pk:
            raise ValidationError({"replicated_from": gettext("Mô hình không thể nhân rộng từ chính nó.")})
        # Its reviews must stay after its start (ModelReview.before_start).
        if not (self.pk and self.started_on):
            return
        first_review = self.reviews.order_by("reviewed_on").values_list("reviewed_on", flat=True).first()
        if first_review and first_review < self.started_on:
            raise ValidationError(
                {
                    "started_on": gettext(
                        "Mô hình đã có lần đánh giá ngày %(day)s: ngày bắt đầu không được sau ngày đó."
                    )
                    % {"day": day_text(first_review)}
                }
            )


class ReviewKind(models.TextChoices):
    INTERIM = "interim", _("Sơ kết")
    FINAL = "final", _("Tổng kết")


class ModelReview(TimeStamped):
    HISTORY_LABEL = ("model", "reviewed_on")  # how the change log names a review

    model = models.ForeignKey(
        SecurityModel, verbose_name=_("mô hình"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField(_("ngày đánh giá"), validators=[not_after_today])
    kind = models.CharField(_("hình thức"), max_length=10, choices=ReviewKind.choices)
    effectiveness = models.ForeignKey(
        EffectivenessClass, verbose_name=_("mức hiệu quả"), on_delete=models.PROTECT, related_name="reviews"
    )
    notes = models.TextField(_("ghi chú"), blank=True)

    objects = ScopedManager()
    scope_path_lookup = "model__commune__path"

    class Meta:
        verbose_name = _("đánh giá mô hình")
        verbose_name_plural = pgettext_lazy("plural", "đánh giá mô hình")
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["model", "reviewed_on", "kind"], name="model_review_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reviewed_on:%d/%m/%Y}: {self.effectiveness}"

    def get_absolute_url(self) -> str:
        return reverse("registry:model_review_detail", args=[self.pk])

    @staticmethod
    def before_start(reviewed_on: datetime.date | None, started_on: datetime.date | None) -> str | None:
        """The form's and the imports' rule: a model is reviewed once it has started."""
        if started_on and reviewed_on and reviewed_on < started_on:
            return gettext("Mô hình bắt đầu từ %(day)s: ngày đánh giá không được trước đó.") % {
                "day": day_text(started_on)
            }
        return None

    def clean(self) -> None:
        super().clean()
        problem = self.before_start(self.reviewed_on, self.model.started_on if self.model_id else None)
        if problem:
            raise ValidationError({"reviewed_on": problem})
