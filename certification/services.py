"""The certification workflow: register, fill the dossier, submit, approve / reject, revoke.

Every function is atomic, checks the user's role and scope itself (views check too, this is the
last line), locks the record row (``select_for_update``) and re-reads its state before moving it,
so two reviewers acting at once cannot both win. Each step leaves a Transition: who, when, why.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import Action
from audit.services import bulk_create_audited, bulk_update_audited
from certification import uploads
from certification.models import (
    EDITABLE_STATES,
    TRANSITIONS,
    Attachment,
    CertificationRecord,
    CriteriaSet,
    Criterion,
    CriterionAssessment,
    State,
    SubjectKind,
    Transition,
    assessment_period,
)
from certification.text import format_percent
from registry.models import AdministrativeUnit, Organisation, ResidentialArea, UnitLevel
from registry.text import day_text

Subject = ResidentialArea | Organisation | AdministrativeUnit

# Share of a commune's registered subjects that must be recognised (criterion 4 of a commune).
COMMUNE_APPROVAL_SHARE = 70
FIRST_YEAR = 2013  # Circular 23/2012 took effect in 2013.
DECISION_NUMBER_MAX = CertificationRecord._meta.get_field("decision_number").max_length


class CertificationError(Exception):
    """A workflow step the rules do not allow; the message is shown to the user as is."""


# --- Eligibility ---------------------------------------------------------------------------------


def existing_in(kind: str, year: int | None) -> Q:
    """Areas or organisations that a year's figures count: opened by the end of the year's
    assessment period, and existing now or closed only after it. Without a year: those that
    exist now."""
    if year is None:
        return Q(is_active=True)
    _start, end = assessment_period(kind, year)
    opened = Q(opened_on__isnull=True) | Q(opened_on__lte=end)
    return opened & (Q(is_active=True) | Q(closed_on__gt=end))


def eligible_areas(year: int | None = None) -> models.QuerySet[ResidentialArea]:
    return ResidentialArea.objects.filter(existing_in(SubjectKind.RESIDENTIAL_AREA, year))


def eligible_organisations(year: int | None = None) -> models.QuerySet[Organisation]:
    # Small and micro enterprises, armed-forces units and primary schools are outside the circular.
    return Organisation.objects.filter(
        existing_in(SubjectKind.AGENCY, year), org_type__subject_to_certification=True
    )


def placed(qs: models.QuerySet, year: int, name: str = "placed") -> models.QuerySet:
    """Annotate ``name``: the path of the commune an area or organisation stood under in ``year``.

    That is the commune its record for the year was filed under; without a record that year, the
    commune it stood in at the end of the year's assessment period (``Relocatable.path_on``: its
    commune before a merger moved it, else its own). They differ from its commune now only for a
    subject that moved since, and then the past year's figures stay with the old units.
    """
    area = qs.model is ResidentialArea
    field = "area" if area else "organisation"
    _start, end = assessment_period(SubjectKind.RESIDENTIAL_AREA if area else SubjectKind.AGENCY, year)
    # One record per subject and year (a constraint): no ordering, so no sort in each probe.
    filed = CertificationRecord.objects.filter(year=year, **{field: OuterRef("pk")}).order_by()
    return qs.annotate(**{name: Coalesce(Subquery(filed.values("commune__path")[:1]), qs.model.path_on(end))})


def placed_under(qs: models.QuerySet, year: int, paths: Iterable[str]) -> models.QuerySet:
    """The subjects of ``qs`` that stood under one of ``paths`` in ``year`` (see :func:`placed`)."""
    candidates, stood = standing_in_years(qs, [year], {year}, paths, name="placed")
    return candidates.filter(stood[year])


def standing_in_years(
    qs: models.QuerySet,
    years: Iterable[int],
    placed_years: set[int],
    paths: Iterable[str],
    *,
    name: str = "placed_{year}",
) -> tuple[models.QuerySet, dict[int, Q]]:
    """The subjects of ``qs`` that may stand under one of ``paths`` in one of ``years``, and for
    each year the condition that one did: where it stood then (:func:`placed`, annotated as
    ``name``) in ``placed_years``, where it is now in the others. One query can then count every
    year.

    Candidates are found on indexes first (under a path now or before their last move, or filed
    under it in one of the placed years)."""
    paths = list(paths)
    now = Q()
    for path in paths:
        now |= Q(commune__path__startswith=path)
    if not placed_years:
        return qs.filter(now), dict.fromkeys(years, Q())
    field = "area" if qs.model is ResidentialArea else "organisation"
    near, filed_under = Q(), Q()
    for path in paths:
        near |= qs.model.near(path)
        filed_under |= Q(commune__path__startswith=path)
    filed = CertificationRecord.objects.filter(filed_under, year__in=placed_years)
    qs = qs.filter(near | Q(pk__in=filed.values(field)))
    stood: dict[int, Q] = {}
    for year in years:
        if year not in placed_years:
            stood[year] = now
            continue
        annotation = name.format(year=year)
        qs = placed(qs, year, annotation)
        stood[year] = Q()
        for path in paths:
            stood[year] |= Q(**{f"{annotation}__startswith": path})
    return qs, stood


def standing_under(
    qs: models.QuerySet, year: int, paths: Iterable[str], *, reshaped: bool
) -> models.QuerySet:
    """The subjects of ``qs`` under one of ``paths`` in ``year``: where they stood then if a merger
    has ``reshaped`` the units since (:func:`reshaped_since`, :func:`placed_under`), else where they
    are now, on the path index."""
    paths = list(paths)
    if reshaped:
        return placed_under(qs, year, paths)
    under = Q()
    for path in paths:
        under |= Q(commune__path__startswith=path)
    return qs.filter(under)


def last_reshape_year(paths: Iterable[str]) -> int | None:
    """The last year in which a unit under ``paths`` closed (a merger), if any. One query.

    Up to that year a subject's place may differ from where it is now, and figures must place
    subjects with :func:`placed`; after it, where they are is where they stood.
    """
    under = Q()
    for path in paths:
        under |= Q(path__startswith=path)
    closed = AdministrativeUnit.objects.filter(under, valid_to__isnull=False)
    last = closed.aggregate(last=models.Max("valid_to"))["last"]
    return last.year if last else None


def reshaped_since(paths: Iterable[str], year: int) -> bool:
    """Whether a unit under ``paths`` closed during or after ``year`` (see :func:`last_reshape_year`)."""
    last = last_reshape_year(paths)
    return last is not None and year <= last


def eligible_communes(year: int) -> models.QuerySet[AdministrativeUnit]:
    """Communes in force at the end of the year's assessment period, when recognition is decided.

    After the 2025 reform this picks the merged communes for 2025, not the ones closed mid-year.
    """
    _, end = assessment_period(SubjectKind.COMMUNE, year)
    return AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).current(on=end)


def subject_kind_of(subject: Subject) -> str:
    if isinstance(subject, ResidentialArea):
        return SubjectKind.RESIDENTIAL_AREA
    if isinstance(subject, Organisation):
        return subject.org_type.category
    if isinstance(subject, AdministrativeUnit) and subject.level == UnitLevel.COMMUNE:
        return SubjectKind.COMMUNE
    raise CertificationError(_("Chỉ khu dân cư, xã/phường, cơ quan, doanh nghiệp, nhà trường được đăng ký."))


def check_eligible(subject: Subject, year: int) -> None:
    if isinstance(subject, ResidentialArea) and not subject.is_active:
        raise CertificationError(
            _("Khu dân cư “%(subject)s” không còn tồn tại, không thể đăng ký.") % {"subject": subject}
        )
    if isinstance(subject, Organisation):
        if not subject.org_type.subject_to_certification:
            raise CertificationError(
                _("“%(subject)s” (%(type)s) không thuộc diện công nhận “An toàn về ANTT”.")
                % {"subject": subject, "type": subject.org_type}
            )
        if not subject.is_active:
            raise CertificationError(
                _("“%(subject)s” không còn hoạt động, không thể đăng ký.") % {"subject": subject}
            )
    if isinstance(subject, AdministrativeUnit) and not eligible_communes(year).filter(pk=subject.pk).exists():
        raise CertificationError(
            _("%(subject)s không còn hiệu lực trong kỳ đánh giá năm %(year)s.")
            % {"subject": subject, "year": year}
        )


def latest_year(user: User) -> int | None:
    """The year pages open on: the latest with an approval in the user's scope, so that dossiers
    registered early for the next year do not turn every rate to 0 %; else the latest with any
    record."""
    years = CertificationRecord.objects.visible_to(user).aggregate(
        decided=models.Max("year", filter=Q(state=State.APPROVED)), any=models.Max("year")
    )
    return years["decided"] or years["any"]


def check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year + 1:
        raise CertificationError(
            _("Năm %(year)s không hợp lệ (từ %(first)s đến %(last)s).")
            % {"year": year, "first": FIRST_YEAR, "last": this_year + 1}
        )


# --- Permission helpers --------------------------------------------------------------------------


def _require(user: User, action: Action) -> None:
    if not user.can(action):
        raise PermissionDenied(_("Vai trò của bạn không được thực hiện thao tác này."))


def _require_commune_in_scope(user: User, commune: AdministrativeUnit, action: Action) -> None:
    _require(user, action)
    if not AdministrativeUnit.objects.restrict(user, action).filter(pk=commune.pk).exists():
        raise Http404(_("Không tìm thấy hoặc bạn không có quyền truy cập."))


def _lock(record: CertificationRecord, user: User, action: Action) -> CertificationRecord:
    """The record's row, locked until the transaction ends, if ``user`` may act on it."""
    _require(user, action)
    locked = (
        CertificationRecord.objects.restrict(user, action).select_for_update().filter(pk=record.pk).first()
    )
    if locked is None:
        raise Http404(_("Không tìm thấy hoặc bạn không có quyền truy cập."))
    # The caller saw the record in one state; someone may have moved it meanwhile.
    if locked.state != record.state:
        raise CertificationError(
            _("Hồ sơ đã được người khác xử lý (hiện: %(state)s). Vui lòng tải lại trang để xem kết quả.")
            % {"state": locked.get_state_display()}
        )
    return locked


