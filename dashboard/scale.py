"""A national-scale synthetic dataset for measuring the dashboards (``manage.py generate_scale``).

Rows go in with PostgreSQL COPY, a table at a time, so a million-row dataset takes a minute or
two. The synthetic provinces are named "Tỉnh Mô phỏng …" under free province codes (99 downwards),
communes take free codes from 40000 (above every real commune code), so the demo province and
real code lists are left alone; ``flush`` removes exactly what was generated.
"""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone

from certification.models import CertificationRecord, State, SubjectKind
from movement.catalogues import RESULT_METRICS
from movement.models import (
    Campaign,
    CampaignKind,
    CampaignResult,
    Commendation,
    CommendationForm,
    ResultMetric,
)
from registry.models import (
    AdministrativeUnit,
    AreaKind,
    EffectivenessClass,
    ForceType,
    ForceUnit,
    ModelReview,
    ModelType,
    Organisation,
    OrganisationType,
    ResidentialArea,
    SecurityModel,
    SteeringCommittee,
    UnitLevel,
)

SYNTHETIC_KIND = "Tỉnh mô phỏng"
FIRST_COMMUNE_CODE = 40000
MODEL_TYPES = [
    "Tổ an ninh nhân dân",
    "Camera an ninh",
    "Tiếng loa an ninh",
    "Liên gia tự quản",
    "Thắp sáng đường quê",
    "Dòng họ an toàn",
    "Tổ xe ôm tự quản",
    "Dân vận khéo",
]
# The seeded catalogue's own metrics (a data migration creates them), so get_or_create finds them.
METRICS = [m for m in RESULT_METRICS if m[0] in ("propaganda_sessions", "attendance", "leaflets", "tips")]
FORMS = [
    ("Cờ thi đua của Bộ Công an", 1),
    ("Bằng khen của Bộ trưởng Bộ Công an", 2),
    ("Bằng khen của Chủ tịch UBND tỉnh", 3),
    ("Giấy khen của Giám đốc Công an tỉnh", 4),
]


@dataclass
class Sizes:
    provinces: int = 10
    districts: int = 700
    communes: int = 10_000
    areas: int = 100_000
    organisations: int = 200_000
    models: int = 300_000
    years: int = 5
    last_year: int = 2025

    @classmethod
    def small(cls) -> Sizes:
        return cls(provinces=2, districts=20, communes=300, areas=3_000, organisations=6_000, models=9_000)


def synthetic_provinces() -> models.QuerySet:
    return AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, kind=SYNTHETIC_KIND)


def _copy(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> list[int]:
    """COPY rows into the model's table; other NOT NULL columns get their field defaults.

    Returns the new primary keys in the order of ``rows`` (one COPY in one session is sequential).
    """
    now = timezone.now().isoformat()
    fields = [f for f in model._meta.concrete_fields if not f.generated and not f.primary_key]
    given = {name: i for i, name in enumerate(columns)}
    constants: dict[str, str] = {}
    for f in fields:
        if f.column in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constants[f.column] = now
        elif f.has_default():
            value = f.get_default()
            constants[f.column] = ("t" if value else "f") if isinstance(value, bool) else str(value)
        elif f.null:
            constants[f.column] = r"\N"
        else:
            constants[f.column] = ""
    order = [f.column for f in fields]

    def text(value: object) -> str:
        if value is None:
            return r"\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        return str(value)

    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(text(row[given[c]]) if c in given else constants[c] for c in order) + "\n")
    buffer.seek(0)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 - table name from the model
        before = cursor.fetchone()[0]
        column_list = ", ".join(f'"{c}"' for c in order)
        cursor.copy_expert(f'COPY "{table}" ({column_list}) FROM STDIN', buffer)
        cursor.execute(f'SELECT id FROM "{table}" WHERE id > %s ORDER BY id', [before])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def _free_codes(candidates: Iterable[str], count: int, what: str) -> list[str]:
    used = set(AdministrativeUnit.objects.values_list("code", flat=True))
    free = [c for c in candidates if c not in used][:count]
    if len(free) < count:
        raise ValueError(f"Không đủ mã {what} còn trống ({len(free)}/{count}); hãy giảm số lượng.")
    return free


