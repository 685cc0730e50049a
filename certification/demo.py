"""Demo certification records for Khánh Hòa: 2025 as the demo year, 2024 as history.

Works from whatever the registry holds (areas, organisations, communes of the demo province) and
reproduces the proportions of the province's real report for 2025:
- 950/978 residential areas and 1,048/1,063 agencies, enterprises and schools approved;
- communes: the report says 145/164, which Khánh Hòa's 132 communes (2024 shape) cannot give; the
  same proportion is approved instead: floor(132 * 145 / 164) = 116 of 132. A commune is approved
  only where its own rule (criterion 4) holds on the generated records; with too few such communes,
  fewer are approved than the share.
A few 2025 dossiers are left submitted in Khánh Vĩnh (573), so the demo reviewer ``huyen`` has a
queue, and a few registered in Khánh Bình (22615) for the demo commune user ``xa``.

Deterministic (sorted inputs, fixed seed) and idempotent: only subjects without a record for the
year are created, and the plan for them is the same on every run.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone, translation

from accounts.models import User
from certification.models import (
    CertificationRecord,
    CriteriaSet,
    CriterionAssessment,
    State,
    SubjectKind,
    Transition,
    assessment_period,
)
from certification.services import (
    CommuneRule,
    commune_rules,
    eligible_areas,
    eligible_communes,
    eligible_organisations,
)
from registry.models import AdministrativeUnit, UnitLevel

DEMO_PROVINCE = "56"
QUEUE_DISTRICT = "573"  # Khánh Vĩnh: the demo reviewer's district
DEMO_COMMUNE = "22615"  # Khánh Bình: the demo commune user's commune
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class YearPlan:
    year: int
    areas: tuple[int, int]  # approved share as (numerator, denominator)
    organisations: tuple[int, int]
    communes: tuple[int, int]
    queue: bool  # leave dossiers submitted (573) and registered (22615)


PLANS = [
    # History: the year before, slightly lower, every dossier decided.
    YearPlan(2024, areas=(930, 978), organisations=(1030, 1063), communes=(108, 132), queue=False),
    # The real report's figures (see the module docstring for communes).
    YearPlan(2025, areas=(950, 978), organisations=(1048, 1063), communes=(145, 164), queue=True),
]
INCIDENT_REASON = "Chưa đạt tiêu chí 3: để xảy ra vụ việc phức tạp về an ninh, trật tự."
COMMUNE_RULE_REASON = "Chưa đạt tiêu chí 4: chưa đủ 100% đăng ký và 70% được công nhận."
QUEUE_PER_KIND = {"area": 6, "organisation": 2, "commune": 1}
REGISTERED_PER_KIND = {"area": 3, "organisation": 1, "commune": 1}


@dataclass(frozen=True)
class Timeline:
    """The dates of one dossier's story, in order: registered in February, assessed at a meeting
    in early November, submitted over ten office days from 20 November, decided on 10 December,
    a revocation in March of the next year. Nothing lies after ``now``: a step that would is moved
    to ``now``, which keeps the order."""

    registered_on: datetime.date
    registered_at: datetime.datetime
    meeting_date: datetime.date
    submitted_at: datetime.datetime
    decided_at: datetime.datetime
    revoked_at: datetime.datetime

    @classmethod
    def of(cls, year: int, index: int, now: datetime.datetime) -> Timeline:
        today = now.astimezone(TZ).date()
        submitted = _at(year, 11, 20 + index % 10, 8) + datetime.timedelta(minutes=2 * (index // 10) % 540)
        registered_on = min(datetime.date(year, 2, 10 + index % 15), today)
        registered_at = _at(registered_on.year, registered_on.month, registered_on.day, 8)
        return cls(
            registered_on=registered_on,
            registered_at=min(registered_at, now),
            meeting_date=min(datetime.date(year, 11, 5), today),
            submitted_at=min(submitted, now),
            decided_at=min(_at(year, 12, 10), now),
            revoked_at=min(_at(year + 1, 3, 15), now),
        )


def approved_count(total: int, share: tuple[int, int]) -> int:
    """How many of ``total`` to approve: the share, rounded down (never above the real rate)."""
    numerator, denominator = share
    return total * numerator // denominator


def _at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def _district_of(path: str) -> str:
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else ""


def _states(
    subjects: list,
    share: tuple[int, int],
    plan: YearPlan,
    kind: str,
    rng: random.Random,
    path_of,
    preferred: list | None = None,
) -> dict[int, str]:
    """State for each subject (by pk): approved for the share, the rest spread deterministically."""
    budget = len(subjects) - approved_count(len(subjects), share)
    states: dict[int, str] = {}
    if plan.queue:
        queue = [
            s
            for s in subjects
            if _district_of(path_of(s)) == QUEUE_DISTRICT and DEMO_COMMUNE not in path_of(s)
        ]
        mine = [s for s in subjects if DEMO_COMMUNE in path_of(s)]
        forced = []
        # Interleave so that even a small registry gets both a queue and registered dossiers.
        q, m = queue[: QUEUE_PER_KIND[kind]], mine[: REGISTERED_PER_KIND[kind]]
        for index in range(max(len(q), len(m))):
            if index < len(q):
                forced.append((q[index], State.SUBMITTED))
            if index < len(m):
                forced.append((m[index], State.REGISTERED))
        for subject, state in forced[:budget]:
            states[subject.pk] = state
    others = [s for s in (preferred or []) if s.pk not in states][: max(budget - len(states), 0)]
    rest = [s for s in subjects if s.pk not in states and s not in others]
    others += rng.sample(rest, max(min(len(rest), budget - len(states) - len(others)), 0))
    for index, subject in enumerate(sorted(others, key=lambda s: s.pk)):
        if not plan.queue and index == 0:
            states[subject.pk] = State.REVOKED  # one recognition withdrawn, so history shows one
        elif plan.queue and index % 3 == 2:
            states[subject.pk] = State.REGISTERED
        else:
            states[subject.pk] = State.REJECTED
    for subject in subjects:
        states.setdefault(subject.pk, State.APPROVED)
    return states


def load_year(plan: YearPlan, province: AdministrativeUnit, users: dict[str, User]) -> str:
    year = plan.year
    rng = random.Random(f"antq-cert-{year}")
    in_province = {"commune__path__startswith": province.path}
    areas = list(eligible_areas().filter(**in_province).select_related("commune").order_by("pk"))
    organisations = list(
        eligible_organisations().filter(**in_province).select_related("commune", "org_type").order_by("pk")
    )
    communes = list(eligible_communes(year).filter(path__startswith=province.path).order_by("pk"))

    area_states = _states(areas, plan.areas, plan, "area", rng, lambda s: s.commune.path)
    org_states = _states(
        organisations, plan.organisations, plan, "organisation", rng, lambda s: s.commune.path
    )

    # A commune is approved only where its own rule holds (services.commune_rule, counted on the
    # plan): the failing ones take the places that are not approved first, and any left over are
    # not approved either, even if fewer communes than the report's share are approved then.
    failing = _failing_communes(
        communes, year, province, {**_keyed("area", area_states), **_keyed("org", org_states)}
    )
    commune_states = _states(
        communes, plan.communes, plan, "commune", rng, lambda s: s.path, preferred=failing
    )
    for commune in failing:
        # A revoked commune was approved once: it too must have met the rule.
        if commune_states[commune.pk] in (State.APPROVED, State.REVOKED):
            commune_states[commune.pk] = State.REJECTED
    failing_pks = {c.pk for c in failing}

    taken_areas = set(
        CertificationRecord.objects.filter(year=year, area__isnull=False).values_list("area_id", flat=True)
    )
    taken_orgs = set(
        CertificationRecord.objects.filter(year=year, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    taken_communes = set(
        CertificationRecord.objects.filter(year=year, subject_kind=SubjectKind.COMMUNE).values_list(
            "commune_id", flat=True
        )
    )

    records: list[CertificationRecord] = []
    timelines: list[Timeline] = []
    now = timezone.now()

    def add(kind: str, commune: AdministrativeUnit, state: str, path: str, **subject) -> None:
        start, end = assessment_period(kind, year)
        timeline = Timeline.of(year, len(records), now)
        timelines.append(timeline)
        record = CertificationRecord(
            commune=commune,
            subject_kind=kind,
            year=year,
            period_start=start,
            period_end=end,
            state=state,
            registered_on=timeline.registered_on,
            **subject,
        )
        mine = DEMO_COMMUNE in path
        submitter = users["xa"] if mine else users["tinh"]
        decider = users["huyen"] if _district_of(path) == QUEUE_DISTRICT else users["admin"]
        if state != State.REGISTERED:
            record.meeting_date = timeline.meeting_date
            record.submission_number = f"{len(records) + 1:04d}/TTr-{year}"
            record.submitted_by = submitter
            record.submitted_at = timeline.submitted_at
        if state in (State.APPROVED, State.REJECTED, State.REVOKED):
            record.decided_by = decider
            record.decided_at = timeline.decided_at
        if state in (State.APPROVED, State.REVOKED):
            record.decision_number = f"{100 + len(records) % 50}/QĐ-BCĐ"
        if state == State.REJECTED:
            record.reason = (
                COMMUNE_RULE_REASON
                if kind == SubjectKind.COMMUNE and commune.pk in failing_pks
                else INCIDENT_REASON
            )
        if state == State.REVOKED:
            record.reason = "Hồ sơ đánh giá không trung thực (kiểm tra lại tháng 3)."
        records.append(record)

    for area in areas:
        if area.pk not in taken_areas:
            add(
                SubjectKind.RESIDENTIAL_AREA, area.commune, area_states[area.pk], area.commune.path, area=area
            )
    for org in organisations:
        if org.pk not in taken_orgs:
            add(org.org_type.category, org.commune, org_states[org.pk], org.commune.path, organisation=org)
    for commune in communes:
        if commune.pk not in taken_communes:
            add(SubjectKind.COMMUNE, commune, commune_states[commune.pk], commune.path)

    CertificationRecord.objects.bulk_create(records, batch_size=1000)
    _history(records, timelines, users)
    _assessments(records, year)
    counts = Counter(r.state for r in records)
    if not records:
        return f"Công nhận ANTT năm {year}: đã có sẵn, không thêm hồ sơ nào."
    return (
        f"Công nhận ANTT năm {year}: thêm {len(records)} hồ sơ ("
        + ", ".join(f"{State(s).label.lower()}: {n}" for s, n in sorted(counts.items()))
        + ")."
    )


def _keyed(prefix: str, states: dict[int, str]) -> dict[tuple[str, int], str]:
    return {(prefix, pk): state for pk, state in states.items()}


def _failing_communes(
    communes: list[AdministrativeUnit], year: int, province: AdministrativeUnit, planned: dict
) -> list[AdministrativeUnit]:
    """Communes whose rule fails on the planned states, counted as services.commune_rule counts:
    the areas and organisations that existed in the year, each registered (planned) and approved."""
    eligible, registered, approved = Counter(), Counter(), Counter()
    in_province = {"commune__path__startswith": province.path}
    counted = [
        ("area", eligible_areas(year).filter(**in_province)),
        ("org", eligible_organisations(year).filter(**in_province)),
    ]
    for prefix, queryset in counted:
        for pk, commune_id in queryset.values_list("pk", "commune_id"):
            state = planned.get((prefix, pk))
            eligible[commune_id] += 1
            registered[commune_id] += state is not None
            approved[commune_id] += state == State.APPROVED
    return [
        c
        for c in communes
        if not CommuneRule(eligible=eligible[c.pk], registered=registered[c.pk], approved=approved[c.pk]).met
    ]


def _history(records: list[CertificationRecord], timelines: list[Timeline], users: dict[str, User]) -> None:
    """Each record's transitions, dated by its ``Timeline`` as its own fields are."""
    steps: list[Transition] = []
    dates: list[datetime.datetime] = []

    def step(record: CertificationRecord, at: datetime.datetime, **fields) -> None:
        steps.append(Transition(record=record, **fields))
        dates.append(at)

    for record, timeline in zip(records, timelines, strict=True):
        submitter = record.submitted_by or (
            users["xa"] if DEMO_COMMUNE in record.commune.path else users["tinh"]
        )
        step(
            record,
            timeline.registered_at,
            from_state="",
            to_state=State.REGISTERED,
            by=submitter,
            reason="Đăng ký phấn đấu",
        )
        if record.state == State.REGISTERED:
            continue
        step(
            record,
            record.submitted_at,
            from_state=State.REGISTERED,
            to_state=State.SUBMITTED,
            by=submitter,
            reason="Nộp hồ sơ",
        )
        if record.state == State.SUBMITTED:
            continue
        decided = State.REJECTED if record.state == State.REJECTED else State.APPROVED
        step(
            record,
            record.decided_at,
            from_state=State.SUBMITTED,
            to_state=decided,
            by=record.decided_by,
            reason=record.reason if decided == State.REJECTED else "",
        )
        if record.state == State.REVOKED:
            step(
                record,
                timeline.revoked_at,
                from_state=State.APPROVED,
                to_state=State.REVOKED,
                by=users["admin"],
                reason=record.reason,
            )
    created = Transition.objects.bulk_create(steps, batch_size=2000)
    # ``at`` is stamped "now" on insert; give the steps their dates in one statement, joined on
    # unnested arrays (per-state UPDATEs with id lists made the planner pick nested loops on fresh
    # tables).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE certification_transition AS t SET at = d.at
            FROM unnest(%(ids)s::bigint[], %(dates)s::timestamptz[]) AS d(id, at)
            WHERE t.id = d.id
            """,
            {"ids": [t.pk for t in created], "dates": dates},
        )


def _assessments(records: list[CertificationRecord], year: int) -> None:
    """Every criterion met in a recognised dossier; a rejected one fails criterion 3, or a commune
    its computed criterion. The computed criterion holds the commune's rule as counted now, with
    its summary, as the workflow stores it."""
    criteria: dict[str, list] = {
        s.subject_kind: list(s.criteria.filter(province__isnull=True).order_by("order"))
        for s in CriteriaSet.objects.filter(year=year).prefetch_related("criteria")
    }
    filed = [r for r in records if r.state != State.REGISTERED]
    rules = commune_rules({r.commune_id for r in filed if r.is_commune_record}, year)  # two queries
    rows = []
    for record in filed:
        rule = rules[record.commune_id] if record.is_commune_record else None
        for criterion in criteria.get(record.subject_kind, []):
            note = ""
            if criterion.computed and rule is not None:
                with translation.override(settings.LANGUAGE_CODE):
                    met, note = rule.met, rule.summary()
            elif rule is not None and not rule.met:
                met = True  # the commune falls short on its computed criterion only
            else:
                met = not (record.state == State.REJECTED and criterion.code == "3")
            rows.append(CriterionAssessment(record=record, criterion=criterion, met=met, note=note))
    CriterionAssessment.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)


def load() -> list[str]:
    province = AdministrativeUnit.objects.filter(
        code=DEMO_PROVINCE, level=UnitLevel.PROVINCE, valid_to__isnull=True
    ).first()
    users = {u.username: u for u in User.objects.filter(username__in=["admin", "tinh", "xa", "huyen"])}
    if province is None or len(users) < 4:
        return ["Công nhận ANTT: chưa có tỉnh hoặc người dùng mẫu, bỏ qua."]
    return [load_year(plan, province, users) for plan in PLANS]
