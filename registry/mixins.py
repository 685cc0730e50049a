"""Generic scoped views: a registry page is declared (model + filterset + table + form), not written.

Who may call a view is decided once, in :class:`ScopedMixin`: a role that lacks the view's action
gets 403, and every object comes through the scoping mechanism, so an id outside the user's scope
is a 404 whatever it is. Writes run in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import ProtectedError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils import formats
from django.utils.translation import gettext
from django.views.generic import CreateView, DeleteView, DetailView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from accounts.roles import Action
from dashboard.cache import cached_page
from dataio.exporters import EXPORT_PARAM, export_links, list_export
from registry.scoping import get_scoped_object_or_404


@dataclass(frozen=True)
class Entity:
    """Everything the generic views need to know about one kind of registry row."""

    name: str  # URL name prefix: "area" gives area_list, area_detail …
    route: str  # URL segment: "areas"
    model: type[models.Model]
    title: str  # plural heading of the list page
    filterset_class: type | None = None
    table_class: type | None = None
    form_class: type[BaseForm] | None = None
    select_related: tuple[str, ...] = ()
    # Extra columns computed in the database (e.g. the latest review of each model).
    annotate: Callable[[models.QuerySet], models.QuerySet] | None = None
    detail_template: str = "registry/object_detail.html"
    # The fields shown on the detail page; by default the form's fields.
    detail_fields: tuple[str, ...] = ()
    # Which generic pages it gets; a page written by hand is left out here.
    views: tuple[str, ...] = ("list", "create", "detail", "update", "delete")
    # More for the detail page (related rows, inline forms): (request, object, context) -> dict.
    detail_context: Callable[[HttpRequest, Any, dict[str, Any]], dict[str, Any]] | None = None
    # Collectives that can receive commendations show them on their detail page.
    commendable: bool = False

    def queryset(self) -> models.QuerySet:
        qs = self.model.objects.select_related(*self.select_related)
        return self.annotate(qs) if self.annotate else qs

    def url(self, view: str) -> str:
        return f"registry:{self.name}_{view}"

    @property
    def editable(self) -> bool:
        return "create" in self.views

    def urls(self) -> list[URLPattern]:
        routes = {
            "list": ("", ObjectListView),
            "create": ("add/", ObjectCreateView),
            "detail": ("<int:pk>/", ObjectDetailView),
            "update": ("<int:pk>/edit/", ObjectUpdateView),
            "delete": ("<int:pk>/delete/", ObjectDeleteView),
        }
        return [
            path(
                f"{self.route}/{routes[view][0]}",
                routes[view][1].as_view(entity=self),
                name=f"{self.name}_{view}",
            )
            for view in self.views
        ]


class ScopedMixin(LoginRequiredMixin):
    """Login, then the role must allow ``action`` (else 403); rows come scoped to the user."""

    action: Action = Action.VIEW
    entity: Entity | None = None  # given by Entity.urls()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.can(self.action):
            raise PermissionDenied(gettext("Vai trò của bạn không cho phép thao tác này."))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> models.QuerySet:
        return self.entity.queryset().restrict(self.request.user, self.action)

    def get_object(self, queryset: models.QuerySet | None = None) -> models.Model:
        return get_scoped_object_or_404(
            self.entity.queryset(), self.request.user, self.action, pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["entity"] = self.entity
        context["opts"] = self.entity.model._meta
        context["user_can_change"] = self.entity.editable and self.request.user.can(Action.CHANGE)
        return context


def drop_unknown_sort(request: HttpRequest, table_class: type) -> None:
    """Only a table's own columns sort a list; any other ``?sort=`` is ignored, not passed on."""
    sort = request.GET.get("sort")
    if sort is not None and sort.lstrip("-") not in table_class.base_columns:
        query = request.GET.copy()
        query.pop("sort")
        request.GET = query


