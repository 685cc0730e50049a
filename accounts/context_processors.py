"""Navigation: each role sees only what it may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.roles import Action

# (label, url name, action the role needs). Order is the order of the menu.
MENU: list[tuple[str, str, Action]] = [
    ("Trang chủ", "home", Action.VIEW),
    ("Địa bàn", "registry:unit_list", Action.VIEW),
    ("Khu dân cư", "registry:area_list", Action.VIEW),
    ("Cơ quan, DN, trường", "registry:organisation_list", Action.VIEW),
    ("Lực lượng nòng cốt", "registry:force_list", Action.VIEW),
    ("Mô hình tự quản", "registry:model_list", Action.VIEW),
    ("Ban chỉ đạo", "registry:committee_list", Action.VIEW),
    ("Hồ sơ ANTT", "certification:record_list", Action.VIEW),
    ("Thẩm định", "certification:review_queue", Action.REVIEW),
    ("Nhật ký thay đổi", "audit:change_list", Action.IMPORT),  # administrators only
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [{"label": label, "url_name": name} for label, name, action in MENU if user.can(action)]
    return {"nav_items": items}
