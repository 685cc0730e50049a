"""The benchmarks' national-scale database, kept apart from the project database and reused.

``manage.py generate_scale`` takes a few minutes, so its result lives in its own database
(``antq_scale`` on the embedded server, or ``BENCH_DATABASE_URL``) and later bench runs find it
there. ``BENCH_SMALL=1`` uses ``antq_scale_small`` with the small dataset for a quick look.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent


def small() -> bool:
    return os.environ.get("BENCH_SMALL") == "1"


def database_url() -> str:
    """URL of the scale database, created empty when missing (the embedded server is started)."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    from config.embedded_db import embedded_database_url, ensure_database

    # Holding the embedded server's handle in this process keeps it running for the whole bench.
    project = urlsplit(embedded_database_url(BASE_DIR))
    name = "antq_scale_small" if small() else "antq_scale"
    ensure_database(urlunsplit(project._replace(path="/postgres")), name)
    return urlunsplit(project._replace(path=f"/{name}"))


def manage(url: str, *args: str, timeout: int = 1800) -> str:
    """Run a management command against the scale database (development settings)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "ANTQ_TESTING")}
    env.update(DATABASE_URL=url, DJANGO_ENV="development", DEBUG="false")
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} thất bại:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def ensure_dataset(url: str) -> None:
    """Migrate the scale database and generate the synthetic dataset once."""
    manage(url, "migrate", "--noinput", "-v", "0")
    code = "from dashboard import scale; print('SCALE', scale.synthetic_provinces().exists())"
    if "SCALE True" in manage(url, "shell", "-c", code):
        return
    print(
        "Sinh dữ liệu mô phỏng"
        + (" (bộ nhỏ)" if small() else " (quy mô toàn quốc, khoảng 2-4 phút, chỉ lần đầu)")
        + "…",
        flush=True,
    )
    started = time.monotonic()
    manage(url, "generate_scale", *(["--small"] if small() else []))
    print(f"Đã sinh trong {time.monotonic() - started:.0f} giây.", flush=True)
