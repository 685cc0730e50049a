"""Load test: gunicorn with production settings on loopback, wrk on the main pages, logged in.

``make bench`` runs it for 60 s per page; ``python -m bench.bench_load --seconds 5`` for a quick
look. Each page is measured next to the Django admin changelist of the same data as a baseline.
Requests/s, p50/p95/p99 latency and errors (non-2xx, socket errors) per page; any error fails.

To add a page, append to ``PAGES``: a label, the demo user who opens it, and a function that
returns its path (it runs inside Django, against the benchmark database, after the demo data is
loaded).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
HOST = "127.0.0.1"  # loopback only, never anything else


@dataclass(frozen=True)
class Page:
    label: str
    username: str  # a demo user (manage.py load_demo)
    path: str  # Python expression evaluated inside Django, giving the URL path


# The pages under load. Paths are expressions run in `manage.py shell` after the demo load.
PAGES: list[Page] = [
    Page("Trang chủ (tỉnh)", "tinh", "reverse('home')"),
    Page("Trang chủ (lãnh đạo)", "lanhdao", "reverse('home')"),
    Page(
        "Trang một xã",
        "tinh",
        # The demo commune (Khánh Bình), inside the province user's scope.
        "AdministrativeUnit.objects.get(code='22615', valid_to__isnull=True).get_absolute_url()",
    ),
    Page("Nhật ký thay đổi", "admin", "reverse('audit:change_list')"),
    # Baseline: the Django admin's changelist of the same units.
    Page(
        "Admin: danh sách đơn vị (mốc so sánh)",
        "admin",
        "reverse('admin:registry_administrativeunit_changelist')",
    ),
]

WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write("WRK_JSON " .. string.format(
    '{"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, '
    .. '"status": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.status, e.connect, e.read, e.write, e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def production_env(database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "ANTQ_TESTING")}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS=HOST,
        LOG_LEVEL="ERROR",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args[:1])} thất bại:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare(env: dict[str, str], pages: list[Page]) -> tuple[dict[str, str], list[str]]:
    """Migrate, load the demo data, collect static files; return a session per user and the paths."""
    dev_env = {**env, "DJANGO_ENV": "development"}  # load_demo refuses production, on purpose
    manage(dev_env, "migrate", "--noinput", "-v", "0")
    manage(dev_env, "load_demo")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    users = sorted({p.username for p in pages})
    code = (
        "import json\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from django.urls import reverse\n"
        "from accounts.models import User\n"
        "from registry.models import AdministrativeUnit\n"
        "out = {'sessions': {}, 'paths': []}\n"
        f"for name in {users!r}:\n"
        "    u = User.objects.get(username=name)\n"
        "    s = SessionStore()\n"
        "    s['_auth_user_id'] = str(u.pk)\n"
        "    s['_auth_user_backend'] = 'django.contrib.auth.backends.ModelBackend'\n"
        "    s['_auth_user_hash'] = u.get_session_auth_hash()\n"
        "    s.create()\n"
        "    out['sessions'][name] = s.session_key\n"
        f"for expr in {[p.path for p in pages]!r}:\n"
        "    out['paths'].append(eval(expr))\n"
        "print('BENCH_JSON', json.dumps(out))\n"
    )
    output = manage(env, "shell", "-c", code)
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return data["sessions"], data["paths"]


def fetch(url: str, cookie: str) -> int:
    assert url.startswith(f"http://{HOST}:"), url  # loopback only
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run_wrk(url: str, cookie: str, seconds: int, connections: int, threads: int, script: Path) -> dict:
    result = subprocess.run(
        [
            shutil.which("wrk") or "/usr/bin/wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-H",
            f"Cookie: {cookie}",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk không cho kết quả:\n{result.stdout}\n{result.stderr}")
    return json.loads(line.removeprefix("WRK_JSON "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="thời gian đo mỗi trang (mặc định 60)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=min(4, os.cpu_count() or 1))
    parser.add_argument("--workers", type=int, default=max(2, (os.cpu_count() or 1) + 1))
    parser.add_argument("--database-url", help="PostgreSQL cho phép đo (mặc định: CSDL nhúng của dự án)")
    args = parser.parse_args(argv)
    if not (shutil.which("wrk") or Path("/usr/bin/wrk").exists()):
        print("Không có wrk: cài bằng 'apt-get install -y wrk'.")
        return 2

    env = production_env(args.database_url)
    sessions, paths = prepare(env, PAGES)
    port = free_port()
    base = f"http://{HOST}:{port}"
    server = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "30",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    failed = False
    rows = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if fetch(f"{base}/healthz", "") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("gunicorn không khởi động được.")
                return 1
            time.sleep(0.3)
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "report.lua"
            script.write_text(WRK_REPORT)
            for page, path in zip(PAGES, paths, strict=True):
                cookie = f"sessionid={sessions[page.username]}"
                status = fetch(base + path, cookie)
                if status != 200:
                    print(f"{page.label}: {path} trả về {status}, không đo.")
                    failed = True
                    continue
                r = run_wrk(base + path, cookie, args.seconds, args.connections, args.threads, script)
                errors = r["status"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
                failed |= errors > 0
                rps = r["requests"] / (r["duration_us"] / 1e6)
                rows.append(
                    (page.label, path, rps, r["p50"] / 1000, r["p95"] / 1000, r["p99"] / 1000, errors)
                )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    print(
        f"gunicorn {args.workers} worker, wrk {args.connections} kết nối, {args.seconds} s mỗi trang, "
        "DJANGO_ENV=production, 127.0.0.1"
    )
    header = f"{'trang':<40} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'lỗi':>5}  đường dẫn"
    print(header)
    print("-" * len(header))
    for label, path, rps, p50, p95, p99, errors in rows:
        print(f"{label:<40} {rps:>8.1f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {errors:>5}  {path}")
    if failed:
        print("CÓ LỖI: mọi trang phải trả 200 và không có lỗi nào dưới tải.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