class ObjectListView(ScopedMixin, SingleTableMixin, FilterView):
    template_name = "registry/object_list.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        drop_unknown_sort(request, self.get_table_class())
        if request.GET.get(EXPORT_PARAM):
            # The very rows of the page: scoped, filtered as shown, every page.
            filterset = self.get_filterset(self.get_filterset_class())
            # As FilterView.get: a strict filter with invalid input lists nothing.
            valid = not filterset.is_bound or filterset.is_valid() or not self.get_strict()
            response = list_export(request, filterset.qs if valid else filterset.queryset.none())
            if response is not None:
                return response
        page = super().get  # the list's body: FilterView's rendering of the template
        return cached_page(request, lambda: page(request, *args, **kwargs), title=str(self.entity.title))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(export_links(self.request, self.entity.model))
        return context

    def get_filterset_class(self) -> type:
        return self.entity.filterset_class

    def get_table_class(self) -> type:
        return self.entity.table_class


class ObjectDetailView(ScopedMixin, DetailView):
    def get_template_names(self) -> list[str]:
        return [self.entity.detail_template]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = self.object
        names = self.entity.detail_fields or tuple(self.entity.form_class._meta.fields)
        context["fields"] = [(obj._meta.get_field(name).verbose_name, display(obj, name)) for name in names]
        if getattr(obj, "former_commune_id", None):  # moved by a merger: where its past years count
            context["fields"].append(
                (obj._meta.get_field("former_commune").verbose_name, display(obj, "former_commune"))
            )
        # Read-only roles and rows outside the editable scope get no edit buttons.
        context["object_editable"] = (
            context["user_can_change"]
            and type(obj).objects.editable_by(self.request.user).filter(pk=obj.pk).exists()
        )
        if self.entity.detail_context:
            context.update(self.entity.detail_context(self.request, obj, context))
        return context


def display(obj: models.Model, name: str) -> Any:
    """The value of one field as a reader wants to see it."""
    model_field = obj._meta.get_field(name)
    if model_field.choices:
        return getattr(obj, f"get_{name}_display")()
    value = getattr(obj, name)
    if isinstance(value, bool):
        return gettext("Có") if value else gettext("Không")
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return formats.date_format(value)  # str() would be ISO
    return "—" if value in (None, "") else value


class ObjectEditMixin(ScopedMixin):
    action = Action.CHANGE
    template_name = "registry/object_form.html"

    def get_form_class(self) -> type[BaseForm]:
        return self.entity.form_class

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form: BaseForm) -> HttpResponse:
        with transaction.atomic():
            self.object = form.save()
        messages.success(
            self.request,
            gettext("Đã lưu %(kind)s “%(name)s”.")
            % {"kind": self.entity.model._meta.verbose_name, "name": self.object},
        )
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: BaseForm) -> HttpResponse:
        messages.error(self.request, gettext("Chưa lưu được: hãy sửa các lỗi được đánh dấu bên dưới."))
        return super().form_invalid(form)


class ObjectCreateView(ObjectEditMixin, CreateView):
    def get_initial(self) -> dict[str, Any]:
        # "Thêm" buttons on a commune page pass the commune; the form's scoped choices still decide.
        initial = super().get_initial()
        if self.request.GET.get("commune", "").isdigit():
            initial["commune"] = int(self.request.GET["commune"])
        return initial


class ObjectUpdateView(ObjectEditMixin, UpdateView):
    pass


class ObjectDeleteView(ScopedMixin, DeleteView):
    action = Action.CHANGE
    template_name = "registry/object_confirm_delete.html"

    def get_success_url(self) -> str:
        return reverse(self.entity.url("list"))

    def form_valid(self, form: BaseForm) -> HttpResponse:
        name = str(self.object)
        try:
            with transaction.atomic():
                self.object.delete()
        except ProtectedError as error:
            blockers = sorted({str(obj._meta.verbose_name) for obj in error.protected_objects})
            messages.error(
                self.request,
                gettext(
                    "Không xóa được “%(name)s”: còn %(blockers)s gắn với nó. Hãy xóa hoặc chuyển chúng trước."
                )
                % {"name": name, "blockers": ", ".join(blockers)},
            )
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(
            self.request,
            gettext("Đã xóa %(kind)s “%(name)s”.")
            % {"kind": self.entity.model._meta.verbose_name, "name": name},
        )
        return HttpResponseRedirect(self.get_success_url())