def _check_move(record: CertificationRecord, to_state: str) -> None:
    if to_state not in TRANSITIONS[record.state]:
        raise CertificationError(
            _("Không thể chuyển hồ sơ từ “%(from)s” sang “%(to)s”.")
            % {"from": record.get_state_display(), "to": State(to_state).label}
        )


def _move(
    record: CertificationRecord, user: User, to_state: str, why: str = "", **changes: object
) -> CertificationRecord:
    _check_move(record, to_state)
    from_state = record.state
    record.state = to_state
    for name, value in changes.items():
        setattr(record, name, value)
    record.save()
    Transition.objects.create(record=record, from_state=from_state, to_state=to_state, by=user, reason=why)
    return record


def _record_for(
    subject: Subject, kind: str, year: int, user: User, today: datetime.date
) -> CertificationRecord:
    start, end = assessment_period(kind, year)
    commune = subject if isinstance(subject, AdministrativeUnit) else subject.commune
    return CertificationRecord(
        commune=commune,
        area=subject if isinstance(subject, ResidentialArea) else None,
        organisation=subject if isinstance(subject, Organisation) else None,
        subject_kind=kind,
        year=year,
        period_start=start,
        period_end=end,
        registered_on=today,
    )


# --- Registration --------------------------------------------------------------------------------


