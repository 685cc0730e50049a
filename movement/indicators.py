"""Plan indicators: code → (Vietnamese label, unit, function computed in the database).

A plan target names one of these codes, so its progress is read from the registry and never typed
twice. Every function takes the scope unit (its whole subtree counts) and the year, plus an optional
first year for flow indicators that add up over several years (new models, campaign results), and
runs exactly ONE aggregate query.

Stock indicators (active models, forces) count what ran at the end of the year (start and stop
days), where it stood then: a unit closed by a merger keeps what moved out of it since.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from certification.models import State
from registry.models import (
    AdministrativeUnit,
    ForceUnit,
    Organisation,
    OrganisationCategory,
    Relocatable,
    ResidentialArea,
    SecurityModel,
    SteeringCommittee,
    UnitLevel,
)

CAMPAIGN_METRIC_PREFIX = "campaign_metric:"
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

Compute = Callable[[AdministrativeUnit, int, int | None], Decimal]


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str | Promise
    unit: str | Promise
    compute: Compute
    # Flow indicators add up over the plan's years when a target has no year of its own.
    cumulative: bool = False


def _year_end(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


def _rate(approved: int, eligible: int) -> Decimal:
    if not eligible:
        return Decimal(0)
    return (Decimal(approved) * HUNDRED / Decimal(eligible)).quantize(CENT)


def _living(model: type[Relocatable], unit: AdministrativeUnit, day: datetime.date) -> QuerySet:
    """The rows of a model that lives on through mergers that stood under ``unit`` on ``day``.

    A unit closed by a merger keeps, for its own days, what has moved out since (its plans are
    history); an open unit counts what stands under it, on the path index.
    """
    if unit.valid_to is None:
        return model.objects.filter(commune__path__startswith=unit.path)
    return model.objects.filter(model.near(unit.path), model.stood_under(unit.path, day))


def models_active(unit: AdministrativeUnit, year: int, first_year: int | None = None) -> Decimal:
    day = _year_end(year)
    return Decimal(_living(SecurityModel, unit, day).filter(SecurityModel.running_on(day)).count())


def models_new(unit: AdministrativeUnit, year: int, first_year: int | None = None) -> Decimal:
    count = (
        _living(SecurityModel, unit, _year_end(year))
        .filter(started_on__gte=datetime.date(first_year or year, 1, 1), started_on__lte=_year_end(year))
        .count()
    )
    return Decimal(count)


def _active_forces(unit: AdministrativeUnit, year: int) -> QuerySet:
    day = _year_end(year)
    return _living(ForceUnit, unit, day).filter(ForceUnit.running_on(day))


def forces_units(unit: AdministrativeUnit, year: int, first_year: int | None = None) -> Decimal:
    return Decimal(_active_forces(unit, year).count())


def forces_members(unit: AdministrativeUnit, year: int, first_year: int | None = None) -> Decimal:
    total = _active_forces(unit, year).aggregate(total=Sum("member_count"))["total"]
    return Decimal(total or 0)


def _communes(unit: AdministrativeUnit, year: int):
    return AdministrativeUnit.objects.current(on=_year_end(year)).filter(
        path__startswith=unit.path, level=UnitLevel.COMMUNE
    )


def committees_rate(unit: AdministrativeUnit, year: int, first_year: int | None = None) -> Decimal:
    counts = _communes(unit, year).aggregate(
        eligible=Count("pk", distinct=True),
        covered=Count(
            "pk",
            filter=SteeringCommittee.serving_on(_year_end(year), "steeringcommittee_set__"),
            distinct=True,
        ),
    )
    return _rate(counts["covered"], counts["eligible"])


def _approved(year: int, prefix: str = "certification_records__") -> Q:
    return Q(**{f"{prefix}year": year, f"{prefix}state": State.APPROVED})


def cert_rate_residential_area(unit: AdministrativeUnit, year: int, first_year: int | None = None) -> Decimal:
    counts = ResidentialArea.objects.filter(commune__path__startswith=unit.path, is_active=True).aggregate(
        eligible=Count("pk", distinct=True), approved=Count("pk", filter=_approved(year), distinct=True)
    )
    return _rate(counts["approved"], counts["eligible"])


def cert_rate_commune(unit: AdministrativeUnit, year: int, first_year: int | None = None) -> Decimal:
    # A commune's own record is the one with neither an area nor an organisation.
    own = _approved(year) & Q(
        certification_records__area__isnull=True, certification_records__organisation__isnull=True
    )
    counts = _communes(unit, year).aggregate(
        eligible=Count("pk", distinct=True), approved=Count("pk", filter=own, distinct=True)
    )
    return _rate(counts["approved"], counts["eligible"])


def _organisation_rate(*categories: str) -> Compute:
    def compute(unit: AdministrativeUnit, year: int, first_year: int | None = None) -> Decimal:
        counts = Organisation.objects.filter(
            commune__path__startswith=unit.path,
            is_active=True,
            org_type__subject_to_certification=True,
            org_type__category__in=categories,
        ).aggregate(
            eligible=Count("pk", distinct=True), approved=Count("pk", filter=_approved(year), distinct=True)
        )
        return _rate(counts["approved"], counts["eligible"])

    return compute


def campaign_metric(metric_code: str) -> Compute:
    def compute(unit: AdministrativeUnit, year: int, first_year: int | None = None) -> Decimal:
        from movement.models import CampaignResult

        total = CampaignResult.objects.filter(
            metric__code=metric_code,
            campaign__place__path__startswith=unit.path,
            campaign__start_date__gte=datetime.date(first_year or year, 1, 1),
            campaign__start_date__lte=_year_end(year),
        ).aggregate(total=Sum("value"))["total"]
        return Decimal(total or 0)

    return compute


# Units of measure are translated in their own context: "mô hình" is also a field's name.
MODELS_UNIT = pgettext_lazy("unit of measure", "mô hình")

_STATIC = [
    Indicator("models_active", _("Mô hình tự quản về ANTT đang hoạt động"), MODELS_UNIT, models_active),
    Indicator(
        "models_new", _("Mô hình tự quản về ANTT xây dựng mới"), MODELS_UNIT, models_new, cumulative=True
    ),
    Indicator(
        "forces_units",
        _("Tổ, đội lực lượng nòng cốt đang hoạt động"),
        pgettext_lazy("unit of measure", "tổ, đội"),
        forces_units,
    ),
    Indicator(
        "forces_members",
        _("Thành viên lực lượng nòng cốt"),
        pgettext_lazy("unit of measure", "người"),
        forces_members,
    ),
    Indicator("committees_rate", _("Xã, phường có Ban chỉ đạo đang hoạt động"), "%", committees_rate),
    Indicator(
        "cert_rate_residential_area",
        _("Khu dân cư được công nhận “An toàn về ANTT”"),
        "%",
        cert_rate_residential_area,
    ),
    Indicator("cert_rate_commune", _("Xã, phường được công nhận “An toàn về ANTT”"), "%", cert_rate_commune),
    Indicator(
        "cert_rate_agency",
        _("Cơ quan được công nhận “An toàn về ANTT”"),
        "%",
        _organisation_rate(OrganisationCategory.AGENCY),
    ),
    Indicator(
        "cert_rate_enterprise",
        _("Doanh nghiệp được công nhận “An toàn về ANTT”"),
        "%",
        _organisation_rate(OrganisationCategory.ENTERPRISE),
    ),
    Indicator(
        "cert_rate_school",
        _("Nhà trường, cơ sở giáo dục được công nhận “An toàn về ANTT”"),
        "%",
        _organisation_rate(OrganisationCategory.SCHOOL),
    ),
    Indicator(
        "cert_rate_organisation",
        _("Cơ quan, doanh nghiệp, nhà trường được công nhận “An toàn về ANTT”"),
        "%",
        _organisation_rate(*OrganisationCategory.values),
    ),
]
INDICATORS: dict[str, Indicator] = {indicator.code: indicator for indicator in _STATIC}


def _metric_label(name: str) -> str:
    return gettext("Kết quả đợt vận động: %(name)s") % {"name": name}


def _metric_indicator(code: str, name: str, unit: str) -> Indicator:
    return Indicator(
        f"{CAMPAIGN_METRIC_PREFIX}{code}",
        _metric_label(name),
        unit,
        campaign_metric(code),
        cumulative=True,
    )


def resolve_indicators(codes: Iterable[str]) -> dict[str, Indicator]:
    """The indicators behind ``codes`` (unknown codes are left out), in at most one query."""
    codes = set(codes)
    found = {code: INDICATORS[code] for code in codes if code in INDICATORS}
    metric_codes = {
        c.removeprefix(CAMPAIGN_METRIC_PREFIX) for c in codes if c.startswith(CAMPAIGN_METRIC_PREFIX)
    }
    if metric_codes:
        from movement.models import ResultMetric

        for code, name, unit in ResultMetric.objects.filter(code__in=metric_codes).values_list(
            "code", "name", "unit"
        ):
            indicator = _metric_indicator(code, name, unit)
            found[indicator.code] = indicator
    return found


def indicator_choices() -> list[tuple[str, str]]:
    """Every indicator a target may name, for a form's select (one query for the metrics)."""
    from movement.models import ResultMetric

    choices = [(i.code, f"{i.label} ({i.unit})") for i in _STATIC]
    for code, name, unit in ResultMetric.objects.filter(is_active=True).values_list("code", "name", "unit"):
        choices.append((f"{CAMPAIGN_METRIC_PREFIX}{code}", f"{_metric_label(name)} ({unit})"))
    return choices


def validate_indicator_code(code: str) -> None:
    if code not in resolve_indicators([code]):
        raise ValidationError(
            {"indicator": gettext("Chỉ tiêu “%(value)s” không có trong danh mục chỉ tiêu.") % {"value": code}}
        )


def compute(code: str, unit: AdministrativeUnit, year: int, first_year: int | None = None) -> Decimal:
    """The current value of indicator ``code`` over ``unit``'s subtree (one query, plus one for metrics)."""
    indicator = resolve_indicators([code]).get(code)
    if indicator is None:
        raise KeyError(code)
    return indicator.compute(unit, year, first_year)
