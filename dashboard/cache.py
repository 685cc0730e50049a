"""Rendered dashboards reused while the counted data has not changed (see ``dashboard.models``).

The key holds everything a rendering depends on: what is shown (unit, year), who looks (role and
scope path decide which rows count and which links show), the language, and the data version. A
transaction that has itself written counted data neither reads nor fills the cache: its own
uncommitted rows are not part of any version.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.core.cache import caches
from django.db import connection
from django.utils import translation

if TYPE_CHECKING:
    from accounts.models import User

T = TypeVar("T")


@dataclass(frozen=True)
class Version:
    xid: int | None  # None: no version row (e.g. a freshly flushed database)
    own_changes: bool  # this transaction has written counted data

    @property
    def usable(self) -> bool:
        return self.xid is not None and not self.own_changes


def current_version() -> Version:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT xid FROM dashboard_dataversion WHERE id = 1), "
            "current_setting('dashboard.changed', true) = 'on'"
        )
        xid, own_changes = cursor.fetchone()
    return Version(xid, bool(own_changes))


def _key(user: User, parts: tuple[Hashable, ...], version: Version) -> str:
    who = (user.role, "" if user.is_admin else (user.scope_path or ""))
    text = repr((*parts, *who, translation.get_language(), version.xid))
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