@transaction.atomic
def register(subject: Subject, year: int, user: User) -> CertificationRecord:
    """Register one area, organisation or commune for ``year``."""
    check_year(year)
    kind = subject_kind_of(subject)
    commune = subject if isinstance(subject, AdministrativeUnit) else subject.commune
    _require_commune_in_scope(user, commune, Action.CHANGE)
    check_eligible(subject, year)
    # Registrations of one commune queue behind each other (see register_all_eligible).
    AdministrativeUnit.objects.select_for_update().get(pk=commune.pk)
    record = _record_for(subject, kind, year, user, timezone.localdate())
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as exc:
        raise CertificationError(
            _("“%(subject)s” đã đăng ký công nhận năm %(year)s.") % {"subject": subject, "year": year}
        ) from exc
    Transition.objects.create(
        record=record, from_state="", to_state=State.REGISTERED, by=user, reason="Đăng ký phấn đấu"
    )
    return record


WITHDRAW_REFUSED = gettext_lazy("Chỉ rút được đăng ký chưa từng nộp hồ sơ.")


def can_withdraw(record: CertificationRecord) -> bool:
    """A registration may be withdrawn (made by mistake, or the subject ceased) while its dossier
    has never gone to a reviewer: nobody's decision is undone with it."""
    return record.state == State.REGISTERED and record.submitted_at is None


