"""The one scoping mechanism: (user, action) → queryset filter.

Every model that users read declares ``scope_path_lookup``: the lookup from the model to the
materialised ``path`` of the administrative unit it belongs to (e.g. ``"commune__path"``). A user
sees the rows whose unit lies in the subtree of their scope unit. Views, admin, imports, exports and
dashboards all go through :meth:`ScopedQuerySet.restrict`, never through ad-hoc filters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext

from accounts.roles import Action

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from registry.models import AdministrativeUnit

M = TypeVar("M", bound=models.Model)


def scope_q(user: User | AnonymousUser, action: Action | str, lookup: str) -> models.Q | None:
    """The filter for ``user`` doing ``action`` on rows whose unit path is at ``lookup``.

    Returns ``None`` when the user may see everything, and a Q that matches nothing when the user
    may see nothing.
    """
    prefix = _scope_prefix(user, action)
    if prefix is None:
        return models.Q(pk__in=[])
    return models.Q(**{f"{lookup}__startswith": prefix}) if prefix else None


def sees_path(user: User | AnonymousUser, path: str) -> bool:
    """Whether ``scope_q(user, VIEW, ...)`` matches a row at unit path ``path``: the same rule, for
    a row already in hand (a breadcrumb's parent unit) without another query."""
    prefix = _scope_prefix(user, Action.VIEW)
    return prefix is not None and path.startswith(prefix)


def visible_parent(unit: AdministrativeUnit, user: User | AnonymousUser) -> AdministrativeUnit | None:
    """``unit``'s parent when ``user`` may open it, else None: a breadcrumb never leads to a 404."""
    parent = unit.parent if unit.parent_id else None
    return parent if parent is not None and sees_path(user, parent.path) else None


def _scope_prefix(user: User | AnonymousUser, action: Action | str) -> str | None:
    """The unit path a row must start with for ``user`` to do ``action`` on it: "" for every row,
    None for none."""
    if not getattr(user, "is_authenticated", False) or not user.can(action):
        return None
    if user.is_admin:
        return ""
    return user.scope_path or None

class ScopedQuerySet(models.QuerySet[M]):
    def restrict(self, user: User | AnonymousUser, action: Action | str = Action.VIEW) -> ScopedQuerySet[M]:
        q = scope_q(user, action, self.model.scope_path_lookup)
        return self if q is None else self.filter(q)

    def visible_to(self, user: User | AnonymousUser) -> ScopedQuerySet[M]:
        return self.restrict(user, Action.VIEW)

    def editable_by(self, user: User | AnonymousUser) -> ScopedQuerySet[M]:
        return self.restrict(user, Action.CHANGE)

    def reviewable_by(self, user: User | AnonymousUser) -> ScopedQuerySet[M]:
        return self.restrict(user, Action.REVIEW)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def get_scoped_object_or_404(
    queryset_or_model: type[M] | models.QuerySet[M],
    user: User | AnonymousUser,
    action: Action | str = Action.VIEW,
    **lookup: Any,
) -> M:
    """The object if ``user`` may do ``action`` on it, else 404: never trust an id from the URL."""
    qs = (
        queryset_or_model._default_manager.all() if isinstance(queryset_or_model, type) else queryset_or_model
    )
    try:
        return qs.restrict(user, action).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        # A malformed id ("?unit=abc") is as unknown as a missing one.
        raise Http404(gettext("Không tìm thấy hoặc bạn không có quyền truy cập.")) from exc
