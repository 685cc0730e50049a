from __future__ import annotations

from django import template

from certification.stats import state_label

register = template.Library()

BADGES = {
    "registered": "text-bg-secondary",
    "submitted": "text-bg-warning",
    "approved": "text-bg-success",
    "rejected": "text-bg-danger",
    "revoked": "text-bg-dark",
}


@register.inclusion_tag("certification/_state_badge.html")
def state_badge(state: str | None) -> dict[str, str]:
    return {
        "css": BADGES.get(state or "", "text-bg-light border"),
        "label": state_label(state),
        "state": state or "",
    }
