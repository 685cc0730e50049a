"""One-line includes for other apps' pages (registry unit, model, force and organisation details).

    {% load movement_tags %}
    {% unit_campaign_totals unit %}            {# optional: date_from=… date_to=… #}
    {% commendations_for security_model %}     {# or a force unit, or an organisation #}

Both read through the user's scope (``request.user`` of the template context).
"""

from __future__ import annotations

import datetime
from typing import Any

from django import template

from movement import services
from registry.models import AdministrativeUnit

register = template.Library()


@register.inclusion_tag("movement/_unit_totals.html", takes_context=True)
def unit_campaign_totals(
    context: dict[str, Any],
    unit: AdministrativeUnit,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> dict[str, Any]:
    return services.unit_totals_context(unit, context["request"].user, date_from, date_to)


@register.inclusion_tag("movement/_commendations_for.html", takes_context=True)
def commendations_for(context: dict[str, Any], obj: Any) -> dict[str, Any]:
    return {"commendations": services.commendations_for(obj, context["request"].user)}