@transaction.atomic
def withdraw(record: CertificationRecord, user: User) -> None:
    """Delete a registration that never reached a reviewer, with its self-assessment and files."""
    record = _lock(record, user, Action.CHANGE)
    if not can_withdraw(record):
        raise CertificationError(str(WITHDRAW_REFUSED))
    files = [attachment.file.name for attachment in record.attachments.all()]
    record.delete()
    storage = Attachment._meta.get_field("file").storage

    def delete_files() -> None:  # only once the rows are gone for good
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)


@dataclass
class RegistrationReport:
    created: list[CertificationRecord] = field(default_factory=list)
    skipped: int = 0

    def summary(self) -> str:
        return _("Đã đăng ký %(created)s đối tượng; bỏ qua %(skipped)s đối tượng đã đăng ký trước.") % {
            "created": len(self.created),
            "skipped": self.skipped,
        }


@transaction.atomic
def register_all_eligible(commune: AdministrativeUnit, year: int, user: User) -> RegistrationReport:
    """Register every eligible area and organisation of ``commune``, and the commune, in one go."""
    check_year(year)
    if commune.level != UnitLevel.COMMUNE:
        raise CertificationError(_("Chỉ đăng ký tất cả cho một đơn vị cấp xã."))
    _require_commune_in_scope(user, commune, Action.CHANGE)
    # Lock the commune so that two people registering the same commune at once do not collide.
    AdministrativeUnit.objects.select_for_update().get(pk=commune.pk)
    today = timezone.localdate()
    taken = Q(certification_records__year=year)
    subjects: list[Subject] = [
        *eligible_areas().filter(commune=commune).exclude(taken).order_by("name"),
        *eligible_organisations()
        .filter(commune=commune)
        .exclude(taken)
        .select_related("org_type")
        .order_by("name"),
    ]
    report = RegistrationReport()
    report.skipped = (
        eligible_areas().filter(commune=commune).filter(taken).count()
        + eligible_organisations().filter(commune=commune).filter(taken).count()
    )
    if CertificationRecord.objects.filter(
        year=year, commune=commune, subject_kind=SubjectKind.COMMUNE
    ).exists():
        report.skipped += 1
    elif eligible_communes(year).filter(pk=commune.pk).exists():
        subjects.append(commune)
    records = [_record_for(s, subject_kind_of(s), year, user, today) for s in subjects]
    reason = "Đăng ký cùng cả xã"  # the workflow step's reason and the history rows' alike
    report.created = bulk_create_audited(records, CertificationRecord, user=user, reason=reason)
    Transition.objects.bulk_create(
        Transition(record=r, from_state="", to_state=State.REGISTERED, by=user, reason=reason)
        for r in report.created
    )
    return report


# --- Dossier -------------------------------------------------------------------------------------


def criteria_set_for(record: CertificationRecord) -> CriteriaSet | None:
    return CriteriaSet.objects.filter(subject_kind=record.subject_kind, year=record.year).first()


@dataclass
class CriteriaCopyReport:
    created: list[CriteriaSet] = field(default_factory=list)
    skipped: list[CriteriaSet] = field(default_factory=list)  # the target year already has one


