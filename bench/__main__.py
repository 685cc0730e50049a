"""`make bench`: run every benchmark module under bench/ in turn (each prints its own figures).

Each module runs in its own process (its own Django settings and database), bounded in time.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
TIMEOUT_S = 45 * 60  # the first run generates the national-scale dataset (a few minutes)


def main() -> int:
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    if not names:
        print("Chưa có benchmark nào.")
        return 0
    failed = 0
    for name in names:
        print(f"== {name}", flush=True)
        started = time.monotonic()
        try:
            code = subprocess.run(
                [sys.executable, "-m", f"bench.{name}", *sys.argv[1:]], cwd=BASE_DIR, timeout=TIMEOUT_S
            ).returncode
        except subprocess.TimeoutExpired:
            print(f"{name}: quá {TIMEOUT_S // 60} phút, dừng.")
            code = 1
        print(f"({name}: {time.monotonic() - started:.0f} s)", flush=True)
        failed += 0 if code == 0 else 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
