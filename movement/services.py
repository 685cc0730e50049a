"""Movement workflows and roll-ups: campaign totals, plan progress, commendations and revocation."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, DecimalField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Action, Role
from movement.indicators import resolve_indicators
from movement.models import (
    Campaign,
    CampaignResult,
    Commendation,
    Comparator,
    Plan,
    PlanTarget,
    RecipientKind,
)
from registry.models import AdministrativeUnit, ForceUnit, Organisation, SecurityModel
from registry.scoping import get_scoped_object_or_404

if TYPE_CHECKING:
    from accounts.models import User


# --- Campaign totals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricTotal:
    code: str
    name: str
    unit: str
    total: Decimal
    campaigns: int


def _in_period(prefix: str, date_from: datetime.date | None, date_to: datetime.date | None) -> Q:
    # A campaign belongs to the period it starts in: consecutive periods never count it twice.
    q = Q()
    if date_from:
        q &= Q(**{f"{prefix}start_date__gte": date_from})
    if date_to:
        q &= Q(**{f"{prefix}start_date__lte": date_to})
    return q


def campaigns_in(
    unit: AdministrativeUnit,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    *,
    user: User | None = None,
) -> models.QuerySet[Campaign]:
    """Campaigns held anywhere in ``unit``'s subtree and starting within the period."""
    qs = Campaign.objects.visible_to(user) if user is not None else Campaign.objects.all()
    return qs.filter(_in_period("", date_from, date_to), place__path__startswith=unit.path)


def campaign_totals(
    unit: AdministrativeUnit,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    *,
    user: User | None = None,
) -> list[MetricTotal]:
    """Results summed by metric over the campaigns in ``unit``'s subtree and period: ONE query.

    Open bounds (``None``) mean no limit. With ``user`` the campaigns are limited to their scope too.
    """
    qs = CampaignResult.objects.visible_to(user) if user is not None else CampaignResult.objects.all()
    rows = (
        qs.filter(_in_period("campaign__", date_from, date_to), campaign__place__path__startswith=unit.path)
        .values("metric__code", "metric__name", "metric__unit", "metric__order")
        .annotate(total=Sum("value"), campaigns=Count("campaign", distinct=True))
        .order_by("metric__order", "metric__name")
    )
    return [
        MetricTotal(r["metric__code"], r["metric__name"], r["metric__unit"], r["total"], r["campaigns"])
        for r in rows
    ]


@dataclass(frozen=True)
class ChildTotals:
    unit: AdministrativeUnit
    totals: list[Decimal]  # in the order of the metric codes asked for


