"""Dashboard figures for a part of the country and a year, computed in the database.

Every figure is defined ONCE as a *family*: a scoped base queryset (the rows of the subtree) and a
condition for a year (``*_when``). The figures aggregate ``base.filter(when)`` with conditional
aggregates grouped by type (or by child unit); the figure lists (``figure_rows``) return
``base.filter(when, key)`` — the very same rows — so a list's count equals its figure by
construction. The number of queries is constant whatever the size of the subtree: one grouped query
per family, never a query per child or per type.

What a year means: units, committees, forces and models are counted as they stood on 31 December
(``Scope.as_of``, clamped to the unit's own validity; a committee, force or model that ended later
still counts: ``committees_when``, ``Hosted.running_on``); certification counts the records approved for
that year over the subjects eligible in the registry (areas, and organisations whose type is subject
to certification, that existed that year: active now, or closed only after the year's assessment
period; communes in force). Where a merger has moved subjects since, each counts under the commune
its dossier for that year was filed with (``Scope.placing``), else under the commune it stood in
then; forces and models too count where they stood on the year's day (``Relocatable``), so the old
units' past figures stay as they were.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.models import CertificationRecord, State, SubjectKind
from certification.services import (
    eligible_areas,
    eligible_organisations,
    existing_in,
    last_reshape_year,
    latest_year,
    placed,
    standing_in_years,
    standing_under,
)
from movement.models import CampaignResult, Commendation
from registry.models import (
    AdministrativeUnit,
    EffectivenessClass,
    ForceUnit,
    ModelReview,
    ModelType,
    Organisation,
    OrganisationCategory,
    Relocatable,
    ResidentialArea,
    SecurityModel,
    SteeringCommittee,
    UnitLevel,
)

if TYPE_CHECKING:
    from accounts.models import User

TREND_YEARS = 5
NO_CLASS = "none"  # key of the models that have no review yet
ORG_KINDS = (SubjectKind.AGENCY, SubjectKind.ENTERPRISE, SubjectKind.SCHOOL)
ORGANISATIONS = "organisation"  # the three organisation kinds together, as reports quote them
CERT_KINDS: tuple[str, ...] = (SubjectKind.RESIDENTIAL_AREA, SubjectKind.COMMUNE, *ORG_KINDS)
CERT_LABELS: dict[str, str] = {
    SubjectKind.RESIDENTIAL_AREA: gettext_lazy("khu dân cư"),
    SubjectKind.COMMUNE: gettext_lazy("xã, phường, thị trấn"),
    SubjectKind.AGENCY: gettext_lazy("cơ quan"),
    SubjectKind.ENTERPRISE: gettext_lazy("doanh nghiệp"),
    SubjectKind.SCHOOL: gettext_lazy("nhà trường, cơ sở giáo dục"),
    ORGANISATIONS: gettext_lazy("cơ quan, doanh nghiệp, nhà trường"),
}


# --- Scope: who looks at which part of the country, as of when --------------------------------


@dataclass(frozen=True)
class Scope:
    """The user looking and the unit looked at; ``unit=None`` is the whole country (admins only)."""

    user: User
    unit: AdministrativeUnit | None

    @property
    def path(self) -> str:
        return self.unit.path if self.unit else ""

    @property
    def name(self) -> str:
        return self.unit.full_name if self.unit else _("Toàn quốc")

    @cached_property
    def _last_reshape_year(self) -> int | None:
        return last_reshape_year([self.path])  # the whole country: the empty path matches all

    def placing(self, year: int) -> bool:
        """Whether subjects may stand elsewhere now than in ``year``: then they are counted where
        their record for the year put them (``certification.services.placed``)."""
        return self._last_reshape_year is not None and year <= self._last_reshape_year

    def as_of(self, year: int) -> datetime.date:
        """The day a year's figures describe: 31 December, within the unit's own validity."""
        day = datetime.date(year, 12, 31)
        if self.unit is not None:
            if self.unit.valid_to and day > self.unit.valid_to:
                day = self.unit.valid_to
            if self.unit.valid_from and day < self.unit.valid_from:
                day = self.unit.valid_from
        return day

    def subtree(self, model: type[models.Model], lookup: str | None = None) -> models.QuerySet:
        """The model's rows the user may see, below the unit (by path prefix on an index)."""
        qs = model.objects.visible_to(self.user)
        if self.unit is None:
            return qs
        return qs.filter(**{f"{lookup or model.scope_path_lookup}__startswith": self.unit.path})

    @property
    def reshaped(self) -> bool:
        """Whether a unit below has closed (a merger): rows may have moved out since."""
        return self._last_reshape_year is not None

    def living(self, model: type[Relocatable], via: str = "") -> models.QuerySet:
        """The rows of a model that lives on through mergers (or of rows ``via`` one) that stand
        below the unit now or stood there before their last move: the candidates of
        :meth:`stood`."""
        qs = model.objects.visible_to(self.user)
        if self.unit is None:
            return qs
        if self.reshaped:
            return qs.filter(Relocatable.near(self.path, via))
        return qs.filter(**{f"{via}commune__path__startswith": self.path})

    def stood(self, model: type[Relocatable], year: int) -> Q:
        """Rows that stood below the unit on the year's day (``Relocatable``)."""
        if self.unit is None or not self.reshaped:
            return Q()
        return model.stood_under(self.path, self.as_of(year))

    def children(self, year: int) -> list[AdministrativeUnit]:
        """Units directly below, in the shape in force on the year's day (communes after 2025)."""
        qs = AdministrativeUnit.objects.visible_to(self.user)
        qs = qs.filter(level=UnitLevel.PROVINCE) if self.unit is None else qs.filter(parent=self.unit)
        return list(qs.current(self.as_of(year)).order_by("code"))


