"""Small factories for tests and benchmarks of the certification app (no demo users, no randomness)."""

from __future__ import annotations

import datetime
from importlib import import_module

from django.apps import apps
from django.utils import timezone

from accounts.models import User
from certification import services
from certification.models import CertificationRecord, State, SubjectKind, Transition, assessment_period
from registry.models import AdministrativeUnit, AreaKind, Organisation, OrganisationType, ResidentialArea


def ensure_criteria() -> None:
    """Re-seed the criteria of the data migration (transactional tests flush the tables)."""
    import_module("certification.migrations.0003_seed_criteria").seed(apps, None)


def area_kind() -> AreaKind:
    return AreaKind.objects.get_or_create(name="Thôn")[0]


def make_area(commune: AdministrativeUnit, name: str, *, active: bool = True) -> ResidentialArea:
    return ResidentialArea.objects.create(commune=commune, name=name, kind=area_kind(), is_active=active)


def org_type(category: str, *, subject: bool = True) -> OrganisationType:
    name = f"{category}{'' if subject else ' (ngoài diện)'}"
    return OrganisationType.objects.get_or_create(
        name=name, defaults={"category": category, "subject_to_certification": subject}
    )[0]


def make_org(
    commune: AdministrativeUnit, name: str, category: str = "school", *, subject: bool = True
) -> Organisation:
    return Organisation.objects.create(
        commune=commune, name=name, org_type=org_type(category, subject=subject)
    )


def fill_dossier(record: CertificationRecord, user: User, *, met: bool = True) -> CertificationRecord:
    criteria = [c for c in services.criteria_for(record) if not c.computed]
    return services.save_dossier(
        record,
        user,
        assessments={c.pk: (met, "") for c in criteria},
        meeting_date=datetime.date(record.year, 11, 5),
        submission_number=f"{record.pk}/TTr",
    )


def submitted(subject, year: int, user: User) -> CertificationRecord:
    """A record registered, filled and submitted by ``user`` through the services."""
    record = services.register(subject, year, user)
    fill_dossier(record, user)
    return services.submit(record, user)


def bulk_records(
    subjects: list, year: int, state: str, by: User, *, submitted_by: User | None = None
) -> list[CertificationRecord]:
    """Many records in one state at once (for query-count and rate tests), history included."""
    now = timezone.now()
    records = []
    for index, subject in enumerate(subjects):
        kind = services.subject_kind_of(subject)
        start, end = assessment_period(kind, year)
        is_commune = isinstance(subject, AdministrativeUnit)
        records.append(
            CertificationRecord(
                commune=subject if is_commune else subject.commune,
                area=subject if isinstance(subject, ResidentialArea) else None,
                organisation=subject if isinstance(subject, Organisation) else None,
                subject_kind=kind,
                year=year,
                period_start=start,
                period_end=end,
                registered_on=start,
                state=state,
                submitted_by=submitted_by if state != State.REGISTERED else None,
                submitted_at=now - datetime.timedelta(minutes=len(subjects) - index)
                if state != State.REGISTERED
                else None,
            )
        )
    created = CertificationRecord.objects.bulk_create(records)
    Transition.objects.bulk_create(
        Transition(record=r, from_state="", to_state=State.REGISTERED, by=by) for r in created
    )
    return created


__all__ = [
    "SubjectKind",
    "bulk_records",
    "ensure_criteria",
    "fill_dossier",
    "make_area",
    "make_org",
    "org_type",
    "submitted",
]
