"""Where each figure links to: the one place that maps a figure to the list of the rows it counts.

By default every figure links to :func:`dashboard.views.figure_list`, which lists the rows through
the very functions the figure is computed with (``dashboard.services.figure_rows``), so its count is
the figure. ``REGISTRY_TARGETS`` names the filtered list pages of the registry, certification and
movement apps; set ``PREFER_REGISTRY_LISTS`` to link there instead once their filters are known to
match the figures (a missing URL name falls back to the figure list).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from dashboard.services import Figure, Scope
from registry.models import AdministrativeUnit

PREFER_REGISTRY_LISTS = False

Params = Callable[[Scope, int, str | None], dict[str, str | int]]


def _unit(scope: Scope) -> dict[str, str | int]:
    return {"unit": scope.unit.pk} if scope.unit else {}


def _typed(type_param: str) -> Params:
    def params(scope: Scope, year: int, key: str | None) -> dict[str, str | int]:
        return {**_unit(scope), "year": year, **({type_param: key} if key else {})}

    return params


def _cert(approved: bool) -> Params:
    def params(scope: Scope, year: int, key: str | None) -> dict[str, str | int]:
        values: dict[str, str | int] = {**_unit(scope), "year": year, "subject_kind": key or ""}
        if approved:
            values["state"] = "approved"
        return values

    return params


# figure code → (URL name of the colleague's filtered list, its query parameters)
REGISTRY_TARGETS: dict[str, tuple[str, Params]] = {
    "communes": ("registry:committee_list", _typed("level")),
    "committees": ("registry:committee_list", _typed("active")),
    "force_units": ("registry:force_list", _typed("force_type")),
    "force_members": ("registry:force_list", _typed("force_type")),
    "models": ("registry:model_list", _typed("model_type")),
    "models_class": ("registry:model_list", _typed("effectiveness")),
    "cert_approved": ("certification:status", _cert(approved=True)),
    "cert_eligible": ("certification:status", _cert(approved=False)),
    "campaign_results": ("movement:campaign_list", _typed("metric")),
    "commendations": ("movement:commendation_list", _typed("form")),
}


def url_or_none(name: str, params: dict[str, str | int] | None = None) -> str | None:
    """The URL of ``name`` with a query string, or None while that page does not exist yet."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode(params)}" if params else url


@lru_cache(maxsize=8)
def _figure_list_path(script_prefix: str, urlconf: object) -> str:
    # A dashboard links every figure and child unit here: one reverse() per URL conf, not per link.
    return reverse("dashboard:figure_list", urlconf=urlconf)


def figure_list_url(code: str, scope: Scope, year: int, key: str | None = None) -> str:
    params: dict[str, str | int] = {"figure": code, **_unit(scope), "year": year}
    if key:
        params["key"] = key
    path = _figure_list_path(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    return f"{path}?{urlencode(params)}"


def child_list_urls(
    units: list[AdministrativeUnit], year: int, columns: dict[str, tuple[str, str | None]]
) -> dict[int, dict[str, str]]:
    """The figure-list link of every (child unit, column): a dozen links per child of a province
    with seventy districts, so each column's query string is encoded once, not per cell. Same URLs
    as :func:`figure_list_url`."""
    path = _figure_list_path(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    parts = {
        name: (urlencode({"figure": code}), urlencode({"year": year, **({"key": key} if key else {})}))
        for name, (code, key) in columns.items()
    }
    return {
        unit.pk: {name: f"{path}?{head}&unit={unit.pk}&{tail}" for name, (head, tail) in parts.items()}
        for unit in units
    }


def figure_url(code: str, scope: Scope, year: int, key: str | None = None) -> str:
    """The link of a figure: the colleague's list when preferred and present, else our figure list."""
    if PREFER_REGISTRY_LISTS and code in REGISTRY_TARGETS:
        name, params = REGISTRY_TARGETS[code]
        url = url_or_none(name, params(scope, year, key))
        if url:
            return url
    return figure_list_url(code, scope, year, key)


def attach_urls(figures: list[Figure] | tuple[Figure, ...], scope: Scope, year: int) -> None:
    for figure in figures:
        figure.url = figure_url(figure.code, scope, year, figure.key)
