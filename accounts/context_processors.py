"""Navigation: each role sees only what it may use, grouped as the office works."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.roles import Action

# (group label, [(label, url name, action the role needs)]). Order is the order of the menu.
MENU: list[tuple[str, list[tuple[str, str, Action]]]] = [
    (
        "Tình hình",
        [
            ("Tình hình phong trào", "dashboard:home", Action.VIEW),
            ("Báo cáo năm", "dashboard:annual_report", Action.VIEW),
        ],
    ),
    (
        "Sổ đăng ký",
        [
            ("Địa bàn", "registry:unit_list", Action.VIEW),
            ("Khu dân cư", "registry:area_list", Action.VIEW),
            ("Cơ quan, DN, trường", "registry:organisation_list", Action.VIEW),
            ("Ban chỉ đạo", "registry:committee_list", Action.VIEW),
            ("Lực lượng nòng cốt", "registry:force_list", Action.VIEW),
            ("Mô hình tự quản", "registry:model_list", Action.VIEW),
        ],
    ),
    (
        "An toàn về ANTT",
        [
            ("Hồ sơ công nhận", "certification:record_list", Action.VIEW),
            ("Thẩm định", "certification:review_queue", Action.REVIEW),
            ("Tình hình công nhận", "certification:status", Action.VIEW),
        ],
    ),
    (
        "Phong trào",
        [
            ("Kế hoạch", "movement:plan_list", Action.VIEW),
            ("Đợt vận động", "movement:campaign_list", Action.VIEW),
            ("Khen thưởng", "movement:commendation_list", Action.VIEW),
            ("Tổng hợp kết quả", "movement:my_summary", Action.VIEW),
        ],
    ),
    (
        "Quản trị",
        [
            ("Nhập dữ liệu", "dataio:index", Action.IMPORT),
            ("Nhật ký thay đổi", "audit:change_list", Action.IMPORT),  # administrators only
            ("Người dùng, danh mục", "admin:index", Action.IMPORT),
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
