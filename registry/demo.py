"""Demo data for the registry: Khánh Hòa (56) in its 2024 shape, and one demo user per role.

Deterministic and idempotent: loading twice gives the same database. The rows are planned first as
plain data from the commune list (a seeded generator, no database reads), then written with
``bulk_create(ignore_conflicts=True)`` on the models' natural keys, so a second run adds nothing.
The generated province reproduces the figures of a real provincial report (``TARGET_*`` below).
Only ``manage.py load_demo`` calls this; migrations and production never create users.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models

from accounts.models import User
from accounts.roles import Role
from registry.models import (
    AdministrativeUnit,
    AreaKind,
    EffectivenessClass,
    ForceType,
    ForceUnit,
    ModelReview,
    ModelType,
    Organisation,
    OrganisationCategory,
    OrganisationType,
    ResidentialArea,
    ReviewKind,
    SecurityModel,
    SteeringCommittee,
    UnitLevel,
)
from registry.services import import_admin_units, read_unit_rows

DEMO_PASSWORD = "antq-demo"  # noqa: S105 - documented demo password, refused in production
DEMO_PROVINCE = "56"
DEMO_DISTRICT = "573"  # Khánh Vĩnh
DEMO_COMMUNE = "22615"  # Khánh Bình, Khánh Vĩnh
UNITS_FIXTURE = settings.BASE_DIR / "fixtures" / "admin_units_56_2024.csv"
SEED = 56

# username, role, scope code, full name, position
DEMO_USERS = [
    ("admin", Role.ADMIN, None, "Quản trị hệ thống", "Quản trị viên"),
    ("tinh", Role.PROVINCE_STAFF, DEMO_PROVINCE, "Nguyễn Văn Tỉnh", "Cán bộ Phòng Tham mưu (PV28)"),
    ("xa", Role.COMMUNE_STAFF, DEMO_COMMUNE, "Trần Thị Xã", "Công an xã Khánh Bình"),
    ("huyen", Role.DISTRICT_REVIEWER, DEMO_DISTRICT, "Lê Văn Huyện", "Công an huyện Khánh Vĩnh"),
    # A reviewer of a neighbouring district: Khánh Vĩnh's dossiers are a 404 for them.
    ("huyen2", Role.DISTRICT_REVIEWER, "574", "Võ Thị Diên", "Công an huyện Diên Khánh"),
    ("lanhdao", Role.LEADERSHIP, DEMO_PROVINCE, "Phạm Lãnh Đạo", "Phó Giám đốc Công an tỉnh"),
]

# --- The province's report figures (DOMAIN.md) that the demo reproduces exactly -------------------
TARGET_AREAS = 978
TARGET_SUBJECT_ORGANISATIONS = 1063  # agencies, enterprises, schools subject to certification
TARGET_EXEMPT_ORGANISATIONS = 190  # small enterprises, armed forces, primary schools, kindergartens
TARGET_MODELS = 228
TARGET_COMMITTEE_COVERAGE = 100  # per cent of communes with an active steering committee

# --- Catalogues ------------------------------------------------------------------------------------
AREA_KINDS = ["Thôn", "Làng", "Bản", "Buôn", "Ấp", "Phum", "Sóc", "Khóm", "Tổ dân phố", "Khu phố"]

AGENCY, ENTERPRISE, SCHOOL = (
    OrganisationCategory.AGENCY,
    OrganisationCategory.ENTERPRISE,
    OrganisationCategory.SCHOOL,
)
STATE_AGENCY = "Cơ quan nhà nước"
PUBLIC_SERVICE = "Đơn vị sự nghiệp công lập"
ARMED_FORCES = "Đơn vị lực lượng vũ trang"
STATE_ENTERPRISE = "Doanh nghiệp nhà nước"
PRIVATE_ENTERPRISE = "Doanh nghiệp ngoài nhà nước (vừa và lớn)"
FOREIGN_ENTERPRISE = "Doanh nghiệp có vốn đầu tư nước ngoài"
SMALL_ENTERPRISE = "Doanh nghiệp nhỏ và siêu nhỏ"
SECONDARY_SCHOOL = "Trường trung học cơ sở, trung học phổ thông"
VOCATIONAL_SCHOOL = "Trường đại học, cao đẳng, trung cấp, trung tâm GDNN-GDTX"
PRIMARY_SCHOOL = "Trường tiểu học"
KINDERGARTEN = "Trường mầm non, nhà trẻ"
# name, category, subject to "An toàn về ANTT" certification (Circular 124/2021)
ORGANISATION_TYPES = [
    (STATE_AGENCY, AGENCY, True),
    (PUBLIC_SERVICE, AGENCY, True),
    (ARMED_FORCES, AGENCY, False),
    (STATE_ENTERPRISE, ENTERPRISE, True),
    (PRIVATE_ENTERPRISE, ENTERPRISE, True),
    (FOREIGN_ENTERPRISE, ENTERPRISE, True),
    (SMALL_ENTERPRISE, ENTERPRISE, False),
    (SECONDARY_SCHOOL, SCHOOL, True),
    (VOCATIONAL_SCHOOL, SCHOOL, True),
    (PRIMARY_SCHOOL, SCHOOL, False),
    (KINDERGARTEN, SCHOOL, False),
]

EXEMPT_CYCLE = [PRIMARY_SCHOOL, KINDERGARTEN, SMALL_ENTERPRISE, ARMED_FORCES]

LAW_2023_FROM = datetime.date(2024, 7, 1)  # Law on grassroots security forces takes effect
PRE_2024_TO = LAW_2023_FROM - datetime.timedelta(days=1)
COMMUNE_POLICE = "Công an xã bán chuyên trách"
STREET_PROTECTION = "Bảo vệ dân phố"
AGENCY_PROTECTION = "Bảo vệ cơ quan, doanh nghiệp"
GRASSROOTS_TEAM = "Tổ bảo vệ an ninh, trật tự"
# name, short name, valid from, valid to
FORCE_TYPES = [
    (COMMUNE_POLICE, "CAX bán chuyên trách", None, PRE_2024_TO),
    (STREET_PROTECTION, "BVDP", None, PRE_2024_TO),
    ("Dân phòng", "Dân phòng", None, PRE_2024_TO),
    (AGENCY_PROTECTION, "BVCQ, DN", None, PRE_2024_TO),
    ("Tổ an ninh nhân dân", "Tổ ANND", None, PRE_2024_TO),
    ("Tổ hòa giải", "Tổ hòa giải", None, PRE_2024_TO),
    ("Tổ quần chúng cốt cán", "Tổ QCCC", None, PRE_2024_TO),
    ("Tổ an ninh xung kích", "Tổ ANXK", None, PRE_2024_TO),
    (GRASSROOTS_TEAM, "Tổ bảo vệ ANTT", LAW_2023_FROM, None),
]
# (units, members) per force type in the province's report
TARGET_FORCES = {
    COMMUNE_POLICE: (97, 950),
    STREET_PROTECTION: (40, 1945),
    AGENCY_PROTECTION: (280, 2721),
}

PATROL = "Tuần tra tự quản"
CAMERAS = "Camera an ninh"
MODEL_TYPES = [
    "Tổ nhân dân tự quản về ANTT",
    PATROL,
    CAMERAS,
    "Tiếng loa an ninh",
    "Liên gia tự quản",
    "Thắp sáng đường quê (đèn an ninh)",
    "Xóm đạo bình yên",
    "Dòng họ an toàn",
    "Tổ xe ôm tự quản",
    "Tổ công nhân tự quản",
    "Tổ phòng, chống trộm cắp",
    "Tổ chống khai thác cát trái phép",
    "Dân vận khéo",
]
# Khánh Vĩnh's models as the district reports them: five patrol teams and one camera system.
KHANH_VINH_PATROL_COMMUNES = ["Khánh Bình", "Khánh Thành", "Khánh Đông", "Sông Cầu", "Giang Ly"]
KHANH_VINH_CAMERA_COMMUNE = "Sơn Thái"
REPLICAS_PER_SOURCE = 6  # copies of each Khánh Vĩnh model recorded in other districts

EFFECTIVENESS = [("Tốt", 1), ("Khá", 2), ("Trung bình", 3), ("Yếu", 4)]

# --- Names ---------------------------------------------------------------------------------------
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Hữu", "Đức", "Ngọc", "Thanh", "Quốc", "Xuân", "Công"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phúc",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trung",
    "Tuấn",
    "Vân",
    "Vinh",
]
PLACE_WORDS = [
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Tân Phú",
    "Phú Thọ",
    "Xuân Sơn",
    "Hòa Bình",
    "Phước Lộc",
    "Ninh Ích",
    "Tân Lập",
    "Vĩnh Thạnh",
    "Suối Cát",
    "Cây Sung",
    "Đồng Trăng",
    "Bình Khánh",
    "Hội Xương",
    "Lương Hòa",
    "Thạnh Mỹ",
    "Phú Hòa",
    "Lạc Bình",
    "Đá Bàn",
    "Suối Dầu",
    "Hòn Nghê",
    "Ba Cụm",
    "Tà Giang",
    "Sơn Hiệp",
    "Cầu Đôi",
    "Gia Lợi",
]
COMPANY_WORDS = [
    "Hải Đăng",
    "Sông Cái",
    "Biển Xanh",
    "Trầm Hương",
    "Yến Sào",
    "Vĩnh Phát",
    "Thành Công",
    "Nam Trung Bộ",
    "Cam Ranh",
    "Hòn Tre",
    "Phú Khánh",
    "Đại Lãnh",
    "Tân Thịnh",
    "An Phú",
    "Minh Khang",
    "Sao Mai",
    "Kim Long",
    "Trường Thịnh",
    "Bảo Ngọc",
    "Hưng Thịnh",
]
COMPANY_LINES = [
    "Thủy sản",
    "Xây dựng",
    "Du lịch",
    "Vận tải",
    "Thương mại",
    "Chế biến nông sản",
    "May mặc",
    "Vật liệu xây dựng",
    "Khách sạn",
    "Cơ khí",
]
MOUNTAIN_DISTRICTS = {"573", "575"}  # Khánh Vĩnh, Khánh Sơn: villages are also called làng


def load_units() -> str:
    return import_admin_units(read_unit_rows(UNITS_FIXTURE)).summary()


def load_users() -> int:
    units = {u.code: u for u in AdministrativeUnit.objects.filter(valid_to__isnull=True)}
    created = 0
    for username, role, scope, full_name, position in DEMO_USERS:
        first, _, last = full_name.rpartition(" ")
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "scope_unit": units.get(scope) if scope else None,
                "last_name": first,
                "first_name": last,
                "position": position,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
    return created


# --- The plan: plain data, computed from the commune list alone --------------------------------


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    full_name: str
    kind: str
    district: str


@dataclass
class Plan:
    areas: list[dict] = field(default_factory=list)
    organisations: list[dict] = field(default_factory=list)
    committees: list[dict] = field(default_factory=list)
    forces: list[dict] = field(default_factory=list)
    models: list[dict] = field(default_factory=list)
    reviews: list[dict] = field(default_factory=list)


def spread(total: int, weights: Sequence[float], rng: random.Random, minimum: int = 0) -> list[int]:
    """Split ``total`` into ``len(weights)`` whole parts roughly proportional to ``weights``."""
    base = [minimum] * len(weights)
    rest = total - minimum * len(weights)
    if rest < 0:
        raise ValueError("total too small for the minimum")
    jittered = [w * rng.uniform(0.7, 1.3) for w in weights]
    scale = rest / sum(jittered)
    shares = [j * scale for j in jittered]
    parts = [int(s) for s in shares]
    # Largest remainders get the units lost to rounding.
    for index in sorted(range(len(shares)), key=lambda i: shares[i] - parts[i], reverse=True)[
        : rest - sum(parts)
    ]:
        parts[index] += 1
    return [b + p for b, p in zip(base, parts, strict=True)]


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _unique(name: str, taken: set[str]) -> str:
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name} ({n})"
        n += 1
    taken.add(candidate)
    return candidate


def _place(commune: Commune) -> str:
    """ "xã Khánh Bình": the kind in lower case inside a longer name, the proper name untouched."""
    return f"{commune.kind.lower()} {commune.name}"


def _urban(commune: Commune) -> bool:
    return commune.kind in ("Phường", "Thị trấn")


def _area_plan(communes: list[Commune], rng: random.Random) -> list[dict]:
    weights = [0.4 if c.district == "576" else (1.3 if _urban(c) else 1.0) for c in communes]
    areas = []
    for commune, count in zip(communes, spread(TARGET_AREAS, weights, rng, minimum=2), strict=True):
        taken: set[str] = set()
        words = rng.sample(PLACE_WORDS, len(PLACE_WORDS))
        for n in range(1, count + 1):
            if _urban(commune):
                kind, name = "Tổ dân phố", f"Tổ dân phố {n}"
            elif commune.district in MOUNTAIN_DISTRICTS and n % 3 == 0:
                kind, name = "Làng", f"Làng {words[n % len(words)]}"
            else:
                kind = "Thôn"
                name = f"Thôn {words[n % len(words)]}" if n <= len(words) // 2 else f"Thôn {n}"
            households = rng.randint(90, 520)
            areas.append(
                {
                    "commune": commune.code,
                    "name": _unique(name, taken),
                    "kind": kind,
                    "households": households,
                    "population": households * rng.randint(33, 45) // 10,
                }
            )
    return areas


def _organisation_plan(communes: list[Commune], rng: random.Random) -> list[dict]:
    urban_weight = {"568": 3.0, "569": 1.6, "572": 1.2}
    weights = [urban_weight.get(c.district, 1.0) * (1.5 if _urban(c) else 1.0) for c in communes]
    weights = [0.3 if c.district == "576" else w for c, w in zip(communes, weights, strict=True)]
    subject_counts = spread(TARGET_SUBJECT_ORGANISATIONS, weights, rng, minimum=1)
    exempt_counts = spread(TARGET_EXEMPT_ORGANISATIONS, [1.0] * len(communes), rng, minimum=1)
    organisations = []
    for index, (commune, subject, exempt) in enumerate(
        zip(communes, subject_counts, exempt_counts, strict=True)
    ):
        taken: set[str] = set()
        fixed_subject = [
            (f"Ủy ban nhân dân {_place(commune)}", STATE_AGENCY),
            (f"Trạm Y tế {commune.name}", PUBLIC_SERVICE),
            (f"Trường THCS {commune.name}", SECONDARY_SCHOOL),
            (f"Bưu điện văn hóa {commune.name}", STATE_ENTERPRISE),
        ]
        rows = fixed_subject[:subject]
        for _ in range(subject - len(rows)):
            roll = rng.random()
            if roll < 0.62:
                rows.append(
                    (
                        f"Công ty TNHH {rng.choice(COMPANY_LINES)} {rng.choice(COMPANY_WORDS)}",
                        PRIVATE_ENTERPRISE,
                    )
                )
            elif roll < 0.72:
                rows.append(
                    (f"Công ty CP {rng.choice(COMPANY_LINES)} {rng.choice(COMPANY_WORDS)}", STATE_ENTERPRISE)
                )
            elif roll < 0.78:
                rows.append((f"Công ty {rng.choice(COMPANY_WORDS)} Việt Nam", FOREIGN_ENTERPRISE))
            elif roll < 0.9:
                rows.append((f"Trường THPT {rng.choice(PLACE_WORDS)}", SECONDARY_SCHOOL))
            elif roll < 0.95:
                rows.append((f"Trường Trung cấp {rng.choice(COMPANY_LINES)}", VOCATIONAL_SCHOOL))
            else:
                rows.append(
                    (f"Chi cục {rng.choice(['Thuế', 'Thống kê', 'Thi hành án'])} khu vực", STATE_AGENCY)
                )
        # Outside certification: schools for young children, armed forces, small enterprises.
        for k in range(exempt):
            org_type = EXEMPT_CYCLE[(index + k) % len(EXEMPT_CYCLE)]
            name = {
                PRIMARY_SCHOOL: f"Trường Tiểu học {commune.name}",
                KINDERGARTEN: f"Trường Mầm non {commune.name}",
                ARMED_FORCES: f"Ban Chỉ huy Quân sự {_place(commune)}",
                SMALL_ENTERPRISE: f"Công ty TNHH MTV {rng.choice(COMPANY_WORDS)}",
            }[org_type]
            rows.append((name, org_type))
        for name, org_type in rows:
            organisations.append(
                {
                    "commune": commune.code,
                    "name": _unique(name, taken),
                    "org_type": org_type,
                    "staff_count": rng.randint(8, 60)
                    if org_type not in (PRIVATE_ENTERPRISE, FOREIGN_ENTERPRISE)
                    else rng.randint(30, 900),
                    "address": f"{commune.full_name}, tỉnh Khánh Hòa",
                }
            )
    return organisations


def _force(commune: str, name: str, force_type: str, members: int, rng: random.Random, **host: str) -> dict:
    established = datetime.date(rng.randint(2008, 2021), rng.randint(1, 12), rng.randint(1, 28))
    if force_type == GRASSROOTS_TEAM:
        established = LAW_2023_FROM
    return {
        "commune": commune,
        "name": name,
        "force_type": force_type,
        "member_count": members,
        "leader_name": person(rng),
        "established_on": established,
        "decision_number": f"{rng.randint(10, 450)}/QĐ-UBND",
        **host,
    }


def _force_plan(
    communes: list[Commune], organisations: list[dict], areas: list[dict], rng: random.Random
) -> list[dict]:
    forces: list[dict] = []
    xa = [c for c in communes if c.kind == "Xã"]
    towns = [c for c in communes if c.kind == "Thị trấn"]
    wards = [c for c in communes if c.kind == "Phường"]

    # Part-time commune police: every xã, and the island town that has no regular police post.
    police_units, police_members = TARGET_FORCES[COMMUNE_POLICE]
    police_communes = xa + [c for c in towns if c.district == "576"]
    assert len(police_communes) == police_units, "the fixture's communes no longer match the report"
    for commune, members in zip(
        police_communes, spread(police_members, [1.0] * police_units, rng, 6), strict=True
    ):
        forces.append(_force(commune.code, f"Ban Công an {_place(commune)}", COMMUNE_POLICE, members, rng))

    # Street protection: every ward and town on the mainland; the largest wards have a second board.
    street_units, street_members = TARGET_FORCES[STREET_PROTECTION]
    street_boards = [(c, f"Ban bảo vệ dân phố {_place(c)}") for c in wards + towns if c.district != "576"]
    for commune in wards[: street_units - len(street_boards)]:
        street_boards.append((commune, f"Ban bảo vệ dân phố {_place(commune)} (cụm 2)"))
    members = spread(street_members, [1.0] * street_units, rng, 25)
    for (commune, name), count in zip(street_boards, members, strict=True):
        forces.append(_force(commune.code, name, STREET_PROTECTION, count, rng))

    # Agency and enterprise protection teams: the largest organisations subject to certification.
    teams, staff = TARGET_FORCES[AGENCY_PROTECTION]
    hosts = sorted(
        (
            o
            for o in organisations
            if o["org_type"] not in (PRIMARY_SCHOOL, KINDERGARTEN, ARMED_FORCES, SMALL_ENTERPRISE)
        ),
        key=lambda o: (-o["staff_count"], o["commune"], o["name"]),
    )[:teams]
    for org, count in zip(hosts, spread(staff, [1.0] * teams, rng, 4), strict=True):
        forces.append(
            _force(
                org["commune"],
                f"Tổ bảo vệ {org['name']}",
                AGENCY_PROTECTION,
                count,
                rng,
                organisation=org["name"],
            )
        )

    # Since July 2024 Khánh Vĩnh has set up the new grassroots teams, one per thôn or làng.
    for area in areas:
        commune = next(c for c in communes if c.code == area["commune"])
        if commune.district == DEMO_DISTRICT:
            forces.append(
                _force(
                    area["commune"],
                    f"Tổ bảo vệ an ninh, trật tự {area['name']}",
                    GRASSROOTS_TEAM,
                    rng.randint(3, 6),
                    rng,
                    area=area["name"],
                )
            )
    return forces


def _model_plan(communes: list[Commune], areas: list[dict], rng: random.Random) -> list[dict]:
    by_name = {c.name: c for c in communes if c.district == DEMO_DISTRICT}
    areas_of: dict[str, list[str]] = {}
    for area in areas:
        areas_of.setdefault(area["commune"], []).append(area["name"])
    taken: dict[str, set[str]] = {c.code: set() for c in communes}

    def model(commune: Commune, model_type: str, name: str, **extra: object) -> dict:
        started = datetime.date(rng.randint(2015, 2023), rng.randint(1, 12), 1)
        return {
            "commune": commune.code,
            "name": _unique(name, taken[commune.code]),
            "model_type": model_type,
            "started_on": started,
            "participants": rng.randint(8, 120),
            **extra,
        }

    planned = [
        model(by_name[name], PATROL, f"Tổ tuần tra tự quản xã {name}", area=areas_of[by_name[name].code][0])
        for name in KHANH_VINH_PATROL_COMMUNES
    ]
    camera = by_name[KHANH_VINH_CAMERA_COMMUNE]
    planned.append(model(camera, CAMERAS, f"Hệ thống camera an ninh xã {camera.name}"))
    sources = [planned[0], planned[-1]]

    others = [c for c in communes if c.district != DEMO_DISTRICT]
    # Replicas of Khánh Vĩnh's models, spread over other districts.
    for source in sources:
        for commune in rng.sample(others, REPLICAS_PER_SOURCE):
            planned.append(
                model(
                    commune,
                    source["model_type"],
                    f"{source['model_type']} {_place(commune)}",
                    replicated_from=(source["commune"], source["name"]),
                )
            )

    # The rest: at least one in every district, the others anywhere; Khánh Vĩnh gets no more
    # patrol or camera models than its report lists.
    districts = sorted({c.district for c in communes})
    targets = [rng.choice([c for c in communes if c.district == d]) for d in districts]
    while len(planned) + len(targets) < TARGET_MODELS:
        targets.append(rng.choice(communes))
    common_types = [t for t in MODEL_TYPES if t not in (PATROL, CAMERAS)]
    for commune in targets:
        choices = common_types if commune.district == DEMO_DISTRICT else MODEL_TYPES
        model_type = rng.choice(choices)
        host_area = rng.choice(areas_of[commune.code]) if rng.random() < 0.55 else None
        place = host_area or _place(commune)
        planned.append(
            model(commune, model_type, f"{model_type} {place}", **({"area": host_area} if host_area else {}))
        )
    return planned


def _review_plan(models_: list[dict], rng: random.Random) -> list[dict]:
    scale = [name for name, _ in EFFECTIVENESS]
    reviews = []
    for item in models_:
        key = (item["commune"], item["name"])
        if item["started_on"].year <= 2022:
            reviews.append(
                {
                    "model": key,
                    "reviewed_on": datetime.date(2023, 6, rng.randint(10, 28)),
                    "kind": ReviewKind.INTERIM,
                    "effectiveness": rng.choices(scale, weights=[35, 40, 20, 5])[0],
                }
            )
        if item["started_on"].year <= 2023:
            reviews.append(
                {
                    "model": key,
                    "reviewed_on": datetime.date(2024, 12, rng.randint(2, 20)),
                    "kind": ReviewKind.FINAL,
                    "effectiveness": rng.choices(scale, weights=[45, 35, 15, 5])[0],
                }
            )
    return reviews


def build_plan(communes: Iterable[Commune]) -> Plan:
    """The demo rows for these communes, as plain data; the same communes give the same plan."""
    communes = sorted(communes, key=lambda c: c.code)
    rng = random.Random(SEED)
    plan = Plan()
    plan.areas = _area_plan(communes, rng)
    plan.organisations = _organisation_plan(communes, rng)
    plan.committees = [
        {
            "commune": c.code,
            "decision_number": f"{rng.randint(5, 60)}/QĐ-UBND",
            "decision_date": datetime.date(2023, 1, rng.randint(3, 27)),
            "head_name": person(rng),
            "head_position": f"Chủ tịch UBND {_place(c)}",
            "member_count": rng.randint(9, 17),
        }
        for c in communes
    ]
    plan.forces = _force_plan(communes, plan.organisations, plan.areas, rng)
    plan.models = _model_plan(communes, plan.areas, rng)
    plan.reviews = _review_plan(plan.models, rng)
    return plan


# --- Writing the plan ------------------------------------------------------------------------------


def _catalogue(model: type[models.Model], rows: list[dict]) -> dict[str, models.Model]:
    model.objects.bulk_create([model(**row) for row in rows], ignore_conflicts=True)
    return {obj.name: obj for obj in model.objects.filter(name__in=[row["name"] for row in rows])}


def load_catalogues() -> dict[str, dict[str, models.Model]]:
    return {
        "kinds": _catalogue(AreaKind, [{"name": n, "order": i} for i, n in enumerate(AREA_KINDS)]),
        "org_types": _catalogue(
            OrganisationType,
            [
                {"name": n, "category": cat, "subject_to_certification": subject, "order": i}
                for i, (n, cat, subject) in enumerate(ORGANISATION_TYPES)
            ],
        ),
        "force_types": _catalogue(
            ForceType,
            [
                {"name": n, "short_name": s, "valid_from": f, "valid_to": t, "order": i}
                for i, (n, s, f, t) in enumerate(FORCE_TYPES)
            ],
        ),
        "model_types": _catalogue(ModelType, [{"name": n, "order": i} for i, n in enumerate(MODEL_TYPES)]),
        "effectiveness": _catalogue(
            EffectivenessClass, [{"name": n, "rank": r, "order": r} for n, r in EFFECTIVENESS]
        ),
    }


def _by_key(model: type[models.Model], units: dict[str, AdministrativeUnit]) -> dict[tuple[str, str], int]:
    code_of = {u.pk: code for code, u in units.items()}
    rows = model.objects.filter(commune__in=units.values()).values_list("commune_id", "name", "pk")
    return {(code_of[commune_id], name): pk for commune_id, name, pk in rows}


def load_registry() -> list[str]:
    units = {
        u.code: u
        for u in AdministrativeUnit.objects.current().filter(
            path__startswith=f"{DEMO_PROVINCE}/", level=UnitLevel.COMMUNE
        )
    }
    districts = {u.pk: u.code for u in AdministrativeUnit.objects.filter(level=UnitLevel.DISTRICT)}
    plan = build_plan(
        Commune(u.code, u.name, u.full_name, u.kind, districts.get(u.parent_id, "")) for u in units.values()
    )
    cat = load_catalogues()

    before = {
        m: m.objects.count() for m in (ResidentialArea, Organisation, ForceUnit, SecurityModel, ModelReview)
    }
    ResidentialArea.objects.bulk_create(
        [
            ResidentialArea(
                commune=units[a["commune"]],
                name=a["name"],
                kind=cat["kinds"][a["kind"]],
                households=a["households"],
                population=a["population"],
            )
            for a in plan.areas
        ],
        ignore_conflicts=True,
    )
    Organisation.objects.bulk_create(
        [
            Organisation(
                commune=units[o["commune"]],
                name=o["name"],
                org_type=cat["org_types"][o["org_type"]],
                staff_count=o["staff_count"],
                address=o["address"],
            )
            for o in plan.organisations
        ],
        ignore_conflicts=True,
    )
    SteeringCommittee.objects.bulk_create(
        [SteeringCommittee(**{**c, "commune": units[c["commune"]]}) for c in plan.committees],
        ignore_conflicts=True,
    )
    areas, orgs = _by_key(ResidentialArea, units), _by_key(Organisation, units)
    ForceUnit.objects.bulk_create(
        [
            ForceUnit(
                commune=units[f["commune"]],
                name=f["name"],
                force_type=cat["force_types"][f["force_type"]],
                member_count=f["member_count"],
                leader_name=f["leader_name"],
                established_on=f["established_on"],
                decision_number=f["decision_number"],
                area_id=areas.get((f["commune"], f.get("area"))),
                organisation_id=orgs.get((f["commune"], f.get("organisation"))),
            )
            for f in plan.forces
        ],
        ignore_conflicts=True,
    )
    SecurityModel.objects.bulk_create(
        [
            SecurityModel(
                commune=units[m["commune"]],
                name=m["name"],
                model_type=cat["model_types"][m["model_type"]],
                started_on=m["started_on"],
                participants=m["participants"],
                area_id=areas.get((m["commune"], m.get("area"))),
            )
            for m in plan.models
        ],
        ignore_conflicts=True,
    )
    model_ids = _by_key(SecurityModel, units)
    replicas = []
    for m in plan.models:
        if "replicated_from" in m:
            replica = SecurityModel(pk=model_ids[(m["commune"], m["name"])])
            replica.replicated_from_id = model_ids[m["replicated_from"]]
            replicas.append(replica)
    SecurityModel.objects.bulk_update(replicas, ["replicated_from"])
    ModelReview.objects.bulk_create(
        [
            ModelReview(
                model_id=model_ids[r["model"]],
                reviewed_on=r["reviewed_on"],
                kind=r["kind"],
                effectiveness=cat["effectiveness"][r["effectiveness"]],
            )
            for r in plan.reviews
        ],
        ignore_conflicts=True,
    )
    added = {m._meta.verbose_name: m.objects.count() - n for m, n in before.items()}
    return [f"Sổ đăng ký mẫu, thêm mới: {', '.join(f'{n} {name}' for name, n in added.items())}"]


def load() -> list[str]:
    lines = [f"Đơn vị hành chính: {load_units()}"]
    lines += load_registry()
    lines.append(f"Người dùng mẫu mới: {load_users()}")
    return lines