@contextmanager
def aggregate_session(*, whole_country: bool = False) -> Iterator[None]:
    """A transaction tuned for the dashboard's aggregate queries (one extra statement).

    JIT compilation costs PostgreSQL ~100 ms per large aggregate, more than it saves on these
    sub-second queries; the data is in memory, so index probes cost about as much as sequential
    reads. The whole country scans its largest tables whole: there, cheaper parallel workers and
    more memory for hash aggregates take its SQL from about 750 to 680 ms (median, national
    dataset, two cores), where a province's index probes gain nothing. The settings last only for
    this transaction.
    """
    settings_sql = "SET LOCAL jit = off; SET LOCAL random_page_cost = 1.1"
    if whole_country:
        settings_sql += (
            "; SET LOCAL work_mem = '64MB'; SET LOCAL parallel_setup_cost = 10"
            "; SET LOCAL parallel_tuple_cost = 0.001; SET LOCAL min_parallel_table_scan_size = 0"
        )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(settings_sql)
        yield


def default_year(user: User) -> int:
    """``DASHBOARD_DEFAULT_YEAR``, else the latest certification year the user may see
    (``certification.services.latest_year``), else this year."""
    configured = getattr(settings, "DASHBOARD_DEFAULT_YEAR", None)
    if configured:
        return int(configured)
    return latest_year(user) or datetime.date.today().year


def default_unit(user: User) -> AdministrativeUnit | None:
    """The user's own scope unit; for admins the first province."""
    if user.scope_unit_id:
        return user.scope_unit
    return (
        AdministrativeUnit.objects.visible_to(user)
        .filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)
        .order_by("code")
        .first()
    )


def in_force(day: datetime.date, prefix: str = "") -> Q:
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


class SplitPart(Func):
    function = "split_part"
    output_field = models.CharField()


def child_code(scope: Scope, path_lookup: str) -> SplitPart:
    """The code of the child unit a row lies under: the path segment right after the unit's own."""
    return SplitPart(Substr(F(path_lookup), len(scope.path) + 1), Value("/"), Value(1))


# --- Families: base rows and the condition for a year --------------------------------------------


def commune_rows(scope: Scope) -> models.QuerySet:
    """Communes of the subtree, joined with their steering committees that are or were in force.

    A commune has one active committee at most (a constraint), plus those that ended on a known
    day; a replaced committee keeps the commune covered for the years it served. The join may give
    a commune more than one row: counts are distinct, lists go through :func:`_units`. (A subquery
    here was repeated by PostgreSQL in each year's conditional count: ten probes a commune.)
    """
    return (
        scope.subtree(AdministrativeUnit)
        .filter(level=UnitLevel.COMMUNE)
        .annotate(
            committee=FilteredRelation(
                "steeringcommittee_set",
                condition=Q(steeringcommittee_set__is_active=True)
                | Q(steeringcommittee_set__ended_on__isnull=False),
            ),
        )
    )


def _units(qs: models.QuerySet) -> models.QuerySet:
    """The units of ``qs`` once each (commune rows repeat per committee)."""
    return AdministrativeUnit.objects.filter(pk__in=qs.values("pk"))


def communes_when(scope: Scope, year: int) -> Q:
    return in_force(scope.as_of(year))


def committees_when(scope: Scope, year: int) -> Q:
    """Communes in force whose committee of the time was set up by the day and not yet ended."""
    return communes_when(scope, year) & SteeringCommittee.serving_on(scope.as_of(year), "committee__")


def force_rows(scope: Scope) -> models.QuerySet:
    return scope.living(ForceUnit)


def forces_when(scope: Scope, year: int) -> Q:
    """Forces running on the year's day, that stood in the unit then."""
    return ForceUnit.running_on(scope.as_of(year)) & scope.stood(ForceUnit, year)


def model_rows(scope: Scope) -> models.QuerySet:
    return scope.living(SecurityModel)


def models_when(scope: Scope, year: int) -> Q:
    """Models running on the year's day, that stood in the unit then."""
    return SecurityModel.running_on(scope.as_of(year)) & scope.stood(SecurityModel, year)


def latest_class(scope: Scope, year: int) -> Subquery:
    """The effectiveness class of a model's latest review up to the year's day (an index probe)."""
    latest = ModelReview.objects.filter(model=OuterRef("pk"), reviewed_on__lte=scope.as_of(year)).order_by(
        "-reviewed_on", "-pk"
    )
    return Subquery(latest.values("effectiveness_id")[:1])


