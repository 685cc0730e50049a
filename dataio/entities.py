"""The importable entities: URL slug → resource class (dotted path, imported on first use).

Adding an entity is one line here plus its resource class; see ``dataio/README.md``.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from dataio.resources import EntityResource

ENTITIES: dict[str, str] = {
    "units": "registry.resources.AdministrativeUnitResource",
    "areas": "registry.resources.ResidentialAreaResource",
    "organisations": "registry.resources.OrganisationResource",
    "committees": "registry.resources.SteeringCommitteeResource",
    "forces": "registry.resources.ForceUnitResource",
    "models": "registry.resources.SecurityModelResource",
    "model-reviews": "registry.resources.ModelReviewResource",
    "certifications": "certification.resources.CertificationRecordResource",
    "plans": "movement.resources.PlanResource",
    "campaigns": "movement.resources.CampaignResource",
    "commendations": "movement.resources.CommendationResource",
}


def get_resource(slug: str) -> type[EntityResource]:
    try:
        return import_string(ENTITIES[slug])
    except KeyError:
        raise Http404(_("Không có loại dữ liệu '%(slug)s'.") % {"slug": slug}) from None


def slug_for_model(model: type) -> str | None:
    """The entity that imports and exports rows of ``model`` (for list pages' export buttons)."""
    return next((slug for slug, cls in all_entities() if cls._meta.model is model), None)


def all_entities() -> list[tuple[str, type[EntityResource]]]:
    return [(slug, get_resource(slug)) for slug in ENTITIES]


def slug_for(resource_class: type[EntityResource]) -> str:
    path = f"{resource_class.__module__}.{resource_class.__qualname__}"
    return next(slug for slug, dotted in ENTITIES.items() if dotted == path)