@transaction.atomic
def copy_criteria_sets(
    sets: Iterable[CriteriaSet], year: int, *, user: User | None = None
) -> CriteriaCopyReport:
    """Start ``year``'s criteria from existing sets, criteria and province additions included.

    Criteria rarely change between years, but each year keeps its own set so that a change never
    rewrites a past year's dossiers. A kind that already has a set for ``year`` is left alone.
    """
    check_year(year)
    report = CriteriaCopyReport()
    taken = set(CriteriaSet.objects.filter(year=year).values_list("subject_kind", flat=True))
    for source in sorted(sets, key=lambda s: (s.subject_kind, -s.year)):
        if source.subject_kind in taken:
            report.skipped.append(source)
            continue
        taken.add(source.subject_kind)
        copy = CriteriaSet.objects.create(
            subject_kind=source.subject_kind, year=year, name=source.name, legal_basis=source.legal_basis
        )
        bulk_create_audited(
            [
                Criterion(
                    criteria_set=copy,
                    code=c.code,
                    text=c.text,
                    order=c.order,
                    confirmed=c.confirmed,
                    computed=c.computed,
                    province_id=c.province_id,
                )
                for c in source.criteria.order_by("order", "code")
            ],
            Criterion,
            user=user,
            reason=_("Sao chép bộ tiêu chí năm %(year)s") % {"year": source.year},
        )
        report.created.append(copy)
    return report


def criteria_for(record: CertificationRecord) -> list[Criterion]:
    criteria_set = criteria_set_for(record)
    return list(criteria_set.criteria_for(record.commune)) if criteria_set else []


@dataclass(frozen=True)
class CommuneRule:
    """Criterion 4 of a commune: all its areas and organisations registered, ≥70% recognised."""

    eligible: int
    registered: int
    approved: int

    @property
    def all_registered(self) -> bool:
        return self.registered >= self.eligible

    @property
    def approved_share(self) -> float:
        return 100 * self.approved / self.eligible if self.eligible else 0.0

    @property
    def met(self) -> bool:
        # Integer arithmetic: 69.99% must not round up to 70%.
        return (
            self.eligible > 0
            and self.all_registered
            and self.approved * 100 >= COMMUNE_APPROVAL_SHARE * self.eligible
        )

    def summary(self) -> str:
        verdict = _("đạt") if self.met else _("chưa đạt")
        return _(
            "Đăng ký %(registered)s/%(eligible)s; được công nhận %(approved)s/%(eligible)s "
            "(%(percent)s) — %(verdict)s "
            "(cần 100%% đăng ký và ít nhất %(share)s%% được công nhận)."
        ) % {
            "registered": self.registered,
            "eligible": self.eligible,
            "approved": self.approved,
            "percent": format_percent(self.approved, self.eligible),
            "verdict": verdict,
            "share": COMMUNE_APPROVAL_SHARE,
        }


def commune_rule(commune: AdministrativeUnit, year: int) -> CommuneRule:
    """Counted from the registry: two queries whatever the commune's size."""
    return commune_rules([commune.pk], year)[commune.pk]


def commune_rules(commune_ids: Iterable[int], year: int) -> dict[int, CommuneRule]:
    """:func:`commune_rule` for several communes at once: still two queries, grouped by commune."""
    ids = list(commune_ids)
    tallies = {pk: [0, 0, 0] for pk in ids}
    for queryset in (eligible_areas(year), eligible_organisations(year)):
        # At most one record per subject and year (unique constraints), so counting joined
        # records of that year counts subjects.
        rows = (
            queryset.filter(commune__in=ids)
            .order_by()
            .values("commune")
            .annotate(
                total=Count("pk", distinct=True),
                registered=Count("certification_records", filter=Q(certification_records__year=year)),
                approved=Count(
                    "certification_records",
                    filter=Q(certification_records__year=year, certification_records__state=State.APPROVED),
                ),
            )
        )
        for row in rows:
            tally = tallies[row["commune"]]
            tally[0] += row["total"]
            tally[1] += row["registered"]
            tally[2] += row["approved"]
    return {pk: CommuneRule(eligible=e, registered=r, approved=a) for pk, (e, r, a) in tallies.items()}


def _write_assessments(
    record: CertificationRecord,
    rows: Iterable[tuple[Criterion, bool | None, str]],
    user: User,
    reason: str,
) -> None:
    """Create or change the record's assessments, each with its history row; unchanged ones are
    left alone so the history shows only what moved."""
    existing = {a.criterion_id: a for a in CriterionAssessment.objects.filter(record=record)}
    new, changed = [], []
    for criterion, met, note in rows:
        current = existing.get(criterion.pk)
        if current is None:
            new.append(CriterionAssessment(record=record, criterion=criterion, met=met, note=note))
        elif (current.met, current.note) != (met, note):
            current.met, current.note = met, note
            changed.append(current)
    bulk_create_audited(new, CriterionAssessment, user=user, reason=reason)
    bulk_update_audited(changed, CriterionAssessment, ["met", "note"], user=user, reason=reason)


