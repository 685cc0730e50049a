"""A second database connection for a dashboard's independent half.

A dashboard's figures and its child table are independent groups of queries. Run one after the
other, they use one connection and so one core of PostgreSQL while the server has more. ``alongside``
starts a function on a worker thread, with its own connection and aggregate session, and gives
back a way to wait for its result: the caller computes the other half meanwhile.

It does so only where the other connection sees what the caller sees: when the aggregate session
is the caller's outermost transaction. Inside a longer transaction (a test's, or a write's whose
changes are not committed yet) the function simply runs in place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.conf import settings
from django.db import close_old_connections, connection

T = TypeVar("T")

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    # Made on first use, so in each gunicorn worker after the fork, never before it.
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dashboard-lane")
        return _pool


def can_run_alongside() -> bool:
    """Whether another connection would see the same data: the caller's only transaction is the
    aggregate session (see the module's docstring)."""
    return settings.DASHBOARD_LANES and len(connection.atomic_blocks) == 1


def alongside(function: Callable[[], T], *, whole_country: bool = False) -> Callable[[], T]:
    """Start ``function`` on another connection if that is safe, else run it now; either way the
    returned callable gives its result (or raises its exception)."""
    if not can_run_alongside():
        result = function()
        return lambda: result
    return _executor().submit(_in_session, function, whole_country).result


def _in_session(function: Callable[[], T], whole_country: bool) -> T:
    from dashboard.services import aggregate_session

    close_old_connections()  # a pooled thread's connection may have aged or broken since
    with aggregate_session(whole_country=whole_country):
        return function()
