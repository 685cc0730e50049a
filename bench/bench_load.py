"""Load test: gunicorn with production settings on loopback, wrk on the main pages, logged in.

``make bench`` runs it for 60 s per page; ``python -m bench.bench_load --seconds 5`` for a quick
look. Each page is measured next to the Django admin changelist of the same data as a baseline.
Requests/s, p50/p95/p99 latency and errors (non-2xx, socket errors) per page; any error fails.

Read pages keep their rendered body while the data version stands (``dashboard.cache``), so a page
opened again is served from that copy. Pages with ``cold`` set are measured a second time with a
new address on every request (an unknown ``_n`` parameter), which makes every body be built from
the database: the figure for a first view after a change.

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
    username: str  # a bench user (BENCH_USERS), or "" for no login
    path: str  # Python expression evaluated inside Django, giving the URL path
    cold: bool = False  # also measured with every body built from the database (see above)


# Users scoped to the first generated province, its first district and first commune; created
# (or updated) by the bench in the scale database: name -> (role, expression giving the scope unit).
BENCH_USERS: dict[str, tuple[str, str]] = {
    "bench_admin": ("admin", "None"),
    "bench_tinh": ("province_staff", "province"),
    "bench_lanhdao": ("leadership", "province"),
    "bench_huyen": ("district_reviewer", "district"),
    "bench_xa": ("commune_staff", "commune"),
}

# The pages under load, on the national-scale dataset. Paths are expressions run in
# `manage.py shell` with `province`, `district`, `commune` (generated units) and `reverse` in scope.
PAGES: list[Page] = [
    Page("Sàn: /healthz (không đăng nhập)", "", "'/healthz'"),
    Page("Trang chủ (tỉnh)", "bench_tinh", "reverse('home')"),
    Page("Trang chủ (lãnh đạo)", "bench_lanhdao", "reverse('home')"),
    Page("Danh sách xã (tỉnh)", "bench_tinh", "reverse('registry:unit_list') + '?level=commune'", cold=True),
    Page(
        "Danh sách xã (quản trị, cả nước)",
        "bench_admin",
        "reverse('registry:unit_list') + '?level=commune'",
        cold=True,
    ),
    Page("Trang một xã", "bench_tinh", "commune.get_absolute_url()", cold=True),
    Page("Hàng chờ thẩm định (huyện)", "bench_huyen", "reverse('certification:review_queue')", cold=True),
    # Its first view after a change is bench_dashboard's subject (its key ignores the address).
    Page("Bảng số liệu tỉnh", "bench_lanhdao", "reverse('dashboard:unit', args=[province.pk])"),
    Page("Nhật ký thay đổi", "bench_admin", "reverse('audit:change_list')", cold=True),
    # Baseline: the Django admin's changelist of the same units (all communes of the country).
    Page(
        "Admin: danh sách xã (mốc so sánh)",
        "bench_admin",
        "reverse('admin:registry_administrativeunit_changelist') + '?level__exact=commune'",
    ),
]
BASELINE = PAGES[-1].label
# Our pages must do at least as well as the admin changelist, and this p95 on the dataset.
P95_TARGET_MS = 250.0

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

# A new address for every request of every wrk thread: no body can be served from the copy.
WRK_COLD = """
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
local n = 0
request = function()
  n = n + 1
  local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. sep .. "_n=" .. thread_id .. "-" .. n)
end
"""
COLD = " — mới dựng"


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
    """Create the bench users, collect static files; return a session per user and the paths."""
    manage(env, "collectstatic", "--noinput", "-v", "0")
    code = (
        "import json\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from django.urls import reverse\n"
        "from accounts.models import User\n"
        "from dashboard import scale\n"
        "from registry.models import AdministrativeUnit\n"
        "province = scale.synthetic_provinces().order_by('code').first()\n"
        "district = AdministrativeUnit.objects.filter(parent=province).order_by('code').first()\n"
        "commune = AdministrativeUnit.objects.filter(parent=district).order_by('code').first()\n"
        "out = {'sessions': {}, 'paths': []}\n"
        f"for name, (role, unit) in {BENCH_USERS!r}.items():\n"
        "    u = User.objects.filter(username=name).first() or User(username=name)\n"
        "    u.role, u.scope_unit, u.is_active = role, eval(unit), True\n"
        "    u.is_staff = u.is_superuser = role == 'admin'\n"
        "    u.set_unusable_password()\n"
        "    u.save()\n"
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
            # As long as gunicorn's own worker timeout: a slow answer is measured, not counted as lost.
            "--timeout",
            "30s",
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
    parser.add_argument("--only", help="chỉ đo các trang có nhãn chứa chuỗi này (cùng trang mốc)")
    args = parser.parse_args(argv)
    if not (shutil.which("wrk") or Path("/usr/bin/wrk").exists()):
        print("Không có wrk: cài bằng 'apt-get install -y wrk'.")
        return 2

    sys.path.insert(0, str(BASE_DIR))
    from bench import scale_db

    url = scale_db.database_url()  # keeps the embedded server up while this process runs
    scale_db.ensure_dataset(url)
    env = production_env(url)
    pages = [p for p in PAGES if not args.only or args.only in p.label or p.label == BASELINE]
    sessions, paths = prepare(env, pages)
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
            cold_script = Path(tmp) / "cold.lua"
            cold_script.write_text(WRK_COLD + WRK_REPORT)
            for page, path in zip(pages, paths, strict=True):
                cookie = f"sessionid={sessions[page.username]}" if page.username else ""
                try:
                    status = fetch(base + path, cookie)
                except OSError as error:  # urllib's URLError too: the server went away
                    status = f"{error} (gunicorn {'đã dừng' if server.poll() is not None else 'còn chạy'})"
                if status != 200:
                    print(f"{page.label}: {path} trả về {status}, không đo.")
                    failed = True
                    continue
                runs = [(page.label, script)] + ([(page.label + COLD, cold_script)] if page.cold else [])
                for label, lua in runs:
                    r = run_wrk(base + path, cookie, args.seconds, args.connections, args.threads, lua)
                    errors = r["status"] + r["connect"] + r["read"] + r["write"] + r["timeout"]
                    failed |= errors > 0
                    rps = r["requests"] / (r["duration_us"] / 1e6)
                    rows.append((label, path, rps, r["p50"] / 1000, r["p95"] / 1000, r["p99"] / 1000, errors))
                    print(f"  {label}: {rps:.1f} req/s, p95 {r['p95'] / 1000:.0f} ms", flush=True)
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
    baseline = next((r for r in rows if r[0] == BASELINE), None)
    floor = next((r for r in rows if r[1] == "/healthz"), None)
    slower = [r[0] for r in rows if baseline and r is not baseline and r[2] < baseline[2]]
    over = [r[0] for r in rows if r is not floor and r[4] > P95_TARGET_MS]
    if slower:
        print(f"Chậm hơn trang mốc ({BASELINE}): {', '.join(slower)}")
        failed = True
    if over:
        # Reported, not failed: with N connections on few cores latency ≈ N / throughput, and the
        # floor row (/healthz) shows what the machine itself allows.
        print(f"p95 trên {P95_TARGET_MS:g} ms: {', '.join(over)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
