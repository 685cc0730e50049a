from __future__ import annotations

from django import template

from registry.scoping import visible_parent

register = template.Library()

# {% with parent=unit|parent_in_scope:request.user %}: the breadcrumb's parent, if the user may open it.
register.filter("parent_in_scope", visible_parent)
