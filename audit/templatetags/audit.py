from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from audit.history import history_for

register = template.Library()


@register.inclusion_tag("audit/_history.html", takes_context=True)
def history_tab(context: template.Context, obj: models.Model) -> dict[str, Any]:
    """``{% load audit %}{% history_tab object %}``: the object's "Lịch sử thay đổi" section."""
    request = context.get("request")
    # An editor's network address is for administrators tracing a request, not for every reader.
    show_address = bool(request and getattr(request.user, "is_admin", False))
    return {"history": history_for(obj), "show_address": show_address}