def _catalogues() -> dict[str, list]:
    area_kind = AreaKind.objects.get_or_create(name="Thôn")[0]
    org_types = [
        OrganisationType.objects.get_or_create(
            name=name, defaults={"category": cat, "subject_to_certification": s}
        )[0]
        for name, cat, s in [
            ("Cơ quan nhà nước", "agency", True),
            ("Doanh nghiệp", "enterprise", True),
            ("Doanh nghiệp nhỏ và siêu nhỏ", "enterprise", False),
            ("Trường trung học", "school", True),
        ]
    ]
    force_types = [
        ForceType.objects.get_or_create(name=name)[0]
        for name in ("Tổ bảo vệ an ninh, trật tự", "Bảo vệ cơ quan, doanh nghiệp", "Tổ hòa giải")
    ]
    model_types = [ModelType.objects.get_or_create(name=name)[0] for name in MODEL_TYPES]
    classes = [
        EffectivenessClass.objects.get_or_create(name=name, defaults={"rank": rank})[0]
        for name, rank in (("Tốt", 1), ("Khá", 2), ("Trung bình", 3), ("Yếu", 4))
    ]
    metrics = [
        # Keyed by name: the movement catalogue may already hold the metric under its own code.
        ResultMetric.objects.get_or_create(name=name, defaults={"code": code, "unit": unit})[0]
        for code, name, unit in METRICS
    ]
    forms = [CommendationForm.objects.get_or_create(name=n, defaults={"level": lvl})[0] for n, lvl in FORMS]
    kind = CampaignKind.objects.get_or_create(name="Đợt cao điểm tuyên truyền")[0]
    return {
        "area_kind": [area_kind],
        "org_types": org_types,
        "force_types": force_types,
        "model_types": model_types,
        "classes": classes,
        "metrics": metrics,
        "forms": forms,
        "campaign_kind": [kind],
    }


def _spread(total: int, buckets: int) -> list[int]:
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


def _day(rng: random.Random, year: int) -> datetime.date:
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