@transaction.atomic
def save_dossier(
    record: CertificationRecord,
    user: User,
    *,
    assessments: Mapping[int, tuple[bool | None, str]],
    meeting_date: datetime.date | None,
    submission_number: str,
) -> CertificationRecord:
    """Save the self-assessment (criterion id → (met, note)), meeting date and submission number.

    Only while the record is registered or rejected; computed criteria are filled from the registry.
    """
    record = _lock(record, user, Action.CHANGE)
    if record.state not in EDITABLE_STATES:
        raise CertificationError(
            _("Hồ sơ đang ở trạng thái “%(state)s”, không thể sửa.") % {"state": record.get_state_display()}
            # Revocation withdraws the recognition for good; it does not reopen the dossier.
            + (
                " "
                + _(
                    "Hồ sơ đã công nhận được khóa; nếu hồ sơ không đúng sự thật, "
                    "người thẩm định thu hồi công nhận."
                )
                if record.state == State.APPROVED
                else ""
            )
        )
    # The meeting assesses the period: held after it began, and already held.
    if meeting_date and not record.period_start <= meeting_date <= timezone.localdate():
        raise CertificationError(
            _("Ngày họp đánh giá phải từ đầu kỳ đánh giá (%(start)s) đến hôm nay.")
            % {"start": day_text(record.period_start)}
        )
    criteria = {c.pk: c for c in criteria_for(record)}
    unknown = set(assessments) - set(criteria)
    if unknown:
        raise CertificationError(_("Tiêu chí không thuộc bộ tiêu chí của hồ sơ này."))
    rows = []
    for criterion in criteria.values():
        if criterion.computed:
            met, note = _computed_value(record)
        elif criterion.pk in assessments:
            met, note = assessments[criterion.pk]
        else:
            continue
        rows.append((criterion, met, (note or "").strip()))
    _write_assessments(record, rows, user, "Cập nhật hồ sơ đánh giá")
    record.meeting_date = meeting_date
    record.submission_number = (submission_number or "").strip()
    record.save(update_fields=["meeting_date", "submission_number", "updated_at"])
    Transition.objects.create(
        record=record,
        from_state=record.state,
        to_state=record.state,
        by=user,
        reason="Cập nhật hồ sơ đánh giá",
    )
    return record


def _computed_value(record: CertificationRecord, rule: CommuneRule | None = None) -> tuple[bool, str]:
    rule = rule or commune_rule(record.commune, record.year)
    # The summary is stored as the criterion's note: in the site's language, not the user's.
    with translation.override(settings.LANGUAGE_CODE):
        return rule.met, rule.summary()


def _freeze_computed(
    record: CertificationRecord, user: User, reason: str, rule: CommuneRule | None = None
) -> None:
    """Store the computed criterion with the rule's count now (or ``rule``'s): what a step rests on."""
    met, note = _computed_value(record, rule)
    computed = [c for c in criteria_for(record) if c.computed]
    _write_assessments(record, [(c, met, note) for c in computed], user, reason)


def missing_for_submission(record: CertificationRecord) -> list[str]:
    """What the dossier still lacks before it can be submitted (empty when complete)."""
    problems = []
    criteria = criteria_for(record)
    if not criteria:
        problems.append(_("chưa có bộ tiêu chí năm %(year)s cho đối tượng này") % {"year": record.year})
    assessed = set(record.assessments.filter(met__isnull=False).values_list("criterion_id", flat=True))
    open_codes = [c.code for c in criteria if not c.computed and c.pk not in assessed]
    if open_codes:
        problems.append(_("chưa đánh giá tiêu chí %(codes)s") % {"codes": ", ".join(open_codes)})
    if not record.meeting_date:
        problems.append(_("thiếu ngày họp đánh giá"))
    if not record.submission_number:
        problems.append(_("thiếu số tờ trình"))
    return problems