def classed_model_rows(scope: Scope, year: int) -> models.QuerySet:
    """Models with the effectiveness class of their latest review up to the year's day."""
    return model_rows(scope).annotate(latest_class=latest_class(scope, year))


def latest_reviews(scope: Scope, year: int) -> models.QuerySet:
    """The latest review of each model of the subtree up to the year's day (``latest_class``'s rows).

    One ordered pass over the (model, day, id) index with DISTINCT ON, instead of a probe per model.
    """
    return (
        scope.living(ModelReview, via="model__")
        .filter(reviewed_on__lte=scope.as_of(year))
        .order_by("model_id", "-reviewed_on", "-pk")
        .distinct("model_id")
        .values("model_id", "effectiveness_id")
    )


def _count_by_classes(
    scope: Scope, years: list[int], classes: str, params: list[Any], columns: list[str]
) -> ModelTally:
    """Models that may run in one of ``years`` (scoped, as ``models_when``), counted by type and by
    their class on each year's day: ``classes`` joins the models ``m`` to them, ``columns`` names
    them. One pass gives both tallies: the type is one more key of a few dozen groups."""
    # Each year's rule (models_when) comes with the rows as a flag, so the SQL below only counts.
    flags = {
        f"run_{i}": ExpressionWrapper(models_when(scope, y), output_field=BooleanField())
        for i, y in enumerate(years)
    }
    base = model_rows(scope).filter(_any_year(scope, years)).order_by().annotate(**flags)
    base_sql, base_params = base.values("id", "model_type_id", *flags).query.sql_with_params()
    counts = [f"COUNT(*) FILTER (WHERE m.run_{i})" for i in range(len(years))]
    # Composed only of the querysets' own compiled SQL, our table names and placeholders: no user text.
    query = (
        f"SELECT m.model_type_id, {', '.join(columns)}, {', '.join(counts)} "  # noqa: S608
        f"FROM ({base_sql}) m {classes} GROUP BY {', '.join(str(i + 1) for i in range(len(years) + 1))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*base_params, *params])
        return ModelTally.of(years, cursor.fetchall())


def _models_by_class(scope: Scope, year: int, years: list[int]) -> ModelTally:
    """Models of ``year`` counted by the class of their latest review, for each of ``years``.

    The models are merge-joined with each year's ``latest_reviews``: two sequential passes over the
    review index, where a probe per model and year cost seconds for the whole country. Same rows
    and same tie-break (latest day, then highest id) as ``latest_class``.
    """
    joins, params = [], []
    for i, y in enumerate(years):
        sql, review_params = latest_reviews(scope, y).query.sql_with_params()
        joins.append(f"LEFT JOIN ({sql}) r{i} ON r{i}.model_id = m.id")
        params += review_params
    columns = [f"r{i}.effectiveness_id" for i in range(len(years))]
    return _count_by_classes(scope, years, " ".join(joins), params, columns)


def _any_year(scope: Scope, years: list[int]) -> Q:
    """Models that may run in one of ``years``: started by the last day, not stopped before the
    first (each year's count then takes its own rule). One range, not a union of conditions."""
    return SecurityModel.running_between(scope.as_of(min(years)), scope.as_of(max(years)))


def _models_by_class_probed(scope: Scope, year: int, years: list[int]) -> ModelTally:
    """As ``_models_by_class``, with one index probe per model for all the years.

    Cheaper under one unit, where the models are a small part of the reviews' index. The probe
    reads the model's reviews up to the last day, latest first (the index's order, so no sort),
    and takes for each year the first one up to that year's day: ``latest_class``'s rule.
    """
    days = [scope.as_of(y) for y in years]
    review = connection.ops.quote_name(ModelReview._meta.db_table)
    latest = "array_agg(effectiveness_id ORDER BY reviewed_on DESC, id DESC)"
    per_year = ", ".join(f"({latest} FILTER (WHERE reviewed_on <= %s))[1] AS c{i}" for i in range(len(years)))
    classes = (
        f"LEFT JOIN LATERAL (SELECT {per_year} FROM {review} "  # noqa: S608
        "WHERE model_id = m.id AND reviewed_on <= %s) r ON true"
    )
    columns = [f"r.c{i}" for i in range(len(years))]
    return _count_by_classes(scope, years, classes, [*days, max(days)], columns)


@dataclass
class ModelTally:
    """Per year, the models counted by class key (``NO_CLASS`` for none yet) and by type id."""

    by_class: dict[int, dict[str, int]]
    by_type: dict[int, dict[int, int]]

    @classmethod
    def of(cls, years: list[int], groups: Iterable[Sequence[Any]]) -> ModelTally:
        """From rows of (type, class per year…, count per year…)."""
        tally = cls({y: defaultdict(int) for y in years}, {y: defaultdict(int) for y in years})
        n = len(years)
        for row in groups:
            model_type, klasses, counts = row[0], row[1 : n + 1], row[n + 1 :]
            for y, klass, count in zip(years, klasses, counts, strict=True):
                tally.by_class[y][str(klass) if klass else NO_CLASS] += count
                tally.by_type[y][model_type] += count
        return tally


def model_counts(scope: Scope, year: int, years: list[int]) -> ModelTally:
    """Models of ``year`` by type, and by the class of their latest review up to each of ``years``' day.

    The whole country reads most of the reviews' index, so one ordered pass per year wins (0.24 s
    against 0.79 s of probes on 300,000 models); under a unit the probes touch only its models
    (0.09 s against 0.12 s for a province of 28,000).
    """
    if scope.unit is None:
        return _models_by_class(scope, year, years)
    return _models_by_class_probed(scope, year, years)


def _subjects(scope: Scope, qs: models.QuerySet, year: int | None) -> models.QuerySet:
    """Certification subjects of the subtree; after a merger, those that stood there in ``year``."""
    if scope.unit is None:
        return qs
    return standing_under(qs, year, [scope.path], reshaped=year is not None and scope.placing(year))


def area_rows(scope: Scope, year: int | None = None) -> models.QuerySet:
    """Residential areas the year's figures count (those existing now without a year)."""
    qs = eligible_areas(year).visible_to(scope.user)
    return _subjects(scope, qs, year)


def organisation_rows(scope: Scope, year: int | None = None) -> models.QuerySet:
    """Organisations that are subjects of the certification (not micro enterprises, primary schools…)."""
    return _subjects(scope, eligible_organisations(year).visible_to(scope.user), year)


def record_rows(scope: Scope) -> models.QuerySet:
    return scope.subtree(CertificationRecord).filter(state=State.APPROVED)


def result_rows(scope: Scope) -> models.QuerySet:
    return scope.subtree(CampaignResult)


def results_when(scope: Scope, year: int) -> Q:
    # A date range, not __year: it can use the (place, start_date) index.
    return Q(
        campaign__start_date__gte=datetime.date(year, 1, 1),
        campaign__start_date__lte=datetime.date(year, 12, 31),
    )


def commendation_rows(scope: Scope) -> models.QuerySet:
    return scope.subtree(Commendation).effective()


def commendations_when(scope: Scope, year: int) -> Q:
    return Q(year=year)


# --- Results ---------------------------------------------------------------------------------


Number = int | Decimal


@dataclass
class Figure:
    """One figure of a year and the year before; ``code``/``key`` name the rows it counts."""

    code: str
    label: str
    value: Number
    previous: Number
    key: str | None = None
    unit_label: str = ""
    url: str | None = None

    @property
    def change(self) -> Number:
        return self.value - self.previous


@dataclass
class Pair:
    """A count of units and the sum of their members (core forces)."""

    label: str
    units: Figure
    members: Figure


@dataclass
class Rate:
    """x/y certified, for one subject kind (or all organisations together)."""

    kind: str
    label: str
    certified: Figure
    eligible: Figure

    @staticmethod
    def percent(x: Number, y: Number) -> float | None:
        return round(100 * float(x) / float(y), 1) if y else None

    @property
    def rate(self) -> float | None:
        return self.percent(self.certified.value, self.eligible.value)

    @property
    def previous_rate(self) -> float | None:
        return self.percent(self.certified.previous, self.eligible.previous)

    @property
    def change(self) -> float | None:
        if self.rate is None or self.previous_rate is None:
            return None
        return round(self.rate - self.previous_rate, 1)


@dataclass
class UnitFigures:
    scope: Scope
    year: int
    committees: Figure
    communes: Figure
    forces: list[Pair]
    forces_total: Pair
    models_by_type: list[Figure]
    models_total: Figure
    models_by_class: list[Figure]
    certification: list[Rate]
    results: list[Figure]
    commendations: list[Figure]
    commendations_total: Figure
    trend_years: list[int] = field(default_factory=list)
    # kind → rate per trend year
    trend: dict[str, list[float | None]] = field(default_factory=dict)

    @property
    def committee_rate(self) -> float | None:
        return Rate.percent(self.committees.value, self.communes.value)

    @property
    def committee_previous_rate(self) -> float | None:
        return Rate.percent(self.committees.previous, self.communes.previous)

    @property
    def committee_change(self) -> float | None:
        """Change of the share of communes with a committee since last year, in points."""
        return Rate("committees", "", self.committees, self.communes).change

    def all_figures(self) -> Iterable[Figure]:
        yield self.committees
        yield self.communes
        for pair in [*self.forces, self.forces_total]:
            yield pair.units
            yield pair.members
        yield from self.models_by_type
        yield self.models_total
        yield from self.models_by_class
        for rate in self.certification:
            yield rate.certified
            yield rate.eligible
        yield from self.results
        yield from self.commendations
        yield self.commendations_total


def _by_year(years: Iterable[int], measure: Callable[[int], models.Aggregate]) -> dict[str, Any]:
    return {f"y{year}": measure(year) for year in years}


def unit_figures(
    scope: Scope, year: int, *, trend: bool = True, model_tally: Callable[[], ModelTally] | None = None
) -> UnitFigures:
    """All figures of the unit for ``year`` and the year before, in a constant number of queries.

    ``model_tally`` gives ``model_counts(scope, year, [year, year - 1])`` when it was started
    elsewhere (``dashboard.lanes``); it is asked for last."""
    years = [year, year - 1]
    trend_years = list(range(year - TREND_YEARS + 1, year + 1)) if trend else years[::-1]
    all_years = sorted(set(years) | set(trend_years))

    # Communes and steering committees: one query, a conditional count per year.
    measures: dict[str, Any] = {}
    for y in all_years:
        measures[f"c{y}"] = Count("pk", distinct=True, filter=communes_when(scope, y))
        measures[f"s{y}"] = Count("pk", distinct=True, filter=committees_when(scope, y))
    communes = commune_rows(scope).aggregate(**measures)
    committees = Figure("committees", _("Xã có Ban chỉ đạo"), communes[f"s{year}"], communes[f"s{year - 1}"])
    commune_count = Figure("communes", _("Tổng số xã"), communes[f"c{year}"], communes[f"c{year - 1}"])

    # Core forces by type: units and members, one grouped query.
    force_measures = {}
    for y in years:
        force_measures[f"u{y}"] = Count("pk", filter=forces_when(scope, y))
        force_measures[f"m{y}"] = Coalesce(
            Sum("member_count", filter=forces_when(scope, y)), 0, output_field=IntegerField()
        )
    forces = []
    for row in (
        force_rows(scope)
        .values("force_type_id", "force_type__name", "force_type__order")
        .annotate(**force_measures)
        .order_by("force_type__order", "force_type__name")
    ):
        key = str(row["force_type_id"])
        name = row["force_type__name"]
        if not (row[f"u{year}"] or row[f"u{year - 1}"]):
            continue
        forces.append(
            Pair(
                name,
                Figure("force_units", name, row[f"u{year}"], row[f"u{year - 1}"], key, _("đơn vị")),
                Figure("force_members", name, row[f"m{year}"], row[f"m{year - 1}"], key, _("người")),
            )
        )
    forces_total = Pair(
        _("Tổng số"),
        Figure(
            "force_units",
            _("Tổng số"),
            sum(p.units.value for p in forces),
            sum(p.units.previous for p in forces),
        ),
        Figure(
            "force_members",
            _("Tổng số"),
            sum(p.members.value for p in forces),
            sum(p.members.previous for p in forces),
        ),
    )

    # Certification: approved records per (year, kind), eligible subjects per kind.
    approved: dict[tuple[int, str], int] = {
        (row["year"], row["subject_kind"]): row["n"]
        for row in record_rows(scope)
        .filter(year__in=all_years)
        .values("year", "subject_kind")
        .annotate(n=Count("*"))
        .order_by()
    }
    # Eligible subjects per year: those existing then (closed later still count), one query per
    # family with a count per year. Subjects stand where they are, except in the years before a
    # merger, when each counts where it stood then (``standing_in_years``).
    placed_years = {y for y in all_years if scope.unit is not None and scope.placing(y)}

    def subjects(qs: models.QuerySet, kind: str) -> tuple[models.QuerySet, dict[str, Count]]:
        if scope.unit is None:
            return qs, {f"y{y}": Count("pk", filter=existing_in(kind, y)) for y in all_years}
        qs, stood = standing_in_years(qs, all_years, placed_years, [scope.path])
        return qs, {f"y{y}": Count("pk", filter=existing_in(kind, y) & stood[y]) for y in all_years}

    areas, per_year = subjects(ResidentialArea.objects.visible_to(scope.user), SubjectKind.RESIDENTIAL_AREA)
    area_counts = areas.aggregate(**per_year)
    orgs, org_counts = subjects(
        Organisation.objects.visible_to(scope.user).filter(org_type__subject_to_certification=True),
        SubjectKind.AGENCY,
    )
    org_rows = list(orgs.values("org_type__category").annotate(**org_counts).order_by())
    by_year = {
        y: (area_counts[f"y{y}"], {row["org_type__category"]: row[f"y{y}"] for row in org_rows})
        for y in all_years
    }

    def eligible(kind: str, y: int) -> int:
        areas, org_counts = by_year[y]
        if kind == SubjectKind.RESIDENTIAL_AREA:
            return areas
        if kind == SubjectKind.COMMUNE:
            return communes[f"c{y}"]
        if kind == ORGANISATIONS:
            return sum(org_counts.get(k, 0) for k in ORG_KINDS)
        return org_counts.get(kind, 0)

    def certified(kind: str, y: int) -> int:
        if kind == ORGANISATIONS:
            return sum(approved.get((y, k), 0) for k in ORG_KINDS)
        return approved.get((y, kind), 0)

    rates = []
    for kind in (*CERT_KINDS, ORGANISATIONS):
        label = str(CERT_LABELS[kind])
        rates.append(
            Rate(
                kind,
                label,
                Figure("cert_approved", label, certified(kind, year), certified(kind, year - 1), kind),
                Figure("cert_eligible", label, eligible(kind, year), eligible(kind, year - 1), kind),
            )
        )
    # A past year without one approved dossier in the unit was not kept in the registry: a gap
    # in the trend, not a 0 % that reads as a collapse. This year keeps its 0 % (in progress).
    this_year = timezone.localdate().year
    kept = {y for (y, _kind), n in approved.items() if n} | {y for y in trend_years if y >= this_year}
    trend_rates = {
        kind: [
            Rate.percent(certified(kind, y), eligible(kind, y)) if y in kept else None for y in trend_years
        ]
        for kind in (SubjectKind.RESIDENTIAL_AREA, SubjectKind.COMMUNE, ORGANISATIONS)
    }

    # Campaign results by metric for campaigns starting in the year.
    results = [
        Figure(
            "campaign_results",
            row["metric__name"],
            row[f"y{year}"],
            row[f"y{year - 1}"],
            str(row["metric_id"]),
            row["metric__unit"],
        )
        for row in result_rows(scope)
        .filter(results_when(scope, year - 1) | results_when(scope, year))
        .values("metric_id", "metric__name", "metric__unit", "metric__order")
        .annotate(
            **_by_year(years, lambda y: Coalesce(Sum("value", filter=results_when(scope, y)), Decimal(0)))
        )
        .order_by("metric__order", "metric__name")
    ]

    # Commendations by form (effective only).
    commendations = [
        Figure(
            "commendations",
            row["form__name"],
            row[f"y{year}"],
            row[f"y{year - 1}"],
            str(row["form_id"]),
        )
        for row in commendation_rows(scope)
        .filter(year__in=years)
        .values("form_id", "form__name", "form__level", "form__order")
        .annotate(**_by_year(years, lambda y: Count("pk", filter=commendations_when(scope, y))))
        .order_by("form__level", "form__order", "form__name")
    ]
    commendations_total = Figure(
        "commendations",
        _("Tổng số"),
        sum(f.value for f in commendations),
        sum(f.previous for f in commendations),
    )
    # Self-managed models by type and by the class of their latest review, both years in one
    # query: counted by type id alone (no join, no grouping by name over the whole table), named
    # from the small catalogues afterwards. Last, so that a tally computed alongside is ready.
    tally = model_tally() if model_tally else model_counts(scope, year, years)
    by_type = tally.by_type
    models_by_type = []
    counted = by_type[year].keys() | by_type[year - 1].keys()
    for model_type in ModelType.objects.filter(pk__in=counted).order_by("order", "name"):
        value, previous = (by_type[y].get(model_type.pk, 0) for y in (year, year - 1))
        if value or previous:
            models_by_type.append(
                Figure("models", model_type.name, value, previous, str(model_type.pk), _("mô hình"))
            )
    models_total = Figure(
        "models",
        _("Tổng số mô hình"),
        sum(f.value for f in models_by_type),
        sum(f.previous for f in models_by_type),
    )

    classes = {str(c.pk): c.name for c in EffectivenessClass.objects.order_by("rank")}
    counts = tally.by_class
    unit_label = _("mô hình")
    models_by_class = [
        Figure("models_class", name, counts[year].get(key, 0), counts[year - 1].get(key, 0), key, unit_label)
        for key, name in [*classes.items(), (NO_CLASS, _("Chưa đánh giá"))]
        if counts[year].get(key) or counts[year - 1].get(key)
    ]

    return UnitFigures(
        scope=scope,
        year=year,
        committees=committees,
        communes=commune_count,
        forces=forces,
        forces_total=forces_total,
        models_by_type=models_by_type,
        models_total=models_total,
        models_by_class=models_by_class,
        certification=rates,
        results=results,
        commendations=commendations,
        commendations_total=commendations_total,
        trend_years=trend_years,
        trend=trend_rates,
    )


# --- The child table: the same families grouped by child unit ------------------------------------


CHILD_COLUMNS = (
    "communes",
    "committees",
    "force_units",
    "force_members",
    "models",
    "commendations",
    *(f"approved_{k}" for k in (*CERT_KINDS, ORGANISATIONS)),
    *(f"eligible_{k}" for k in (*CERT_KINDS, ORGANISATIONS)),
)


@dataclass
class ChildRow:
    unit: AdministrativeUnit
    values: dict[str, Number]
    weakest: bool = False

    def rate(self, kind: str) -> float | None:
        return Rate.percent(self.values[f"approved_{kind}"], self.values[f"eligible_{kind}"])

    @property
    def area_rate(self) -> float | None:
        return self.rate(SubjectKind.RESIDENTIAL_AREA)

    @property
    def commune_rate(self) -> float | None:
        return self.rate(SubjectKind.COMMUNE)

    @property
    def organisation_rate(self) -> float | None:
        return self.rate(ORGANISATIONS)

    @property
    def committee_rate(self) -> float | None:
        return Rate.percent(self.values["committees"], self.values["communes"])

    def __getitem__(self, name: str) -> Number:
        # Templates read row.force_units etc.: a dictionary lookup is the first thing they try.
        return self.values[name]

    def __getattr__(self, name: str) -> Any:
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)


