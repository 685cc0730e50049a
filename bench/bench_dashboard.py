"""Dashboard speed on a national-scale dataset: page time against the time of its own SQL.

Run by ``make bench`` (or ``python -m bench.bench_dashboard [--small] [--detail]``). Works in the benches'
scale database (``bench/scale_db.py``: ``antq_scale``), generating the synthetic dataset
(``manage.py generate_scale``) there the first time. For the province and the country dashboards it
renders the page, captures the SQL it ran, then runs that SQL alone, one statement after another
on one connection, and checks that the page takes at most twice its SQL and under 300 ms. The page
runs its child table on a second connection meanwhile (``dashboard/lanes.py``), as in production.

``--detail`` also lists each page's slowest statements, timed alone.

The contract is measured cold: the dashboard cache (``dashboard/cache.py``) is emptied before every
rendering, so each one runs all its aggregates. The warm column shows a repeated view of unchanged
data, served from the cache, for information.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

PAGE_BUDGET_MS = 300.0
MAX_RATIO = 2.0
RUNS = 7


def _setup() -> None:
    from bench import scale_db

    url = scale_db.database_url()
    scale_db.ensure_dataset(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _median_ms(action: Callable[[], object], runs: int = RUNS) -> float:
    action()  # warm caches and connections
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--small" in argv:
        os.environ["BENCH_SMALL"] = "1"
    _setup()

    from django.core.cache import caches
    from django.db import connection, transaction
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse

    from accounts.models import User
    from accounts.roles import Role
    from dashboard import scale, views

    province = scale.synthetic_provinces().order_by("code").first()
    year = scale.Sizes().last_year
    admin = User(username="bench", role=Role.ADMIN, is_active=True)  # never saved
    factory = RequestFactory()

    def render(view: Callable, url: str, *, cold: bool = True, **kwargs) -> Callable[[], object]:
        def run() -> object:
            if cold:
                caches["dashboard"].clear()
            request = factory.get(url, {"year": year})
            request.user = admin
            response = view(request, **kwargs)
            assert response.status_code == 200, response.status_code
            return response.content

        return run

    province_url = reverse("dashboard:unit", args=[province.pk])
    cases = [
        (
            f"Tỉnh ({province.full_name})",
            render(views.unit, province_url, pk=province.pk),
            render(views.unit, province_url, cold=False, pk=province.pk),
        ),
        (
            "Toàn quốc",
            render(views.country, reverse("dashboard:country")),
            render(views.country, reverse("dashboard:country"), cold=False),
        ),
    ]
    failures = 0
    details: list[tuple[str, list[tuple[float, str]]]] = []
    print(
        f"{'Trang':<32} {'trang (ms)':>10} {'SQL (ms)':>10} {'tỷ lệ':>6} {'số truy vấn':>11}",
        f"{'có cache (ms)':>13}",
    )
    for name, page, warm_page in cases:
        # Every statement of the page, on one connection: the second one (``dashboard.lanes``)
        # is off while they are captured, so none is missed.
        with override_settings(DASHBOARD_LANES=False), CaptureQueriesContext(connection) as captured:
            page()
        statements = [q["sql"] for q in captured.captured_queries]

        def run_sql(statements: list[str] = statements) -> None:
            # In a transaction like the page, so its SET LOCAL applies to the same queries.
            with transaction.atomic(), connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    if cursor.description is not None:
                        cursor.fetchall()

        page_ms = _median_ms(page)
        sql_ms = _median_ms(run_sql)
        if "--detail" in argv:
            details.append((name, _slowest(statements, connection, transaction)))
        warm_ms = _median_ms(warm_page)
        ratio = page_ms / sql_ms if sql_ms else float("inf")
        ok = page_ms <= PAGE_BUDGET_MS and ratio <= MAX_RATIO
        failures += 0 if ok else 1
        print(
            f"{name:<32} {page_ms:>10.1f} {sql_ms:>10.1f} {ratio:>6.2f} {len(statements):>11}",
            f"{warm_ms:>13.1f}",
            "đạt" if ok else "CHƯA ĐẠT",
        )
    print(f"Yêu cầu (đo khi chưa có cache): trang ≤ {MAX_RATIO:g} x SQL và < {PAGE_BUDGET_MS:g} ms.")
    for name, slowest in details:
        print(f"\n{name}: các truy vấn chậm nhất (ms, trung vị {RUNS} lần)")
        for ms, sql in slowest:
            print(f"{ms:8.1f}  {sql[:100]}")
    return 1 if failures else 0


def _slowest(statements: list[str], connection: Any, transaction: Any) -> list[tuple[float, str]]:
    """Each statement's median time alone, in the page's transaction and settings; the slowest."""
    settings = next(sql for sql in statements if sql.startswith("SET"))  # the page's SET LOCAL

    def timed(sql: str) -> Callable[[], None]:
        def run() -> None:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(settings)
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()

        return run

    times = [(_median_ms(timed(sql)), sql) for sql in statements if sql.startswith("SELECT")]
    return sorted(times, reverse=True)[:6]


if __name__ == "__main__":
    sys.exit(main())
