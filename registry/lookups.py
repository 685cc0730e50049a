"""Choices of units, areas, organisations, forces and models that stay usable at any scale.

A form's choice of, say, an area lists every area its user may edit. For a province that is a
thousand rows; for an administrator of the national dataset it is a hundred thousand, a page of
megabytes. A field made :func:`searchable` stays a plain ``<select>`` while its rows are few and,
past ``FORM_CHOICES_INLINE_MAX`` rows, renders only the chosen row: the browser then searches the
rest through :func:`lookup` (Tom Select, ``static/js/search-select.js``). Either way the field's
queryset is the user's scope, and it alone decides which submitted id is accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.forms.models import ModelChoiceIteratorValue
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from accounts.roles import Action
from registry.models import (
    AdministrativeUnit,
    ForceUnit,
    Organisation,
    ResidentialArea,
    SecurityModel,
    UnitLevel,
)
from registry.text import fold

if TYPE_CHECKING:
    from accounts.models import User

RESULTS = 20  # rows a search returns: enough to see whether to type more


def in_commune_label(obj: Any) -> str:
    """An area or organisation, labelled with its commune: many communes have a "Thôn 1"."""
    return f"{obj.name} — {obj.commune.name}"


def hosted_label(obj: Any) -> str:
    return f"{obj.name} — {obj.commune.full_name}"


def unit_label(unit: AdministrativeUnit) -> str:
    return f"{unit.full_name} ({unit.code})"


@dataclass(frozen=True)
class Lookup:
    rows: Callable[[User], QuerySet]  # the user's scope, as the field's queryset
    label: Callable[[Any], str]  # as the field labels its options
    order: tuple[str, ...] = ("name", "commune__name", "pk")
    in_commune: bool = True  # rows of a commune: shown with it, narrowed to the form's

    def search(self, user: User, text: str, commune: str) -> QuerySet:
        """The rows whose name holds ``text`` (folded) or, for units, whose code starts with it."""
        rows = self.rows(user)
        if self.in_commune:
            rows = rows.select_related("commune")
            if commune.isdigit():
                rows = rows.filter(commune_id=int(commune))
        folded = fold(text)
        if folded:
            match = Q(name_search__contains=folded)
            if not self.in_commune and folded.isdigit():
                match |= Q(code__startswith=folded)
            rows = rows.filter(match)
        return rows.order_by(*self.order)


def _units(user: User) -> QuerySet:
    return AdministrativeUnit.objects.editable_by(user).current()


LOOKUPS: dict[str, Lookup] = {
    # Units in force that the user may edit: communes of registry rows, any level for the movement.
    "communes": Lookup(
        lambda user: _units(user).filter(level=UnitLevel.COMMUNE), unit_label, ("path",), in_commune=False
    ),
    "units": Lookup(_units, unit_label, ("path",), in_commune=False),
    "areas": Lookup(lambda user: ResidentialArea.objects.editable_by(user), in_commune_label),
    "organisations": Lookup(lambda user: Organisation.objects.editable_by(user), in_commune_label),
    # A model copies one the user may read, wherever it is.
    "source-models": Lookup(lambda user: SecurityModel.objects.visible_to(user), in_commune_label),
    "recipient-models": Lookup(lambda user: SecurityModel.objects.editable_by(user), hosted_label),
    "recipient-forces": Lookup(lambda user: ForceUnit.objects.editable_by(user), hosted_label),
    "recipient-organisations": Lookup(lambda user: Organisation.objects.editable_by(user), hosted_label),
}


class CommuneTaggedSelect(forms.Select):
    """Options carry their commune id, so the page can narrow them to the chosen commune."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        instance = getattr(value, "instance", None)
        if instance is not None and hasattr(instance, "commune_id"):
            option["attrs"]["data-commune"] = str(instance.commune_id)
        return option


class SearchableSelect(CommuneTaggedSelect):
    """A select that lists its rows while they are few, and past ``FORM_CHOICES_INLINE_MAX`` holds
    only the chosen one, the browser searching the others (see the module).

    Decided when the field is drawn, from its own ``ModelChoiceIterator``: a form that is only
    validated (a successful POST) reads no list at all.
    """

    class Media:
        css = {"all": ("vendor/tom-select/css/tom-select.bootstrap5.min.css",)}
        js = ("vendor/tom-select/js/tom-select.complete.min.js", "js/search-select.js")

    def __init__(self, lookup: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.lookup = lookup

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        iterator = self.choices
        field = iterator.field
        limit = settings.FORM_CHOICES_INLINE_MAX
        rows = list(iterator.queryset[: limit + 1])  # one query: the list itself when it is short
        if len(rows) > limit:
            chosen = [v for v in self.format_value(value) if v.isdigit()]
            rows = list(iterator.queryset.filter(pk__in=chosen)) if chosen else []
            attrs = {
                **(attrs or {}),
                "data-search-url": reverse("registry:lookup", args=[self.lookup]),
                "data-placeholder": gettext("Gõ vài chữ của tên để tìm…"),
                "data-no-results": gettext("Không tìm thấy"),
            }
        empty = [("", field.empty_label)] if field.empty_label is not None else []
        self.choices = empty + [
            (ModelChoiceIteratorValue(field.prepare_value(row), row), field.label_from_instance(row))
            for row in rows
        ]
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = iterator


def searchable(field: forms.ModelChoiceField, lookup: str) -> None:
    """Give ``field`` a :class:`SearchableSelect` searching through ``LOOKUPS[lookup]``, which must
    give the same rows as the field's queryset. Reads nothing: the widget decides when drawn."""
    if lookup not in LOOKUPS:
        raise ValueError(f"unknown lookup {lookup!r}")
    widget = SearchableSelect(lookup, attrs=field.widget.attrs)
    widget.choices = field.widget.choices
    field.widget = widget


@login_required
@require_GET
def lookup(request: HttpRequest, name: str) -> JsonResponse:
    """Up to ``RESULTS`` rows of the user's scope whose name holds ``q`` (diacritics ignored),
    within the commune ``commune`` if given, for a :class:`SearchableSelect`."""
    if not request.user.can(Action.CHANGE):
        raise PermissionDenied  # the lists belong to forms only editors open
    source = LOOKUPS.get(name)
    if source is None:
        raise Http404
    rows = source.search(request.user, request.GET.get("q", ""), request.GET.get("commune", ""))
    found = list(rows[: RESULTS + 1])
    results = [
        {"value": str(row.pk), "text": source.label(row)}
        | ({"commune": str(row.commune_id)} if source.in_commune else {})
        for row in found[:RESULTS]
    ]
    return JsonResponse({"results": results, "more": len(found) > RESULTS})