def _grouped(qs: models.QuerySet, scope: Scope, path_lookup: str, **measures: Any) -> dict[str, dict]:
    """The measures of ``qs`` per child unit, keyed by the child's code."""
    rows = qs.annotate(child=child_code(scope, path_lookup)).values("child").annotate(**measures).order_by()
    return {row["child"]: row for row in rows}


def _grouped_by_commune(qs: models.QuerySet, scope: Scope, commune: str, **counts: Any) -> dict[str, dict]:
    """As :func:`_grouped` for rows that lie in a commune (the foreign key ``commune``), with
    measures that add up (counts, sums).

    The rows are first counted per commune, on the foreign key alone, and only those totals are
    placed under their child unit: PostgreSQL does not push an aggregate below a join. For the
    largest tables (models, organisations) this takes a quarter off the whole country's query;
    for tables with a few rows per commune, joining each row costs less than the extra step.
    """
    column = qs.model._meta.get_field(commune).column
    inner_sql, params = qs.values(column).annotate(**counts).order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    sums = ", ".join(f"SUM(g.{quote(name)})::bigint AS {quote(name)}" for name in counts)
    units = quote(AdministrativeUnit._meta.db_table)
    # Composed only of the queryset's own compiled SQL, our names and placeholders: no user text.
    query = (
        f"SELECT split_part(substring(u.path, %s), '/', 1) AS child, {sums} "  # noqa: S608
        f"FROM ({inner_sql}) g JOIN {units} u ON u.id = g.{quote(column)} GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [len(scope.path) + 1, *params])
        names = [c.name for c in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def _by_child(
    qs: models.QuerySet, scope: Scope, path_lookup: str, *, per_commune: bool = False, **measures: Any
) -> dict[str, dict]:
    """:func:`_grouped`, or for a large table of rows grouped where they are now (``per_commune``,
    ``path_lookup`` the commune's path) :func:`_grouped_by_commune`."""
    if per_commune and path_lookup == "commune__path":
        return _grouped_by_commune(qs, scope, "commune", **measures)
    return _grouped(qs, scope, path_lookup, **measures)


def _living_by_child(
    qs: models.QuerySet, scope: Scope, year: int, *, per_commune: bool = False, **measures: Any
) -> dict[str, dict]:
    """The measures of rows that live on through mergers per child unit: in a year before a
    merger, under the child they stood in then (``Relocatable.path_on``)."""
    if scope.placing(year):
        qs = qs.annotate(stood_path=qs.model.path_on(scope.as_of(year)))
        return _by_child(qs, scope, "stood_path", **measures)
    return _by_child(qs, scope, "commune__path", per_commune=per_commune, **measures)


def child_figures(scope: Scope, year: int) -> list[ChildRow]:
    """The figures of the year for each child unit, side by side; the weakest rate is flagged."""
    children = scope.children(year)
    if not children:
        return []
    communes = _grouped(
        commune_rows(scope),
        scope,
        "path",
        communes=Count("pk", distinct=True, filter=communes_when(scope, year)),
        committees=Count("pk", distinct=True, filter=committees_when(scope, year)),
    )
    forces = _living_by_child(
        force_rows(scope).filter(forces_when(scope, year)),
        scope,
        year,
        force_units=Count("*"),
        force_members=Sum("member_count"),
    )
    security_models = _living_by_child(
        model_rows(scope).filter(models_when(scope, year)), scope, year, per_commune=True, models=Count("*")
    )
    commendations = _grouped(
        commendation_rows(scope).filter(commendations_when(scope, year)),
        scope,
        "unit__path",
        commendations=Count("*"),
    )
    approved = _grouped(
        record_rows(scope).filter(year=year),
        scope,
        "commune__path",
        **{f"approved_{k}": Count("subject_kind", filter=Q(subject_kind=k)) for k in CERT_KINDS},
    )
    # The subjects of the year; in a year before a merger, placed where they stood that year.
    area_qs, org_qs = area_rows(scope, year), organisation_rows(scope, year)
    path_lookup = "commune__path"
    if scope.placing(year):
        path_lookup = "placed"
        if scope.unit is None:  # the whole country: no path to place under, only the annotation
            area_qs, org_qs = placed(area_qs, year), placed(org_qs, year)
    areas = _grouped(area_qs, scope, path_lookup, areas=Count("*"))
    orgs = _by_child(
        org_qs,
        scope,
        path_lookup,
        per_commune=True,
        **{f"org_{k}": Count("pk", filter=Q(org_type__category=k)) for k in OrganisationCategory.values},
    )
    rows = []
    for child in children:
        code = child.code
        values: dict[str, Number] = defaultdict(int)
        for source in (communes, forces, security_models, commendations, approved):
            for name, value in source.get(code, {}).items():
                if name != "child":
                    values[name] = value or 0
        values[f"eligible_{SubjectKind.RESIDENTIAL_AREA}"] = areas.get(code, {}).get("areas", 0)
        values[f"eligible_{SubjectKind.COMMUNE}"] = values["communes"]
        for kind in ORG_KINDS:
            values[f"eligible_{kind}"] = orgs.get(code, {}).get(f"org_{kind}", 0)
        values[f"approved_{ORGANISATIONS}"] = sum(values[f"approved_{k}"] for k in ORG_KINDS)
        values[f"eligible_{ORGANISATIONS}"] = sum(values[f"eligible_{k}"] for k in ORG_KINDS)
        rows.append(ChildRow(child, {c: values[c] for c in CHILD_COLUMNS}))
    _flag_weakest(rows)
    return rows


def _flag_weakest(rows: list[ChildRow]) -> None:
    """Flag the children with the lowest residential-area certification rate (ties included)."""
    rated = [r for r in rows if r.area_rate is not None]
    if len(rated) < 2:
        return
    lowest = min(r.area_rate for r in rated)
    if all(r.area_rate == lowest for r in rated):
        return
    for row in rated:
        row.weakest = row.area_rate == lowest


# --- Figure lists: exactly the rows a figure counts ----------------------------------------------


@dataclass(frozen=True)
class FigureList:
    """What a figure list shows: the title, its rows and, for sums, the summed column."""

    title: str
    rows: models.QuerySet
    sum_field: str | None = None


def _int_key(key: str | None) -> int | None:
    if key in (None, ""):
        return None
    try:
        return int(key)
    except ValueError as exc:
        raise ValueError(_("Khóa không hợp lệ: %(key)s") % {"key": key}) from exc


def figure_rows(code: str, scope: Scope, year: int, key: str | None = None) -> FigureList:
    """The rows a figure counts (or sums), built from the same families as the figures.

    Raises ``KeyError`` for an unknown figure and ``ValueError`` for a bad key.
    """
    if code == "communes":
        qs = _units(commune_rows(scope).filter(communes_when(scope, year)))
        return FigureList(_("Xã, phường, thị trấn"), qs.select_related("parent").order_by("path"))
    if code == "committees":
        qs = _units(commune_rows(scope).filter(committees_when(scope, year)))
        return FigureList(_("Xã có Ban chỉ đạo đang hoạt động"), qs.select_related("parent").order_by("path"))
    if code in ("force_units", "force_members"):
        qs = force_rows(scope).filter(forces_when(scope, year))
        if (type_id := _int_key(key)) is not None:
            qs = qs.filter(force_type_id=type_id)
        qs = qs.select_related("commune", "force_type").order_by("commune__path", "name")
        title = _("Lực lượng nòng cốt")
        return FigureList(title, qs, "member_count" if code == "force_members" else None)
    if code == "models":
        qs = model_rows(scope).filter(models_when(scope, year))
        if (type_id := _int_key(key)) is not None:
            qs = qs.filter(model_type_id=type_id)
        return FigureList(
            _("Mô hình tự quản về ANTT"),
            qs.select_related("commune", "model_type").order_by("commune__path", "name"),
        )
    if code == "models_class":
        qs = classed_model_rows(scope, year).filter(models_when(scope, year))
        qs = (
            qs.filter(latest_class__isnull=True) if key == NO_CLASS else qs.filter(latest_class=_int_key(key))
        )
        return FigureList(
            _("Mô hình theo mức hiệu quả (lần đánh giá gần nhất)"),
            qs.select_related("commune", "model_type").order_by("commune__path", "name"),
        )
    if code == "cert_approved":
        kinds = ORG_KINDS if key == ORGANISATIONS else (_cert_kind(key),)
        qs = record_rows(scope).filter(year=year, subject_kind__in=kinds)
        return FigureList(
            _("Đã công nhận “An toàn về ANTT”: %(subject)s") % {"subject": CERT_LABELS[key]},
            qs.select_related("commune", "area", "organisation").order_by("commune__path", "pk"),
        )
    if code == "cert_eligible":
        return _eligible_rows(scope, year, key)
    if code == "campaign_results":
        qs = result_rows(scope).filter(results_when(scope, year), metric_id=_int_key(key))
        return FigureList(
            _("Kết quả các đợt vận động"),
            qs.select_related("campaign__place", "metric").order_by("campaign__start_date", "pk"),
            "value",
        )
    if code == "commendations":
        qs = commendation_rows(scope).filter(commendations_when(scope, year))
        if (form_id := _int_key(key)) is not None:
            qs = qs.filter(form_id=form_id)
        return FigureList(
            _("Khen thưởng"),
            qs.select_related("unit", "form", "organisation", "force_unit", "security_model").order_by(
                "-decision_date", "pk"
            ),
        )
    raise KeyError(code)


def _cert_kind(key: str | None) -> str:
    if key not in CERT_LABELS:
        raise ValueError(_("Đối tượng không hợp lệ: %(key)s") % {"key": key})
    return key


def _eligible_rows(scope: Scope, year: int, key: str | None) -> FigureList:
    kind = _cert_kind(key)
    title = _("Thuộc diện công nhận: %(subject)s") % {"subject": CERT_LABELS[kind]}
    if kind == SubjectKind.RESIDENTIAL_AREA:
        qs = area_rows(scope, year).select_related("commune", "kind")
        return FigureList(title, qs.order_by("commune__path", "name"))
    if kind == SubjectKind.COMMUNE:
        qs = _units(commune_rows(scope).filter(communes_when(scope, year))).select_related("parent")
        return FigureList(title, qs.order_by("path"))
    categories = ORG_KINDS if kind == ORGANISATIONS else (kind,)
    qs = organisation_rows(scope, year).filter(org_type__category__in=categories)
    return FigureList(title, qs.select_related("commune", "org_type").order_by("commune__path", "name"))


def figure_value(figures: FigureList) -> Number:
    """What the list amounts to: its count, or the sum of its summed column."""
    if figures.sum_field:
        total = figures.rows.aggregate(total=Sum(figures.sum_field))["total"]
        return total if total is not None else 0
    return figures.rows.count()
