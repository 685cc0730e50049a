from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from audit.history import history_for

register = template.Library()


@register.inclusion_tag("audit/_history.html")
def history_tab(obj: models.Model) -> dict[str, Any]:
    """``{% load audit %}{% history_tab object %}``: the object's "Lịch sử thay đổi" section."""
    return {"history": history_for(obj)}
