"""Demo data for the movement: plan 747, five years of campaigns in Khánh Vĩnh, 2025 commendations.

Deterministic and idempotent (rows are keyed by plan number, campaign name and place, decision
number) and written in bulk. The Khánh Vĩnh campaigns (2021 to 2025) add up exactly to the figures of
the provincial report; the commendations are those of 2025. Collective recipients point at the
registry's models, forces and organisations when there are any, else carry a free-text name.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from accounts.models import User
from movement.catalogues import seed_catalogues
from movement.models import (
    Campaign,
    CampaignKind,
    CampaignResult,
    Commendation,
    CommendationForm,
    Comparator,
    Plan,
    PlanStatus,
    PlanTarget,
    RecipientKind,
    ResultMetric,
)
from registry.models import AdministrativeUnit, ForceUnit, Organisation, SecurityModel, UnitLevel

PROVINCE = "56"
DISTRICT = "573"  # Khánh Vĩnh
COMMUNE = "22615"  # Khánh Bình
YEARS = range(2021, 2026)
DEMO_YEAR = 2025

# The five-year campaign results of Khánh Vĩnh (provincial report).
KHANH_VINH_TOTALS: dict[str, int] = {
    "propaganda_sessions": 235,
    "attendance": 8500,
    "leaflets": 680,
    "respected_meetings": 1233,
    "tips": 400,
    "wanted_caught": 19,
    "offenders_educated": 73,
}
WEAPONS_TOTALS: dict[str, int] = {"guns": 78, "bullets": 54}

PLAN_747 = {
    "number": "747/KH-CAT",
    "title": "Huy động toàn dân tham gia phòng, chống tội phạm cướp, cướp giật, trộm cắp tài sản",
    "issuer": "Công an tỉnh Khánh Hòa",
    "issued_on": datetime.date(2023, 2, 15),
    "year_from": 2023,
    "year_to": 2025,
    "status": PlanStatus.IN_FORCE,
    "summary": "Năm thứ ba thực hiện. Chỉ tiêu đo từ sổ đăng ký: mô hình, lực lượng, công nhận "
    "“An toàn về ANTT” và kết quả các đợt vận động.",
}
# indicator, scope unit code, comparator, value, year, note
PLAN_747_TARGETS = [
    ("cert_rate_residential_area", PROVINCE, Comparator.AT_LEAST, 95, DEMO_YEAR, "Khu dân cư đạt chuẩn"),
    ("models_new", PROVINCE, Comparator.AT_LEAST, 20, None, "Xây dựng mới trong cả thời kỳ"),
    ("models_active", PROVINCE, Comparator.AT_LEAST, 228, DEMO_YEAR, ""),
    ("committees_rate", PROVINCE, Comparator.AT_LEAST, 100, DEMO_YEAR, "100% xã có Ban chỉ đạo"),
    ("campaign_metric:propaganda_sessions", DISTRICT, Comparator.AT_LEAST, 150, None, "Huyện Khánh Vĩnh"),
    ("campaign_metric:tips", DISTRICT, Comparator.AT_LEAST, 250, None, "Huyện Khánh Vĩnh"),
]
PLAN_COMMUNE = {
    "number": "15/KH-CAX",
    "title": "Triển khai Kế hoạch 747/KH-CAT trên địa bàn xã Khánh Bình năm 2025",
    "issuer": "Công an xã Khánh Bình",
    "issued_on": datetime.date(2025, 1, 20),
    "year_from": 2025,
    "year_to": 2025,
    "status": PlanStatus.IN_FORCE,
    "summary": "",
}

# form name, decision number, decision date, authority, collectives, individuals, event
COMMENDATION_DECISIONS = [
    ("Cờ thi đua của Bộ Công an", "1046/QĐ-BCA", (2025, 12, 18), "Bộ trưởng Bộ Công an", 3, 0),
    ("Bằng khen của Bộ trưởng Bộ Công an", "1047/QĐ-BCA", (2025, 12, 18), "Bộ trưởng Bộ Công an", 2, 2),
    ("Bằng khen của UBND tỉnh", "3120/QĐ-UBND", (2025, 12, 10), "Chủ tịch UBND tỉnh Khánh Hòa", 3, 2),
    ("Giấy khen của Giám đốc Công an tỉnh", "4415/QĐ-CAT", (2025, 8, 15), "Giám đốc Công an tỉnh", 60, 20),
    ("Tôn vinh điển hình tiên tiến", "4416/QĐ-CAT", (2025, 8, 15), "Giám đốc Công an tỉnh", 36, 20),
]
# Recorded, then withdrawn: the dossiers proved false. They must not count.
REVOKED_DECISION = ("Giấy khen của Giám đốc Công an tỉnh", "2980/QĐ-CAT", (2025, 5, 6), 1, 1)
EVENT = "Ngày hội Toàn dân bảo vệ ANTQ năm 2025 và tổng kết phong trào năm 2025"

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Cao", "Mấu"]
MIDDLE = ["Văn", "Thị", "Minh", "Đức", "Thanh", "Ngọc", "Hữu", "Quang"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Sơn"]
POSITIONS = ["Trưởng thôn", "Tổ trưởng Tổ bảo vệ ANTT", "Phó Trưởng Công an xã", "Bí thư Chi bộ thôn"]
FREE_COLLECTIVES = ["Tổ bảo vệ ANTT thôn {n}", "Nhân dân và cán bộ thôn {n}", "Tổ tự quản thôn {n}"]


def _split(total: int, count: int, rng: random.Random) -> list[int]:
    """``total`` spread over ``count`` parts with random weights; the parts add up exactly."""
    weights = [rng.randint(2, 9) for _ in range(count)]
    scale = sum(weights)
    shares = [total * w // scale for w in weights]
    order = sorted(range(count), key=lambda i: (-(total * weights[i] % scale), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _plan(unit: AdministrativeUnit, data: dict) -> tuple[Plan, bool]:
    return Plan.objects.get_or_create(issuing_unit=unit, number=data["number"], defaults=data)


def load_plans(units: dict[str, AdministrativeUnit]) -> tuple[Plan | None, int]:
    if PROVINCE not in units:
        return None, 0
    plan, created = _plan(units[PROVINCE], PLAN_747)
    if not plan.targets.exists():
        PlanTarget.objects.bulk_create(
            PlanTarget(
                plan=plan,
                indicator=indicator,
                scope_unit=units[code],
                comparator=comparator,
                value=Decimal(value),
                year=year,
                note=note,
            )
            for indicator, code, comparator, value, year, note in PLAN_747_TARGETS
            if code in units
        )
    count = int(created)
    if COMMUNE in units:
        commune_plan, commune_created = _plan(units[COMMUNE], PLAN_COMMUNE)
        if not commune_plan.targets.exists():
            PlanTarget.objects.create(
                plan=commune_plan,
                indicator="campaign_metric:propaganda_sessions",
                scope_unit=units[COMMUNE],
                value=Decimal(12),
                note="Tuyên truyền trong năm",
            )
        count += int(commune_created)
    return plan, count


def _campaign_specs(communes: list[AdministrativeUnit], rng: random.Random) -> list[dict]:
    """Propaganda rounds in every commune every year, a 19 August festival and a weapons drive a year."""
    specs = []
    for year in YEARS:
        for commune in communes:
            start = datetime.date(year, rng.randint(2, 11), rng.randint(1, 28))
            specs.append(
                {
                    "kind": "Đợt tuyên truyền",
                    "name": f"Tuyên truyền phòng, chống tội phạm năm {year} — {commune.full_name}",
                    "place": commune,
                    "start_date": start,
                    "end_date": start + datetime.timedelta(days=rng.randint(0, 3)),
                    "metrics": KHANH_VINH_TOTALS,
                }
            )
        host = communes[year % len(communes)]
        specs.append(
            {
                "kind": "Ngày hội Toàn dân bảo vệ ANTQ (19/8)",
                "name": f"Ngày hội Toàn dân bảo vệ ANTQ năm {year} — {host.full_name}",
                "place": host,
                "start_date": datetime.date(year, 8, 19),
                "end_date": datetime.date(year, 8, 19),
                "metrics": KHANH_VINH_TOTALS,
            }
        )
        drive = communes[(year * 3) % len(communes)]
        specs.append(
            {
                "kind": "Vận động giao nộp vũ khí, vật liệu nổ, công cụ hỗ trợ",
                "name": f"Vận động giao nộp vũ khí, vật liệu nổ năm {year} — {drive.full_name}",
                "place": drive,
                "start_date": datetime.date(year, 3, 1),
                "end_date": datetime.date(year, 3, 31),
                "metrics": WEAPONS_TOTALS,
            }
        )
    return specs


def load_campaigns(units: dict[str, AdministrativeUnit], plan: Plan | None) -> int:
    district = units.get(DISTRICT)
    if district is None:
        return 0
    communes = list(
        AdministrativeUnit.objects.filter(path__startswith=district.path, level=UnitLevel.COMMUNE)
        .current(on=datetime.date(2024, 12, 31))
        .order_by("code")
    )
    if not communes:
        return 0
    rng = random.Random(747)  # deterministic: the same campaigns, dates and figures on every run
    specs = _campaign_specs(communes, rng)
    # Each metric's total is spread over the campaigns that measure it.
    values: list[dict[str, int]] = [{} for _ in specs]
    for code in [*KHANH_VINH_TOTALS, *WEAPONS_TOTALS]:
        carriers = [i for i, spec in enumerate(specs) if code in spec["metrics"]]
        total = KHANH_VINH_TOTALS.get(code) or WEAPONS_TOTALS[code]
        for index, share in zip(carriers, _split(total, len(carriers), rng), strict=True):
            values[index][code] = share

    kinds = {k.name: k for k in CampaignKind.objects.all()}
    metrics = {m.code: m for m in ResultMetric.objects.all()}
    existing = set(
        Campaign.objects.filter(place__in=communes).values_list("name", "place_id"),
    )
    new = [
        (spec, values[i]) for i, spec in enumerate(specs) if (spec["name"], spec["place"].pk) not in existing
    ]
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            kind=kinds[spec["kind"]],
            name=spec["name"],
            place=spec["place"],
            start_date=spec["start_date"],
            end_date=spec["end_date"],
            plan=plan if plan and plan.year_from <= spec["start_date"].year <= plan.year_to else None,
            organisers=f"Ban chỉ đạo, Công an {spec['place'].full_name}",
            participants=result.get("attendance"),
        )
        for spec, result in new
    )
    CampaignResult.objects.bulk_create(
        CampaignResult(campaign=campaign, metric=metrics[code], value=Decimal(value))
        for campaign, (_, result) in zip(campaigns, new, strict=True)
        for code, value in result.items()
        if value
    )
    return len(campaigns)


def _person(rng: random.Random) -> tuple[str, str]:
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    return name, rng.choice(POSITIONS)


def load_commendations(units: dict[str, AdministrativeUnit]) -> int:
    province = units.get(PROVINCE)
    if province is None:
        return 0
    done = set(Commendation.objects.values_list("decision_number", flat=True).distinct())
    forms = {f.name: f for f in CommendationForm.objects.all()}
    communes = list(
        AdministrativeUnit.objects.filter(path__startswith=province.path, level=UnitLevel.COMMUNE)
        .current(on=datetime.date(DEMO_YEAR, 6, 30))
        .order_by("code")
    )
    if not communes:
        return 0
    # Registry collectives first (models, then forces, then organisations), free-text names after.
    in_province = {"commune__path__startswith": province.path}
    registry_rows: list[tuple[str, object]] = [
        *(("security_model", m) for m in SecurityModel.objects.filter(**in_province).order_by("pk")[:60]),
        *(("force_unit", f) for f in ForceUnit.objects.filter(**in_province).order_by("pk")[:30]),
        *(("organisation", o) for o in Organisation.objects.filter(**in_province).order_by("pk")[:30]),
    ]
    rng = random.Random(2025)
    counter = {"collective": 0, "free": 0}

    taken: set[tuple] = set()  # one decision commends a recipient once: (decision, unit, name)

    def collective(common: dict) -> Commendation:
        index = counter["collective"]
        counter["collective"] += 1
        if index < len(registry_rows):
            field, row = registry_rows[index]
            return Commendation(
                **common, recipient_kind=RecipientKind.COLLECTIVE, unit=row.commune, **{field: row}
            )
        counter["free"] += 1
        commune = communes[counter["free"] % len(communes)]
        name = FREE_COLLECTIVES[counter["free"] % len(FREE_COLLECTIVES)].format(n=counter["free"] % 9 + 1)
        name = f"{name}, {commune.name}"
        if (common["decision_number"], commune.pk, name) in taken:
            name = f"{name} ({counter['free']})"  # a province with few communes runs out of names
        taken.add((common["decision_number"], commune.pk, name))
        return Commendation(
            **common, recipient_kind=RecipientKind.COLLECTIVE, unit=commune, recipient_name=name
        )

    def individual(common: dict) -> Commendation:
        while True:
            name, position = _person(rng)
            unit = communes[rng.randrange(len(communes))]
            if (common["decision_number"], unit.pk, name) not in taken:
                taken.add((common["decision_number"], unit.pk, name))
                break
        return Commendation(
            **common,
            recipient_kind=RecipientKind.INDIVIDUAL,
            unit=unit,
            recipient_name=name,
            recipient_position=position,
        )

    rows: list[Commendation] = []
    for form_name, number, ymd, authority, collectives, individuals in COMMENDATION_DECISIONS:
        if number in done:
            continue
        common = {
            "form": forms[form_name],
            "authority": authority,
            "decision_number": number,
            "decision_date": datetime.date(*ymd),
            "year": DEMO_YEAR,
            "event": EVENT,
            "reason": "Có thành tích xuất sắc trong phong trào Toàn dân bảo vệ an ninh Tổ quốc năm 2025.",
        }
        rows += [collective(common) for _ in range(collectives)]
        rows += [individual(common) for _ in range(individuals)]
    form_name, number, ymd, collectives, individuals = REVOKED_DECISION
    if number not in done:
        revoker = User.objects.filter(username="tinh").first()
        common = {
            "form": forms[form_name],
            "authority": "Giám đốc Công an tỉnh",
            "decision_number": number,
            "decision_date": datetime.date(*ymd),
            "year": DEMO_YEAR,
            "reason": "Đạt thành tích trong đợt cao điểm phòng, chống tội phạm.",
            "revoked_at": datetime.datetime(2025, 10, 2, 9, 0, tzinfo=datetime.UTC),
            "revoked_by": revoker,
            "revoke_reason": "Hồ sơ đề nghị khen thưởng kê khai không đúng thành tích (kết luận xác minh).",
        }
        rows += [collective(common) for _ in range(collectives)]
        rows += [individual(common) for _ in range(individuals)]
    Commendation.objects.bulk_create(rows)
    return len(rows)


def load() -> list[str]:
    seeded = seed_catalogues(ResultMetric, CampaignKind, CommendationForm)
    units = {
        u.code: u
        for u in AdministrativeUnit.objects.filter(
            code__in=[PROVINCE, DISTRICT, COMMUNE], valid_to__isnull=True
        )
    }
    if PROVINCE not in units:
        return ["Phong trào: chưa có đơn vị hành chính của tỉnh mẫu, bỏ qua."]
    plan, plans = load_plans(units)
    campaigns = load_campaigns(units, plan)
    commendations = load_commendations(units)
    return [
        f"Danh mục phong trào mới: {seeded}",
        f"Kế hoạch mới: {plans}",
        f"Đợt vận động mới: {campaigns}",
        f"Khen thưởng mới: {commendations}",
    ]
