"""Navigation: each role sees only what it may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.roles import Action

# (label, url name, action the role needs). Order is the order of the menu.
MENU: list[tuple[str, str, Action]] = [
    ("Trang chủ", "home", Action.VIEW),
    ("Nhập dữ liệu", "dataio:index", Action.IMPORT),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [{"label": label, "url_name": name} for label, name, action in MENU if user.can(action)]
    return {"nav_items": items}
