"""The movement's catalogues as data: result metrics, campaign kinds, commendation forms.

Seeded by a data migration and by the demo loader; administrators edit them afterwards. The seeding
function takes the model classes so that the migration can pass its historical models.
"""

from __future__ import annotations

from typing import Any

# code, name, unit of measure
RESULT_METRICS: list[tuple[str, str, str]] = [
    ("propaganda_sessions", "Buổi tuyên truyền", "buổi"),
    ("attendance", "Lượt người tham dự", "lượt người"),
    ("leaflets", "Tờ rơi, tài liệu tuyên truyền phát ra", "tờ"),
    ("respected_meetings", "Buổi gặp gỡ người có uy tín", "buổi"),
    ("tips", "Tin báo, tố giác của quần chúng", "tin"),
    ("wanted_caught", "Đối tượng truy nã bị bắt, ra đầu thú", "đối tượng"),
    ("offenders_educated", "Đối tượng được giáo dục tại cộng đồng", "đối tượng"),
    ("guns", "Súng (kể cả súng tự chế) giao nộp, thu hồi", "khẩu"),
    ("bullets", "Đạn các loại", "viên"),
    ("detonators", "Kíp nổ", "kíp"),
    ("explosives", "Vật liệu nổ", "kg"),
    ("firecrackers", "Pháo nổ", "kg"),
    ("cold_weapons", "Vũ khí thô sơ, công cụ hỗ trợ", "chiếc"),
]

CAMPAIGN_KINDS: list[str] = [
    "Lễ phát động phong trào",
    "Ngày hội Toàn dân bảo vệ ANTQ (19/8)",
    "Đợt tuyên truyền",
    "Vận động giao nộp vũ khí, vật liệu nổ, công cụ hỗ trợ",
    "Đợt cao điểm phòng, chống tội phạm",
    "Phong trào thi đua",
    "Sơ kết, tổng kết",
]

# name, level (1 is highest)
COMMENDATION_FORMS: list[tuple[str, int]] = [
    ("Cờ thi đua của Bộ Công an", 1),
    ("Bằng khen của Bộ trưởng Bộ Công an", 2),
    ("Bằng khen của UBND tỉnh", 3),
    ("Giấy khen của Giám đốc Công an tỉnh", 4),
    ("Tôn vinh điển hình tiên tiến", 5),
    ("Giấy khen của Chủ tịch UBND cấp huyện", 6),
]


def seed_catalogues(result_metric: Any, campaign_kind: Any, commendation_form: Any) -> int:
    """Create the catalogue rows that are missing; existing rows (maybe edited) are left alone."""
    created = 0
    known_metrics = set(result_metric.objects.values_list("code", flat=True))
    new_metrics = [
        result_metric(code=code, name=name, unit=unit, order=index)
        for index, (code, name, unit) in enumerate(RESULT_METRICS, start=1)
        if code not in known_metrics
    ]
    result_metric.objects.bulk_create(new_metrics, ignore_conflicts=True)
    created += len(new_metrics)
    known_kinds = set(campaign_kind.objects.values_list("name", flat=True))
    new_kinds = [
        campaign_kind(name=name, order=index)
        for index, name in enumerate(CAMPAIGN_KINDS, start=1)
        if name not in known_kinds
    ]
    campaign_kind.objects.bulk_create(new_kinds, ignore_conflicts=True)
    created += len(new_kinds)
    known_forms = set(commendation_form.objects.values_list("name", flat=True))
    new_forms = [
        commendation_form(name=name, level=level, order=level)
        for name, level in COMMENDATION_FORMS
        if name not in known_forms
    ]
    commendation_form.objects.bulk_create(new_forms, ignore_conflicts=True)
    created += len(new_forms)
    return created