@transaction.atomic
def generate(sizes: Sizes, seed: int = 1, log=print) -> dict[str, int]:
    rng = random.Random(seed)  # noqa: S311 - deterministic synthetic data, not secrets
    cat = _catalogues()
    first_year = sizes.last_year - sizes.years + 1
    years = list(range(first_year, sizes.last_year + 1))

    # Units: provinces (free codes from 99 down), districts (free 3-digit codes), communes (40000+).
    province_codes = _free_codes((f"{c:02d}" for c in range(99, 0, -1)), sizes.provinces, "tỉnh")
    district_codes = _free_codes((f"{c:03d}" for c in range(1000)), sizes.districts, "huyện")
    commune_codes = _free_codes((str(c) for c in range(FIRST_COMMUNE_CODE, 100_000)), sizes.communes, "xã")
    provinces = AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(
            code=code,
            name=f"Mô phỏng {code}",
            full_name=f"Tỉnh Mô phỏng {code}",
            kind=SYNTHETIC_KIND,
            level=UnitLevel.PROVINCE,
            path=f"{code}/",
        )
        for code in province_codes
    )
    districts = []
    index = 0
    for province, count in zip(provinces, _spread(sizes.districts, sizes.provinces), strict=True):
        for _ in range(count):
            code = district_codes[index]
            index += 1
            districts.append(
                AdministrativeUnit(
                    code=code,
                    name=f"Mô phỏng {code}",
                    full_name=f"Huyện Mô phỏng {code}",
                    kind="Huyện",
                    level=UnitLevel.DISTRICT,
                    parent=province,
                    path=f"{province.path}{code}/",
                )
            )
    districts = AdministrativeUnit.objects.bulk_create(districts, batch_size=2000)
    communes = []
    index = 0
    for district, count in zip(districts, _spread(sizes.communes, sizes.districts), strict=True):
        for _ in range(count):
            code = commune_codes[index]
            index += 1
            communes.append(
                AdministrativeUnit(
                    code=code,
                    name=f"Mô phỏng {code}",
                    full_name=f"Xã Mô phỏng {code}",
                    kind="Xã",
                    level=UnitLevel.COMMUNE,
                    parent=district,
                    path=f"{district.path}{code}/",
                )
            )
    communes = AdministrativeUnit.objects.bulk_create(communes, batch_size=5000)
    commune_ids = [c.pk for c in communes]
    log(f"Đơn vị: {len(provinces)} tỉnh, {len(districts)} huyện, {len(communes)} xã")

    # Steering committees: almost every commune.
    SteeringCommittee.objects.bulk_create(
        (
            SteeringCommittee(
                commune_id=cid,
                decision_number=f"{i}/QĐ-UBND",
                decision_date=_day(rng, rng.choice(years[:-1] or years)),
                head_name="Chủ tịch UBND xã",
                member_count=9,
                is_active=rng.random() < 0.97,
            )
            for i, cid in enumerate(commune_ids)
        ),
        batch_size=5000,
    )

    # Residential areas and organisations.
    area_rows, area_commune = [], []
    for cid, count in zip(commune_ids, _spread(sizes.areas, len(commune_ids)), strict=True):
        for n in range(count):
            area_rows.append((cid, f"Thôn {n + 1}", cat["area_kind"][0].pk, rng.random() > 0.01))
            area_commune.append(cid)
    area_ids = _copy(ResidentialArea, ["commune_id", "name", "kind_id", "is_active"], area_rows)
    org_rows = []
    for cid, count in zip(commune_ids, _spread(sizes.organisations, len(commune_ids)), strict=True):
        for n in range(count):
            org_type = rng.choices(cat["org_types"], weights=(3, 4, 2, 1))[0]
            org_rows.append((cid, f"Đơn vị {n + 1}", org_type.pk, rng.random() > 0.02))
    org_ids = _copy(Organisation, ["commune_id", "name", "org_type_id", "is_active"], org_rows)
    log(f"Khu dân cư: {len(area_ids)}, cơ quan/doanh nghiệp/nhà trường: {len(org_ids)}")

    # Core forces: three per commune.
    force_rows = [
        (cid, f"Lực lượng {n + 1}", ftype.pk, rng.randrange(5, 40), _day(rng, rng.choice(years)), "active")
        for cid in commune_ids
        for n, ftype in enumerate(cat["force_types"])
    ]
    _copy(
        ForceUnit,
        ["commune_id", "name", "force_type_id", "member_count", "established_on", "status"],
        force_rows,
    )

    # Models and their reviews.
    model_rows = []
    for cid, count in zip(commune_ids, _spread(sizes.models, len(commune_ids)), strict=True):
        for n in range(count):
            mtype = rng.choice(cat["model_types"])
            status = "active" if rng.random() < 0.95 else "suspended"
            model_rows.append((cid, f"Mô hình {n + 1}", mtype.pk, _day(rng, rng.choice(years)), status))
    model_ids = _copy(
        SecurityModel, ["commune_id", "name", "model_type_id", "started_on", "status"], model_rows
    )
    review_rows = []
    last_day = datetime.date(sizes.last_year, 12, 31)  # no review after the dataset's last year
    for mid, row in zip(model_ids, model_rows, strict=True):
        start = row[3]
        for kind in ("interim", "final")[: rng.choice((1, 1, 2))]:
            day = min(start + datetime.timedelta(days=rng.randrange(60, 700)), last_day)
            klass = rng.choices(cat["classes"], weights=(5, 3, 2, 1))[0]
            review_rows.append((mid, day, kind, klass.pk))
    _copy(ModelReview, ["model_id", "reviewed_on", "kind", "effectiveness_id"], review_rows)
    log(f"Mô hình: {len(model_ids)}, lượt đánh giá: {len(review_rows)}")

    # Certification records: every eligible subject, every year.
    eligible_types = {t.pk: t.category for t in cat["org_types"] if t.subject_to_certification}
    record_rows = []
    for year in years:
        period = (datetime.date(year - 1, 11, 16), datetime.date(year, 11, 15), datetime.date(year, 2, 1))

        def state(p: float) -> str:
            roll = rng.random()
            return State.APPROVED if roll < p else (State.REJECTED if roll < p + 0.05 else State.SUBMITTED)

        bonus = (year - first_year) * 0.01
        for aid, cid in zip(area_ids, area_commune, strict=True):
            record_rows.append(
                (cid, aid, None, SubjectKind.RESIDENTIAL_AREA, year, *period, state(0.9 + bonus))
            )
        for oid, row in zip(org_ids, org_rows, strict=True):
            if row[2] in eligible_types:
                record_rows.append(
                    (row[0], None, oid, eligible_types[row[2]], year, *period, state(0.88 + bonus))
                )
        for cid in commune_ids:
            record_rows.append((cid, None, None, SubjectKind.COMMUNE, year, *period, state(0.85 + bonus)))
    _copy(
        CertificationRecord,
        [
            "commune_id",
            "area_id",
            "organisation_id",
            "subject_kind",
            "year",
            "period_start",
            "period_end",
            "registered_on",
            "state",
        ],
        record_rows,
    )
    log(f"Hồ sơ công nhận: {len(record_rows)}")

    # Campaigns (two per commune and year) with results, and commendations (one per commune and year).
    campaign_rows = []
    for year in years:
        for cid in commune_ids:
            for n in range(2):
                start = _day(rng, year)
                campaign_rows.append(
                    (
                        cat["campaign_kind"][0].pk,
                        f"Đợt {n + 1}/{year}",
                        start,
                        start + datetime.timedelta(days=2),
                        cid,
                    )
                )
    campaign_ids = _copy(Campaign, ["kind_id", "name", "start_date", "end_date", "place_id"], campaign_rows)
    result_rows = [
        (campaign_id, metric.pk, rng.randrange(1, 200))
        for campaign_id in campaign_ids
        for metric in cat["metrics"][: rng.randrange(1, len(cat["metrics"]) + 1)]
    ]
    _copy(CampaignResult, ["campaign_id", "metric_id", "value"], result_rows)
    commendation_rows = [
        (
            rng.choices(cat["forms"], weights=(1, 3, 10, 40))[0].pk,
            "Công an tỉnh",
            f"{cid}/{year}",
            datetime.date(year, 8, 19),
            year,
            "collective",
            cid,
            "Tập thể",
        )
        for year in years
        for cid in commune_ids
    ]
    _copy(
        Commendation,
        [
            "form_id",
            "authority",
            "decision_number",
            "decision_date",
            "year",
            "recipient_kind",
            "unit_id",
            "recipient_name",
        ],
        commendation_rows,
    )
    log(
        f"Đợt vận động: {len(campaign_ids)}, kết quả: {len(result_rows)}, "
        f"khen thưởng: {len(commendation_rows)}"
    )
    return {"communes": len(communes), "areas": len(area_ids), "records": len(record_rows)}


