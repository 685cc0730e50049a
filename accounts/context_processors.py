"""Navigation: each role sees only what it may use, grouped as the office works."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.roles import Action

StrOrPromise = str | Promise

# (group label, [(label, url name, action the role needs)]). Order is the order of the menu.
MENU: list[tuple[StrOrPromise, list[tuple[StrOrPromise, str, Action]]]] = [
    (
        _("Tình hình"),
        [
            (_("Tình hình phong trào"), "dashboard:home", Action.VIEW),
            (_("Báo cáo năm"), "dashboard:annual_report", Action.VIEW),
        ],
    ),
    (
        _("Sổ đăng ký"),
        [
            (pgettext_lazy("plural", "Địa bàn"), "registry:unit_list", Action.VIEW),
            (pgettext_lazy("plural", "Khu dân cư"), "registry:area_list", Action.VIEW),
            (_("Cơ quan, DN, trường"), "registry:organisation_list", Action.VIEW),
            (pgettext_lazy("plural", "Ban chỉ đạo"), "registry:committee_list", Action.VIEW),
            (_("Lực lượng nòng cốt"), "registry:force_list", Action.VIEW),
            (_("Mô hình tự quản"), "registry:model_list", Action.VIEW),
        ],
    ),
    (
        _("An toàn về ANTT"),
        [
            (_("Hồ sơ công nhận"), "certification:record_list", Action.VIEW),
            (_("Thẩm định"), "certification:review_queue", Action.REVIEW),
            (_("Tình hình công nhận"), "certification:status", Action.VIEW),
        ],
    ),
    (
        _("Phong trào"),
        [
            (_("Kế hoạch"), "movement:plan_list", Action.VIEW),
            (_("Đợt vận động"), "movement:campaign_list", Action.VIEW),
            (_("Khen thưởng"), "movement:commendation_list", Action.VIEW),
            (_("Tổng hợp kết quả"), "movement:my_summary", Action.VIEW),
        ],
    ),
    (
        _("Quản trị"),
        [
            (_("Nhập dữ liệu"), "dataio:index", Action.IMPORT),
            (_("Nhật ký thay đổi"), "audit:change_list", Action.IMPORT),  # administrators only
            (_("Người dùng, danh mục"), "admin:index", Action.IMPORT),
        ],
    ),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_groups": []}
    groups = []
    for title, entries in MENU:
        items = [{"label": label, "url_name": name} for label, name, action in entries if user.can(action)]
        if items:
            groups.append({"title": title, "items": items})
    return {"nav_groups": groups}