def approval_problems(record: CertificationRecord, rule: CommuneRule | None = None) -> list[str]:
    """Why the dossier cannot be recognised now (empty when it can): recognition needs every
    criterion. Self-assessed criteria are read as stored; a commune's ``rule`` is passed in live."""
    return _problems(_unmet_criteria([record.pk])[record.pk], rule)


def approval_problems_of(records: Sequence[CertificationRecord]) -> dict[int, list[str]]:
    """:func:`approval_problems` for a page of dossiers, with every commune's rule counted live.

    One query for the unmet criteria, two per year among the communes' dossiers: none per row.
    """
    unmet = _unmet_criteria([r.pk for r in records])
    communes_by_year: dict[int, set[int]] = defaultdict(set)
    for record in records:
        if record.is_commune_record:
            communes_by_year[record.year].add(record.commune_id)
    rules = {
        (year, pk): rule
        for year, ids in communes_by_year.items()
        for pk, rule in commune_rules(ids, year).items()
    }
    return {
        r.pk: _problems(unmet[r.pk], rules.get((r.year, r.commune_id)) if r.is_commune_record else None)
        for r in records
    }


def _unmet_criteria(record_ids: list[int]) -> defaultdict[int, list[str]]:
    """The codes of the self-assessed criteria each dossier marks "not met", in order (one query)."""
    unmet: defaultdict[int, list[str]] = defaultdict(list)
    assessments = (
        CriterionAssessment.objects.filter(record__in=record_ids, met=False, criterion__computed=False)
        .order_by("criterion__order", "criterion__code")
        .values_list("record_id", "criterion__code")
    )
    for record_id, code in assessments:
        unmet[record_id].append(code)
    return unmet


def _problems(unmet: list[str], rule: CommuneRule | None) -> list[str]:
    problems = []
    if unmet:
        problems.append(
            _("Tiêu chí %(codes)s được đánh giá “Chưa đạt”; chỉ công nhận khi đạt tất cả các tiêu chí.")
            % {"codes": ", ".join(unmet)}
        )
    if rule is not None and not rule.met:
        problems.append(_("Tiêu chí tính từ sổ đăng ký chưa đạt: %(summary)s") % {"summary": rule.summary()})
    return problems


# --- Transitions ---------------------------------------------------------------------------------


def _submit(
    record: CertificationRecord, user: User, from_states: Iterable[str], reason: str
) -> CertificationRecord:
    record = _lock(record, user, Action.CHANGE)
    if record.state not in from_states:
        _check_move(record, State.SUBMITTED)
        raise CertificationError(_("Chỉ nộp lại được hồ sơ đã bị trả lại."))
    _check_move(record, State.SUBMITTED)
    problems = missing_for_submission(record)
    if problems:
        raise CertificationError(_("Hồ sơ chưa đủ để nộp: %(problems)s.") % {"problems": "; ".join(problems)})
    if record.is_commune_record:
        # Freeze the computed criterion as it stands when the dossier goes to the reviewer.
        _freeze_computed(record, user, "Chốt tiêu chí tính từ sổ đăng ký")
    return _move(
        record,
        user,
        State.SUBMITTED,
        reason,
        submitted_by=user,
        submitted_at=timezone.now(),
        decided_by=None,
        decided_at=None,
        reason="",
    )


@transaction.atomic
def submit(record: CertificationRecord, user: User) -> CertificationRecord:
    """Send the dossier to the reviewer (first time, or again after a rejection)."""
    reason = "Nộp lại sau khi bị trả lại" if record.state == State.REJECTED else "Nộp hồ sơ"
    return _submit(record, user, EDITABLE_STATES, reason)


@transaction.atomic
def resubmit(record: CertificationRecord, user: User) -> CertificationRecord:
    return _submit(record, user, {State.REJECTED}, "Nộp lại sau khi bị trả lại")


