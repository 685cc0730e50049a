from __future__ import annotations

from django import template

from registry.models import AdministrativeUnit
from registry.scoping import sees_path

register = template.Library()


@register.filter
def parent_in_scope(unit: AdministrativeUnit, user) -> AdministrativeUnit | None:
    """``unit``'s parent when ``user`` may open it, else None: a breadcrumb never leads to a 404."""
    parent = unit.parent if unit.parent_id else None
    return parent if parent is not None and sees_path(user, parent.path) else None