def campaign_totals_by_child(
    unit: AdministrativeUnit,
    metric_codes: list[str],
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    *,
    user: User | None = None,
) -> list[ChildTotals]:
    """The same totals for each unit directly beneath ``unit`` (its whole subtree): ONE query.

    One correlated sum per metric code, so ask only for the few codes worth a column.
    """
    if not metric_codes:
        return []
    results = CampaignResult.objects.visible_to(user) if user is not None else CampaignResult.objects.all()
    results = results.filter(
        _in_period("campaign__", date_from, date_to), campaign__place__path__startswith=OuterRef("path")
    ).order_by()
    children = AdministrativeUnit.objects.visible_to(user) if user is not None else AdministrativeUnit.objects
    sums = {
        f"metric_{index}": Coalesce(
            Subquery(
                results.filter(metric__code=code)
                .values("metric")
                .annotate(total=Sum("value"))
                .values("total")
            ),
            Decimal(0),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
        for index, code in enumerate(metric_codes)
    }
    rows = children.filter(parent=unit).order_by("code").annotate(**sums)
    return [ChildTotals(child, [getattr(child, key) for key in sums]) for child in rows]


def unit_totals_context(
    unit: AdministrativeUnit,
    user: User,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict[str, Any]:
    """Context for ``movement/_unit_totals.html``: ``{% include "movement/_unit_totals.html" %}``."""
    return {
        "totals_unit": unit,
        "totals": campaign_totals(unit, date_from, date_to, user=user),
        "totals_from": date_from,
        "totals_to": date_to,
    }


# --- Plan progress -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    target: PlanTarget
    label: str
    unit: str
    year: int
    first_year: int | None
    current: Decimal | None  # None: the target's unit is outside the user's scope
    met: bool | None
    percent: int | None  # of the target reached, capped at 100, for "at least" targets


def plan_progress(plan: Plan, user: User) -> list[TargetProgress]:
    """Each target beside the value the registry gives now.

    Queries: targets (1), their metrics' names (1), the scope units the user may see (1), then ONE
    aggregate per target (targets per plan are few).
    """
    targets = list(plan.targets.select_related("scope_unit").order_by("pk"))
    indicators = resolve_indicators(t.indicator for t in targets)
    visible = set(
        AdministrativeUnit.objects.visible_to(user)
        .filter(pk__in={t.scope_unit_id for t in targets})
        .values_list("pk", flat=True)
    )
    # A target without a year is read as it stands now while the plan runs, at its last year after.
    this_year = timezone.localdate().year
    so_far = min(plan.year_to, max(plan.year_from, this_year))
    progress = []
    for target in targets:
        indicator = indicators.get(target.indicator)
        year = target.year or so_far
        first_year = plan.year_from if indicator and indicator.cumulative and not target.year else None
        current = met = percent = None
        if indicator is not None and target.scope_unit_id in visible:
            current = indicator.compute(target.scope_unit, year, first_year)
            if target.comparator == Comparator.AT_MOST:
                met = current <= target.value
            else:
                met = current >= target.value
                percent = 100 if not target.value else min(100, int(current * 100 / target.value))
        progress.append(
            TargetProgress(
                target=target,
                label=indicator.label if indicator else target.indicator,
                unit=indicator.unit if indicator else "",
                year=year,
                first_year=first_year,
                current=current,
                met=met,
                percent=percent,
            )
        )
    return progress


# --- Commendations -----------------------------------------------------------------------------


def commendations_for(obj: models.Model, user: User | None = None) -> models.QuerySet[Commendation]:
    """Commendations to a self-managed model, force unit or organisation (revoked ones included).

    For the registry's detail pages: ``{% include "movement/_commendations_for.html" %}`` with
    ``commendations`` in the context, or the ``{% commendations_for obj %}`` tag of ``movement_tags``.
    """
    field = {SecurityModel: "security_model", ForceUnit: "force_unit", Organisation: "organisation"}.get(
        type(obj)
    )
    if field is None:
        raise TypeError(f"Không có khen thưởng gắn với {type(obj).__name__}.")
    qs = Commendation.objects.visible_to(user) if user is not None else Commendation.objects.all()
    return qs.filter(**{field: obj}).select_related("form").order_by("-decision_date", "pk")


@dataclass(frozen=True)
class CommendationCount:
    form: str
    level: int
    collectives: int
    individuals: int

    @property
    def total(self) -> int:
        return self.collectives + self.individuals


def commendation_counts(
    unit: AdministrativeUnit,
    year_from: int | None = None,
    year_to: int | None = None,
    *,
    user: User | None = None,
) -> list[CommendationCount]:
    """Effective (not revoked) commendations by form and recipient kind in ``unit``'s subtree: ONE query."""
    qs = Commendation.objects.visible_to(user) if user is not None else Commendation.objects.all()
    qs = qs.effective().filter(unit__path__startswith=unit.path)
    if year_from:
        qs = qs.filter(year__gte=year_from)
    if year_to:
        qs = qs.filter(year__lte=year_to)
    rows = (
        qs.values("form__name", "form__level", "form__order")
        .annotate(
            collectives=Count("pk", filter=Q(recipient_kind=RecipientKind.COLLECTIVE)),
            individuals=Count("pk", filter=Q(recipient_kind=RecipientKind.INDIVIDUAL)),
        )
        .order_by("form__level", "form__order", "form__name")
    )
    return [
        CommendationCount(r["form__name"], r["form__level"], r["collectives"], r["individuals"]) for r in rows
    ]


def can_revoke(user: User) -> bool:
    return user.is_authenticated and (user.is_admin or (user.role == Role.PROVINCE_STAFF and user.is_active))


@transaction.atomic
def revoke_commendation(commendation_id: int, user: User, reason: str) -> Commendation:
    """Revoke a commendation obtained on false records: it stays visible, marked, and leaves every count.

    Only province staff and administrators may revoke, and only within their scope (else 404).
    """
    if not can_revoke(user):
        raise PermissionDenied(_("Chỉ cán bộ Công an tỉnh hoặc quản trị viên được thu hồi khen thưởng."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Nhập lý do thu hồi.")})
    commendation = get_scoped_object_or_404(
        Commendation.objects.select_for_update(of=("self",)), user, Action.CHANGE, pk=commendation_id
    )
    if commendation.is_revoked:
        raise ValidationError(_("Khen thưởng này đã bị thu hồi."))
    commendation.revoked_at = timezone.now()
    commendation.revoked_by = user
    commendation.revoke_reason = reason
    commendation.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    return commendation


@transaction.atomic
def save_with_formset(form: Any, formset: Any) -> models.Model:
    """Save a parent form and its inline formset together, or nothing."""
    obj = form.save()
    formset.instance = obj
    formset.save()
    return obj
