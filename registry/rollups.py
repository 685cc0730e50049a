"""What a unit page shows: one commune in full, or a district/province rolled up from its communes.

Roll-ups are computed in the database with a fixed number of grouped queries: every row's commune
path is cut at the child's segment (``split_part(path, '/', depth + 1)``) and grouped on it, so a
province with ten districts or ten thousand communes costs the same handful of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import CharField, Count, F, Func, OuterRef, Q, QuerySet, Subquery, Sum, Value

from accounts.models import User
from registry.models import (
    PATH_SEP,
    AdministrativeUnit,
    ForceUnit,
    ModelReview,
    Organisation,
    ResidentialArea,
    SecurityModel,
    Status,
    SteeringCommittee,
    UnitLevel,
)


class SplitPart(Func):
    function = "split_part"
    output_field = CharField()


def with_latest_effectiveness(queryset: QuerySet[SecurityModel]) -> QuerySet[SecurityModel]:
    """Annotate each model with the effectiveness class of its latest review (one subquery)."""
    latest = ModelReview.objects.filter(model=OuterRef("pk")).order_by("-reviewed_on", "-pk")
    return queryset.annotate(latest_effectiveness=Subquery(latest.values("effectiveness__name")[:1]))


@dataclass
class Figures:
    communes: int = 0
    committees: int = 0
    areas: int = 0
    organisations: int = 0
    subject_organisations: int = 0
    forces: int = 0
    members: int = 0
    models: int = 0

    def add(self, other: Figures) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    @property
    def committee_coverage(self) -> float | None:
        return 100 * self.committees / self.communes if self.communes else None


@dataclass
class ChildRow:
    unit: AdministrativeUnit
    figures: Figures


@dataclass
class Rollup:
    unit: AdministrativeUnit
    total: Figures
    children: list[ChildRow]
    forces_by_type: list[dict[str, Any]]
    models_by_type: list[dict[str, Any]]


def unit_rollup(unit: AdministrativeUnit, user: User) -> Rollup:
    """Totals for the subtree of ``unit`` and per child unit, as far as ``user`` may see."""
    depth = unit.path.count(PATH_SEP)

    def grouped(queryset: QuerySet, path_lookup: str, **aggregates: Any) -> QuerySet:
        return (
            queryset.filter(**{f"{path_lookup}__startswith": unit.path})
            .annotate(child=SplitPart(F(path_lookup), Value(PATH_SEP), depth + 1))
            .values("child")
            .order_by("child")
            .annotate(**aggregates)
        )

    per_child: dict[str, Figures] = defaultdict(Figures)
    communes = AdministrativeUnit.objects.visible_to(user).current().filter(level=UnitLevel.COMMUNE)
    sources = [
        (communes, "path", {"communes": Count("pk")}),
        (
            SteeringCommittee.objects.visible_to(user).filter(is_active=True),
            "commune__path",
            {"committees": Count("commune", distinct=True)},
        ),
        (
            ResidentialArea.objects.visible_to(user).filter(is_active=True),
            "commune__path",
            {"areas": Count("pk")},
        ),
        (
            Organisation.objects.visible_to(user).filter(is_active=True),
            "commune__path",
            {
                "organisations": Count("pk"),
                "subject_organisations": Count("pk", filter=Q(org_type__subject_to_certification=True)),
            },
        ),
        (
            ForceUnit.objects.visible_to(user).filter(status=Status.ACTIVE),
            "commune__path",
            {"forces": Count("pk"), "members": Sum("member_count")},
        ),
        (
            SecurityModel.objects.visible_to(user).filter(status=Status.ACTIVE),
            "commune__path",
            {"models": Count("pk")},
        ),
    ]
    for queryset, lookup, aggregates in sources:
        for row in grouped(queryset, lookup, **aggregates):
            figures = per_child[row.pop("child")]
            for name, value in row.items():
                setattr(figures, name, value or 0)

    total = Figures()
    for figures in per_child.values():
        total.add(figures)
    children = [
        ChildRow(child, per_child.get(child.code, Figures()))
        for child in AdministrativeUnit.objects.visible_to(user)
        .current()
        .filter(parent=unit)
        .order_by("code")
    ]
    in_subtree = {"commune__path__startswith": unit.path}
    forces_by_type = list(
        ForceUnit.objects.visible_to(user)
        .filter(status=Status.ACTIVE, **in_subtree)
        .values("force_type__name")
        .annotate(units=Count("pk"), members=Sum("member_count"))
        .order_by("force_type__order", "force_type__name")
    )
    models_by_type = list(
        SecurityModel.objects.visible_to(user)
        .filter(status=Status.ACTIVE, **in_subtree)
        .values("model_type__name")
        .annotate(models=Count("pk"))
        .order_by("-models", "model_type__name")
    )
    return Rollup(unit, total, children, forces_by_type, models_by_type)


@dataclass
class CommuneOverview:
    commune: AdministrativeUnit
    areas: list[ResidentialArea]
    organisations: list[Organisation]
    forces: list[ForceUnit]
    forces_by_type: list[dict[str, Any]]
    models: list[SecurityModel]
    committees: list[SteeringCommittee]

    @property
    def active_committee(self) -> SteeringCommittee | None:
        return next((c for c in self.committees if c.is_active), None)

    # The summary cards count what the district and province tables count for this commune:
    # areas and organisations still existing, forces and models in operation.
    @property
    def active_areas(self) -> int:
        return sum(1 for a in self.areas if a.is_active)

    @property
    def active_organisations(self) -> int:
        return sum(1 for o in self.organisations if o.is_active)

    @property
    def active_forces(self) -> int:
        return sum(1 for f in self.forces if f.status == Status.ACTIVE)

    @property
    def active_models(self) -> int:
        return sum(1 for m in self.models if m.status == Status.ACTIVE)


def commune_overview(commune: AdministrativeUnit, user: User) -> CommuneOverview:
    """Everything registered in one commune, one query per kind of row."""
    here = {"commune": commune}
    forces = ForceUnit.objects.visible_to(user).filter(**here)
    return CommuneOverview(
        commune=commune,
        areas=list(ResidentialArea.objects.visible_to(user).filter(**here).select_related("kind")),
        organisations=list(Organisation.objects.visible_to(user).filter(**here).select_related("org_type")),
        forces=list(forces.select_related("force_type", "area", "organisation")),
        forces_by_type=list(
            forces.filter(status=Status.ACTIVE)
            .values("force_type__name")
            .annotate(units=Count("pk"), members=Sum("member_count"))
            .order_by("force_type__order", "force_type__name")
        ),
        models=list(
            with_latest_effectiveness(
                SecurityModel.objects.visible_to(user)
                .filter(**here)
                .select_related("model_type", "area", "organisation")
            )
        ),
        committees=list(
            SteeringCommittee.objects.visible_to(user).filter(**here).order_by("-is_active", "-decision_date")
        ),
    )
