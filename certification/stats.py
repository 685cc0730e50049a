"""Recognition rates per year and unit, and the subject lists behind them.

Denominator: the eligible subjects of a kind in the unit's subtree (active areas, organisations
subject to certification, communes in force); numerator: those with an approved record for the
year. Each figure is one grouped query, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils.translation import gettext, pgettext_lazy

from accounts.models import User
from certification.models import ORGANISATION_KINDS, CertificationRecord, State, SubjectKind
from certification.services import (
    eligible_areas,
    eligible_communes,
    eligible_organisations,
    reshaped_since,
    standing_under,
)
from certification.text import format_int, format_percent
from registry.models import AdministrativeUnit

ORGANISATIONS = "organisations"  # the three organisation kinds together, as reports quote them
# Plural nouns, as a rate reads them: "950/978 khu dân cư" (residential areas).
KIND_LABELS = {
    SubjectKind.RESIDENTIAL_AREA: pgettext_lazy("subjects counted", "khu dân cư"),
    SubjectKind.COMMUNE: pgettext_lazy("subjects counted", "xã, phường, thị trấn"),
    SubjectKind.AGENCY: pgettext_lazy("subjects counted", "cơ quan"),
    SubjectKind.ENTERPRISE: pgettext_lazy("subjects counted", "doanh nghiệp"),
    SubjectKind.SCHOOL: pgettext_lazy("subjects counted", "nhà trường, cơ sở giáo dục"),
    ORGANISATIONS: pgettext_lazy("subjects counted", "cơ quan, doanh nghiệp, nhà trường"),
}
ROW_ORDER = [
    SubjectKind.RESIDENTIAL_AREA,
    SubjectKind.COMMUNE,
    ORGANISATIONS,
    SubjectKind.AGENCY,
    SubjectKind.ENTERPRISE,
    SubjectKind.SCHOOL,
]
LIST_KINDS = [k for k in ROW_ORDER if k != ORGANISATIONS]


@dataclass(frozen=True)
class Rate:
    kind: str
    approved: int
    eligible: int

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def percent(self) -> str:
        return format_percent(self.approved, self.eligible)

    @property
    def text(self) -> str:
        """ "950/978 khu dân cư (97,1%)" """
        return f"{format_int(self.approved)}/{format_int(self.eligible)} {self.label} ({self.percent})"

    @property
    def is_summary(self) -> bool:
        return self.kind == ORGANISATIONS

    @property
    def list_kind(self) -> str | None:
        return None if self.kind == ORGANISATIONS else self.kind


def _approved(year: int, kind_filter: Q | None = None) -> Count:
    condition = Q(certification_records__year=year, certification_records__state=State.APPROVED)
    if kind_filter is not None:
        condition &= kind_filter
    return Count("certification_records", filter=condition)


def _group(units: list[AdministrativeUnit], lookup: str) -> Case:
    """The id of the unit (among ``units``) whose subtree holds the row: one column to group by."""
    return Case(
        *(When(**{f"{lookup}__startswith": u.path}, then=Value(u.pk)) for u in units),
        default=Value(None),
        output_field=IntegerField(),
    )


def rates(units: list[AdministrativeUnit], year: int) -> dict[int, list[Rate]]:
    """Rates per kind for each unit (subtrees must not overlap): three queries in all."""
    if not units:
        return {}
    counts: dict[int, dict[str, tuple[int, int]]] = {u.pk: {} for u in units}
    paths = [u.path for u in units]
    placing = reshaped_since(paths, year)
    # After a merger, subjects count where they stood that year (see services.placed).
    group = _group(units, "placed" if placing else "commune__path")

    def subjects_of(qs: models.QuerySet) -> models.QuerySet:
        return standing_under(qs, year, paths, reshaped=placing).annotate(group=group)

    for row in (
        subjects_of(eligible_areas(year))
        .values("group")
        .annotate(total=Count("pk", distinct=True), approved=_approved(year))
    ):
        counts[row["group"]][SubjectKind.RESIDENTIAL_AREA] = (row["approved"], row["total"])

    for row in (
        subjects_of(eligible_organisations(year))
        .values("group", "org_type__category")
        .annotate(total=Count("pk", distinct=True), approved=_approved(year))
    ):
        counts[row["group"]][row["org_type__category"]] = (row["approved"], row["total"])

    unit_prefix = Q()
    for unit in units:
        unit_prefix |= Q(path__startswith=unit.path)
    for row in (
        eligible_communes(year)
        .filter(unit_prefix)
        .annotate(group=_group(units, "path"))
        .values("group")
        .annotate(
            total=Count("pk", distinct=True),
            approved=_approved(year, Q(certification_records__subject_kind=SubjectKind.COMMUNE)),
        )
    ):
        counts[row["group"]][SubjectKind.COMMUNE] = (row["approved"], row["total"])

    result: dict[int, list[Rate]] = {}
    for unit_pk, by_kind in counts.items():
        orgs = [by_kind.get(k, (0, 0)) for k in ORGANISATION_KINDS]
        by_kind[ORGANISATIONS] = (sum(a for a, _ in orgs), sum(t for _, t in orgs))
        result[unit_pk] = [Rate(kind, *by_kind.get(kind, (0, 0))) for kind in ROW_ORDER]
    return result


# --- Drill-down ----------------------------------------------------------------------------------


def _record_columns(year: int, **match: OuterRef) -> dict[str, Subquery]:
    records = CertificationRecord.objects.filter(year=year, **match)
    return {
        "record_id": Subquery(records.values("pk")[:1]),
        "record_state": Subquery(records.values("state")[:1]),
    }


def subjects(unit: AdministrativeUnit, year: int, kind: str, user: User) -> models.QuerySet:
    """Eligible subjects of ``kind`` under ``unit`` with their record (id, state) for ``year``.

    Rows have ``name``, ``commune_name``, ``record_id`` and ``record_state``: one query per page.
    """
    placing = reshaped_since([unit.path], year)

    def under_unit(qs: models.QuerySet) -> models.QuerySet:
        return standing_under(qs, year, [unit.path], reshaped=placing)

    if kind == SubjectKind.RESIDENTIAL_AREA:
        qs = (
            under_unit(eligible_areas(year).visible_to(user))
            .annotate(
                commune_name=models.F("commune__full_name"), **_record_columns(year, area=OuterRef("pk"))
            )
            .order_by("commune__code", "name")
        )
    elif kind in ORGANISATION_KINDS:
        qs = (
            under_unit(eligible_organisations(year).visible_to(user).filter(org_type__category=kind))
            .annotate(
                commune_name=models.F("commune__full_name"),
                **_record_columns(year, organisation=OuterRef("pk")),
            )
            .order_by("commune__code", "name")
        )
    elif kind == SubjectKind.COMMUNE:
        qs = (
            eligible_communes(year)
            .visible_to(user)
            .filter(path__startswith=unit.path)
            .annotate(
                commune_name=models.F("full_name"),
                **_record_columns(year, commune=OuterRef("pk"), subject_kind=SubjectKind.COMMUNE),
            )
            .order_by("code")
        )
    else:
        raise ValueError(kind)
    return qs


def state_label(state: str | None) -> str:
    return str(State(state).label) if state else gettext("Chưa đăng ký")
