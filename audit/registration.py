"""The list of audited models: the one place where a model gets its history.

To audit a new model, add an :class:`Audited` entry to ``AUDITED`` and run
``manage.py makemigrations audit``. Nothing changes in the model's own app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import simple_history
from django.apps import apps
from django.db import models
from simple_history.models import HistoricalRecords

from audit.models import AuditFields

# Takes the path of an administrative unit ("56/573/") and returns a filter on the historical
# model for the rows that belong to that unit's subtree.
UnitFilter = Callable[[str], models.Q]


def units_under(path: str) -> models.QuerySet:
    # Every version of every unit under the path, closed ones included: history outlives shapes.
    return apps.get_model("registry", "AdministrativeUnit").objects.filter(path__startswith=path).values("pk")


def own_path(path: str) -> models.Q:
    """For the administrative units themselves: their historical rows keep their path."""
    return models.Q(path__startswith=path)


def unit_fk(field: str) -> UnitFilter:
    """For rows that point at a unit (``commune``, ``scope_unit``): the id is on the historical row."""
    return lambda path: models.Q(**{f"{field}_id__in": units_under(path)})


def through_history(field: str, parent_label: str) -> UnitFilter:
    """For rows that belong to a parent (a review to its model): via the parent's history, so the
    rows stay findable after the parent is deleted."""

    def unit_filter(path: str) -> models.Q:
        parent = history_model(parent_label)
        entry = AUDITED_BY_LABEL[parent_label.lower()]
        assert entry.unit is not None, f"{parent_label} has no unit filter"
        ids = parent.objects.filter(entry.unit(path)).values("id")
        return models.Q(**{f"{field}_id__in": ids})

    return unit_filter


class AuditedRecords(HistoricalRecords):
    """No history row for a save that only touches untracked fields: a login updates only
    ``last_login`` (logins are in axes' access log), which is not a change of the user."""

    def post_save(
        self, instance: models.Model, created: bool, using: str | None = None, **kwargs: Any
    ) -> None:
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)


@dataclass(frozen=True)
class Audited:
    label: str  # "app_label.ModelName"
    unit: UnitFilter | None = None  # None: not tied to a unit (catalogues)
    excluded_fields: tuple[str, ...] = ()


commune = unit_fk("commune")
CERT_RECORD = "certification.CertificationRecord"

AUDITED: list[Audited] = [
    Audited("accounts.User", unit_fk("scope_unit"), excluded_fields=("password", "last_login")),
    Audited("registry.AdministrativeUnit", own_path),
    Audited("registry.AreaKind"),
    Audited("registry.ResidentialArea", commune),
    Audited("registry.OrganisationType"),
    Audited("registry.Organisation", commune),
    Audited("registry.SteeringCommittee", commune),
    Audited("registry.ForceType"),
    Audited("registry.ForceUnit", commune),
    Audited("registry.ModelType"),
    Audited("registry.EffectivenessClass"),
    Audited("registry.SecurityModel", commune),
    Audited("registry.ModelReview", through_history("model", "registry.SecurityModel")),
    Audited("certification.CriteriaSet"),
    Audited("certification.Criterion"),
    # Decisions (state, decided_by, reason) are fields of the record: every one is in its history.
    Audited("certification.CertificationRecord", commune),
    Audited("certification.CriterionAssessment", through_history("record", CERT_RECORD)),
    Audited("certification.Attachment", through_history("record", CERT_RECORD)),
    Audited("movement.Plan", unit_fk("issuing_unit")),
    Audited("movement.PlanTarget", through_history("plan", "movement.Plan")),
    Audited("movement.CampaignKind"),
    Audited("movement.ResultMetric"),
    Audited("movement.Campaign", unit_fk("place")),
    Audited("movement.CampaignResult", through_history("campaign", "movement.Campaign")),
    Audited("movement.CommendationForm"),
    # Revocations (revoked_at, revoked_by, revoke_reason) show up as changes of the commendation.
    Audited("movement.Commendation", unit_fk("unit")),
]
AUDITED_BY_LABEL: dict[str, Audited] = {entry.label.lower(): entry for entry in AUDITED}


def register_all() -> None:
    for entry in AUDITED:
        model = apps.get_model(entry.label)
        if "history" in model.__dict__:
            continue  # already registered (ready() may run twice in some test runners)
        # Generated columns (name_search) are computed by the database and cannot be inserted.
        generated = [f.name for f in model._meta.fields if isinstance(f, models.GeneratedField)]
        simple_history.register(
            model,
            app="audit",
            records_class=AuditedRecords,
            bases=[AuditFields],
            excluded_fields=[*entry.excluded_fields, *generated],
        )


# Filled once: ``Model.history`` builds a new manager class on every access, too slow for a loop.
_AUDITED_MODELS: list[tuple[Audited, type[models.Model], type[models.Model]]] = []


def audited_models() -> list[tuple[Audited, type[models.Model], type[models.Model]]]:
    """(entry, model, historical model) for every audited model, in ``AUDITED`` order."""
    if len(_AUDITED_MODELS) != len(AUDITED):
        register_all()  # the admin's autodiscovery may run before this app's ready()
        _AUDITED_MODELS[:] = [
            (entry, apps.get_model(entry.label), apps.get_model(entry.label).history.model)
            for entry in AUDITED
        ]
    return _AUDITED_MODELS


def history_model(label: str) -> type[models.Model]:
    """The historical model of an audited model, by its label ("registry.Organisation")."""
    key = label.lower()
    for entry, _model, history in audited_models():
        if entry.label.lower() == key:
            return history
    raise LookupError(f"{label} is not audited (add it to audit.registration.AUDITED)")