LOADED_MODELS = (
    AdministrativeUnit,
    SteeringCommittee,
    ResidentialArea,
    Organisation,
    ForceUnit,
    SecurityModel,
    ModelReview,
    CertificationRecord,
    Campaign,
    CampaignResult,
    Commendation,
)


def analyze() -> None:
    """Planner statistics and visibility maps after a bulk load (autovacuum would lag behind).

    The visibility map is what lets counts run as index-only scans. Outside any transaction.
    """
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"  # VACUUM needs autocommit
    with connection.cursor() as cursor:
        for model in LOADED_MODELS:
            cursor.execute(f'{command} "{model._meta.db_table}"')


@transaction.atomic
def flush(log=print) -> int:
    """Delete the synthetic provinces and everything recorded under them."""
    paths = [f"{p.path}%" for p in synthetic_provinces()]
    if not paths:
        return 0
    # Fixed table names only; the paths go in as a parameter.
    units = 'SELECT id FROM "registry_administrativeunit" WHERE path LIKE ANY(%s)'
    statements = [
        (
            "registry_modelreview",
            f'model_id IN (SELECT id FROM "registry_securitymodel" WHERE commune_id IN ({units}))',  # noqa: S608
        ),
        (
            "movement_campaignresult",
            f'campaign_id IN (SELECT id FROM "movement_campaign" WHERE place_id IN ({units}))',  # noqa: S608
        ),
        ("movement_campaign", f"place_id IN ({units})"),
        ("movement_commendation", f"unit_id IN ({units})"),
        ("certification_certificationrecord", f"commune_id IN ({units})"),
        ("registry_forceunit", f"commune_id IN ({units})"),
        ("registry_securitymodel", f"commune_id IN ({units})"),
        ("registry_steeringcommittee", f"commune_id IN ({units})"),
        ("registry_organisation", f"commune_id IN ({units})"),
        ("registry_residentialarea", f"commune_id IN ({units})"),
    ]
    with connection.cursor() as cursor:
        for table, condition in statements:
            cursor.execute(f'DELETE FROM "{table}" WHERE {condition}', [paths])  # noqa: S608 - fixed names
        for level in (UnitLevel.COMMUNE, UnitLevel.DISTRICT, UnitLevel.PROVINCE):
            cursor.execute(
                'DELETE FROM "registry_administrativeunit" WHERE level = %s AND path LIKE ANY(%s)',
                [level, paths],
            )
    log(f"Đã xóa dữ liệu mô phỏng của {len(paths)} tỉnh.")
    return len(paths)