@transaction.atomic
def approve(
    record: CertificationRecord, user: User, reason: str = "", *, decision_number: str
) -> CertificationRecord:
    """Recognise the dossier: only when every criterion is met, a commune's rule counted now."""
    record = _lock(record, user, Action.REVIEW)
    _check_move(record, State.APPROVED)
    if record.submitted_by_id == user.pk:
        raise CertificationError(_("Không thể tự phê duyệt hồ sơ do chính mình nộp."))
    decision_number = (decision_number or "").strip()
    if not decision_number:
        raise CertificationError(_("Cần nhập số quyết định công nhận."))
    if len(decision_number) > DECISION_NUMBER_MAX:
        raise CertificationError(
            _("Số quyết định công nhận quá dài (tối đa %(limit_value)d ký tự).")
            % {"limit_value": DECISION_NUMBER_MAX}
        )
    # A commune's areas and organisations may have been decided or revoked since it was submitted:
    # the rule is counted again now, and the decision rests on that count.
    rule = commune_rule(record.commune, record.year) if record.is_commune_record else None
    problems = approval_problems(record, rule)
    if problems:
        raise CertificationError(" ".join([_("Chưa thể công nhận hồ sơ này."), *problems]))
    if rule is not None:
        _freeze_computed(record, user, "Chốt tiêu chí tính từ sổ đăng ký khi công nhận", rule)
    return _move(
        record,
        user,
        State.APPROVED,
        reason.strip(),
        decided_by=user,
        decided_at=timezone.now(),
        decision_number=decision_number,
        reason=reason.strip(),
    )


@transaction.atomic
def reject(record: CertificationRecord, user: User, reason: str) -> CertificationRecord:
    reason = (reason or "").strip()
    if not reason:
        raise CertificationError(_("Cần nêu lý do trả lại hồ sơ."))
    record = _lock(record, user, Action.REVIEW)
    _check_move(record, State.REJECTED)
    return _move(
        record, user, State.REJECTED, reason, decided_by=user, decided_at=timezone.now(), reason=reason
    )


@transaction.atomic
def revoke(record: CertificationRecord, user: User, reason: str) -> CertificationRecord:
    """Withdraw a recognition (e.g. the dossier proved false); the record stays as evidence."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificationError(_("Cần nêu lý do thu hồi công nhận."))
    record = _lock(record, user, Action.REVIEW)
    _check_move(record, State.REVOKED)
    return _move(record, user, State.REVOKED, reason, reason=reason)


@dataclass
class BatchResult:
    approved: list[CertificationRecord] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (subject, message)


def approve_many(
    records: Iterable[CertificationRecord], user: User, *, decision_number: str, reason: str = ""
) -> BatchResult:
    """Approve each record in its own transaction: one refusal does not undo the others."""
    result = BatchResult()
    for record in records:
        try:
            result.approved.append(approve(record, user, reason, decision_number=decision_number))
        except (CertificationError, PermissionDenied, Http404) as exc:
            result.failed.append((str(record.subject), str(exc) or _("Không có quyền.")))
    return result


# --- Attachments ---------------------------------------------------------------------------------


@transaction.atomic
def add_attachment(record: CertificationRecord, user: User, upload: UploadedFile) -> Attachment:
    """Attach a PDF/PNG/JPEG to a dossier that can still be edited."""
    record = _lock(record, user, Action.CHANGE)
    if record.state not in EDITABLE_STATES:
        raise CertificationError(
            _("Hồ sơ đang ở trạng thái “%(state)s”, không thể thêm tệp.")
            % {"state": record.get_state_display()}
        )
    try:
        file_type = uploads.check_upload(upload)
    except ValidationError as exc:
        raise CertificationError(" ".join(exc.messages)) from exc
    attachment = Attachment(
        record=record,
        original_name=uploads.display_name(upload.name or ""),
        content_type=file_type.content_type,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(uploads.random_name(file_type), upload, save=False)
    # If the row cannot be written, do not leave an orphan file behind.
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def delete_attachment(attachment: Attachment, user: User) -> None:
    record = _lock(attachment.record, user, Action.CHANGE)
    if record.state not in EDITABLE_STATES:
        raise CertificationError(
            _("Hồ sơ đang ở trạng thái “%(state)s”, không thể xóa tệp.")
            % {"state": record.get_state_display()}
        )
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    # Remove the file only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name))
