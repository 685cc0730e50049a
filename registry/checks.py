"""Rows that today's entry rules would refuse: saved before a rule existed, or written around it.

Forms and imports check every rule when a row is written; a rule added later leaves the rows
already saved as they were (a review dated after today, more households than people). This lists
them, so that the province can correct them, by running each row's own model validation: the
same functions the forms and imports call. Uniqueness and the table constraints are the
database's own and cannot be broken, so they are not checked again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from registry.models import AdministrativeUnit

CHECKED_APPS = ("registry", "certification", "movement")


@dataclass(frozen=True)
class Problem:
    model: type[models.Model]
    pk: int
    label: str
    messages: tuple[str, ...]


def checked_models() -> list[type[models.Model]]:
    """The apps' models that belong to a place (catalogues are the administrators' own)."""
    return [
        model
        for app in CHECKED_APPS
        for model in apps.get_app_config(app).get_models()
        if getattr(model, "scope_path_lookup", None)
    ]


def _messages(model: type[models.Model], error: ValidationError) -> tuple[str, ...]:
    found = []
    for name, messages in error.message_dict.items():
        label = "" if name == NON_FIELD_ERRORS else f"{model._meta.get_field(name).verbose_name}: "
        found += [f"{label}{message}" for message in messages]
    return tuple(found)


def rule_problems(unit: AdministrativeUnit | None = None) -> Iterator[Problem]:
    """Every row (under ``unit`` if given) that its model's validation refuses, model by model."""
    for model in checked_models():
        parents = [f.name for f in model._meta.fields if f.many_to_one]
        rows = model._base_manager.select_related(*parents).order_by("pk")
        if unit is not None:
            rows = rows.filter(**{f"{model.scope_path_lookup}__startswith": unit.path})
        for row in rows.iterator(chunk_size=2000):
            try:
                # The parents are loaded already: checking that they exist would be a query a row.
                row.full_clean(exclude=parents, validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                yield Problem(model, row.pk, str(row), _messages(model, error))
