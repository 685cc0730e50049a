"""Rendered pages reused while the data they show has not changed (see ``dashboard.models``).

The key holds everything a rendering depends on: what is shown (unit, year, or a page's address),
who looks (role and scope path decide which rows count and which links show), the language, and the
data version. A transaction that has itself written counted data neither reads nor fills the cache:
its own uncommitted rows are not part of any version.

Dashboards use :func:`cached`; list and overview pages use :func:`cached_page`, which keeps only
the page's body: the frame around it (menu, messages, the user's forms) is rendered every time.

The "dashboard" cache is a directory under ``var/`` (settings): the server's worker processes share
it, so a page is built once per version, not once per process.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

if TYPE_CHECKING:
    from accounts.models import User

T = TypeVar("T")


@dataclass(frozen=True)
class Version:
    xid: int | None  # None: no version row (e.g. a freshly flushed database)
    lineage: str | None  # the database's, see dashboard.models: the kept pages outlive a database
    own_changes: bool  # this transaction has written counted data

    @property
    def usable(self) -> bool:
        return self.xid is not None and not self.own_changes


def current_version() -> Version:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v.xid, v.lineage::text, current_setting('dashboard.changed', true) = 'on' "
            "FROM (SELECT 1) one LEFT JOIN dashboard_dataversion v ON v.id = 1"
        )
        xid, lineage, own_changes = cursor.fetchone()
    return Version(xid, lineage, bool(own_changes))


def _key(user: User, parts: tuple[Hashable, ...], version: Version) -> str:
    who = (user.role, "" if user.is_admin else (user.scope_path or ""))
    text = repr((*parts, *who, translation.get_language(), version.lineage, version.xid))
    return "dashboard:" + hashlib.sha256(text.encode()).hexdigest()


def cached(user: User, parts: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """``build()``'s result for this user, data version and language, built at most once per version.

    The version is read before and again after building: if another transaction committed counted
    data in between, the result may mix both states, so it is returned but not kept. Equal reads
    mean every query of ``build`` saw the data of that version, whatever the isolation level.
    """
    version = current_version()
    if not version.usable:
        return build()
    cache = caches["dashboard"]
    key = _key(user, parts, version)
    value = cache.get(key)
    if value is None:
        value = build()
        if current_version() == version:
            cache.set(key, value)
    return value


# Stands for the CSRF token in a kept body: every reader's forms get their own token when served.
CSRF_PLACEHOLDER = "csrf-token-of-the-reader"


def cached_page(
    request: HttpRequest,
    build: Callable[[], TemplateResponse],
    *,
    title: str,
    scripts: tuple[str, ...] = (),
) -> HttpResponse:
    """The page whose body ``build()`` renders, the body kept per user, address, day and version.

    ``build`` runs only on a miss and returns the body's ``TemplateResponse`` (it may raise, e.g.
    ``Http404``). The key holds the user's own id, since a body may show what only they may do;
    and today's date, since what is "running" or "due" follows the calendar, not the data.
    """

    def body() -> str:
        response = build()
        response.context_data["csrf_token"] = CSRF_PLACEHOLDER
        return response.rendered_content

    parts = ("page", request.user.pk, request.get_full_path(), timezone.localdate().isoformat())
    html = cached(request.user, parts, body)
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return render(request, "page.html", {"title": title, "body": mark_safe(html), "scripts": scripts})  # noqa: S308
